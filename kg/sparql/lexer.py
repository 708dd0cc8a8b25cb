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
import functools
import hashlib
import re
import time
from dataclasses import dataclass

from kg.errors import BadRequest, QueryRefused, QueryTimeout
from kg.sparql.bounded import is_lookup


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

#: All token patterns as one alternation, tried in the same order (one regex call per token).
_MASTER = re.compile(
    "|".join(f"(?P<t{index}>{pattern.pattern})" for index, (_, pattern) in enumerate(_TOKENS))
)
_KINDS = {f"t{index}": kind for index, (kind, _) in enumerate(_TOKENS)}
_SKIPPED = frozenset({"space", "comment"})

#: Tokens after which ``<`` can be the less-than operator (inside parentheses).
_OPERANDS = frozenset({"string", "iri", "var", "bnode", "pname", "word", ")"})
#: Tokens between two looks at the clock.
_CLOCK_EVERY = 2048


@dataclass(frozen=True)
class QueryShape:
    """What the text asks for: ``form`` is None when it is no query the scanner recognises;
    ``lookup``: it provably reads one subject's triples and nothing more
    (:mod:`kg.sparql.bounded`), so it may run in place."""

    form: QueryForm | None
    update: str | None
    service: bool
    dataset_clause: bool
    lookup: bool = False
    #: How deeply groups, brackets and parentheses nest.
    depth: int = 0
    #: A digest of the normalised query (:func:`normal_key`): what the slow-query memory holds.
    key: str = ""


def _next(text: str, pos: int) -> tuple[str, int, str]:
    """Kind, end and the part that could hide SERVICE (a word, or a prefixed name's prefix) of
    the token at ``pos``, reading ``<`` as the start of an IRI when it can be one."""
    match = _MASTER.match(text, pos)
    if match is not None:
        kind = _KINDS[match.lastgroup or ""]
        if kind == "word":
            return kind, match.end(), match.group()
        if kind == "pname":
            return kind, match.end(), match.group("prefix") or ""
        return kind, match.end(), ""
    char = text[pos]
    if char == "\\" and pos + 1 < len(text) and text[pos + 1] in "'\"#":
        # An escaped quote or hash outside a name is invalid; it must not open a string or comment.
        return "punct", pos + 2, ""
    return (char if char in "()" else "punct"), pos + 1, ""


class _Scan:
    """The readings of one text still to follow (see the module docstring), with a step budget
    against pathological ambiguity and an optional deadline (``time.monotonic``)."""

    def __init__(self, text: str, deadline: float | None) -> None:
        self.text = text
        self.deadline = deadline
        self.seen: set[tuple[int, bool, int]] = {(0, False, 0)}
        self.todo: list[tuple[int, bool, int]] = []
        self.budget = 8 * len(text) + 1000
        #: Significant tokens (kind, text) of the first reading, for the form and FROM.
        self.main: list[tuple[str, str]] = []

    def _spend(self) -> None:
        self.budget -= _CLOCK_EVERY
        if self.budget < 0:
            raise QueryRefused(
                "the query is too ambiguous to check for SERVICE clauses",
                why="it has very many '<' that could be IRIs or operators",
                fix="put spaces around the '<' operator",
            )
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryTimeout(
                f"checking the query ({len(self.text):,} characters) took past its time limit",
                why="the endpoint reads every query for updates and SERVICE before running it",
                fix="send a shorter query, or download a dump and run it locally",
            )

    def follow(self, pos: int, after_operand: bool, depth: int, record: bool) -> bool:
        """Follow one reading from a state until it ends or joins one already followed; True
        when it meets SERVICE. Each ambiguous ``<`` queues the operator reading."""
        text, seen, todo, main = self.text, self.seen, self.todo, self.main
        steps = 0
        found = False
        while pos < len(text):
            steps += 1
            if steps % _CLOCK_EVERY == 0:
                self._spend()
            kind, end, word = _next(text, pos)
            if kind == "iri" and after_operand and depth > 0:
                operator = (pos + 1, False, depth)
                if operator not in seen:
                    seen.add(operator)
                    todo.append(operator)
            if word and "service" in word.lower():
                if not record:
                    return True
                found = True  # the first reading goes on, for the form and FROM
            if kind not in _SKIPPED:
                if record:
                    main.append((kind, text[pos:end]))
                after_operand = kind in _OPERANDS
                if kind == "(":
                    depth += 1
                elif kind == ")":
                    depth = max(0, depth - 1)
            state = (end, after_operand, depth)
            if state in seen:
                break
            seen.add(state)
            pos = end
        self.budget -= steps % _CLOCK_EVERY
        return found

    def any_service(self) -> bool:
        """Whether the first reading, or any reading queued, holds a SERVICE keyword."""
        if self.follow(0, False, 0, record=True):
            return True
        while self.todo:
            if self.follow(*self.todo.pop(), record=False):
                return True
        return False


def has_service(text: str, deadline: float | None = None) -> bool:
    """Whether any reading of ``text`` (see the module docstring) holds a SERVICE keyword."""
    return _Scan(text, deadline).any_service()


def _first_keyword(significant: list[tuple[str, str]]) -> str:
    """The first word after the BASE/PREFIX prologue, upper-cased ('' if none)."""
    index = 0
    while index < len(significant) and significant[index][1].upper() in ("BASE", "PREFIX"):
        index += 3 if significant[index][1].upper() == "PREFIX" else 2
    return significant[index][1].upper() if index < len(significant) else ""


#: Deepest nesting of ``{``, ``(`` and ``[`` accepted: pyoxigraph's recursive parser overflows
#: the stack of a thread (8 MB) between 1,000 and 2,000 nested subqueries, which kills the
#: process (``kg query``) or the query worker.
MAX_DEPTH = 256
_OPENING, _CLOSING = frozenset("{(["), frozenset("})]")


def nesting(significant: list[tuple[str, str]]) -> int:
    """The deepest nesting of brackets in the tokens of the first reading."""
    depth = deepest = 0
    for kind, text in significant:
        if text in _OPENING and kind in ("punct", "("):
            depth += 1
            deepest = max(deepest, depth)
        elif text in _CLOSING and kind in ("punct", ")"):
            depth = max(0, depth - 1)
    return deepest


def normal_key(significant: list[tuple[str, str]]) -> str:
    """A digest of the query with what does not change its work left out: comments and spaces
    (already gone), the case of keywords, the names of variables and blank nodes (numbered in
    order of appearance), prefix labels (names expanded by the query's own PREFIX lines) and the
    values of literals and numbers. Two texts of the same expensive query, differing by a
    trailing comment, a renamed variable or another literal, share one key."""
    prefixes: dict[str, str] = {}
    names: dict[str, str] = {}
    parts: list[str] = []
    index = 0
    while index < len(significant):
        kind, text = significant[index]
        upper = text.upper() if kind == "word" else ""
        if upper == "PREFIX" and index + 2 < len(significant):
            prefixes[significant[index + 1][1]] = significant[index + 2][1]
            index += 3
            continue
        if upper == "BASE" and index + 1 < len(significant):
            index += 2
            continue
        if kind in ("var", "bnode"):
            name = text[1:] if kind == "var" else text
            part = names.setdefault(kind + name, f"{kind[0]}{len(names)}")
        elif kind == "pname":
            label, _, local = text.partition(":")
            namespace = prefixes.get(label + ":")
            part = f"{namespace[:-1]}{local}>" if namespace else text
        elif kind == "string" or (kind == "word" and text[:1].isdigit()):
            part = "L"
        else:
            part = upper or text
        parts.append(part)
        index += 1
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=16).hexdigest()


#: Texts up to this long are scanned in a few milliseconds at most, and their shapes remembered:
#: most queries an endpoint gets repeat (saved queries, dashboards, a query editor's prologue).
CACHED_LENGTH = 16_384


def shape(text: str, deadline: float | None = None) -> QueryShape:
    """Form (after the BASE/PREFIX prologue), update keyword, SERVICE and FROM of ``text``.

    Past ``deadline`` (``time.monotonic``), :class:`QueryTimeout`: a long query costs the
    scan time too, so the scan counts against the query's one deadline.
    """
    if len(text) <= CACHED_LENGTH:
        return _remembered_shape(text)
    return _scan_shape(text, deadline)


@functools.lru_cache(maxsize=1024)
def _remembered_shape(text: str) -> QueryShape:
    return _scan_shape(text, None)


def _scan_shape(text: str, deadline: float | None) -> QueryShape:
    scan = _Scan(text, deadline)
    service = scan.any_service()
    first = _first_keyword(scan.main)
    form = QueryForm[first] if first in QueryForm.__members__ else None
    update = first if first in UPDATE_KEYWORDS else None
    dataset_clause = any(k == "word" and t.upper() == "FROM" for k, t in scan.main)
    lookup = len(text) <= CACHED_LENGTH and form is not None and is_lookup(scan.main)
    depth = nesting(scan.main)
    key = normal_key(scan.main)
    return QueryShape(form, update, service, dataset_clause, lookup, depth, key)


def check_query(text: str, deadline: float | None = None) -> QueryShape:
    """The shape of a query this read-only endpoint will run; refuse updates and SERVICE."""
    found = shape(text, deadline)
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
    if found.depth > MAX_DEPTH:
        raise BadRequest(
            f"the query nests {found.depth:,} levels deep; at most {MAX_DEPTH} are accepted",
            why="the SPARQL parser would overflow its stack on deeper nesting",
            fix="flatten the query (fewer nested groups, subqueries or parentheses)",
        )
    return found
