"""Factuality: does the text say the event happened, relay a claim, deny it, or only consider it?

Cue words are data (``kg/data/events/factuality.tsv``). :func:`factuality_of` walks from the
trigger up the dependency tree, at most :data:`MAX_STEPS` heads, collecting cues:

* on the trigger and on the verbs that carry it ("did not withdraw", "may attack",
  "did not launch an attack"): a negation gives ``denied``, a modal ``hypothetical``;
* a governing verb or noun ("plans to attack", "failed to capture", "the threat of an attack")
  gives its listed value; a negation higher up, past a governor, gives ``hypothetical`` (the event
  is not asserted, but nor is it plainly denied);
* a conditional marker on a clause on the way ("if", "unless") gives ``hypothetical``;
* a hedging adverb ("reportedly", "possibly") gives its listed value;
* a modifier of a nominal trigger ("the alleged looting", "a possible attack");
* a reporting verb (``kg/data/events/speech.tsv``) gives ``reported`` (``deny``: ``denied``).

Relative clauses, participles and noun-phrase subjects are presupposed ("the plant, which was
seized ..." is seized whatever the main clause says), so above them only reporting verbs count.
The strongest value wins: denied > hypothetical > reported > asserted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from spacy.tokens import Token

from kg.extract.eventdata import DataFileError, read_event_table
from kg.model import Factuality

MAX_STEPS = 12
RANK: Mapping[Factuality, int] = MappingProxyType(
    {"asserted": 0, "reported": 1, "hypothetical": 2, "denied": 3}
)
FACTUALITIES: tuple[Factuality, ...] = ("asserted", "reported", "hypothetical", "denied")
PRESUPPOSING_DEPS = frozenset({"relcl", "acl", "amod", "nsubj", "nsubjpass", "appos", "compound"})
NEGATION_DEPS = frozenset({"neg", "det", "advmod", "preconj"})
CUE_KINDS = frozenset(
    {
        "negation",
        "modal",
        "governor",
        "governor_noun",
        "modifier",
        "adverb",
        "marker",
        "transparent",
    }
)


@dataclass(frozen=True, slots=True)
class FactualityCues:
    """Cue words by kind; ``speech`` maps reporting verbs to the value they give."""

    by_kind: Mapping[str, Mapping[str, str]]
    speech: Mapping[str, Factuality]

    def value(self, kind: str, word: str) -> Factuality | None:
        found = self.by_kind.get(kind, {}).get(word)
        return as_factuality(found) if found is not None and found != "-" else None

    def has(self, kind: str, word: str) -> bool:
        return word in self.by_kind.get(kind, {})


def as_factuality(value: str) -> Factuality:
    for factuality in FACTUALITIES:
        if factuality == value:
            return factuality
    raise DataFileError(f"unknown factuality {value!r}; valid: {', '.join(FACTUALITIES)}")


def load_factuality_cues() -> FactualityCues:
    """The cue lists (``kg/data/events/factuality.tsv`` and ``speech.tsv``)."""
    by_kind: dict[str, dict[str, str]] = {}
    for word, kind, value in read_event_table("factuality.tsv", 3):
        if kind not in CUE_KINDS:
            raise DataFileError(f"events/factuality.tsv: unknown cue kind {kind!r}")
        by_kind.setdefault(kind, {})[word] = value
    speech = {lemma: as_factuality(value) for lemma, value in read_event_table("speech.tsv", 2)}
    frozen = {kind: MappingProxyType(words) for kind, words in by_kind.items()}
    return FactualityCues(MappingProxyType(frozen), MappingProxyType(speech))


def strongest(values: Iterable[Factuality]) -> Factuality:
    """The value that says least that the event happened."""
    return max(values, key=RANK.__getitem__, default="asserted")


def _is_negation(child: Token, cues: FactualityCues) -> bool:
    return child.dep_ == "neg" or (
        child.dep_ in NEGATION_DEPS and cues.has("negation", child.lower_)
    )


def _is_modal(child: Token, cues: FactualityCues) -> bool:
    return child.dep_ == "aux" and child.tag_ == "MD" and cues.has("modal", child.lower_)


def local_cues(node: Token, cues: FactualityCues, *, carries_event: bool) -> list[Factuality]:
    """Cues among the children of one node of the path.

    ``carries_event`` is true for the trigger and for verbs that only carry it ("began",
    "launched"): a negation there denies the event; further up it only leaves it unasserted.
    """
    found: list[Factuality] = []
    for child in node.children:
        if _is_negation(child, cues):
            found.append("denied" if carries_event else "hypothetical")
        elif _is_modal(child, cues):
            found.append("hypothetical")
        elif child.dep_ == "mark" and cues.has("marker", child.lower_):
            found.append("hypothetical")
        elif child.dep_ == "advmod" and cues.has("adverb", child.lower_):
            found.append(cues.value("adverb", child.lower_) or "hypothetical")
        elif child.dep_ in ("amod", "det") and node.pos_ == "NOUN":
            value = cues.value("modifier", child.lower_)
            if value is not None:
                found.append(value)
    return found


def governor_cue(node: Token, cues: FactualityCues) -> Factuality | None:
    """The value a governing word gives to what it governs, if it is a cue."""
    lemma = node.lemma_.lower()
    if node.pos_ == "VERB":
        speech = cues.speech.get(lemma)
        return speech if speech is not None else cues.value("governor", lemma)
    if node.pos_ == "ADJ":  # "poised to strike", "likely to invade"
        return cues.value("governor", lemma)
    if node.pos_ == "NOUN":
        return cues.value("governor_noun", lemma)
    return None


def _has_subject(token: Token) -> bool:
    return any(child.dep_ in {"nsubj", "nsubjpass"} for child in token.children)


def _presupposes(child: Token, head: Token, *, carrier: bool = False) -> bool:
    """Whether climbing from ``child`` to ``head`` leaves the asserted content above.

    A prepositional object of a verb is an adjunct ("pulled out over the explosion"): what it
    names is taken for granted, unlike the complement of a noun ("the threat of an attack").
    An infinitive after a noun is its complement ("plans to attack"), a participle is not
    ("plants occupied by ...").
    """
    edge = child.dep_
    if edge == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children):
        return False
    if edge == "nsubj" and carrier:  # "an invasion could begin": the verb carries the event
        return False
    if edge in PRESUPPOSING_DEPS:
        return True
    return edge == "pobj" and head.dep_ == "prep" and head.head.pos_ in {"VERB", "AUX"}


INDEFINITE = frozenset({"a", "an", "any"})
#: Prepositions and subordinators whose phrase states the background of a sentence: the event
#: in it is taken for granted, by the article and by whoever the sentence reports ("exports
#: fell after the invasion", "since Russia invaded Ukraine, ...", "as it fights Russia's
#: invasion").
BACKGROUND_PREPOSITIONS = frozenset(
    {"since", "before", "after", "during", "amid", "following", "against", "despite"}
)
BACKGROUND_MARKS = frozenset({"since", "before", "after", "when", "because", "while", "as"})


def is_background(trigger: Token, carriers: frozenset[str]) -> bool:
    """Whether the trigger's event is the background of its sentence (see
    :data:`BACKGROUND_PREPOSITIONS`): a definite event noun in such a phrase, or the verb of (or
    the event noun carried by the verb of) such a clause."""
    token = trigger
    if token.pos_ == "NOUN" and token.dep_ == "pobj":
        prep = token.head
        definite = any(
            c.dep_ in ("det", "poss") and c.lower_ not in INDEFINITE for c in token.children
        ) or not any(c.dep_ == "det" for c in token.children)
        return prep.lower_ in BACKGROUND_PREPOSITIONS and definite
    if token.pos_ == "NOUN" and token.dep_ in ("nsubj", "nsubjpass"):
        if token.head.lemma_.lower() not in carriers:
            return False
        token = token.head  # "since the invasion began"
    return token.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in BACKGROUND_MARKS for c in token.children
    )


def _indefinite_subject_of_modal(trigger: Token, cues: FactualityCues) -> bool:
    """An event noun with an indefinite article as the subject of a modal verb is no event
    that happened: "a Russian attack would be met with sanctions"."""
    if trigger.pos_ != "NOUN" or trigger.dep_ not in ("nsubj", "nsubjpass"):
        return False
    if not any(c.dep_ == "det" and c.lower_ in INDEFINITE for c in trigger.children):
        return False
    return any(_is_modal(c, cues) for c in trigger.head.children)


def factuality_of(
    trigger: Token, cues: FactualityCues, *, light_verbs: frozenset[str]
) -> Factuality:
    """How the sentence frames the event of ``trigger`` (see the module docstring)."""
    found = local_cues(trigger, cues, carries_event=True)
    if _indefinite_subject_of_modal(trigger, cues):
        found.append("hypothetical")  # "a minor incursion might mean lesser sanctions"
    if is_background(trigger, light_verbs | frozenset(cues.by_kind.get("transparent", {}))):
        return strongest(found)  # "since the invasion, ...": taken for granted, whoever speaks
    node = trigger
    carries = True
    presupposed = False
    for _ in range(MAX_STEPS):
        if node.head.i == node.i:
            break
        child, edge, node = node, node.dep_, node.head
        if edge == "conj":
            # Coordinated verbs share the auxiliaries of the first one unless they have a subject.
            if not presupposed and not _has_subject(child):
                found.extend(local_cues(node, cues, carries_event=carries))
            continue
        lemma = node.lemma_.lower()
        carrier = cues.has("transparent", lemma) or lemma in light_verbs
        presupposed = presupposed or _presupposes(child, node, carrier=carrier)
        if presupposed:
            if node.pos_ == "VERB" and lemma in cues.speech:
                found.append(cues.speech[lemma])
            continue
        carries = carries and (cues.has("transparent", lemma) or lemma in light_verbs)
        value = governor_cue(node, cues)
        if value is not None:
            found.append(value)
            carries = False
        if node.pos_ in {"VERB", "AUX", "NOUN"}:
            found.extend(local_cues(node, cues, carries_event=carries))
    return strongest(found)
