"""Settings: defaults file, TOML, environment and their precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.config import default_config_text, load_settings, parse_duration
from kb.errors import ConfigError


def test_defaults_without_file_or_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(None, {})
    assert str(settings.db_path) == "data/newskb.sqlite"
    assert settings.http.max_bytes == 10_000_000
    assert settings.http.max_redirects == 5
    assert settings.http.allow_private_networks is False
    assert settings.ingest.fulltext == "auto"


def test_shipped_default_file_matches_builtin_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "newskb.toml"
    path.write_text(default_config_text(), encoding="utf-8")
    from_file = load_settings(path, {})
    builtin = load_settings(None, {})
    assert from_file.replace(config_path=None) == builtin.replace(config_path=None)


def test_environment_overrides_file(tmp_path):
    path = tmp_path / "newskb.toml"
    path.write_text('[database]\npath = "a.sqlite"\n[http]\nmax_bytes = 100\n', encoding="utf-8")
    env = {"NEWSKB_DB": "b.sqlite", "NEWSKB_HTTP_MAX_BYTES": "2_000", "NEWSKB_ALLOW_PRIVATE_NETWORKS": "true"}
    settings = load_settings(path, env)
    assert str(settings.db_path) == "b.sqlite"
    assert settings.http.max_bytes == 2000
    assert settings.http.allow_private_networks is True


@pytest.mark.issue(3)
@pytest.mark.parametrize("mode", ["off", "auto", "always"])
def test_newskb_fulltext_sets_the_full_text_mode(mode):
    assert load_settings(None, {"NEWSKB_FULLTEXT": mode}).ingest.fulltext == mode


def test_unknown_newskb_fulltext_mode_is_refused():
    with pytest.raises(ConfigError, match="environment: ingest.fulltext must be one of off, auto, always"):
        load_settings(None, {"NEWSKB_FULLTEXT": "sometimes"})


def test_config_path_from_environment(tmp_path):
    path = tmp_path / "other.toml"
    path.write_text('[ingest]\nfulltext = "off"\n', encoding="utf-8")
    assert load_settings(None, {"NEWSKB_CONFIG": str(path)}).ingest.fulltext == "off"


@pytest.mark.parametrize(
    "text, message",
    [
        ("[http\n", "invalid TOML"),
        ("[http]\nmax_bytez = 1\n", "unknown key http.max_bytez"),
        ("[nope]\n", "unknown section"),
        ('[http]\nmax_bytes = "lots"\n', "http.max_bytes must be a number"),
        ('[ingest]\nfulltext = "sometimes"\n', "ingest.fulltext must be one of"),
        ('[ingest]\nevery = "soon"\n', "invalid duration"),
        ("[http]\nallow_private_networks = 3\n", "must be true or false"),
    ],
)
def test_bad_configuration_names_the_problem(tmp_path, text, message):
    path = tmp_path / "newskb.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(path, {})


def test_missing_explicit_config_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read configuration"):
        load_settings(tmp_path / "absent.toml", {})


@pytest.mark.issue(3)
def test_config_file_about_to_be_written_keeps_its_path_and_is_not_read(tmp_path):
    settings = load_settings(tmp_path / "absent.toml", {"NEWSKB_DB": "x.sqlite"}, read_file=False)
    assert settings.config_path == tmp_path / "absent.toml"
    assert settings.replace(config_path=None, db_path=Path("data/newskb.sqlite")) == load_settings(None, {})


@pytest.mark.parametrize("text, seconds", [("90", 90), ("90s", 90), ("15m", 900), ("2h", 7200), ("1d", 86400), (30, 30)])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "fast", "-5m", "0", "5 minutes"])
def test_parse_duration_rejects_nonsense(text):
    with pytest.raises(ConfigError):
        parse_duration(text)
