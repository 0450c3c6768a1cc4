"""The sources table: what to ingest, and how each source has been doing.

A source is a feed URL, an article page URL, or an absolute local path (a file or a
folder). ``detect_source`` decides the kind from what the user typed; the user owns
the title, interval, full-text mode and the enabled flag, while the ingest run owns
the fetch bookkeeping written by ``record_fetch``.

Local feed files (``.xml``, ``.rss``, ``.atom``, ``.rdf``) are sources of kind
``feed`` whose url is a path: the run reads the bytes from disk and parses them as a
feed, exactly as it would parse a fetched one.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

import sqlite_utils

from kb.config import FULLTEXT_MODES
from kb.db import to_timestamp, utcnow
from kb.errors import ConfigError, NotFound

log = logging.getLogger(__name__)

SOURCE_KINDS = ("feed", "page", "file", "folder")
#: Local files with these suffixes hold a feed, not an article.
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom", ".rdf"})
#: Local article files ingest/files.py reads (kept equal to ``ingest.files.SUFFIXES`` by a
#: test; kb/ does not import ingest/), checked when a file source is added.
ARTICLE_SUFFIXES = frozenset({".html", ".htm", ".txt", ".md", ".markdown", ".jsonl"})
URL_SCHEMES = ("http", "https")
#: The SQL condition "this source is enabled" (``Source.enabled``): fetched when due.
_ENABLED = "(disabled_reason IS NULL AND disabled_at IS NULL)"


@dataclass(frozen=True, slots=True)
class Source:
    """One row of ``sources``; timestamps are UTC-aware datetimes."""

    id: int
    url: str  #: http(s) URL, or an absolute local path
    kind: str  #: feed | page | file | folder
    title: str | None = None
    added_at: datetime | None = None
    fulltext: str | None = None  #: off | auto | always; None = the configured default
    interval: float | None = None  #: seconds; None = the configured default
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_fetched_at: datetime | None = None
    last_success_at: datetime | None = None
    last_status: str | None = None  #: ok | not_modified | error
    last_http_status: int | None = None
    last_error: str | None = None
    error_count: int = 0  #: consecutive failures
    next_fetch_at: datetime | None = None  #: due when None or in the past

    @property
    def enabled(self) -> bool:
        return self.disabled_reason is None and self.disabled_at is None

    @property
    def is_local(self) -> bool:
        """True when the url is a path on this machine rather than an http(s) URL."""
        return not is_http_url(self.url)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: datetimes as ISO strings."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = to_timestamp(value) if isinstance(value, datetime) else value
        return out


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """What one fetch attempt leaves on its source (the fetcher's columns)."""

    fetched_at: datetime
    status: str  #: ok | not_modified | error
    next_fetch_at: datetime
    error_count: int  #: consecutive failures after this attempt
    http_status: int | None = None
    error: str | None = None
    etag: str | None = None  #: kept as they were when None and status is error
    last_modified: str | None = None
    title: str | None = None  #: the feed's title, set only when the source has none
    disabled_reason: str | None = None  #: set to disable the source
    moved_to: str | None = None  #: the source's new URL after a permanent redirect


def is_http_url(target: str) -> bool:
    return urlsplit(target).scheme.lower() in URL_SCHEMES


def normalize_source_url(url: str) -> str:
    """One spelling per address: "HTTPS://News.Example:443/Feed#top" is "https://news.example/Feed".

    Scheme and host are case-insensitive and a default port or a fragment never reaches
    the server, so two spellings would be two sources fetching one feed. Path and query are
    kept as given (servers may treat them case-sensitively). A port that is not a number
    is a bad argument: ConfigError.
    """
    parts = urlsplit(url)
    try:
        _ = parts.port  # raises on "host:abc"
    except ValueError as e:
        raise ConfigError(f"{url}: {e}") from None
    scheme = parts.scheme.lower()
    return urlunsplit((scheme, folded_netloc(parts, scheme), parts.path, parts.query, ""))


#: Ports a scheme implies: written out, they name the same address.
DEFAULT_PORTS = {"http": 80, "https": 443}


def folded_netloc(parts: SplitResult, scheme: str) -> str:
    """Host lower-cased, default port dropped, user info kept as written (also ingest's article URLs)."""
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal: hostname strips the brackets
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:  # "host:abc": keep what was written rather than guess
        return parts.netloc.lower()
    userinfo, _, _ = parts.netloc.rpartition("@")
    netloc = f"{userinfo}@{host}" if userinfo else host
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc = f"{netloc}:{port}"
    return netloc


def detect_source(target: str, *, page: bool = False) -> tuple[str, str]:
    """The (url, kind) a user's ``sources add`` argument stands for.

    An http(s) URL is a feed, or a page with ``page=True``; an existing local path is
    a folder, a feed file (by suffix) or a file. Anything else (another scheme, a
    path that does not exist, a file type no reader takes) is a bad argument: ConfigError.
    """
    target = target.strip()
    if not target:
        raise ConfigError("empty source: give an http(s) URL or a local path")
    scheme = urlsplit(target).scheme.lower()
    if scheme in URL_SCHEMES:
        if not urlsplit(target).netloc:
            raise ConfigError(f"{target}: URL has no host")
        return normalize_source_url(target), "page" if page else "feed"
    path = Path(target).expanduser()
    # "C:" style one-letter schemes do not occur on POSIX; anything else with a
    # scheme that is not an existing path is a URL we refuse (ftp:, file:, javascript:).
    if scheme and ("://" in target or not path.exists()):
        raise ConfigError(f"{target}: scheme {scheme!r} is not supported: use http, https or a local path")
    if page:
        raise ConfigError(f"{target}: --page applies to http(s) URLs only")
    if not path.exists():
        raise ConfigError(f"{target}: no such file or folder")
    path = path.resolve()
    if path.is_dir():
        return str(path), "folder"
    if path.suffix.lower() in FEED_SUFFIXES:
        return str(path), "feed"
    if path.suffix.lower() not in ARTICLE_SUFFIXES:
        known = ", ".join(sorted(FEED_SUFFIXES | ARTICLE_SUFFIXES))
        raise ConfigError(f"{target}: unsupported file type {path.suffix or '(none)'!r}; use one of {known}")
    return str(path), "file"


def add_source(
    db: sqlite_utils.Database,
    target: str,
    *,
    page: bool = False,
    title: str | None = None,
    fulltext: str | None = None,
    interval: float | None = None,
) -> tuple[Source, bool]:
    """Add a source (or find it, when its url is already there); returns (source, created)."""
    url, kind = detect_source(target, page=page)
    if fulltext is not None and fulltext not in FULLTEXT_MODES:
        raise ConfigError(f"full-text mode must be one of {', '.join(FULLTEXT_MODES)}, not {fulltext!r}")
    existing = find_source(db, url)
    if existing is not None:
        return existing, False
    row = {
        "url": url,
        "kind": kind,
        "title": title,
        "added_at": utcnow(),
        "fulltext": fulltext,
        "interval": interval,
        "error_count": 0,
    }
    with db.atomic():
        source_id = int(db.table("sources").insert(row).last_pk or 0)
    log.info("added %s source %s", kind, url)
    return get_source(db, source_id), True


def find_source(db: sqlite_utils.Database, url: str) -> Source | None:
    rows = list(db["sources"].rows_where("url = ?", [url], limit=1))
    return _from_row(rows[0]) if rows else None


def get_source(db: sqlite_utils.Database, key: int | str) -> Source:
    """A source by id, or by url (as stored, or as ``sources add`` would store it)."""
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        rows = list(db["sources"].rows_where("id = ?", [int(key)], limit=1))
        if rows:
            return _from_row(rows[0])
        raise NotFound(f"no source with id {key}")
    source = find_source(db, key)
    if source is None and is_http_url(key) and urlsplit(key).netloc:
        source = find_source(db, normalize_source_url(key))
    if source is None and not is_http_url(key) and Path(key).expanduser().exists():
        source = find_source(db, str(Path(key).expanduser().resolve()))
    if source is None:
        raise NotFound(f"no source {key!r}")
    return source


def list_sources(db: sqlite_utils.Database, *, enabled: bool | None = None) -> list[Source]:
    """All sources by id; ``enabled`` filters on the disabled flag."""
    where = None
    if enabled is True:
        where = _ENABLED
    elif enabled is False:
        where = f"NOT {_ENABLED}"
    return [_from_row(row) for row in db["sources"].rows_where(where, order_by="id")]


def remove_source(db: sqlite_utils.Database, key: int | str) -> Source:
    """Delete a source; its articles stay, detached (source_id NULL)."""
    source = get_source(db, key)
    with db.atomic():
        db.execute("UPDATE articles SET source_id = NULL WHERE source_id = ?", [source.id])
        db.table("sources").delete(source.id)
    log.info("removed source %s", source.url)
    return source


def disable_source(db: sqlite_utils.Database, key: int | str, *, reason: str = "disabled by the user") -> Source:
    source = get_source(db, key)
    with db.atomic():
        db.table("sources").update(source.id, {"disabled_at": utcnow(), "disabled_reason": reason})
    return get_source(db, source.id)


def enable_source(db: sqlite_utils.Database, key: int | str) -> Source:
    """Enable a source again, due at once, with its failure count reset."""
    source = get_source(db, key)
    with db.atomic():
        db.table("sources").update(
            source.id,
            {"disabled_at": None, "disabled_reason": None, "error_count": 0, "next_fetch_at": None},
        )
    return get_source(db, source.id)


def due_sources(db: sqlite_utils.Database, *, now: datetime) -> list[Source]:
    """Enabled sources whose next fetch time has come, the longest-waiting first."""
    rows = db["sources"].rows_where(
        f"{_ENABLED} AND (next_fetch_at IS NULL OR next_fetch_at <= ?)",
        [to_timestamp(now)],
        order_by="next_fetch_at IS NOT NULL, next_fetch_at, id",
    )
    return [_from_row(row) for row in rows]


def next_due_at(db: sqlite_utils.Database, *, ids: Collection[int] | None = None) -> datetime | None:
    """When the next enabled source (of ``ids``, if given) falls due; None when there is none."""
    where = _ENABLED
    params: list[int] = []
    if ids is not None:
        params = list(ids)
        where += f" AND id IN ({', '.join('?' * len(params)) or 'NULL'})"
    row = db.execute(f"SELECT MIN(COALESCE(next_fetch_at, '')) FROM sources WHERE {where}", params).fetchone()
    if row is None or row[0] is None:
        return None
    return _parse_time(row[0]) or datetime.min.replace(tzinfo=UTC)


def record_fetch(db: sqlite_utils.Database, source_id: int, record: FetchRecord) -> None:
    """Write one fetch attempt's bookkeeping; the caller owns the transaction."""
    values: dict[str, Any] = {
        "last_fetched_at": to_timestamp(record.fetched_at),
        "last_status": record.status,
        "last_http_status": record.http_status,
        "error_count": record.error_count,
        "next_fetch_at": to_timestamp(record.next_fetch_at),
    }
    if record.status == "error":
        values["last_error"] = record.error
    else:
        values["last_error"] = None
        values["last_success_at"] = to_timestamp(record.fetched_at)
        # A 304 may omit validators; keep the ones we have then.
        if record.etag is not None or record.status == "ok":
            values["etag"] = record.etag
        if record.last_modified is not None or record.status == "ok":
            values["last_modified"] = record.last_modified
    if record.disabled_reason is not None:
        values["disabled_at"] = to_timestamp(record.fetched_at)
        values["disabled_reason"] = record.disabled_reason
    if record.moved_to and not db.execute("SELECT 1 FROM sources WHERE url = ?", [record.moved_to]).fetchone():
        # 301/308: fetch the new address from now on (unless another source already has it)
        log.info("source %d moved permanently to %s", source_id, record.moved_to)
        values["url"] = record.moved_to
    # Plain SQL: sqlite-utils' update() re-reads the table layout on every call, a third of
    # an unchanged run's time (benchmarks/ingest_bench.py); the column names are ours.
    db.execute(f"UPDATE sources SET {', '.join(f'{name} = ?' for name in values)} WHERE id = ?",
               [*values.values(), source_id])
    if record.title:
        db.execute("UPDATE sources SET title = ? WHERE id = ? AND (title IS NULL OR title = '')", [record.title, source_id])


def iter_source_counts(db: sqlite_utils.Database) -> Iterator[tuple[str, int]]:
    """(label, count) pairs for ``stats``: total, enabled, disabled, failing."""
    row = db.execute(
        f"SELECT COUNT(*), SUM({_ENABLED}), SUM(NOT {_ENABLED}), SUM(error_count > 0 AND {_ENABLED}) FROM sources"
    ).fetchone()
    for label, value in zip(("total", "enabled", "disabled", "failing"), row, strict=True):
        yield label, int(value or 0)


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_TIME_FIELDS = {"added_at", "disabled_at", "last_fetched_at", "last_success_at", "next_fetch_at"}


def _from_row(row: dict[str, Any]) -> Source:
    known = {f.name for f in fields(Source)}
    values: dict[str, Any] = {k: (_parse_time(v) if k in _TIME_FIELDS else v) for k, v in row.items() if k in known}
    values["error_count"] = values.get("error_count") or 0
    return Source(**values)
