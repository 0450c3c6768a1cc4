"""The ``newskb`` command: a thin layer over kb/ and ingest/ functions.

Each command parses options, calls one library function and formats its result.
``NewskbError`` becomes a one-line ``Error: ...`` (exit 1); configuration and usage
errors exit 2. Results go to stdout; logs and progress go to stderr.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click
import sqlite_utils

from kb import __version__
from kb.config import Settings, load_settings
from kb.db import open_db
from kb.errors import ConfigError, NewskbError

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class AppContext:
    """What every command gets: the settings and how to open the database."""

    settings: Settings
    json_output: bool = False
    quiet: bool = False
    verbose: bool = False

    def open_db(self) -> sqlite_utils.Database:
        return open_db(self.settings.db_path)


class UsageConfigError(click.UsageError):
    """A ConfigError shown as a usage error: exit status 2."""


def handle_errors(func: F) -> F:
    """Turn newskb errors into one-line click errors: config → exit 2, others → exit 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConfigError as e:
            raise UsageConfigError(str(e)) from e
        except NewskbError as e:
            raise click.ClickException(str(e)) from e

    return wrapper  # type: ignore[return-value]


def output_options(func: F) -> F:
    """--json, --quiet and --verbose: accepted by the group and by each command that reports."""
    func = click.option("--json", "json_output", is_flag=True, help="Print the result as one JSON document.")(func)
    func = click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors on stderr.")(func)
    func = click.option("-v", "--verbose", is_flag=True, help="Debug logging on stderr.")(func)
    return func


def pass_app(func: F) -> F:
    """Give the command its AppContext, applying per-command output flags."""

    @click.pass_context
    @functools.wraps(func)
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        app: AppContext = ctx.ensure_object(AppContext)
        for flag in ("json_output", "quiet", "verbose"):
            if kwargs.pop(flag, False):
                setattr(app, flag, True)
        _configure_logging(app)
        return func(app, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _configure_logging(app: AppContext) -> None:
    level = logging.DEBUG if app.verbose else logging.WARNING if app.quiet else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr, force=True)
    for noisy in ("httpx", "httpcore", "trafilatura", "htmldate", "courlan", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newskb")
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite database (default: from config, NEWSKB_DB, or ./data/newskb.sqlite).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file (default: NEWSKB_CONFIG, or ./newskb.toml when present).",
)
@output_options
@click.pass_context
def cli(
    ctx: click.Context, db_path: Path | None, config_path: Path | None, json_output: bool, quiet: bool, verbose: bool
) -> None:
    """Track companies and their business relations in industry news."""
    try:
        settings = load_settings(config_path)
    except ConfigError as e:
        raise UsageConfigError(str(e)) from e
    if db_path is not None:
        settings = settings.replace(db_path=db_path)
    ctx.obj = AppContext(settings=settings, json_output=json_output, quiet=quiet, verbose=verbose)


# --- ingest commands: init, sources, ingest, stats (owner: ingest) ----------------------


# --- extraction commands: extract, reextract (owner: extraction) ------------------------


# --- explorer command: app (owner: explorer) --------------------------------------------
