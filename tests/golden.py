"""The golden Turtle of the seed build: what ``kg build seeds/`` publishes, compared as a graph.

The pipeline version (a hash of the code) and the build activity IRI minted from it change with
every code change, and spaCy's patch release with the machine, so they are replaced by fixed
stand-ins before the comparison; everything else must be the same graph (isomorphic). When the
output changes on purpose, regenerate the file and read its diff as a review of what the change did
to the facts:

    .venv/bin/python tests/golden.py dist/kg.ttl
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import rdflib
from rdflib.compare import graph_diff, to_isomorphic

GOLDEN = Path(__file__).parent / "data" / "golden" / "seeds.ttl"
_VERSIONED = (
    (re.compile(r"(id/build/)[0-9a-f]{12}"), r"\1BUILD"),
    (re.compile(r"(newskg-\d+-\d+-\d+-\d+-)[0-9a-f]{12}"), r"\1PIPELINE"),
    (re.compile(r"(\d+\.\d+\.\d+\+\d+\.)[0-9a-f]{12}"), r"\1PIPELINE"),
    (re.compile(r"sha256-[0-9a-f]{12}"), "sha256-DATA"),
    (re.compile(r"(build:)[0-9a-f]{12}"), r"\1BUILD"),
    # spaCy's patch release (pinned to 3.8.x, the model to 3.8.0) is whatever pip installed
    (re.compile(r"(?<![\w-])spacy 3\.8\.\d+"), "spacy 3.8.x"),
    (re.compile(r"(software:spacy-|id/software/spacy-)3-8-\d+"), r"\g<1>3-8-x"),
    (re.compile(r'(schema:name "spaCy" ;\s*schema:softwareVersion )"3\.8\.\d+"'), r'\1"3.8.x"'),
)


def normalised(turtle: str) -> str:
    """The Turtle with the code-dependent versions and IRIs replaced by stand-ins."""
    for pattern, replacement in _VERSIONED:
        turtle = pattern.sub(replacement, turtle)
    return turtle


def graph_of(turtle: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=normalised(turtle), format="turtle")


def differences(expected: rdflib.Graph, actual: rdflib.Graph, limit: int = 20) -> str:
    """A readable diff: triples only in the golden file, then triples only in the build."""
    _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
    lines = [f"- {' '.join(t.n3() for t in triple)}" for triple in sorted(missing)[:limit]]
    lines += [f"+ {' '.join(t.n3() for t in triple)}" for triple in sorted(extra)[:limit]]
    return f"{len(missing)} triple(s) missing, {len(extra)} new:\n" + "\n".join(lines)


def main(kg_ttl: Path) -> None:
    GOLDEN.write_text(normalised(kg_ttl.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
