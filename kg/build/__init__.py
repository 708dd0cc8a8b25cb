"""The build: ingest, the per-article stage, cache, release, versions, the chain."""
