"""Settings: built-in defaults, laid over by newskb.toml, then by NEWSKB_* variables.

The defaults are the commented file ``kb/data/newskb.default.toml`` (also what
``newskb init`` writes), so the documentation and the values cannot drift apart.
Loading is a pure function of a path and an environment mapping, for tests.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kb.errors import ConfigError

DEFAULT_CONFIG_NAME = "newskb.toml"
DEFAULT_DB_PATH = Path("./data/newskb.sqlite")
FULLTEXT_MODES = ("off", "auto", "always")

#: Short environment names that cron lines and containers use most.
ENV_ALIASES = {
    "NEWSKB_DB": ("database", "path"),
    "NEWSKB_FULLTEXT": ("ingest", "fulltext"),
    "NEWSKB_ALLOW_PRIVATE_NETWORKS": ("http", "allow_private_networks"),
    "NEWSKB_MODEL": ("extract", "model"),
}

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str | int | float) -> float:
    """Seconds in "90", "90s", "15m", "2h" or "1d"; raises ConfigError otherwise."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ConfigError(f"invalid duration {value!r}: use e.g. 90s, 15m, 2h or 1d")
        seconds = float(match[1]) * _UNIT_SECONDS[match[2]]
    if seconds <= 0:
        raise ConfigError(f"invalid duration {value!r}: must be positive")
    return seconds


@dataclass(frozen=True, slots=True)
class HttpSettings:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    concurrency: int = 16
    per_host: int = 2
    user_agent: str = "newskb/0.1 (+https://github.com/newskb/newskb)"
    allow_private_networks: bool = False


@dataclass(frozen=True, slots=True)
class IngestSettings:
    fulltext: str = "auto"
    fulltext_min_words: int = 150
    interval: float = 1800.0  #: seconds
    every: float = 900.0  #: seconds
    max_backoff: float = 86400.0  #: seconds
    max_failures: int = 10
    extract: bool = True


@dataclass(frozen=True, slots=True)
class ExtractSettings:
    model: str = "en_core_web_sm"
    batch_size: int = 32
    n_process: int = 1


@dataclass(frozen=True, slots=True)
class Settings:
    db_path: Path = DEFAULT_DB_PATH
    http: HttpSettings = HttpSettings()
    ingest: IngestSettings = IngestSettings()
    extract: ExtractSettings = ExtractSettings()
    config_path: Path | None = None  #: the file the settings came from, if any

    def replace(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


_SECTIONS: dict[str, type] = {"http": HttpSettings, "ingest": IngestSettings, "extract": ExtractSettings}
_DURATION_KEYS = {("ingest", "interval"), ("ingest", "every"), ("ingest", "max_backoff")}


def default_config_text() -> str:
    """The commented default configuration, as ``newskb init`` writes it."""
    return resources.files("kb").joinpath("data/newskb.default.toml").read_text(encoding="utf-8")


def load_settings(
    path: str | Path | None = None, env: Mapping[str, str] | None = None, *, read_file: bool = True
) -> Settings:
    """Settings from ``path`` (or NEWSKB_CONFIG, or ./newskb.toml if present) and ``env``.

    A missing explicit path, a TOML syntax error, an unknown key or a bad value
    raises ConfigError naming the file and the key. ``read_file=False`` keeps the
    file's path but not its content: ``newskb init`` is about to write that file (it
    may not exist yet, or be broken and replaced with --force).
    """
    env = os.environ if env is None else env
    explicit = path or env.get("NEWSKB_CONFIG")
    config_path: Path | None = Path(explicit) if explicit else None
    if config_path is None and Path(DEFAULT_CONFIG_NAME).is_file():
        config_path = Path(DEFAULT_CONFIG_NAME)
    table: dict[str, dict[str, object]] = {}
    if config_path is not None and read_file:
        table = _read_toml(config_path)
    _overlay_env(table, env)
    return _build(table, config_path)


def _read_toml(path: Path) -> dict[str, dict[str, object]]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read configuration: {e.strerror}") from e
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from e
    for section, values in data.items():
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: [{section}] must be a table")
    return data


def _overlay_env(table: dict[str, dict[str, object]], env: Mapping[str, str]) -> None:
    known = {("database", "path")} | {
        (section, f.name) for section, cls in _SECTIONS.items() for f in dataclasses.fields(cls)
    }
    for (section, key) in known:
        name = f"NEWSKB_{section.upper()}_{key.upper()}"
        if name in env:
            table.setdefault(section, {})[key] = env[name]
    for name, (section, key) in ENV_ALIASES.items():
        if name in env:
            table.setdefault(section, {})[key] = env[name]


def _build(table: dict[str, dict[str, object]], config_path: Path | None) -> Settings:
    where = str(config_path) if config_path else "environment"
    unknown = set(table) - {"database", *_SECTIONS}
    if unknown:
        raise ConfigError(f"{where}: unknown section [{sorted(unknown)[0]}]")
    database = dict(table.get("database", {}))
    db_path = database.pop("path", DEFAULT_DB_PATH)
    if database:
        raise ConfigError(f"{where}: unknown key database.{sorted(database)[0]}")
    parts: dict[str, object] = {}
    for section, cls in _SECTIONS.items():
        values = dict(table.get(section, {}))
        fields = {f.name: f for f in dataclasses.fields(cls)}
        kwargs = {}
        for key, value in values.items():
            if key not in fields:
                raise ConfigError(f"{where}: unknown key {section}.{key}")
            kwargs[key] = _coerce(section, key, value, fields[key].type, where)
        parts[section] = cls(**kwargs)
    settings = Settings(db_path=Path(str(db_path)), config_path=config_path, **parts)  # type: ignore[arg-type]
    if settings.ingest.fulltext not in FULLTEXT_MODES:
        raise ConfigError(f"{where}: ingest.fulltext must be one of {', '.join(FULLTEXT_MODES)}")
    return settings


def _coerce(section: str, key: str, value: object, kind: object, where: str) -> object:
    """Turn a TOML or environment value into the field's type, or raise ConfigError."""
    name = f"{section}.{key}"
    if (section, key) in _DURATION_KEYS:
        try:
            return parse_duration(value)  # type: ignore[arg-type]
        except ConfigError as e:
            raise ConfigError(f"{where}: {name}: {e}") from e
    kind = str(kind)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off", ""}:
            return False
        raise ConfigError(f"{where}: {name} must be true or false, not {value!r}")
    if kind in {"int", "float"}:
        if isinstance(value, bool):
            raise ConfigError(f"{where}: {name} must be a number, not {value!r}")
        try:
            number = int(str(value).replace("_", "")) if kind == "int" else float(str(value))
        except ValueError as e:
            raise ConfigError(f"{where}: {name} must be a number, not {value!r}") from e
        if number < 0:
            raise ConfigError(f"{where}: {name} must not be negative")
        return number
    return str(value)
