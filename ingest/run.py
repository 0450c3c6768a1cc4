"""One scheduled ingest run: lock, due sources, fetch, parse, store, summarise.

``run_ingest`` is what ``newskb ingest`` calls. It takes the ingest lock (a
``fcntl.flock`` on ``<db>.lock``: a second run exits at once with ``LockHeld``),
marks runs a killed process left 'running' as 'interrupted', then processes every
due source:

- http(s) sources are fetched concurrently by the ``Fetcher`` (conditional GET);
  results are parsed and stored one source at a time as they arrive;
- local feed files, files and folders are read from disk.

Each source's articles and its fetch bookkeeping are written in **one transaction**,
so killing the process (SIGTERM, SIGKILL) at any moment leaves every source either
fully stored or untouched; the next run simply fetches what is still due. A failure
is a result, not an abort: it is recorded on the source (``last_error``,
``error_count``, ``last_http_status``, backoff, maybe disabled) and in the run's
errors. A 304 writes nothing but that bookkeeping.

The parsing and storing functions come from a ``Pipeline`` so tests can drive the
run with fakes (as reader's ``tests/fakeparser.py`` drives its updater).
"""

from __future__ import annotations

import fcntl
import functools
import logging
import os
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

import sqlite_utils

from ingest import schedule
from ingest.urls import is_web_url
from kb.config import Settings
from kb.db import open_db, to_timestamp
from kb.errors import FetchError, LockHeld, NewskbError, ParseError, ResponseTooLarge
from kb.records import ArticleRecord
from kb.runs import RunSummary, SourceError, finish_run, start_run
from kb.sources import FetchRecord, Source, due_sources, list_sources, next_due_at, record_fetch

if TYPE_CHECKING:
    from ingest.fetch import FetchJob, FetchResult

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


#: Tries at an entry's full page before its article keeps the feed's text for good.
FULLTEXT_ATTEMPTS = 3

# --- the pieces a run is made of ----------------------------------------------------


class FetcherLike(Protocol):
    """The part of ``ingest.fetch.Fetcher`` a run uses."""

    def fetch_many(self, jobs: Iterable[FetchJob]) -> Iterator[tuple[FetchJob, FetchResult | FetchError]]: ...


@dataclass(frozen=True, slots=True)
class Pipeline:
    """Parsing and storing functions a run calls; ``default_pipeline()`` gives the real ones."""

    parse_feed: Callable[..., Any]
    entries_to_records: Callable[..., list[ArticleRecord]]
    needs_fulltext: Callable[..., bool]
    extract_page: Callable[..., Any]
    page_to_record: Callable[..., ArticleRecord]
    apply_page: Callable[[ArticleRecord, Any], ArticleRecord]
    read_path: Callable[[Path], Iterable[ArticleRecord | ParseError]]
    upsert_articles: Callable[..., Any]
    page_wanted: Callable[..., bool]
    note_page_misses: Callable[..., None]
    make_job: Callable[..., FetchJob]
    make_fetcher: Callable[[Settings], AbstractContextManager[FetcherLike]]


def default_pipeline(*, fetcher: Callable[[Settings], AbstractContextManager[FetcherLike]] | None = None,
                     make_job: Callable[..., FetchJob] | None = None) -> Pipeline:
    """The real fetcher, parsers and article store; tests may swap the fetcher."""
    from ingest.feeds import entries_to_records, needs_fulltext, parse_feed
    from ingest.pages import apply_page, extract_page, page_to_record
    from kb.articles import note_page_misses, page_wanted, upsert_articles

    if fetcher is None or make_job is None:
        from ingest.fetch import Fetcher, FetchJob

        fetcher = fetcher or (lambda settings: Fetcher(settings.http))
        make_job = make_job or FetchJob
    return Pipeline(
        parse_feed=parse_feed,
        entries_to_records=entries_to_records,
        needs_fulltext=needs_fulltext,
        extract_page=extract_page,
        page_to_record=page_to_record,
        apply_page=apply_page,
        read_path=_read_path,
        upsert_articles=upsert_articles,
        page_wanted=page_wanted,
        note_page_misses=note_page_misses,
        make_job=make_job,
        make_fetcher=fetcher,
    )


def _read_path(path: Path) -> Iterable[ArticleRecord | ParseError]:
    from ingest.files import read_path

    return read_path(path)


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    """What happened to one source in a run (for progress display and the summary)."""

    source: Source
    status: str  #: ok | not_modified | error
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    error: str | None = None
    warning: str | None = None
    disabled_reason: str | None = None


class RunObserver(Protocol):
    """Progress hooks: the CLI draws a bar on a terminal, logs otherwise."""

    def started(self, total: int) -> None: ...

    def source_done(self, outcome: SourceOutcome) -> None: ...

    def close(self) -> None:
        """The run is over (also after an error): take the bar down."""


class _LogObserver:
    """Plain log lines, one per source: what cron mails."""

    def started(self, total: int) -> None:
        log.info("ingest: %d source(s) due", total)

    def source_done(self, outcome: SourceOutcome) -> None:
        url = outcome.source.url
        if outcome.status == "error":
            # Errors name their URL already (kb.errors); add it only when one does not.
            error = outcome.error or ""
            log.warning("failed: %s", error if url in error else f"{url}: {error}")
            if outcome.disabled_reason:
                log.warning("disabled %s: %s", url, outcome.disabled_reason)
        elif outcome.status == "not_modified":
            log.info("not modified %s", url)
        else:
            log.info(
                "ok %s: %d new, %d updated, %d unchanged, %d duplicate",
                url, outcome.new, outcome.updated, outcome.unchanged, outcome.duplicates,
            )
        if outcome.warning:
            log.info("warning %s: %s", url, outcome.warning)

    def close(self) -> None:
        return None


# --- the lock ---------------------------------------------------------------------


def lock_path(db_path: Path) -> Path:
    return Path(f"{db_path}.lock")


@contextmanager
def ingest_lock(db_path: Path) -> Iterator[Path]:
    """Hold ``<db>.lock`` for the duration of a run; raise LockHeld at once if taken.

    flock is released by the kernel when the process dies, even by SIGKILL, so a
    killed run never leaves a stale lock behind.
    """
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            who = f" (pid {holder})" if holder else ""
            raise LockHeld(f"{db_path}: another ingest run is in progress{who}; not starting a second one") from e
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# --- a run ------------------------------------------------------------------------


def run_ingest(
    settings: Settings,
    *,
    pipeline: Pipeline | None = None,
    observer: RunObserver | None = None,
    stop: threading.Event | None = None,
    clock: Clock = utc_now,
    only: Collection[int] | None = None,
) -> RunSummary:
    """Lock the database, run once over the due sources, and return the summary.

    ``only`` (source ids) fetches just those enabled sources, due or not.
    """
    with ingest_lock(settings.db_path):
        db = open_db(settings.db_path)
        try:
            return run_once(db, settings, pipeline=pipeline, observer=observer, stop=stop, clock=clock, only=only)
        finally:
            db.close()


def run_once(
    db: sqlite_utils.Database,
    settings: Settings,
    *,
    pipeline: Pipeline | None = None,
    observer: RunObserver | None = None,
    stop: threading.Event | None = None,
    clock: Clock = utc_now,
    only: Collection[int] | None = None,
) -> RunSummary:
    """One run over the due sources of ``db`` (or the ``only`` ids); the caller holds the lock."""
    pipeline = pipeline or default_pipeline()
    observer = observer or _LogObserver()
    stop = stop or threading.Event()
    started = clock()
    run_id, _ = start_run(db, pid=os.getpid())
    if only is None:
        due = due_sources(db, now=started)
    else:
        wanted = set(only)
        due = [s for s in list_sources(db, enabled=True) if s.id in wanted]
    observer.started(len(due))
    outcomes: list[SourceOutcome] = []
    remote = [s for s in due if not s.is_local]
    local = [s for s in due if s.is_local]
    try:
        with pipeline.make_fetcher(settings) as fetcher:
            runner = _Runner(db, settings, pipeline, clock, fetcher)
            for outcome in runner.process(remote, local, stop=stop):
                outcomes.append(outcome)
                observer.source_done(outcome)
    finally:
        observer.close()
    interrupted = stop.is_set() and len(outcomes) < len(due)
    summary = _summarise(run_id, started, clock(), due, outcomes, interrupted=interrupted)
    finish_run(db, summary)
    return summary


def ingest_every(
    settings: Settings,
    *,
    every: float,
    stop: threading.Event,
    pipeline: Pipeline | None = None,
    observer: RunObserver | None = None,
    on_summary: Callable[[RunSummary], None] | None = None,
    clock: Clock = utc_now,
    only: Collection[int] | None = None,
) -> int:
    """Run, then sleep until the next source is due (at most ``every`` seconds), until ``stop``.

    The lock is held during each run only, so ``newskb sources`` and one-off commands
    still work between runs. Returns how many runs were made.
    """
    runs = 0
    while not stop.is_set():
        try:
            summary = run_ingest(settings, pipeline=pipeline, observer=observer, stop=stop, clock=clock, only=only)
        except LockHeld as e:
            # A one-off run (or another loop) is at work: skip this turn, not the loop.
            log.warning("%s", e)
        else:
            runs += 1
            if on_summary is not None:
                on_summary(summary)
        db = open_db(settings.db_path)
        try:
            next_due = next_due_at(db, ids=only)
        finally:
            db.close()
        delay = schedule.seconds_until_next(next_due, now=clock(), every=every)
        log.info("next run in %.0f s", delay)
        # Never spin: a source due "now" that keeps failing still waits a second.
        stop.wait(max(delay, 1.0))
    return runs


class _Runner:
    """Processes sources one by one; each ends in one transaction and one outcome."""

    def __init__(
        self, db: sqlite_utils.Database, settings: Settings, pipeline: Pipeline, clock: Clock, fetcher: FetcherLike
    ) -> None:
        self.db = db
        self.settings = settings
        self.pipeline = pipeline
        self.clock = clock
        self.fetcher = fetcher

    def process(self, remote: list[Source], local: list[Source], *, stop: threading.Event) -> Iterator[SourceOutcome]:
        by_id = {source.id: source for source in remote}
        jobs = [
            self.pipeline.make_job(url=s.url, etag=s.etag, last_modified=s.last_modified, key=s.id) for s in remote
        ]
        if jobs:
            results = self.fetcher.fetch_many(jobs)
            try:
                for job, result in results:
                    if stop.is_set():
                        return
                    yield self._guarded(by_id[cast(int, job.key)], functools.partial(self._handle_fetched, result=result))
            finally:
                close = getattr(results, "close", None)
                if close is not None:
                    close()
        for source in local:
            if stop.is_set():
                return
            yield self._guarded(source, self._handle_local)

    # One source, start to finish. A NewskbError is an expected failure; anything else
    # is a bug in a parser, but it must still not stop the other sources (issue #3):
    # it is recorded as an internal error with its type, and logged with a traceback.
    def _guarded(self, source: Source, handle: Callable[[Source], SourceOutcome]) -> SourceOutcome:
        try:
            return handle(source)
        except NewskbError as e:
            return self._fail(source, e)
        except Exception as e:  # noqa: BLE001 - the per-source boundary, see above
            log.exception("internal error while ingesting %s", source.url)
            return self._fail(source, e, internal=True)

    def _handle_fetched(self, source: Source, *, result: FetchResult | FetchError) -> SourceOutcome:
        if isinstance(result, BaseException):
            raise result
        if result.not_modified:
            return self._store(source, [], status="not_modified", http_status=result.status,
                               etag=result.etag or source.etag, last_modified=result.last_modified or source.last_modified,
                               moved_to=result.moved_to)
        warning = None
        title = None
        page_misses: list[ArticleRecord] = []
        if source.kind == "page":
            page = self.pipeline.extract_page(result.content, url=result.url, headers=result.headers)
            records = [self.pipeline.page_to_record(page, source_url=source.url)]
        else:
            feed = self.pipeline.parse_feed(result.content, url=result.url, headers=result.headers)
            warning = getattr(feed, "warning", None)
            title = getattr(feed, "title", None)
            records = self.pipeline.entries_to_records(feed, source_url=source.url)
            records, page_misses, fulltext_warning = self._add_fulltext(source, records)
            warning = _join(warning, fulltext_warning)
        return self._store(source, records, status="ok", http_status=result.status, etag=result.etag,
                           last_modified=result.last_modified, title=title, warning=warning, moved_to=result.moved_to,
                           page_misses=page_misses)

    def _handle_local(self, source: Source) -> SourceOutcome:
        path = Path(source.url)
        if source.kind == "feed":
            try:
                stat = path.stat()
            except OSError as e:
                raise ParseError(str(path), f"cannot read: {e.strerror}") from e
            # The file's mtime plays the part of Last-Modified: unchanged file, no parse.
            mtime = to_timestamp(datetime.fromtimestamp(stat.st_mtime, UTC))
            if source.last_modified == mtime and source.last_status in ("ok", "not_modified"):
                return self._store(source, [], status="not_modified", last_modified=mtime, etag=None)
            # The byte cap of a fetched feed holds for a local one too: not read, not parsed.
            cap = self.settings.http.max_bytes
            if stat.st_size > cap:
                raise ResponseTooLarge(
                    str(path), f"{stat.st_size:,} bytes is larger than the cap of {cap:,} bytes (http.max_bytes)"
                )
            try:
                content = path.read_bytes()
            except OSError as e:
                raise ParseError(str(path), f"cannot read: {e.strerror}") from e
            feed = self.pipeline.parse_feed(content, url=path.as_uri(), headers={})
            records = self.pipeline.entries_to_records(feed, source_url=source.url)
            return self._store(source, records, status="ok", last_modified=mtime, etag=None,
                               title=getattr(feed, "title", None), warning=getattr(feed, "warning", None))
        if not path.exists():
            raise ParseError(str(path), "no such file or folder")
        found: list[ArticleRecord] = []
        problems: list[ParseError] = []
        for item in self.pipeline.read_path(path):
            if isinstance(item, ParseError):
                problems.append(item)
            else:
                found.append(item)
        if problems and not found:
            if len(problems) == 1:
                raise problems[0]
            raise ParseError(str(path), f"no readable file ({len(problems)} failed; first: {problems[0]})")
        warning = None
        if problems:
            warning = f"{len(problems)} file(s) skipped; first: {problems[0]}"
        return self._store(source, found, status="ok", warning=warning, etag=None, last_modified=None)

    def _add_fulltext(
        self, source: Source, records: list[ArticleRecord]
    ) -> tuple[list[ArticleRecord], list[ArticleRecord], str | None]:
        """Replace short feed texts by the article page's main text, where the mode says so.

        A page is fetched when its entry first arrives, and again on later runs while the
        stored article still has only the feed's text, up to FULLTEXT_ATTEMPTS tries (a
        stored page text is never fetched again, whatever the feed around it does).
        Returns the records, those whose page gave nothing (to count the try), and a warning.
        """
        mode = source.fulltext or self.settings.ingest.fulltext
        if mode == "off" or not records:
            return records, [], None
        min_words = self.settings.ingest.fulltext_min_words
        wanted = {
            i: r for i, r in enumerate(records)
            if is_web_url(r.url)
            and self.pipeline.needs_fulltext(r, mode=mode, min_words=min_words)
            and self.pipeline.page_wanted(self.db, r, source_id=source.id, max_attempts=FULLTEXT_ATTEMPTS)
        }
        if not wanted:
            return records, [], None
        jobs = [self.pipeline.make_job(url=r.url, etag=None, last_modified=None, key=i) for i, r in wanted.items()]
        out = list(records)
        failures: list[str] = []
        for job, result in self.fetcher.fetch_many(jobs):
            if isinstance(result, BaseException):
                failures.append(str(result))
                continue
            try:
                page = self.pipeline.extract_page(result.content, url=result.url, headers=result.headers)
            except ParseError as e:
                failures.append(str(e))
                continue
            # A page that yields less than the feed had (a paywall stub) does not replace it.
            index = cast(int, job.key)
            if len((page.text or "").split()) > len(out[index].text.split()):
                out[index] = self.pipeline.apply_page(out[index], page)
        misses = [out[i] for i in wanted if out[i].text_origin != "page"]
        warning = None
        if failures:
            # One line with a count, not one per page: the feed's own text is kept for those.
            warning = f"full text unavailable for {len(failures)} of {len(wanted)} article(s); first: {failures[0]}"
        return out, misses, warning

    def _store(
        self,
        source: Source,
        records: list[ArticleRecord],
        *,
        status: str,
        http_status: int | None = None,
        etag: str | None,
        last_modified: str | None,
        title: str | None = None,
        warning: str | None = None,
        moved_to: str | None = None,
        page_misses: Sequence[ArticleRecord] = (),
    ) -> SourceOutcome:
        """Articles and bookkeeping of one source, in one transaction."""
        now = self.clock()
        interval = schedule.source_interval(source.interval, settings=self.settings.ingest)
        decision = schedule.after_success(now=now, interval=interval)
        record = FetchRecord(
            fetched_at=now, status=status, next_fetch_at=decision.next_fetch_at, error_count=0,
            http_status=http_status, etag=etag, last_modified=last_modified,
            title=None if source.title else title, moved_to=moved_to,
        )
        result = None
        with self.db.atomic():
            if records:
                result = self.pipeline.upsert_articles(
                    self.db, records, source_id=source.id, fetched_at=to_timestamp(now)
                )
            if page_misses:
                self.pipeline.note_page_misses(self.db, page_misses, source_id=source.id)
            record_fetch(self.db, source.id, record)
        if result is not None and getattr(result, "changed_ids", None) and self.settings.ingest.extract:
            warning = _join(warning, _extract(self.db, list(result.changed_ids), self.settings))
        return SourceOutcome(
            source=source,
            status=status,
            new=getattr(result, "new", 0),
            updated=getattr(result, "updated", 0),
            unchanged=getattr(result, "unchanged", 0),
            duplicates=getattr(result, "duplicates", 0),
            warning=warning,
        )

    def _fail(self, source: Source, error: Exception, *, internal: bool = False) -> SourceOutcome:
        now = self.clock()
        message = str(error) if not internal else f"internal error: {type(error).__name__}: {error}"
        interval = schedule.source_interval(source.interval, settings=self.settings.ingest)
        decision = schedule.after_failure(
            now=now, error_count=source.error_count, error=message, interval=interval,
            settings=self.settings.ingest, retry_after=getattr(error, "retry_after", None),
        )
        record = FetchRecord(
            fetched_at=now, status="error", next_fetch_at=decision.next_fetch_at,
            error_count=decision.error_count, http_status=getattr(error, "status", None),
            error=message, disabled_reason=decision.disabled_reason,
        )
        with self.db.atomic():
            record_fetch(self.db, source.id, record)
        return SourceOutcome(source=source, status="error", error=message, disabled_reason=decision.disabled_reason)


def _extract(db: sqlite_utils.Database, article_ids: list[int], settings: Settings) -> str | None:
    """Extract (issue #4) the new and changed articles; a warning for the run when that fails."""
    from kb.store import extract_articles

    # The articles are committed before this call and stay flagged needs_extraction when
    # it fails, so `newskb reextract` catches up. Extraction trouble (a missing model, a
    # bug) must not count as a failure of the *source*: no backoff, no disabling.
    try:
        extract_articles(db, article_ids=article_ids, settings=settings)
    except NewskbError as e:
        return f"extraction failed: {e}"
    except Exception as e:  # noqa: BLE001 - see above
        log.exception("extraction failed for %d article(s)", len(article_ids))
        return f"extraction failed: {type(e).__name__}: {e}"
    return None


def _join(*parts: str | None) -> str | None:
    return "; ".join(p for p in parts if p) or None


def _summarise(
    run_id: int,
    started: datetime,
    finished: datetime,
    due: list[Source],
    outcomes: list[SourceOutcome],
    *,
    interrupted: bool,
) -> RunSummary:
    failed = [o for o in outcomes if o.status == "error"]
    if interrupted:
        status = "interrupted"
    elif failed and len(failed) == len(outcomes):
        status = "failed"
    elif failed:
        status = "partial"
    else:
        status = "ok"
    return RunSummary(
        run_id=run_id,
        started_at=to_timestamp(started),
        finished_at=to_timestamp(finished),
        status=status,
        sources_due=len(due),
        sources_ok=sum(o.status == "ok" for o in outcomes),
        sources_not_modified=sum(o.status == "not_modified" for o in outcomes),
        sources_failed=len(failed),
        articles_new=sum(o.new for o in outcomes),
        articles_updated=sum(o.updated for o in outcomes),
        articles_duplicate=sum(o.duplicates for o in outcomes),
        articles_unchanged=sum(o.unchanged for o in outcomes),
        errors=tuple(SourceError(o.source.url, o.error or "") for o in failed),
        warnings=tuple(SourceError(o.source.url, o.warning) for o in outcomes if o.warning),
    )
