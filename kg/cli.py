"""The ``kg`` command: thin click wrappers over plain, importable functions.

Exit codes: 0 success; 1 the command ran but found a problem (a build released nothing, a
validation found violations); 2 it could not run (bad flags, missing files, an internal error).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from kg.errors import KgError
from kg.settings import Settings


def _settings(**overrides: Any) -> Settings:
    return Settings.load(**overrides)


class KgGroup(click.Group):
    """Turns every :class:`KgError` into one readable line and exit code 2 (or the error's own)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KgError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)


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
def build(paths: tuple[Path, ...], **flags: Any) -> None:
    """Build the graph from article files and folders (default: seeds/)."""
    from kg.build.pipeline import build as run_build

    settings = _settings(**flags)
    report = run_build(list(paths) or [Path("seeds")], settings)
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
@click.option("--host", help="Address to listen on [default: 127.0.0.1].")
@click.option("--port", type=int, help="Port to listen on [default: 8000].")
@click.option("--debug", is_flag=True, help="Flask's development server with the debugger.")
def serve(directory: Path, host: str | None, port: int | None, debug: bool) -> None:
    """Serve a build: SPARQL endpoint, Linked Data pages, dumps (granian; KG_SERVER)."""
    from server import serve as run_server

    run_server(directory, _settings(host=host, port=port), debug=debug)


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
