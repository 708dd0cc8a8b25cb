"""Vendor what the pages load into the package (run by hand, committed): the YASGUI query
editor into ``server/static/vendor/yasgui/`` and the world outline of the map (Natural Earth via
``world-atlas``) into ``kg/data/world/``.

The pages must work with no internet, so these files are copied into the package instead of
being loaded from a CDN or a tile server. This script reproduces the copies exactly: it fetches
each pinned release with ``npm pack`` from the npm registry, checks the tarball against the
pinned SHA-512 (the registry's ``dist.integrity``), and extracts the files the pages use::

    python -m server.vendor            # or: make vendor
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@zazuko/yasgui"
VERSION = "4.6.2"
INTEGRITY = (
    "sha512-Zw45KdPoAE1KRaAoxIHdQqeJxvaVG1oQdntw0hy0ktX35Zu8ZccuOLrX"
    "CLwR+GU+0xMzLw8Mjw6BkSZV2vUuQw=="
)
FILES = ("package/build/yasgui.min.js", "package/build/yasgui.min.css")
TARGET = Path(__file__).resolve().parent / "static" / "vendor" / "yasgui"
NOTICE = f"""YASGUI {VERSION} ({PACKAGE} on the npm registry), MIT licence,
(c) Triply and Zazuko GmbH; https://github.com/rdfjs/Yasgui
The minified bundle includes its dependencies (CodeMirror, DataTables, DOMPurify, Choices.js,
SortableJS, lodash-es and others), each under its own permissive licence (MIT, Apache-2.0 or
MPL-2.0/Apache-2.0 for DOMPurify) as noted in the bundle.
Reproduce with: python -m server.vendor (checks the tarball against {INTEGRITY[:20]}...).
"""


WORLD_PACKAGE = "world-atlas"
WORLD_VERSION = "2.0.2"
WORLD_INTEGRITY = "".join(
    (
        "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/",
        "MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
    )
)
WORLD_FILES = ("package/countries-50m.json", "package/LICENSE")
WORLD_TARGET = Path(__file__).resolve().parent.parent / "kg" / "data" / "world"
WORLD_NOTICE = f"""countries-50m.json: Natural Earth 1:50m Admin 0 country boundaries, version 4.1.0
(https://www.naturalearthdata.com/), which is in the public domain ("No permission is needed to
use Natural Earth"), as TopoJSON from {WORLD_PACKAGE} {WORLD_VERSION} on the npm registry
(https://github.com/topojson/world-atlas; its packaging under the ISC licence in LICENSE,
Copyright 2013-2019 Michael Bostock). The map of newskg's server draws it; nothing is fetched
at run time. Reproduce with: python -m server.vendor (checks the tarball against
{WORLD_INTEGRITY[:20]}...).
"""


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def vendor_package(
    package: str, integrity: str, files: tuple[str, ...], target: Path, notice: str
) -> list[Path]:
    """Fetch ``package`` (``name@version``), verify it and extract ``files`` into ``target``."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", package, "--silent", "--pack-destination", tmp],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        tarball = next(Path(tmp).glob("*.tgz"))
        data = tarball.read_bytes()
        if _integrity(data) != integrity:
            raise SystemExit(f"{tarball.name}: integrity mismatch, refusing to vendor it")
        target.mkdir(parents=True, exist_ok=True)
        written = []
        with tarfile.open(tarball) as archive:
            for member in files:
                source = archive.extractfile(member)
                if source is None:
                    raise SystemExit(f"{member} is missing from {tarball.name}")
                path = target / Path(member).name
                path.write_bytes(source.read())
                written.append(path)
        notice_path = target / "NOTICE.txt"
        notice_path.write_text(notice, encoding="utf-8")
        return [*written, notice_path]


def vendor(target: Path = TARGET, world: Path = WORLD_TARGET) -> list[Path]:
    """Fetch, verify and extract the pinned YASGUI build and world outline."""
    return [
        *vendor_package(f"{PACKAGE}@{VERSION}", INTEGRITY, FILES, target, NOTICE),
        *vendor_package(
            f"{WORLD_PACKAGE}@{WORLD_VERSION}", WORLD_INTEGRITY, WORLD_FILES, world, WORLD_NOTICE
        ),
    ]


if __name__ == "__main__":
    for path in vendor():
        print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)
    sys.exit(0)
