"""Benchmarks of issue 8: run them with ``python -m bench`` (``make bench``)."""
