"""The shared feed corpus, ingested through the local server: no crash, and every real entry stored.

One database and one run per folder, extraction and full text off, so the whole
corpus (130 real feeds in real/ and extra/, 2106 feedparser test documents) takes seconds. The summary
(files, entries, articles, failures by reason) is printed: run with ``-s`` to see it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest

from ingest.feeds import entry_identity
from ingest.run import run_ingest
from kb.db import open_db
from kb.sources import add_source

pytestmark = pytest.mark.slow


def _feed_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in {".xml", ".rss", ".atom", ".rdf"})


def _ingest_folder(folder: Path, feed_server, ingest_settings) -> tuple[list[Path], object, dict[str, int]]:
    """Serve ``folder``, add one source per file, run once; returns (files, summary, url -> source id)."""
    base = feed_server.serve_directory("/corpus/", folder)
    settings = replace(ingest_settings, http=replace(ingest_settings.http, per_host=16))
    files = _feed_files(folder)
    db = open_db(settings.db_path)
    ids = {}
    with db.atomic():
        for path in files:
            source, _ = add_source(db, base + path.relative_to(folder).as_posix())
            ids[str(path)] = source.id
    db.close()
    summary = run_ingest(settings)
    return files, summary, ids


def _reason(error: str) -> str:
    """A failure message without its URL and numbers, to count failures by kind."""
    text = error.split(": ", 1)[-1]
    return re.sub(r"\d+", "N", text)[:80]


def _report(name: str, files: list[Path], entries: int, articles: int, summary) -> None:
    reasons = Counter(_reason(e.error) for e in summary.errors)
    warnings = Counter(_reason(w.error)[:40] for w in summary.warnings)
    print(f"\n[corpus {name}] files={len(files)} entries={entries} articles_stored={articles} "
          f"sources_ok={summary.sources_ok} failed={summary.sources_failed}")
    for reason, count in reasons.most_common():
        print(f"  failure x{count}: {reason}")
    for error in summary.errors[:5]:
        print(f"  failed: {error.error}")
    for reason, count in warnings.most_common(5):
        print(f"  warning x{count}: {reason}")


# extra/ holds 30 more real feeds (other encodings, a truncated feed, relative links).
@pytest.mark.parametrize("name", ["real", "extra"])
def test_real_feeds_store_one_article_per_distinct_entry(shared_dir, feed_server, ingest_settings, name):
    folder = shared_dir / "feeds" / name
    files, summary, ids = _ingest_folder(folder, feed_server, ingest_settings)
    db = open_db(ingest_settings.db_path)
    entries = 0
    mismatches = []
    for path in files:
        parsed = feedparser.parse(path.read_bytes())
        entries += len(parsed.entries)
        expected = len({key for entry in parsed.entries if (key := entry_identity(entry)) is not None})
        stored = db["articles"].count_where("source_id = ?", [ids[str(path)]])
        if stored != expected:
            mismatches.append((path.name, expected, stored))
    articles = db["articles"].count
    _report(name, files, entries, articles, summary)
    assert not [e for e in summary.errors if "internal error" in e.error]
    assert summary.sources_failed == 0, summary.errors
    assert mismatches == []


def test_feedparser_test_documents_ingest_without_internal_errors(shared_dir, feed_server, ingest_settings):
    folder = shared_dir / "feeds" / "feedparser-tests"
    files, summary, _ = _ingest_folder(folder, feed_server, ingest_settings)
    db = open_db(ingest_settings.db_path)
    entries = sum(len(feedparser.parse(p.read_bytes()).entries) for p in files)
    _report("feedparser-tests", files, entries, db["articles"].count, summary)
    assert summary.sources_due == len(files)
    assert not [e for e in summary.errors if "internal error" in e.error]
    with db.conn:
        assert db.execute("SELECT COUNT(*) = COUNT(DISTINCT url) FROM articles").fetchone() == (1,)
