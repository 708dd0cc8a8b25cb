"""The ``kg`` command: thin click wrappers over plain, importable functions.

Exit codes: 0 success; 1 the command ran but found a problem (a build released nothing, a
validation found violations); 2 it could not run (bad flags, missing files, an internal error).
"""

from __future__ import annotations

import errno
import re
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from kg.errors import KgError
from kg.settings import Settings


def _settings(**overrides: Any) -> Settings:
    return Settings.load(**overrides)


class KgGroup(click.Group):
    """Turns every error into one readable line and an exit code, never a traceback: a
    :class:`KgError` keeps its own code (2 unless it says otherwise), an ``OSError`` (a full disk,
    a file that vanished) and any other exception (a bug) exit 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except OSError as exc:
            click.echo(f"error: {_command(ctx)} stopped: {_os_error(exc)}", err=True)
            sys.exit(2)
        except Exception as exc:
            click.echo(
                f"error: {_command(ctx)} stopped by an internal error: {_one_line(exc)}"
                f"{_where(exc)}; please report it with the command that caused it",
                err=True,
            )
            sys.exit(2)


def _command(ctx: click.Context) -> str:
    return " ".join(["kg", *([ctx.invoked_subcommand] if ctx.invoked_subcommand else [])])


def _os_error(exc: OSError) -> str:
    what = exc.strerror or _one_line(exc)
    if exc.filename is not None:
        what += f": {exc.filename}"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        what += " (free some space, or write elsewhere with --out, and run it again)"
    return what


def _one_line(exc: BaseException, limit: int = 300) -> str:
    """The exception's type and message on one line, cut at ``limit`` characters."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _where(exc: BaseException) -> str:
    """Where in newskg's code the exception was raised (the innermost frame of ours)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _OURS.search(f.filename)]
    if not frames:
        return ""
    match = _OURS.search(frames[-1].filename)
    assert match is not None
    return f" (at {match.group(0)}:{frames[-1].lineno})"


_OURS = re.compile(r"(?<![^/])(?:kg|server)/.+\.py$")


@click.group(cls=KgGroup)
@click.version_option(package_name="newskg")
def main() -> None:
    """newskg: English news articles in, a linked, validated, queryable knowledge graph out."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), help="Output folder [default: dist].")
@click.option("--base-iri", help="Base of minted IRIs [default: http://127.0.0.1:8000/].")
@click.option("--strict", is_flag=True, default=None, help="Any bad input is fatal.")
@click.option("--linker", type=click.Choice(["offline", "wikidata", "none"]), help="Entity linker.")
@click.option("--processes", type=int, help="Worker processes (see KG_PROCESSES) [default: 1].")
@click.option("--scheduler", help="Dask scheduler address, e.g. tcp://HOST:8786 (KG_SCHEDULER).")
def build(paths: tuple[Path, ...], **flags: Any) -> None:
    """Build the graph from article files and folders (default: seeds/)."""
    from kg.build.pipeline import build as run_build
    from kg.build.progress import terminal_progress

    settings = _settings(**flags)
    report = run_build(
        list(paths) or [Path("seeds")], settings, progress=terminal_progress(sys.stderr)
    )
    for problem in report.problems:
        click.echo(f"warning: {problem}", err=True)
    for item in report.quarantined:
        click.echo(f"quarantined: {item}", err=True)
    if report.released:
        click.echo(
            f"built {len(report.articles)} article(s) into {settings.out} in {report.seconds:.1f}s"
        )
    else:
        click.echo(f"nothing released; {settings.out} is unchanged", err=True)
    sys.exit(report.exit_code)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--to",
    "store",
    required=True,
    help="Graph Store HTTP Protocol endpoint of the store, e.g. http://HOST:7878/store.",
)
@click.option("--sparql", help="The store's query endpoint: check the counts per graph after.")
@click.option("--user", "publish_user", help="User to write as (KG_PUBLISH_USER).")
def publish(directory: Path, store: str, sparql: str | None, publish_user: str | None) -> None:
    """Load a build into a SPARQL 1.1 store, one named graph at a time (password:
    KG_PUBLISH_PASSWORD)."""
    from kg.publish.graphstore import publish_build

    settings = _settings(publish_user=publish_user)
    result = publish_build(
        directory, store, sparql=sparql, user=settings.publish_user,
        password=settings.publish_password,
    )  # fmt: skip
    click.echo(result.summary())


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--host", help="Address to listen on [default: 127.0.0.1].")
@click.option("--port", type=int, help="Port to listen on [default: 8000].")
@click.option(
    "--base-iri",
    help="Base IRI to serve under [default: the one the build was made with]; must be the "
    "build's own.",
)
@click.option("--debug", is_flag=True, help="Flask's development server with the debugger.")
@click.option("--endpoint", help="SPARQL endpoint the Linked Data pages read (KG_ENDPOINT).")
def serve(
    directory: Path,
    host: str | None,
    port: int | None,
    base_iri: str | None,
    debug: bool,
    endpoint: str | None,
) -> None:
    """Serve a build: SPARQL endpoint, Linked Data pages, dumps (granian; KG_SERVER)."""
    from server import serve as run_server

    settings = _settings(host=host, port=port, base_iri=base_iri, endpoint=endpoint)
    run_server(directory, settings, debug=debug)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    help="json, csv, tsv, xml (results) or turtle, nt (graphs), or a media type.",
)
def query(directory: Path, query: str, fmt: str | None) -> None:
    """Run a SPARQL query against a build and print the result."""
    from kg.sparql import run_query

    result = run_query(directory, query, fmt, settings=_settings())
    sys.stdout.buffer.write(result.body)
    if result.truncated:
        click.echo(f"warning: result truncated at {result.limit} rows", err=True)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path), default=Path("dist"))
def validate(directory: Path) -> None:
    """Validate a build against the SHACL shapes: exit 0 conforms, 1 violations, 2 error."""
    from kg.shacl.validate import validate_build

    settings = _settings()
    report = validate_build(
        directory, shapes_path=settings.shapes_path, ontology_path=settings.ontology_path
    )
    click.echo(report.summary())
    sys.exit(0 if report.conforms else 1)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path), default=Path("dist"))
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def stats(directory: Path, as_json: bool) -> None:
    """Counts by class, Wikidata links, events by type, quarantined articles."""
    from kg.dataset.stats import stats as count

    result = count(directory)
    click.echo(result.to_json() if as_json else result.to_text(), nl=False)


@main.group()
def gazetteer() -> None:
    """The bundled Wikidata gazetteer of the offline linker."""


@gazetteer.command("build")
@click.option(
    "--source",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("../shared/wikidata"),
    show_default=True,
    help="Folder of the Wikidata-derived source files (see its SOURCES.md).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder [default: kg/data/gazetteer in the package].",
)
def gazetteer_build(source: Path, out: Path | None) -> None:
    """Rebuild the bundled gazetteer from the Wikidata-derived source files."""
    from kg.gazetteer.build import build_gazetteer
    from kg.gazetteer.table import GAZETTEER_DIR

    click.echo(build_gazetteer(source, out or GAZETTEER_DIR).report())
