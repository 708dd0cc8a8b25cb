"""What a graph is validated with: the context its shapes need from other graphs. Pure: no I/O.

Shapes check an article graph or a merged node on its own, at a cost per graph, but some of them
look at nodes described elsewhere: ``sh:class`` on ``nk:agent`` needs the entity's class, the
entity shapes need its label, and ``prov:wasDerivedFrom`` needs the article to be a
``schema:NewsArticle``. That context is defined here once:

- an entity's context is its ``rdf:type`` (an entity class of the ontology) and its
  ``rdfs:label`` triples, from the merged description (or, during a build, from the article's own
  description of its entities, :func:`kg.graph.merge.entity_view`);
- a graph's context is the context of every entity it refers to, and ``<a> a
  schema:NewsArticle`` for every article of the build it refers to.

The build (:mod:`kg.build`) and ``kg validate`` (:mod:`kg.shacl.validate`) both call
:func:`context_of`, so a build validates each graph exactly as ``kg validate`` will.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from pyoxigraph import NamedNode, Triple

from kg.model import ENTITY_CLASSES
from kg.vocab import NK, RDF, RDFS, SCHEMA

_ENTITY_TYPES = frozenset(NK[name] for name in ENTITY_CLASSES)

EntityContexts = Mapping[NamedNode, Sequence[Triple]]


def entity_contexts(triples: Iterable[Triple]) -> dict[NamedNode, list[Triple]]:
    """Each entity's context (its entity class and its labels) in ``triples``."""
    given = list(triples)
    contexts: dict[NamedNode, list[Triple]] = {}
    for t in given:
        if t.predicate == RDF.type and t.object in _ENTITY_TYPES:
            if isinstance(t.subject, NamedNode):
                contexts.setdefault(t.subject, []).append(t)
    for t in given:
        if t.predicate == RDFS.label and t.subject in contexts:
            contexts[t.subject].append(t)  # type: ignore[index]
    return contexts


def context_of(
    triples: Iterable[Triple], entities: EntityContexts, articles: Collection[NamedNode]
) -> list[Triple]:
    """The context ``triples`` need: the contexts of the entities they mention (as subject or
    object) and a ``schema:NewsArticle`` stub for each of ``articles`` they refer to."""
    referenced: dict[NamedNode, None] = {}
    cited: dict[NamedNode, None] = {}
    for t in triples:
        for term in (t.subject, t.object):
            if isinstance(term, NamedNode):
                if term in entities:
                    referenced[term] = None
                elif term in articles:
                    cited[term] = None
    context = [t for entity in sorted(referenced, key=str) for t in entities[entity]]
    context += [Triple(a, RDF.type, SCHEMA.NewsArticle) for a in sorted(cited, key=str)]
    return context
