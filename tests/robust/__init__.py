"""Helpers of the robustness tests (``tests/test_robust_*.py``): hostile text, fake extractions,
synthetic datasets, folder snapshots, subprocess builds and raw HTTP on 127.0.0.1."""
