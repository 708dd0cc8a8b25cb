"""``python -m server DIR [--host H] [--port P] [--debug]``: what ``kg serve`` does."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg.errors import KgError
from kg.settings import Settings
from server.serve import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m server", description=__doc__)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--base-iri", help="must be the build's own (the default)")
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    settings = Settings.load(host=args.host, port=args.port, base_iri=args.base_iri)
    try:
        serve(args.directory, settings, debug=args.debug)
    except KgError as exc:
        parser.exit(exc.exit_code, f"error: {exc}\n")


if __name__ == "__main__":
    main()
