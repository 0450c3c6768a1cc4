"""The ``newskb`` command: a thin layer over kb/ and ingest/ functions.

Each command parses options, calls one library function and formats its result.
``NewskbError`` becomes a one-line ``Error: ...`` (exit 1); configuration and usage
errors exit 2. Results go to stdout; logs and progress go to stderr.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
import sqlite_utils

from kb import __version__
from kb.config import Settings, load_settings
from kb.db import open_db
from kb.errors import ConfigError, NewskbError

if TYPE_CHECKING:  # ingest commands' types
    from ingest.run import RunObserver, SourceOutcome
    from kb.runs import RunSummary
    from kb.sources import Source

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


class UsageConfigError(click.ClickException):
    """A ConfigError: exit status 2 like a usage error, but one ``Error:`` line without the usage text."""

    exit_code = 2


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
        # init writes the configuration file: it must not need to read it first.
        settings = load_settings(config_path, read_file=ctx.invoked_subcommand != "init")
    except ConfigError as e:
        raise UsageConfigError(str(e)) from e
    if db_path is not None:
        settings = settings.replace(db_path=db_path)
    ctx.obj = AppContext(settings=settings, json_output=json_output, quiet=quiet, verbose=verbose)


# --- ingest commands: init, sources, ingest, stats (owner: ingest) ----------------------


@cli.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite an existing configuration file.")
@output_options
@pass_app
@handle_errors
def init(app: AppContext, path: Path | None, force: bool) -> None:
    """Write a commented default newskb.toml and create the database.

    PATH defaults to the --config file, else ./newskb.toml. An existing file is
    kept unless --force is given.
    """
    from kb.config import DEFAULT_CONFIG_NAME, default_config_text

    target = path or app.settings.config_path or Path(DEFAULT_CONFIG_NAME)
    if target.exists() and not force:
        raise click.ClickException(f"{target} already exists: use --force to overwrite it")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(default_config_text(), encoding="utf-8")
    except OSError as e:
        raise click.ClickException(f"{target}: cannot write: {e.strerror}") from e
    app.open_db().close()
    if app.json_output:
        click.echo(json.dumps({"config": str(target), "database": str(app.settings.db_path)}))
    elif not app.quiet:
        click.echo(f"wrote {target}; database {app.settings.db_path}")


@cli.group()
def sources() -> None:
    """Add, list, remove, disable, enable, import and export sources."""


@sources.command("add")
@click.argument("targets", nargs=-1, required=True, metavar="URL|PATH...")
@click.option("--page", is_flag=True, help="Treat the URL(s) as single article pages, not feeds.")
@click.option("--title", help="A title for the source (default: the feed's own).")
@click.option(
    "--fulltext", type=click.Choice(["off", "auto", "always"]), help="Full-text mode for this source."
)
@click.option("--interval", help="How often this source is due, e.g. 15m or 2h (default: from config).")
@output_options
@pass_app
@handle_errors
def sources_add(
    app: AppContext, targets: tuple[str, ...], page: bool, title: str | None, fulltext: str | None, interval: str | None
) -> None:
    """Add feeds (http/https URLs), article pages (--page), local files or folders.

    A local .xml/.rss/.atom/.rdf file is a feed; another file, or a folder of
    .html/.txt/.md/.jsonl files, is read as articles.
    """
    from kb.config import parse_duration
    from kb.sources import add_source, detect_source

    seconds = parse_duration(interval) if interval else None
    for target in targets:  # a refused argument adds nothing, not the ones before it
        detect_source(target, page=page)
    db = app.open_db()
    added = []
    for target in targets:
        source, created = add_source(db, target, page=page, title=title, fulltext=fulltext, interval=seconds)
        added.append({"created": created, **source.as_dict()})
        if not app.json_output and not app.quiet:
            state = "added" if created else "already present"
            click.echo(f"{state}: [{source.id}] {source.kind} {source.url}")
    if app.json_output:
        click.echo(json.dumps(added))


@sources.command("list")
@click.option("--disabled", "only_disabled", is_flag=True, help="Only disabled sources.")
@click.option("--failing", "only_failing", is_flag=True, help="Only sources whose last fetch failed.")
@output_options
@pass_app
@handle_errors
def sources_list(app: AppContext, only_disabled: bool, only_failing: bool) -> None:
    """List sources with their kind, health and next fetch time."""
    from kb.sources import list_sources

    rows = list_sources(app.open_db(), enabled=False if only_disabled else None)
    if only_failing:
        rows = [s for s in rows if s.error_count > 0]
    if app.json_output:
        click.echo(json.dumps([s.as_dict() for s in rows]))
        return
    for s in rows:
        if not s.enabled:
            state = f"disabled: {s.disabled_reason}"
        elif s.error_count:
            state = f"failing x{s.error_count}: {s.last_error}"
        else:
            state = s.last_status or "new"
        when = s.next_fetch_at.isoformat() if s.next_fetch_at else "due"
        click.echo(f"[{s.id}] {s.kind:6} {s.url}\n      {s.title or '-'} | {state} | next: {when}")


@sources.command("remove")
@click.argument("keys", nargs=-1, required=True, metavar="ID|URL...")
@output_options
@pass_app
@handle_errors
def sources_remove(app: AppContext, keys: tuple[str, ...]) -> None:
    """Remove sources (by id or URL); their articles are kept."""
    from kb.sources import remove_source

    _each_source(app, keys, remove_source, done="removed")


@sources.command("disable")
@click.argument("keys", nargs=-1, required=True, metavar="ID|URL...")
@click.option("--reason", default="disabled by the user", show_default=True, help="Kept on the source.")
@output_options
@pass_app
@handle_errors
def sources_disable(app: AppContext, keys: tuple[str, ...], reason: str) -> None:
    """Stop fetching sources until they are enabled again."""
    from kb.sources import disable_source

    _each_source(app, keys, functools.partial(disable_source, reason=reason), done="disabled")


@sources.command("enable")
@click.argument("keys", nargs=-1, required=True, metavar="ID|URL...")
@output_options
@pass_app
@handle_errors
def sources_enable(app: AppContext, keys: tuple[str, ...]) -> None:
    """Enable sources again: due at once, failure count reset."""
    from kb.sources import enable_source

    _each_source(app, keys, enable_source, done="enabled")


def _each_source(
    app: AppContext, keys: tuple[str, ...], action: Callable[[sqlite_utils.Database, str], Source], *, done: str
) -> None:
    """Apply ``action`` to each source key in turn, saying what was ``done`` to each.

    With --json, one list of the sources as they are afterwards (as removed, for remove).
    """
    db = app.open_db()
    changed = []
    for key in keys:
        source = action(db, key)
        changed.append(source.as_dict())
        if not app.quiet and not app.json_output:
            click.echo(f"{done}: [{source.id}] {source.url}")
    if app.json_output:
        click.echo(json.dumps(changed))


@sources.command("import")
@click.argument("opml_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@output_options
@pass_app
@handle_errors
def sources_import(app: AppContext, opml_file: Path) -> None:
    """Add every feed an OPML file lists; URLs already present are kept as they are.

    Relative local paths in the OPML are resolved against the OPML file's folder.
    An entry that cannot be added (bad scheme, missing file) is reported and skipped.
    """
    from ingest.opml import import_opml

    try:
        content = opml_file.read_bytes()
    except OSError as e:
        raise click.ClickException(f"{opml_file}: cannot read: {e.strerror}") from e
    done = import_opml(app.open_db(), content, base_path=opml_file.resolve(), origin=str(opml_file))
    skipped = [{"url": url, "error": error} for url, error in done.skipped]
    result = {"file": str(opml_file), "added": done.added, "already_present": done.already_present, "skipped": skipped}
    if app.json_output:
        click.echo(json.dumps(result))
    elif not app.quiet:
        click.echo(f"{opml_file}: {done.added} added, {done.already_present} already present, {len(skipped)} skipped")


@sources.command("export")
@click.option("--title", default="newskb sources", show_default=True, help="The OPML document's title.")
@output_options
@pass_app
@handle_errors
def sources_export(app: AppContext, title: str) -> None:
    """Print the feed sources as OPML on stdout (pages, files and folders are not feeds)."""
    from ingest.opml import OpmlFeed, write_opml
    from kb.sources import list_sources

    rows = list_sources(app.open_db())
    # xmlUrl is a URL: a local feed file goes out as a file: URI, which import reads back as its path.
    feeds = [
        OpmlFeed(url=Path(s.url).as_uri() if s.is_local else s.url, title=s.title) for s in rows if s.kind == "feed"
    ]
    if len(feeds) < len(rows):
        logging.getLogger(__name__).info("export: %d non-feed source(s) left out", len(rows) - len(feeds))
    click.echo(write_opml(feeds, title=title), nl=False)


@cli.command()
@click.option(
    "--every",
    "every",
    is_flag=False,
    flag_value="",
    metavar="[PERIOD]",
    help="Keep running until stopped: a run every PERIOD (e.g. 15m; alone: ingest.every from the config).",
)
@click.option(
    "--source",
    "only",
    multiple=True,
    metavar="ID|URL",
    help="Fetch only these sources, due or not (repeatable).",
)
@output_options
@pass_app
@handle_errors
def ingest(app: AppContext, every: str | None, only: tuple[str, ...]) -> None:
    """Fetch the due sources once (or --every period) and store new articles.

    Exit status: 0 when every source was fetched (or not modified), 1 when some
    failed, the run was interrupted, or another run holds the lock; 2 for a usage
    or configuration error. SIGTERM or Ctrl-C stops between sources.
    """
    import signal
    import threading

    from ingest.run import ingest_every, run_ingest
    from kb.config import parse_duration
    from kb.errors import NotFound
    from kb.sources import get_source, list_sources

    settings = app.settings
    if every is None:
        period = None
    else:
        period = parse_duration(every) if every else settings.ingest.every
    if only:
        db = app.open_db()
        try:
            try:
                wanted = {get_source(db, key).id for key in only}
            except NotFound as e:
                raise click.BadParameter(str(e), param_hint="--source") from e
            disabled = [s.url for s in list_sources(db, enabled=False) if s.id in wanted]
        finally:
            db.close()
        if disabled:
            raise click.UsageError(f"{disabled[0]}: source is disabled; enable it first")
        only_ids: frozenset[int] | None = frozenset(wanted)
    else:
        only_ids = None

    stop = threading.Event()

    def _stop(signum: int, frame: object) -> None:
        logging.getLogger(__name__).warning("%s: stopping after the current source", signal.Signals(signum).name)
        stop.set()
        signal.signal(signum, signal.SIG_DFL)  # a second signal ends the process at once

    previous = {signum: signal.signal(signum, _stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    observer = _ingest_observer(app)
    try:
        if period is not None:
            # The loop ends only by a signal: that is a clean stop, exit 0.
            ingest_every(
                settings, every=period, stop=stop, observer=observer,
                on_summary=lambda summary: _print_summary(app, summary), only=only_ids,
            )
            return
        summary = run_ingest(settings, observer=observer, stop=stop, only=only_ids)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    _print_summary(app, summary)
    status = _exit_status(summary)
    if status:
        sys.exit(status)


def _exit_status(summary: RunSummary) -> int:
    return 0 if summary.status == "ok" else 1


def _print_summary(app: AppContext, summary: RunSummary) -> None:
    if app.json_output:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False))
        return
    # Each failure was already logged (a warning, so shown even with --quiet) as it happened.
    if app.quiet:
        return
    click.echo(
        f"run {summary.run_id} {summary.status}: {summary.sources_due} source(s) due, "
        f"{summary.sources_ok} ok, {summary.sources_not_modified} not modified, {summary.sources_failed} failed; "
        f"articles: {summary.articles_new} new, {summary.articles_updated} updated, "
        f"{summary.articles_unchanged} unchanged, {summary.articles_duplicate} duplicate"
    )


def _ingest_observer(app: AppContext) -> RunObserver | None:
    """A rich progress bar on a terminal's stderr; plain log lines (the default) otherwise."""
    if app.quiet or app.verbose or not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    class _Bar:
        def started(self, total: int) -> None:
            self.progress = Progress(
                TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                TextColumn("{task.description}"), console=Console(stderr=True), transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task("", total=total)

        def source_done(self, outcome: SourceOutcome) -> None:
            self.progress.update(self.task, advance=1, description=outcome.source.url[-60:])
            if outcome.status == "error":
                self.progress.console.print(f"[red]failed[/] {outcome.error}", markup=True, highlight=False)
            if outcome.disabled_reason:
                self.progress.console.print(
                    f"[red]disabled[/] {outcome.source.url}: {outcome.disabled_reason}", markup=True, highlight=False
                )

        def close(self) -> None:
            self.progress.stop()

    return _Bar()


@cli.command()
@output_options
@pass_app
@handle_errors
def stats(app: AppContext) -> None:
    """Counts of sources, articles, runs, and companies and relations once extracted."""
    from kb.runs import database_stats

    data = database_stats(app.open_db())
    if app.json_output:
        click.echo(json.dumps(data))
        return
    src, art, runs = data["sources"], data["articles"], data["runs"]
    click.echo(f"database: {data['database']}")
    click.echo(
        f"sources:  {src['total']} ({src['enabled']} enabled, {src['disabled']} disabled, {src['failing']} failing)"
    )
    click.echo(
        f"articles: {art['total']} ({art['duplicates']} duplicates, {art['awaiting_extraction']} awaiting extraction)"
    )
    if art["total"]:
        click.echo(f"          published {art['oldest_published']} .. {art['newest_published']}")
    last = runs["last"]
    last_text = f"; last #{last['id']} {last['status']} at {last['started_at']}" if last else ""
    click.echo(f"runs:     {runs['total']}{last_text}")
    for name, count in data.get("knowledge", {}).items():
        click.echo(f"{name + ':':<9} {count}")


# --- extraction commands: extract, reextract (owner: extraction) ------------------------


@cli.command()
@click.option("--all", "all_articles", is_flag=True, help="Re-extract every article.")
@click.option("--since", metavar="DATE", help="Re-extract the articles published since DATE (YYYY-MM-DD).")
@output_options
@pass_app
@handle_errors
def reextract(app: AppContext, all_articles: bool, since: str | None) -> None:
    """Re-run extraction over stored articles, then replay the curation log.

    By default only articles not yet extracted, changed since, or extracted by another
    extractor version. Nothing is duplicated: each article's previous output is replaced.
    """
    from kb.store import parse_since, reextract_articles

    if all_articles and since:
        raise click.UsageError("--all and --since cannot be used together")
    if since is not None:
        parse_since(since)  # a bad date is a usage error before the model loads
    db = app.open_db()
    try:
        with _extract_progress(app) as progress:
            stats = reextract_articles(db, settings=app.settings, since=since, all=all_articles, progress=progress)
    finally:
        db.close()
    if app.json_output:
        click.echo(json.dumps(stats.as_dict()))
    elif not app.quiet:
        click.echo(
            f"re-extracted {stats.articles} article(s): {stats.mentions} company mentions, "
            f"{stats.relations} relation statements, {stats.products} product mentions, {stats.people} roles; "
            f"replayed {stats.replayed} curation action(s)"
        )


@contextlib.contextmanager
def _extract_progress(app: AppContext) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar over articles on a terminal's stderr; nothing otherwise (logs suffice)."""
    if app.quiet or app.verbose or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("extract"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@cli.command("extract")
@click.option("--input", "input_path", type=click.Path(dir_okay=False, path_type=Path),
              help='JSONL of {"id", "text", "title"?} to extract from (with --output).')
@click.option("--output", "output_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the predictions (JSONL, the eval format plus evidence).")
@click.option("--file", "file_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A UTF-8 text file: print a readable summary.")
@click.option("--text", "text", help="Text to extract from: print a readable summary.")
@click.option("--title", help="Title of the --file or --text document.")
@click.option("--batch-size", type=click.IntRange(min=1), help="Documents per nlp.pipe batch (default: config).")
@click.option("--n-process", type=click.IntRange(min=1), help="Worker processes (default: config).")
@output_options
@pass_app
@handle_errors
def extract_command(
    app: AppContext,
    input_path: Path | None,
    output_path: Path | None,
    file_path: Path | None,
    text: str | None,
    title: str | None,
    batch_size: int | None,
    n_process: int | None,
) -> None:
    """Extract companies, products, people and relations from text (no database)."""
    from kb import extract_cli

    modes = [m for m in (input_path, file_path, text) if m is not None]
    if len(modes) != 1:
        raise click.UsageError("give exactly one of --input FILE.jsonl, --file FILE or --text TEXT")
    if (input_path is None) != (output_path is None):
        raise click.UsageError("--input and --output go together")
    if input_path is not None and output_path is not None:
        extract_cli.run_batch(app, input_path, output_path, batch_size=batch_size, n_process=n_process)
    else:
        extract_cli.run_single(app, file_path=file_path, text=text, title=title)



# --- explorer command: app (owner: explorer) --------------------------------------------

#: The explorer's entry file: beside the kb package in a source checkout.
EXPLORER_APP = Path(__file__).resolve().parent.parent / "app.py"


def explorer_command(db_path: Path, *, port: int, address: str | None = None, headless: bool = False) -> list[str]:
    """The ``streamlit run`` command line that starts the explorer on ``db_path``."""
    command = [sys.executable, "-m", "streamlit", "run", str(EXPLORER_APP), "--server.port", str(port)]
    # newskb sends nothing anywhere by itself: turn off Streamlit's usage statistics
    command += ["--browser.gatherUsageStats", "false"]
    if address:
        command += ["--server.address", address]
    if headless:
        command += ["--server.headless", "true"]
    # Everything after "--" goes to app.py itself (app_pages/common.py reads --db).
    return [*command, "--", "--db", str(db_path)]


@cli.command("app")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True, help="Port to serve on.")
@click.option("--address", help="Address to listen on (default: Streamlit's, all interfaces).")
@click.option("--headless", is_flag=True, help="Do not open a browser.")
@pass_app
@handle_errors
def app_command(app: AppContext, port: int, address: str | None, headless: bool) -> None:
    """Open the explorer (a Streamlit app) on the database."""
    import subprocess

    if not EXPLORER_APP.is_file():
        raise click.ClickException(f"{EXPLORER_APP}: the explorer is not there; run newskb app from a source checkout")
    app.open_db().close()  # create and migrate first: a bad path fails here, in one line
    status = subprocess.call(explorer_command(app.settings.db_path, port=port, address=address, headless=headless))
    if status:
        raise click.exceptions.Exit(status)
