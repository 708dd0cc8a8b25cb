"""Shared fixtures. The spaCy model is loaded once per test session."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def nlp() -> Any:
    from kg.extract.nlp import load_model

    return load_model()
