"""Errors that say what happened, why, and what to do.

Every error newskg raises on purpose is a :class:`KgError`. It carries an HTTP status, so the one
handler in the server and the one handler in the CLI can turn any of them into a response or a
message without knowing the subclasses.
"""

from __future__ import annotations


class KgError(Exception):
    """Base class: ``what`` happened, ``why``, and the ``fix`` a person can apply."""

    status = 500
    exit_code = 2

    def __init__(self, what: str, *, why: str = "", fix: str = "") -> None:
        super().__init__(what)
        self.what = what
        self.why = why
        self.fix = fix

    def __str__(self) -> str:
        parts = [self.what]
        if self.why:
            parts.append(f"because {self.why}")
        text = ": ".join(parts)
        if self.fix:
            text += f" (to fix: {self.fix})"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "error": type(self).__name__,
            "status": self.status,
            "message": self.what,
            "why": self.why,
            "fix": self.fix,
        }


class SettingsError(KgError):
    """A setting, flag or environment variable has an unusable value."""

    status = 500


class BuildError(KgError):
    """A build could not produce a dataset; the previous output stays in place."""


class DatasetError(KgError):
    """A build folder is missing, incomplete or corrupt."""

    status = 503


class ValidationError(KgError):
    """Validation could not run (not: the data does not conform; that is a report)."""


class NotFound(KgError):
    status = 404


class BadRequest(KgError):
    status = 400


class QuerySyntaxError(BadRequest):
    """The query does not parse; the message is the parser's."""


class QueryRefused(KgError):
    """The query asks for something a read-only public endpoint does not do."""

    status = 403


class NotAcceptable(KgError):
    status = 406


class PayloadTooLarge(KgError):
    status = 413


class UriTooLong(KgError):
    status = 414


class UnsupportedMediaType(KgError):
    status = 415


class QueryTimeout(KgError):
    """The query ran past its time limit and was stopped."""

    status = 503


class Unavailable(KgError):
    status = 503


def clipped(text: str, limit: int = 120) -> str:
    """``text`` cut to ``limit`` characters for a message that echoes what a client sent (a
    20 MB path must not come back whole in its 404)."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"
