"""Settings: one frozen object; defaults < KG_* environment < explicit flags; bad values named."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kg.errors import SettingsError
from kg.settings import SETTINGS, Settings

README = Path(__file__).resolve().parent.parent / "README.md"


def test_settings_defaults_match_the_settings_table() -> None:
    settings = Settings()
    for setting in SETTINGS:
        assert getattr(settings, setting.name) == setting.default, setting.name


def test_settings_environment_then_flags_override_defaults() -> None:
    env = {"KG_ROW_LIMIT": "50", "KG_STRICT": "yes", "KG_BASE_IRI": "https://kg.example.org"}
    settings = Settings.load(env, row_limit=7, out=None)
    assert settings.row_limit == 7
    assert settings.strict is True
    assert settings.base_iri == "https://kg.example.org/"
    assert settings.out == Path("dist")


def test_settings_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().row_limit = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KG_ROW_LIMIT": "many"}, "KG_ROW_LIMIT"),
        ({"KG_STRICT": "perhaps"}, "KG_STRICT"),
        ({"KG_LINKER": "dbpedia"}, "unknown linker"),
        ({"KG_BASE_IRI": "ftp://x/"}, "not an http(s) IRI"),
        ({"KG_QUERY_TIMEOUT": "0"}, "query_timeout"),
        ({"KG_CLIENT_TIMEOUT": "-1"}, "client_timeout"),
        ({"KG_SERVER": "waitress"}, "unknown server"),
    ],
)
def test_settings_bad_value_is_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings.load(env)


def test_settings_builds_dir_is_a_hidden_sibling_of_out(tmp_path: Path) -> None:
    settings = Settings(out=tmp_path / "site")
    assert settings.builds_dir == tmp_path / ".site-builds"
    assert settings.resolved_cache_dir == tmp_path / ".site-builds" / "cache"


def test_settings_every_setting_is_documented_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [s.env for s in SETTINGS if s.env not in text]
    assert not missing, f"README does not document: {missing}"
