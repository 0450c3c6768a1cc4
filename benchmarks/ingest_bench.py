"""Ingest benchmark: N generated feeds served locally, a first run, then a run where all answer 304.

    .venv/bin/python benchmarks/ingest_bench.py [--feeds 500] [--entries 50]

The feeds are served by the test suite's in-process ``FeedServer`` on 127.0.0.1, each with
an ETag, so the second run sends ``If-None-Match`` and gets ``304 Not Modified`` for every
feed: it measures what a scheduled run costs when nothing changed. Extraction and full
text are OFF (this measures ingest only; extraction has its own benchmark). All feeds sit
on one host, so ``per_host`` is raised to ``concurrency``, as for many real hosts.

Prints feeds/s and articles/s for both runs and their ratio; the target (issue #3) is the
unchanged run at least 20x faster than the first. Exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.run import run_ingest  # noqa: E402
from kb.config import HttpSettings, IngestSettings, Settings  # noqa: E402
from kb.db import open_db  # noqa: E402
from kb.sources import add_source  # noqa: E402
from tests.fixtures.server import FeedServer  # noqa: E402

TARGET_RATIO = 20.0


def make_feed(number: int, entries: int) -> bytes:
    """An RSS 2.0 feed with ``entries`` distinct items of about 60 words each."""
    words = " ".join(f"word{i % 97}" for i in range(60))
    items = "".join(
        f"<item><title>Feed {number} story {i}</title>"
        f"<link>https://bench{number}.example/story/{i}</link><guid>bench-{number}-{i}</guid>"
        f"<pubDate>Tue, 24 Nov 2026 {i % 24:02d}:{i % 60:02d}:00 GMT</pubDate>"
        f"<description>Story {i} of feed {number}. {words}</description></item>"
        for i in range(entries)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Bench feed {number}</title><link>https://bench{number}.example/</link>"
        f"<description>generated</description>{items}</channel></rss>"
    ).encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp, FeedServer() as server:
        settings = Settings(
            db_path=Path(tmp) / "bench.sqlite",
            http=HttpSettings(allow_private_networks=True, concurrency=args.concurrency, per_host=args.concurrency),
            ingest=IngestSettings(extract=False, fulltext="off"),
        )
        db = open_db(settings.db_path)
        ids = []
        with db.atomic():
            for n in range(args.feeds):
                url = server.add(f"/feed/{n}.xml", make_feed(n, args.entries), etag=f'"bench-{n}"')
                ids.append(add_source(db, url)[0].id)
        db.close()

        results = []
        for label in ("first", "unchanged"):
            started = time.perf_counter()
            summary = run_ingest(settings, only=ids)
            elapsed = time.perf_counter() - started
            results.append((label, elapsed, summary))

        db = open_db(settings.db_path)
        stored = db["articles"].count
        db.close()

    print(f"ingest benchmark: {args.feeds} feeds x {args.entries} entries, extraction off, full text off")
    for label, elapsed, summary in results:
        print(
            f"  {label:9} run: {elapsed:7.2f} s  {args.feeds / elapsed:8.1f} feeds/s  "
            f"{args.feeds * args.entries / elapsed:9.1f} articles/s  "
            f"(ok {summary.sources_ok}, 304 {summary.sources_not_modified}, failed {summary.sources_failed}, "
            f"new {summary.articles_new})"
        )
    (_, first, first_summary), (_, second, second_summary) = results
    ratio = first / second
    print(f"  articles stored: {stored}")
    print(f"  ratio first/unchanged: {ratio:.1f}x (target >= {TARGET_RATIO:.0f}x)")
    sane = (
        first_summary.articles_new == args.feeds * args.entries
        and second_summary.sources_not_modified == args.feeds
    )
    if not sane:
        print("  unexpected counts: the runs did not do what the benchmark assumes", file=sys.stderr)
        return 1
    return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
