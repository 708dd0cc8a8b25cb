"""One frozen settings object: defaults, then ``KG_*`` environment variables, then flags.

Every setting is declared once in :data:`SETTINGS` (name, default, help). The CLI, the server
and the README all read that table, so a setting cannot exist in one place and be missing in
another.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import SettingsError

#: The ontology and shapes ship inside the package (``kg/resources`` links to ``ontology/`` and
#: ``shapes/``; a wheel copies the files), so an installed newskg finds them without a checkout.
RESOURCES = Path(__file__).resolve().parent / "resources"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: The HTTP servers ``kg serve`` can run the app under (``KG_SERVER``).
SERVERS = ("granian", "gunicorn")


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return "KG_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("out", Path("dist"), "Output folder of a build; the server publishes it."),
    Setting(
        "base_iri",
        "http://127.0.0.1:8000/",
        "Base of every IRI the dataset mints (kg serve uses the build's own; one given must"
        " agree).",
    ),
    Setting("strict", False, "Make any bad input fatal (exit 1) instead of skipping it."),
    Setting("linker", "offline", "Entity linker: offline (bundled gazetteer), wikidata, or none."),
    Setting(
        "processes",
        1,
        "Worker processes: with N > 1, N workers each extract, link, map and validate batches"
        " of articles.",
    ),
    Setting(
        "batch_size",
        32,
        "Articles per batch: parsed by spaCy together, validated together, and one task of a"
        " worker process.",
    ),
    Setting(
        "scheduler",
        "",
        "Dask scheduler (tcp://HOST:8786): its workers extract, link, map and validate batches"
        " of articles instead of this machine's processes.",
    ),
    Setting(
        "sort_memory_mb",
        128,
        "Memory (MB) of dump lines a build holds before it sorts them into a run on disk; the"
        " dumps are merged from the runs.",
    ),
    Setting("max_article_bytes", 5 * 1024 * 1024, "Larger input files are rejected."),
    Setting(
        "max_article_chars",
        1_000_000,
        "Longer article texts are rejected (spaCy's own limit; news is far shorter).",
    ),
    Setting(
        "max_word_chars",
        1_000,
        "Articles with a longer run of characters without whitespace are rejected (spaCy's"
        " tokenizer takes time that grows with the square of such a run).",
    ),
    Setting(
        "article_timeout",
        300.0,
        "Seconds of CPU time the extraction of one article may take; a slower article is"
        " quarantined and the build goes on (0: no limit).",
    ),
    Setting("cache_dir", None, "Incremental-build cache [default: .<out>-builds/cache]."),
    Setting("wikidata_cache", None, "On-disk cache of the online linker (default: in cache_dir)."),
    Setting(
        "publish_user",
        "",
        "User that kg publish writes to the store as (HTTP Basic or Digest authentication).",
    ),
    Setting(
        "publish_password",
        "",
        "Password of publish_user; give it in the environment, never on the command line.",
    ),
    Setting("host", "127.0.0.1", "Address the server listens on."),
    Setting("port", 8000, "Port the server listens on."),
    Setting(
        "server",
        "granian",
        "HTTP server of kg serve: granian, or gunicorn (without granian's guards against slow"
        " clients).",
    ),
    Setting("workers", 2, "Server worker processes."),
    Setting("threads", 8, "Threads per server worker (requests the app handles at once)."),
    Setting(
        "client_timeout",
        10.0,
        "Seconds a client may take to send its request head (at most 60 under granian) and its"
        " body.",
    ),
    Setting(
        "max_url_bytes",
        32_768,
        "Longest accepted request target (path and query string); longer gets 414.",
    ),
    Setting("query_timeout", 10.0, "Seconds a SPARQL query may run before it is stopped."),
    Setting("row_limit", 10_000, "Most result rows (or triples) a query returns; announced."),
    Setting("max_body_bytes", 1_000_000, "Largest accepted request body; larger gets 413."),
    Setting("query_workers", 2, "Query processes per server worker (killable on timeout)."),
    Setting(
        "query_memory_mb",
        2048,
        "Address space (MB) of each query process; a query past it is stopped (503).",
    ),
    Setting("cors", True, "Send Access-Control-Allow-Origin: * on every response."),
    Setting(
        "endpoint",
        "",
        "External SPARQL endpoint the Linked Data pages read from instead of the build's store"
        " (a store too big for one machine, loaded with kg publish).",
    ),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def _convert(setting: Setting, raw: Any) -> Any:
    """Coerce a raw (string) value to the type of the setting's default; say what was wrong."""
    if raw is None:
        return None
    kind = type(setting.default)
    try:
        if isinstance(setting.default, bool):
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off"}:
                return False
            raise ValueError(f"expected true or false, got {raw!r}")
        if setting.default is None or isinstance(setting.default, Path):
            return Path(raw)
        return kind(raw)
    except (TypeError, ValueError) as exc:
        raise SettingsError(
            f"setting {setting.name} ({setting.env}) has an invalid value {raw!r}",
            why=str(exc),
            fix=f"give {setting.env} a value of type {kind.__name__}",
        ) from exc


@dataclass(frozen=True)
class Settings:
    out: Path = Path("dist")
    base_iri: str = "http://127.0.0.1:8000/"
    strict: bool = False
    linker: str = "offline"
    processes: int = 1
    batch_size: int = 32
    scheduler: str = ""
    sort_memory_mb: int = 128
    max_article_bytes: int = 5 * 1024 * 1024
    max_article_chars: int = 1_000_000
    max_word_chars: int = 1_000
    article_timeout: float = 300.0
    cache_dir: Path | None = None
    wikidata_cache: Path | None = None
    publish_user: str = ""
    publish_password: str = field(default="", repr=False)
    host: str = "127.0.0.1"
    port: int = 8000
    server: str = "granian"
    workers: int = 2
    threads: int = 8
    client_timeout: float = 10.0
    max_url_bytes: int = 32_768
    query_timeout: float = 10.0
    row_limit: int = 10_000
    max_body_bytes: int = 1_000_000
    query_workers: int = 2
    query_memory_mb: int = 2048
    cors: bool = True
    endpoint: str = ""
    ontology_path: Path = field(default=RESOURCES / "ontology.ttl")
    shapes_path: Path = field(default=RESOURCES / "shapes.ttl")
    #: The settings given by a flag or a ``KG_*`` variable (not defaults): ``kg serve`` takes the
    #: base IRI from the build unless one was given, and then they must agree.
    given: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.base_iri.endswith("/"):
            object.__setattr__(self, "base_iri", self.base_iri + "/")
        if not self.base_iri.startswith(("http://", "https://")):
            raise SettingsError(
                f"base IRI {self.base_iri!r} is not an http(s) IRI",
                fix="pass --base-iri like http://example.org/newskg/",
            )
        if self.linker not in {"offline", "wikidata", "none"}:
            raise SettingsError(
                f"unknown linker {self.linker!r}", fix="choose one of: offline, wikidata, none"
            )
        if self.server not in SERVERS:
            raise SettingsError(
                f"unknown server {self.server!r}", fix="choose one of: " + ", ".join(SERVERS)
            )
        for name in (
            "processes",
            "batch_size",
            "sort_memory_mb",
            "row_limit",
            "workers",
            "threads",
            "query_workers",
            "query_memory_mb",
            "max_article_bytes",
            "max_article_chars",
            "max_word_chars",
            "max_url_bytes",
        ):
            if getattr(self, name) < 1:
                raise SettingsError(f"setting {name} must be at least 1")
        for name in ("query_timeout", "client_timeout"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"setting {name} must be positive")
        if not 0 <= self.article_timeout < float("inf"):
            raise SettingsError(
                f"setting article_timeout must be a number of seconds, not {self.article_timeout}",
                fix="give KG_ARTICLE_TIMEOUT a positive number, or 0 for no limit",
            )

    @property
    def builds_dir(self) -> Path:
        """Where staged builds live: a hidden sibling of ``out`` (``dist`` -> ``.dist-builds``)."""
        out = self.out.absolute()
        return out.parent / f".{out.name}-builds"

    @property
    def resolved_cache_dir(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else self.builds_dir / "cache"

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``KG_*`` variables from ``environ``, then the non-None overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            if setting.env in environ:
                values[setting.name] = _convert(setting, environ[setting.env])
        for name, value in overrides.items():
            if value is None:
                continue
            if name in _BY_NAME:
                value = _convert(_BY_NAME[name], value)
            values[name] = value
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise SettingsError(f"unknown settings: {', '.join(sorted(unknown))}")
        return cls(**values, given=frozenset(values))
