"""The runs table: one row per ingest run, written as the run goes.

A run inserts its row as 'running' first, then finishes it with the counts. A run
killed in between leaves 'running' behind; the next run (which holds the ingest
lock, so no other run can be alive) marks such rows 'interrupted'.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlite_utils

from kb.db import utcnow

log = logging.getLogger(__name__)

RUN_STATUSES = ("running", "ok", "partial", "failed", "interrupted")


@dataclass(frozen=True, slots=True)
class SourceError:
    """One failed source in a run."""

    source: str  #: the source url
    error: str  #: the one-line message


@dataclass(frozen=True, slots=True)
class RunSummary:
    """The result of one ingest run, as ``runs`` stores it and ``--json`` prints it."""

    run_id: int | None
    started_at: str
    finished_at: str | None
    status: str  #: ok | partial | failed | interrupted (ok also when nothing was due)
    sources_due: int = 0
    sources_ok: int = 0
    sources_not_modified: int = 0
    sources_failed: int = 0
    articles_new: int = 0
    articles_updated: int = 0
    articles_duplicate: int = 0
    articles_unchanged: int = 0
    errors: tuple[SourceError, ...] = field(default_factory=tuple)
    warnings: tuple[SourceError, ...] = field(default_factory=tuple)  #: recovered problems

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["errors"] = [asdict(e) for e in self.errors]
        out["warnings"] = [asdict(w) for w in self.warnings]
        return out


def start_run(db: sqlite_utils.Database, *, pid: int) -> tuple[int, int]:
    """Insert a 'running' row; returns (run id, how many stale runs were marked interrupted).

    Call only while holding the ingest lock: any other 'running' row then belongs to
    a run that died.
    """
    with db.atomic():
        cursor = db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        interrupted = cursor.rowcount
        run_id = db.table("runs").insert({"started_at": utcnow(), "pid": pid, "status": "running"}).last_pk or 0
    if interrupted:
        log.warning("marked %d earlier run(s) left running as interrupted", interrupted)
    return int(run_id), interrupted


def finish_run(db: sqlite_utils.Database, summary: RunSummary) -> None:
    """Store a finished run's counts and errors on its row."""
    if summary.run_id is None:
        return
    values = {
        "finished_at": summary.finished_at,
        "status": summary.status,
        "sources_due": summary.sources_due,
        "sources_ok": summary.sources_ok,
        "sources_not_modified": summary.sources_not_modified,
        "sources_failed": summary.sources_failed,
        "articles_new": summary.articles_new,
        "articles_updated": summary.articles_updated,
        "articles_duplicate": summary.articles_duplicate,
        "errors": json.dumps([asdict(e) for e in summary.errors], ensure_ascii=False),
    }
    with db.atomic():
        db.table("runs").update(summary.run_id, values)


@dataclass(frozen=True, slots=True)
class RunRow:
    """One ingest run, as the runs table records it."""

    id: int
    started_at: str | None
    finished_at: str | None
    status: str | None
    sources_due: int
    sources_ok: int
    sources_not_modified: int
    sources_failed: int
    articles_new: int
    articles_updated: int
    articles_duplicate: int
    errors: list[dict[str, Any]]


def list_runs(db: sqlite_utils.Database, *, limit: int = 20) -> list[RunRow]:
    """The latest runs, newest first."""
    return [_run_row(row) for row in db.table("runs").rows_where(order_by="id DESC", limit=limit)]


def _run_row(row: dict[str, Any]) -> RunRow:
    """A runs row with its errors decoded; a damaged errors column becomes one message, never a crash."""
    errors: list[dict[str, Any]] = []
    if row.get("errors"):
        try:
            loaded = json.loads(row["errors"])
        except ValueError:
            loaded = [{"source": "", "error": str(row["errors"])}]
        if isinstance(loaded, list):
            errors = [e if isinstance(e, dict) else {"source": "", "error": str(e)} for e in loaded]
    return RunRow(
        id=row["id"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        status=row["status"],
        sources_due=row["sources_due"] or 0,
        sources_ok=row["sources_ok"] or 0,
        sources_not_modified=row["sources_not_modified"] or 0,
        sources_failed=row["sources_failed"] or 0,
        articles_new=row["articles_new"] or 0,
        articles_updated=row["articles_updated"] or 0,
        articles_duplicate=row["articles_duplicate"] or 0,
        errors=errors,
    )




def run_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Runs by status, for ``stats``."""
    counts = {status: 0 for status in RUN_STATUSES}
    for status, count in db.execute("SELECT status, COUNT(*) FROM runs GROUP BY status").fetchall():
        counts[status] = count
    counts["total"] = sum(counts[s] for s in RUN_STATUSES)
    return counts


def database_stats(db: sqlite_utils.Database) -> dict[str, Any]:
    """Counts for ``newskb stats``: sources, articles, runs, and knowledge tables when filled."""
    from kb.sources import iter_source_counts

    articles = db.execute(
        """SELECT COUNT(*), SUM(duplicate_of IS NOT NULL), SUM(needs_extraction = 1),
                  MIN(published_at), MAX(published_at)
           FROM articles"""
    ).fetchone()
    stats: dict[str, Any] = {
        "database": db.conn.execute("PRAGMA database_list").fetchone()[2] or ":memory:",
        "sources": dict(iter_source_counts(db)),
        "articles": {
            "total": articles[0],
            "duplicates": int(articles[1] or 0),
            "awaiting_extraction": int(articles[2] or 0),
            "oldest_published": articles[3],
            "newest_published": articles[4],
        },
        "runs": run_counts(db),
    }
    last = list_runs(db, limit=1)
    stats["runs"]["last"] = (
        {"id": last[0].id, "started_at": last[0].started_at, "finished_at": last[0].finished_at,
         "status": last[0].status} if last else None
    )
    tables = set(db.table_names())
    knowledge = {
        name: db[name].count for name in ("companies", "relations", "evidence", "mentions") if name in tables
    }
    if any(knowledge.values()):
        stats["knowledge"] = knowledge
    return stats
