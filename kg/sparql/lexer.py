"""Read what a SPARQL request asks for before anything runs: its form, an update, SERVICE, FROM.

pyoxigraph cannot parse a query without running it, and when it runs a ``SERVICE`` clause it makes
the HTTP request. So the endpoint scans the text first, with a small lexer that follows the
terminals of the SPARQL 1.1 grammar (section 19.8: comments, strings, IRIREF, PNAME, VAR,
BLANK_NODE_LABEL), so nothing inside a comment, a string or an IRI can trigger a refusal and nothing
outside them can hide from one.

One terminal is ambiguous without a full parse: inside parentheses, after an operand, ``<`` may
open an IRI or be the less-than operator (``FILTER(?a<?b)SERVICE?x#>`` runs a SERVICE in
pyoxigraph). The scanner follows both readings there and refuses if either finds ``SERVICE``.
Keywords are matched as pyoxigraph's PEG parser does, without word boundaries (``trueSERVICE``
parses as ``true SERVICE``), so any bare word or prefix that *contains* "service" is refused;
prefixed-name local parts, variables and blank-node labels cannot split and are not.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from kg.errors import QueryRefused


class QueryForm(enum.Enum):
    """The four SPARQL query forms; SELECT and ASK give results, the others give triples."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def gives_graph(self) -> bool:
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)

# Character classes of the SPARQL 1.1 grammar, section 19.8 (productions 164-173).
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = (
    rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"\\[tbnrf\\\"']"

_TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("space", re.compile(r"\s+")),
    ("comment", re.compile(r"#[^\r\n]*")),
    ("string", re.compile(rf"'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''")),
    ("string", re.compile(rf'"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*"""')),
    ("string", re.compile(rf"'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'")),
    ("string", re.compile(rf'"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*"')),
    ("iri", re.compile(rf"<(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>")),
    (
        "var",
        re.compile(rf"[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"),
    ),
    ("bnode", re.compile(rf"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?")),
    ("pname", re.compile(rf"(?P<prefix>{_PN_PREFIX})?:(?:{_PN_LOCAL})?")),
    ("word", re.compile(r"\w+")),
)

#: Tokens after which ``<`` can be the less-than operator (inside parentheses).
_OPERANDS = frozenset({"string", "iri", "var", "bnode", "pname", "word", ")"})


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int
    prefix: str = ""


@dataclass(frozen=True)
class QueryShape:
    """What the text asks for: ``form`` is None when it is no query the scanner recognises."""

    form: QueryForm | None
    update: str | None
    service: bool
    dataset_clause: bool


def next_token(text: str, pos: int) -> Token:
    """The token at ``pos``, reading ``<`` as the start of an IRI when it can be one."""
    for kind, pattern in _TOKENS:
        match = pattern.match(text, pos)
        if match is not None and match.end() > pos:
            prefix = (match.group("prefix") or "") if kind == "pname" else ""
            return Token(kind, match.group(), pos, match.end(), prefix)
    char = text[pos]
    if char == "\\" and pos + 1 < len(text) and text[pos + 1] in "'\"#":
        # An escaped quote or hash outside a name is invalid; it must not open a string or comment.
        return Token("punct", text[pos : pos + 2], pos, pos + 2)
    return Token(char if char in "()" else "punct", char, pos, pos + 1)


def tokens(text: str) -> list[Token]:
    """All significant tokens, reading every ``<`` that can open an IRI as an IRI."""
    found: list[Token] = []
    pos = 0
    while pos < len(text):
        token = next_token(text, pos)
        if token.kind not in ("space", "comment"):
            found.append(token)
        pos = token.end
    return found


def _mentions_service(token: Token) -> bool:
    if token.kind == "word":
        return "service" in token.text.lower()
    if token.kind == "pname":
        return "service" in token.prefix.lower()
    return False


def has_service(text: str) -> bool:
    """Whether any reading of ``text`` (see the module docstring) holds a SERVICE keyword."""
    start = (0, False, 0)
    seen = {start}
    todo = [start]
    budget = 8 * len(text) + 1000
    while todo:
        pos, after_operand, depth = todo.pop()
        while pos < len(text):
            budget -= 1
            if budget < 0:
                raise QueryRefused(
                    "the query is too ambiguous to check for SERVICE clauses",
                    why="it has very many '<' that could be IRIs or operators",
                    fix="put spaces around the '<' operator",
                )
            token = next_token(text, pos)
            if token.kind == "iri" and after_operand and depth > 0:
                operator = (pos + 1, False, depth)
                if operator not in seen:
                    seen.add(operator)
                    todo.append(operator)
            if _mentions_service(token):
                return True
            if token.kind not in ("space", "comment"):
                after_operand = token.kind in _OPERANDS
                if token.kind == "(":
                    depth += 1
                elif token.kind == ")":
                    depth = max(0, depth - 1)
            state = (token.end, after_operand, depth)
            if state in seen:
                break
            seen.add(state)
            pos = token.end
    return False


def shape(text: str) -> QueryShape:
    """Form (after the BASE/PREFIX prologue), update keyword, SERVICE and FROM of ``text``."""
    found = tokens(text)
    index = 0
    while index < len(found) and found[index].text.upper() in ("BASE", "PREFIX"):
        index += 3 if found[index].text.upper() == "PREFIX" else 2
    first = found[index].text.upper() if index < len(found) else ""
    form = QueryForm[first] if first in QueryForm.__members__ else None
    update = first if first in UPDATE_KEYWORDS else None
    dataset_clause = any(t.kind == "word" and t.text.upper() == "FROM" for t in found)
    return QueryShape(form, update, has_service(text), dataset_clause)


def check_query(text: str) -> QueryShape:
    """The shape of a query this read-only endpoint will run; refuse updates and SERVICE."""
    found = shape(text)
    if found.update is not None:
        raise QueryRefused(
            f"SPARQL Update ({found.update}) is not accepted",
            why="this is a read-only public endpoint",
            fix="download a dump from /dumps/ and load it into a store of your own",
        )
    if found.service:
        raise QueryRefused(
            "SERVICE clauses are not accepted",
            why="the endpoint makes no outbound requests for a query",
            fix="send the SERVICE part to the other endpoint, or federate from your own engine",
        )
    return found
