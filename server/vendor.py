"""Vendor the YASGUI query editor into ``server/static/vendor/yasgui/`` (run by hand, committed).

The landing page must work with no internet, so the editor's built files are copied into the
package instead of being loaded from a CDN. This script reproduces that copy exactly: it fetches
the pinned release with ``npm pack`` from the npm registry, checks the tarball against the pinned
SHA-512 (the registry's ``dist.integrity``), and extracts the two files the page loads::

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


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def vendor(target: Path = TARGET) -> list[Path]:
    """Fetch, verify and extract the pinned YASGUI build into ``target``."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent", "--pack-destination", tmp],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        tarball = next(Path(tmp).glob("*.tgz"))
        data = tarball.read_bytes()
        if _integrity(data) != INTEGRITY:
            raise SystemExit(f"{tarball.name}: integrity mismatch, refusing to vendor it")
        target.mkdir(parents=True, exist_ok=True)
        written = []
        with tarfile.open(tarball) as archive:
            for member in FILES:
                source = archive.extractfile(member)
                if source is None:
                    raise SystemExit(f"{member} is missing from {tarball.name}")
                path = target / Path(member).name
                path.write_bytes(source.read())
                written.append(path)
        notice = target / "NOTICE.txt"
        notice.write_text(NOTICE, encoding="utf-8")
        return [*written, notice]


if __name__ == "__main__":
    for path in vendor():
        print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path)
    sys.exit(0)
