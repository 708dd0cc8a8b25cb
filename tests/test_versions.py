"""kg.build.versions: the pipeline version covers every module and data file a build depends on."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kg.build.versions import ENTRY_MODULE, PACKAGE, code_fingerprint, pipeline_modules

ROOT = PACKAGE.parent


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the ``kg`` package whose files the tests may change."""
    target = tmp_path_factory.mktemp("copy") / "kg"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.mark.parametrize(
    "changed",
    ["names.py", "publish/dumps.py", "graph/merge.py", "extract/timex.py", "iris.py",
     "data/events/time_words.tsv", "resources/shapes.ttl"],
)  # fmt: skip
def test_versions_a_change_to_any_build_module_or_data_file_changes_the_pipeline_version(
    package_copy: Path, changed: str
) -> None:
    """kg/names.py (normalise) and the dumps module were missing from the old hand-kept list, so
    changing them reused cached extractions made by the old code."""
    before = code_fingerprint(package_copy)
    path = package_copy / changed
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"\n# changed\n")
        assert code_fingerprint(package_copy) != before
    finally:
        path.write_bytes(original)
    assert code_fingerprint(package_copy) == before


def test_versions_serve_time_modules_do_not_change_the_pipeline_version(
    package_copy: Path,
) -> None:
    before = code_fingerprint(package_copy)
    path = package_copy / "dataset" / "stats.py"
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"\n# changed\n")
        assert code_fingerprint(package_copy) == before
    finally:
        path.write_bytes(original)


def test_versions_static_closure_holds_every_module_a_build_process_imports(
    tmp_path: Path,
) -> None:
    """Whatever a build imports at run time (linkers included) is in the closure read from the
    source: an import the closure missed would leave a module out of the version."""
    script = (
        "import json, sys\n"
        "from kg.build.pipeline import prepare\n"
        "from kg.link.wikidata import WikidataLinker\n"
        "from kg.link.offline import OfflineLinker\n"
        "from kg.settings import Settings\n"
        f"prepare(Settings.load(out={str(tmp_path / 'dist')!r}, linker='offline')).toolkit()\n"
        "print(json.dumps(sorted(m for m in sys.modules if m == 'kg' or m.startswith('kg.'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    imported = set(json.loads(result.stdout.splitlines()[-1]))
    closure = set(pipeline_modules(ENTRY_MODULE, PACKAGE))
    assert imported - closure == set()
    assert {"kg.names", "kg.publish.dumps", "kg.link.wikidata"} <= closure
