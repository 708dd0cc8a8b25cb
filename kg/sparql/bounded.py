"""Which queries provably cannot run long, so the endpoint may answer them in place.

A query normally runs in a worker process that can be killed at its deadline; the hop there and
back costs more than a lookup itself (about 2 ms against 0.1 ms). A query is answered in place
only when the token stream the lexer read shows it is a *lookup*, whose work the shape alone
bounds whatever the data:

- one triple pattern (optionally inside one ``GRAPH`` block) whose subject is an IRI, so the
  engine reads one index range, that of the subject (in every graph), and nothing else: no join,
  no property path, no ``FILTER``, ``BIND``, ``VALUES``, ``OPTIONAL``, ``UNION`` or subquery;
- as ``SELECT`` of variables or ``*`` (no expression, no ``DISTINCT``), ``ASK``, or
  ``CONSTRUCT`` with a template of at most :data:`MAX_TEMPLATE` triples; or ``DESCRIBE`` of at
  most :data:`MAX_DESCRIBED` IRIs with no ``WHERE``;
- with no solution modifier but ``LIMIT``: nothing (``ORDER BY``, ``GROUP BY``, ``OFFSET``) needs
  every row before the first one is written.

Every row the engine reads is then a result row, results are written as they stream, and the
writer stops at the row limit: the work is at most one index seek plus ``row_limit`` rows (the
same as a Linked Data page, which the server reads in place too). Anything the scanner does not
recognise is simply not a lookup, and runs in a worker as before.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Most triples in the template of a CONSTRUCT answered in place.
MAX_TEMPLATE = 16
#: Most IRIs a DESCRIBE answered in place may name.
MAX_DESCRIBED = 4

Token = tuple[str, str]  # (kind, text) as the lexer reads it


class _NotLookup(Exception):
    """The tokens are not a lookup (internal: ends the scan)."""


class _Tokens:
    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> Token:
        if self.index < len(self.tokens):
            return self.tokens[self.index]
        return ("end", "")

    def take(self) -> Token:
        token = self.peek()
        self.index += 1
        return token

    def word(self) -> str:
        kind, text = self.peek()
        return text.upper() if kind == "word" else ""

    def expect(self, text: str) -> None:
        if self.take()[1] != text:
            raise _NotLookup

    def at_end(self) -> bool:
        return self.index >= len(self.tokens)


def _constant(tokens: _Tokens) -> None:
    """An IRI, written whole or as a prefixed name."""
    if tokens.take()[0] not in ("iri", "pname"):
        raise _NotLookup


def _verb(tokens: _Tokens) -> None:
    kind, text = tokens.take()
    if kind not in ("iri", "pname", "var") and not (kind == "word" and text == "a"):
        raise _NotLookup


def _object(tokens: _Tokens) -> None:
    kind, text = tokens.take()
    if kind in ("iri", "pname", "var", "bnode"):
        return
    if kind == "word" and (text.isdigit() or text in ("true", "false")):
        return
    if kind != "string":
        raise _NotLookup
    if tokens.peek() == ("punct", "@"):
        tokens.take()
        if tokens.take()[0] != "word":
            raise _NotLookup
        while tokens.peek() == ("punct", "-"):
            tokens.take()
            if tokens.take()[0] != "word":
                raise _NotLookup
    elif tokens.peek() == ("punct", "^"):
        tokens.take()
        tokens.expect("^")
        _constant(tokens)


def _triples(tokens: _Tokens, *, constant_subject: bool) -> int:
    """Triples up to the closing ``}`` (taken): ``s p o`` with ``;`` and ``,``; their count."""
    count = 0
    while True:
        if tokens.peek()[1] == "}":
            tokens.take()
            return count
        if tokens.peek()[1] == ".":
            tokens.take()
            continue
        if constant_subject:
            _constant(tokens)
        else:
            _object(tokens)
        while True:
            _verb(tokens)
            _object(tokens)
            count += 1
            while tokens.peek()[1] == ",":
                tokens.take()
                _object(tokens)
                count += 1
            if tokens.peek()[1] != ";":
                break
            while tokens.peek()[1] == ";":
                tokens.take()
            if tokens.peek()[1] in (".", "}"):
                break


def _where(tokens: _Tokens) -> None:
    """``WHERE? { [GRAPH g {] s p o [}] }`` with one triple pattern on a constant subject."""
    if tokens.word() == "WHERE":
        tokens.take()
    tokens.expect("{")
    inner = tokens.word() == "GRAPH"
    if inner:
        tokens.take()
        if tokens.take()[0] not in ("iri", "pname", "var"):
            raise _NotLookup
        tokens.expect("{")
    if _triples(tokens, constant_subject=True) != 1:
        raise _NotLookup
    if inner:
        tokens.expect("}")


def _dataset_clauses(tokens: _Tokens) -> None:
    while tokens.word() == "FROM":
        tokens.take()
        if tokens.word() == "NAMED":
            tokens.take()
        _constant(tokens)


def _modifiers(tokens: _Tokens) -> None:
    if tokens.word() == "LIMIT":
        tokens.take()
        kind, text = tokens.take()
        if kind != "word" or not text.isdigit():
            raise _NotLookup
    if not tokens.at_end():
        raise _NotLookup


def _select(tokens: _Tokens) -> None:
    if tokens.peek() == ("punct", "*"):
        tokens.take()
    else:
        if tokens.peek()[0] != "var":
            raise _NotLookup
        while tokens.peek()[0] == "var":
            tokens.take()


def _construct(tokens: _Tokens) -> None:
    if tokens.word() == "WHERE":  # the short form: the pattern is the template
        return
    tokens.expect("{")
    if _triples(tokens, constant_subject=False) > MAX_TEMPLATE:
        raise _NotLookup


def _describe(tokens: _Tokens) -> None:
    count = 0
    while tokens.peek()[0] in ("iri", "pname"):
        tokens.take()
        count += 1
    if not 1 <= count <= MAX_DESCRIBED or not tokens.at_end():
        raise _NotLookup


def is_lookup(significant: Sequence[Token]) -> bool:
    """Whether ``significant`` (the lexer's tokens, comments and spaces left out) is a query
    that provably reads one subject's index range and nothing more (see the module docstring)."""
    tokens = _Tokens(significant)
    try:
        while tokens.word() in ("BASE", "PREFIX"):
            if tokens.take()[1].upper() == "PREFIX" and tokens.take()[0] != "pname":
                raise _NotLookup
            if tokens.take()[0] != "iri":
                raise _NotLookup
        form = tokens.word()
        tokens.take()
        if form == "DESCRIBE":
            _describe(tokens)
            return True
        if form == "SELECT":
            _select(tokens)
        elif form == "CONSTRUCT":
            _construct(tokens)
        elif form != "ASK":
            return False
        _dataset_clauses(tokens)
        _where(tokens)
        _modifiers(tokens)
    except _NotLookup:
        return False
    return True
