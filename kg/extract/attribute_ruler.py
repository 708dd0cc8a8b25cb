"""The model's attribute ruler with its rules looked up by token instead of run through a Matcher.

``en_core_web_sm`` maps fine-grained tags to part-of-speech and morphology with an
``AttributeRuler``: 179 one- and two-token rules ("TAG NN -> NOUN", "LOWER 's + TAG POS -> ...").
spaCy's ``Matcher`` tries every rule at every token, which made it the third most expensive
component of the pipeline (about 2 ms of 17 per article, more than the tagger and lemmatizer
together). :class:`IndexedAttributeRuler` finds exactly the same matches by looking rules up by
the value of their first token's most selective attribute, and hands them to spaCy's own
``set_annotations``: the attributes are set by spaCy's code, in spaCy's order. Rules outside the
simple subset indexed here (operators, numeric attributes, extension attributes ...) make it fall
back to the Matcher for the whole component.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.strings import StringStore, get_string_id
from spacy.tokens import Doc

FACTORY = "kg_indexed_attribute_ruler"
STOCK = "attribute_ruler"

#: Token attributes the index reads: ``Doc.to_array`` gives string attributes as their IDs (the
#: Matcher compares those too) and flags (``IS_*``) as 0 or 1.
_STRINGS = frozenset({"ORTH", "LOWER", "NORM", "TAG", "POS", "DEP", "LEMMA"})
_FLAGS = frozenset({"IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT", "IS_LOWER", "IS_UPPER"})
#: Attributes that pick a first token most selectively, best first (a tag narrows to one rule
#: of the tag map, a word to its exceptions).
_INDEX_ORDER = ("ORTH", "LOWER", "NORM", "LEMMA", "TAG", "POS", "DEP", *sorted(_FLAGS))
#: Regular expression results kept per test (a vocabulary's worth of strings).
_REGEX_MEMO = 100_000


class Unindexable(Exception):
    """A rule uses Matcher syntax the index does not cover; the Matcher runs instead."""


@dataclass(frozen=True)
class _Test:
    """One attribute of one token: equal to ``value``, in / not in ``values`` (string IDs or
    flags as 0/1), or searched by ``regex`` in the string (as the Matcher does: ``re.search``)."""

    attr: str
    value: int = 0
    values: frozenset[int] | None = None
    negated: bool = False
    regex: re.Pattern[str] | None = None
    searched: dict[int, bool] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_equality(self) -> bool:
        return self.values is None and self.regex is None

    def holds(self, found: int, strings: StringStore) -> bool:
        if self.regex is not None:
            known = self.searched.get(found)
            if known is None:
                if len(self.searched) >= _REGEX_MEMO:
                    self.searched.clear()
                known = self.searched[found] = self.regex.search(strings[found]) is not None
            return known
        if self.values is None:
            return found == self.value
        return (found in self.values) != self.negated


@dataclass(frozen=True)
class _Rule:
    key: int  # the ruler's rule number (later rules win where two set the same attribute)
    tokens: tuple[tuple[_Test, ...], ...]

    def without(self, test: _Test) -> _Rule:
        """The rule with ``test`` of its first token left out (the index has checked it)."""
        first = tuple(t for t in self.tokens[0] if t is not test)
        return _Rule(self.key, (first, *self.tokens[1:]))


@dataclass(frozen=True)
class _Index:
    """Rules by (attribute, value) of their first token, and those with no such equality."""

    by_value: tuple[tuple[str, dict[int, tuple[_Rule, ...]]], ...]
    others: tuple[_Rule, ...]
    attrs: tuple[str, ...]  # every attribute any rule reads

    def matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """(rule, start, end) of every match, as the ruler's Matcher finds them."""
        size = len(doc)
        array = doc.to_array(list(self.attrs)).reshape(size, len(self.attrs))
        columns = cast(list[list[int]], array.T.tolist())  # uint64 IDs: Python ints
        values = dict(zip(self.attrs, columns, strict=True))
        indexed = [(values[attr], rules) for attr, rules in self.by_value]
        strings = doc.vocab.strings
        found = set()
        for start in range(size):
            candidates = list(self.others)
            for column, rules in indexed:
                candidates.extend(rules.get(column[start], ()))
            for rule in candidates:
                if start + len(rule.tokens) <= size and self._holds(rule, start, values, strings):
                    found.add((rule.key, start, start + len(rule.tokens)))
        return sorted(found)

    @staticmethod
    def _holds(rule: _Rule, start: int, values: dict[str, list[int]], strings: StringStore) -> bool:
        for at, tests in enumerate(rule.tokens, start):
            for test in tests:
                if not test.holds(values[test.attr][at], strings):
                    return False
        return True


class IndexedAttributeRuler(AttributeRuler):
    """An ``AttributeRuler`` whose rules are looked up by token (see the module docstring)."""

    _index: _Index | None = None
    _indexed = False

    def add(self, patterns: Iterable[Any], attrs: dict[str, Any], index: int = 0) -> None:
        super().add(patterns, attrs, index)
        self._indexed = False

    def clear(self) -> None:
        super().clear()
        self._indexed = False

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        if not self._indexed:
            self._index = index_rules(self.patterns)
            self._indexed = True
        if self._index is None:
            return super().match(doc)  # type: ignore[no-any-return]
        strings = self.vocab.strings
        return [(key, strings[str(key)], s, e) for key, s, e in self._index.matches(doc)]


@Language.factory(FACTORY, default_config={"validate": False})
def make_indexed_attribute_ruler(nlp: Language, name: str, validate: bool) -> IndexedAttributeRuler:
    return IndexedAttributeRuler(nlp.vocab, name, validate=validate)


def index_attribute_ruler(nlp: Language) -> None:
    """Replace ``nlp``'s attribute ruler by an :class:`IndexedAttributeRuler` with its rules."""
    if STOCK not in nlp.pipe_names or isinstance(nlp.get_pipe(STOCK), IndexedAttributeRuler):
        return
    rules = cast(AttributeRuler, nlp.get_pipe(STOCK)).patterns
    indexed = cast(IndexedAttributeRuler, nlp.replace_pipe(STOCK, FACTORY))
    indexed.add_patterns(rules)


def index_rules(rules: Sequence[dict[str, Any]]) -> _Index | None:
    """The index of an attribute ruler's ``patterns``; None if one of them is unindexable."""
    try:
        compiled = [
            _Rule(key, tuple(_tests(token) for token in pattern))
            for key, rule in enumerate(rules)
            for pattern in rule["patterns"]
        ]
    except Unindexable:
        return None
    by_value: dict[str, dict[int, list[_Rule]]] = {}
    others: list[_Rule] = []
    for rule in compiled:
        first = {test.attr: test for test in rule.tokens[0] if test.is_equality}
        attr = next((a for a in _INDEX_ORDER if a in first), None)
        if attr is None:
            others.append(rule)
        else:
            test = first[attr]
            by_value.setdefault(attr, {}).setdefault(test.value, []).append(rule.without(test))
    attrs = sorted({test.attr for rule in compiled for tokens in rule.tokens for test in tokens})
    return _Index(
        by_value=tuple(
            (attr, {value: tuple(r) for value, r in rules.items()})
            for attr, rules in sorted(by_value.items())
        ),
        others=tuple(others),
        attrs=tuple(attrs),
    )


def _tests(token: object) -> tuple[_Test, ...]:
    if not isinstance(token, dict):
        raise Unindexable(f"a token pattern that is not a dict: {token!r}")
    return tuple(_test(attr, value) for attr, value in token.items())


def _test(attr: object, value: object) -> _Test:
    if not isinstance(attr, str):
        raise Unindexable(f"attribute {attr!r} given by ID")
    name = "ORTH" if attr.upper() == "TEXT" else attr.upper()
    if name not in _STRINGS and name not in _FLAGS:
        raise Unindexable(f"attribute {attr} (operators, numbers, extensions: the Matcher's)")
    kind: type = str if name in _STRINGS else bool
    if isinstance(value, dict):
        if len(value) != 1 or next(iter(value)) not in ("IN", "NOT_IN", "REGEX"):
            raise Unindexable(f"{attr}: {value!r}")
        ((op, listed),) = value.items()
        if op == "REGEX":
            if kind is not str or not isinstance(listed, str):
                raise Unindexable(f"{attr}: {value!r}")
            return _Test(name, regex=re.compile(listed))
        if not isinstance(listed, list) or not all(type(v) is kind for v in listed):
            raise Unindexable(f"{attr}: {value!r}")
        return _Test(name, values=frozenset(map(_id, listed)), negated=op == "NOT_IN")
    if type(value) is not kind or not isinstance(value, str | bool):
        raise Unindexable(f"{attr}: {value!r}")
    return _Test(name, value=_id(value))


def _id(value: str | bool) -> int:
    """The value as ``Doc.to_array`` gives it: a string's ID, a flag's 0 or 1."""
    return int(value) if isinstance(value, bool) else get_string_id(value)
