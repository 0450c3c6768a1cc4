"""One ingest run: bookkeeping, backoff, 304s, the lock, stopping, with a fake fetcher."""

from __future__ import annotations

import sys
import threading
import types
from datetime import UTC, datetime, timedelta

import pytest

from ingest.run import ingest_lock, run_ingest, run_once
from kb.db import open_db
from kb.errors import FetchError, LockHeld
from kb.runs import list_runs, start_run
from kb.sources import add_source, get_source
from tests.fixtures.ingest_fakes import make_rss

FEED = "https://news.example/feed.xml"
START = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


class FixedClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    return FixedClock()


def _article_page(title: str) -> str:
    """An HTML article page long enough for trafilatura to take its paragraph as main text."""
    paragraph = " ".join(f"Sentence {i} of the article explains the deal in some detail." for i in range(40))
    return f"<html><head><title>{title}</title></head><body><article><p>{paragraph}</p></article></body></html>"


def _rss(*items: str) -> bytes:
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://x/</link><description>d</description>'
    return (head + "".join(items) + "</channel></rss>").encode()


def _teaser_item(n: int, link: str) -> str:
    """An entry whose feed text is a short teaser: full-text mode "auto" fetches its page."""
    return f"<item><title>Deal {n}</title><link>{link}</link><guid>g{n}</guid><description>Teaser {n}.</description></item>"


def _with_fulltext(settings, mode):
    from dataclasses import replace

    return replace(settings, ingest=replace(settings.ingest, fulltext=mode))


@pytest.fixture
def database(ingest_settings):
    database = open_db(ingest_settings.db_path)
    yield database
    database.close()


def _run(database, ingest_settings, fake_pipeline, clock, **kwargs):
    return run_once(database, ingest_settings, pipeline=fake_pipeline, clock=clock, **kwargs)


def test_new_feed_is_stored_and_due_again_one_interval_later(database, ingest_settings, fake_pipeline, fake_fetcher, clock):
    fake_fetcher.routes[FEED] = make_rss(5)
    add_source(database, FEED)
    summary = _run(database, ingest_settings, fake_pipeline, clock)
    assert (summary.status, summary.sources_ok, summary.articles_new) == ("ok", 1, 5)
    assert database["articles"].count == 5
    source = get_source(database, FEED)
    assert source.last_status == "ok"
    assert source.title == "Example news"
    assert source.next_fetch_at == START + timedelta(seconds=ingest_settings.ingest.interval)


def test_source_not_yet_due_is_not_fetched(database, ingest_settings, fake_pipeline, fake_fetcher, clock):
    fake_fetcher.routes[FEED] = make_rss(1)
    add_source(database, FEED)
    _run(database, ingest_settings, fake_pipeline, clock)
    clock.advance(minutes=10)
    summary = _run(database, ingest_settings, fake_pipeline, clock)
    assert summary.sources_due == 0
    assert len(fake_fetcher.seen) == 1


def test_ingesting_twice_gives_the_same_rows(database, ingest_settings, fake_pipeline, fake_fetcher, clock):
    fake_fetcher.routes[FEED] = make_rss(8)
    add_source(database, FEED)
    _run(database, ingest_settings, fake_pipeline, clock)
    before = list(database["articles"].rows_where(order_by="id"))
    clock.advance(hours=1)
    summary = _run(database, ingest_settings, fake_pipeline, clock)
    assert summary.articles_new == 0 and summary.articles_updated == 0
    assert list(database["articles"].rows_where(order_by="id")) == before


def test_unchanged_feed_answers_304_and_writes_nothing_but_bookkeeping(
    database, ingest_settings, fake_pipeline, fake_fetcher, clock
):
    fake_fetcher.routes[FEED] = (200, make_rss(3), '"v1"')
    add_source(database, FEED)
    _run(database, ingest_settings, fake_pipeline, clock)
    articles = list(database["articles"].rows_where(order_by="id"))
    clock.advance(hours=1)
    summary = _run(database, ingest_settings, fake_pipeline, clock)
    assert fake_fetcher.seen[-1] == (FEED, '"v1"')
    assert (summary.sources_not_modified, summary.articles_new, summary.articles_unchanged) == (1, 0, 0)
    assert list(database["articles"].rows_where(order_by="id")) == articles
    source = get_source(database, FEED)
    assert (source.last_status, source.etag, source.last_fetched_at) == ("not_modified", '"v1"', clock.now)


def test_failure_is_recorded_on_the_source_and_in_the_run(database, ingest_settings, fake_pipeline, fake_fetcher, clock):
    fake_fetcher.routes[FEED] = FetchError(FEED, "HTTP 500 Internal Server Error", status=500)
    add_source(database, FEED)
    summary = _run(database, ingest_settings, fake_pipeline, clock)
    assert (summary.status, summary.sources_failed) == ("failed", 1)
    assert summary.errors[0].source == FEED and "HTTP 500" in summary.errors[0].error
    source = get_source(database, FEED)
    assert (source.error_count, source.last_http_status, source.last_status) == (1, 500, "error")
    assert "HTTP 500" in source.last_error
    assert list_runs(database)[0].errors == [{"source": FEED, "error": summary.errors[0].error}]


def test_one_bad_source_does_not_stop_the_others(database, ingest_settings, fake_pipeline, fake_fetcher, clock):
    html = "https://news.example/not-a-feed"
    fake_fetcher.routes[html] = b"<!doctype html><html><head><title>x</title></head><body>hi</body></html>"
    fake_fetcher.routes[FEED] = make_rss(2)
    add_source(database, html)
    add_source(database, FEED)
    summary = _run(database, ingest_settings, fake_pipeline, clock)
    assert (summary.status, summary.sources_ok, summary.sources_failed, summary.articles_new) == ("partial", 1, 1, 2)
    assert "not a feed" in get_source(database, html).last_error


def test_retry_after_postpones_the_next_fetch(database, ingest_settings, fake_pipeline, fake_fetcher, clock):
    fake_fetcher.routes[FEED] = FetchError(FEED, "HTTP 429 Too Many Requests", status=429, retry_after=7200)
    add_source(database, FEED)
    _run(database, ingest_settings, fake_pipeline, clock)
    assert get_source(database, FEED).next_fetch_at == START + timedelta(hours=2)


def test_success_after_failures_resets_the_backoff(database, ingest_settings, fake_pipeline, fake_fetcher, clock):
    fake_fetcher.routes[FEED] = FetchError(FEED, "timed out")
    add_source(database, FEED)
    for _ in range(3):
        _run(database, ingest_settings, fake_pipeline, clock)
        clock.advance(days=1)
    assert get_source(database, FEED).error_count == 3
    fake_fetcher.routes[FEED] = make_rss(1)
    _run(database, ingest_settings, fake_pipeline, clock)
    source = get_source(database, FEED)
    assert (source.error_count, source.last_error) == (0, None)
    assert source.next_fetch_at == clock.now + timedelta(seconds=ingest_settings.ingest.interval)


def test_source_failing_ten_times_in_a_row_is_disabled_with_the_reason(
    database, ingest_settings, fake_pipeline, fake_fetcher, clock
):
    fake_fetcher.routes[FEED] = FetchError(FEED, "name does not resolve")
    add_source(database, FEED)
    for _ in range(10):
        assert _run(database, ingest_settings, fake_pipeline, clock).sources_due == 1
        clock.advance(days=1)
    source = get_source(database, FEED)
    assert not source.enabled
    assert "10 consecutive failures" in source.disabled_reason
    assert "name does not resolve" in source.disabled_reason
    assert _run(database, ingest_settings, fake_pipeline, clock).sources_due == 0


def test_run_left_running_by_a_killed_process_is_marked_interrupted(database, ingest_settings, fake_pipeline, clock):
    stale, _ = start_run(database, pid=999999)
    _run(database, ingest_settings, fake_pipeline, clock)
    statuses = {row.id: row.status for row in list_runs(database)}
    assert statuses[stale] == "interrupted"


def test_stop_ends_the_run_between_sources_and_leaves_the_rest_due(
    database, ingest_settings, fake_pipeline, fake_fetcher, clock
):
    stop = threading.Event()
    for i in range(3):
        fake_fetcher.routes[f"{FEED}?{i}"] = make_rss(1, prefix=f"https://news.example/{i}")
        add_source(database, f"{FEED}?{i}")

    class StopAfterFirst:
        def started(self, total):
            pass

        def source_done(self, outcome):
            stop.set()

        def close(self):
            pass

    summary = _run(database, ingest_settings, fake_pipeline, clock, stop=stop, observer=StopAfterFirst())
    assert summary.status == "interrupted"
    assert summary.sources_ok == 1
    assert database["articles"].count == 1
    stop.clear()
    rest = _run(database, ingest_settings, fake_pipeline, clock)
    assert (rest.sources_due, rest.status) == (2, "ok")


def test_only_fetches_the_named_sources_even_when_not_due(database, ingest_settings, fake_pipeline, fake_fetcher, clock):
    fake_fetcher.routes[FEED] = make_rss(1)
    other, _ = add_source(database, "https://other.example/feed")
    source, _ = add_source(database, FEED)
    _run(database, ingest_settings, fake_pipeline, clock, only={source.id})
    again = _run(database, ingest_settings, fake_pipeline, clock, only={source.id})
    assert again.sources_due == 1
    assert [url for url, _ in fake_fetcher.seen] == [FEED, FEED]


def test_local_feed_file_is_parsed_and_not_reparsed_while_unchanged(database, ingest_settings, fake_pipeline, clock, tmp_path):
    path = tmp_path / "sample.xml"
    path.write_bytes(make_rss(4))
    add_source(database, str(path))
    first = _run(database, ingest_settings, fake_pipeline, clock)
    clock.advance(hours=1)
    second = _run(database, ingest_settings, fake_pipeline, clock)
    assert (first.articles_new, second.sources_not_modified) == (4, 1)


def test_new_articles_are_handed_to_extraction_when_enabled(
    database, ingest_settings, fake_pipeline, fake_fetcher, clock, monkeypatch
):
    calls = []
    fake_store = types.SimpleNamespace(extract_articles=lambda db, *, article_ids, settings: calls.append(article_ids))
    monkeypatch.setitem(sys.modules, "kb.store", fake_store)
    settings = ingest_settings.replace(ingest=ingest_settings.ingest.__class__(extract=True, fulltext="off"))
    fake_fetcher.routes[FEED] = make_rss(3)
    add_source(database, FEED)
    run_once(database, settings, pipeline=fake_pipeline, clock=clock)
    assert len(calls) == 1 and len(calls[0]) == 3


def test_second_run_while_the_lock_is_held_raises_lock_held(ingest_settings, fake_pipeline):
    with ingest_lock(ingest_settings.db_path):
        with pytest.raises(LockHeld, match="another ingest run is in progress"):
            run_ingest(ingest_settings, pipeline=fake_pipeline)


def test_lock_is_released_after_a_run(ingest_settings, fake_pipeline):
    run_ingest(ingest_settings, pipeline=fake_pipeline)
    assert run_ingest(ingest_settings, pipeline=fake_pipeline).status == "ok"


def test_folder_source_stores_its_files_and_reports_a_bad_one(database, ingest_settings, fake_pipeline, clock, tmp_path):
    folder = tmp_path / "clippings"
    folder.mkdir()
    (folder / "a.txt").write_text("Acme buys Widgets\n\nAcme Corp agreed to buy Widgets Ltd for $5 million.", encoding="utf-8")
    (folder / "b.md").write_text("# Beta partners with Gamma\n\nBeta and Gamma signed a partnership.", encoding="utf-8")
    (folder / "c.jsonl").write_text('{"title": "t", "text": "x", "url": "https://c.example/1"}\nnot json\n', encoding="utf-8")
    add_source(database, str(folder))
    summary = _run(database, ingest_settings, fake_pipeline, clock)
    assert (summary.status, summary.articles_new) == ("ok", 3)
    assert "1 file(s) skipped" in summary.warnings[0].error
    assert {row["text_origin"] for row in database["articles"].rows} == {"file"}


def test_file_source_that_cannot_be_read_fails_with_its_reason(database, ingest_settings, fake_pipeline, clock, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("first", encoding="utf-8")
    add_source(database, str(path))
    path.unlink()
    summary = _run(database, ingest_settings, fake_pipeline, clock)
    assert summary.sources_failed == 1
    assert "no such file" in get_source(database, str(path)).last_error


def test_short_entries_get_the_full_text_of_their_page(database, ingest_settings, feed_server, clock):
    from ingest.run import default_pipeline

    story = feed_server.add("/story/1", _article_page("Deal").encode(), content_type="text/html; charset=utf-8")
    add_source(database, feed_server.add("/feed.xml", _rss(_teaser_item(1, story))))
    summary = run_once(database, _with_fulltext(ingest_settings, "auto"), pipeline=default_pipeline(), clock=clock)
    assert summary.articles_new == 1
    row = next(database["articles"].rows)
    assert row["text_origin"] == "page"
    assert "Sentence 39" in row["text"]


def test_a_feed_moved_permanently_is_fetched_at_its_new_url_from_then_on(database, ingest_settings, feed_server, clock):
    from ingest.run import default_pipeline

    new_url = feed_server.add("/new/feed.xml", _rss())
    old_url = feed_server.add("/old/feed.xml", status=301, redirect_to="/new/feed.xml")
    temporary = feed_server.add("/tmp/feed.xml", status=302, redirect_to="/new/feed.xml")
    taken_url = feed_server.add("/taken/feed.xml", _rss())
    to_taken = feed_server.add("/to-taken/feed.xml", status=308, redirect_to="/taken/feed.xml")
    (moved, _), (kept, _) = add_source(database, old_url), add_source(database, temporary)
    add_source(database, taken_url)
    (not_moved, _) = add_source(database, to_taken)
    summary = run_once(database, ingest_settings, pipeline=default_pipeline(), clock=clock)
    assert summary.sources_ok == 4
    assert get_source(database, moved.id).url == new_url
    assert get_source(database, kept.id).url == temporary
    assert get_source(database, not_moved.id).url == to_taken  # another source already has the new url


def test_page_source_stores_one_article(database, ingest_settings, feed_server, clock):
    from ingest.run import default_pipeline

    url = feed_server.add("/news/acme", _article_page("Acme supply deal").encode(), content_type="text/html; charset=utf-8")
    add_source(database, url, page=True)
    summary = run_once(database, ingest_settings, pipeline=default_pipeline(), clock=clock)
    assert (summary.sources_ok, summary.articles_new) == (1, 1)
    assert next(database["articles"].rows)["title"] == "Acme supply deal"


def test_every_loop_runs_until_stopped(ingest_settings, fake_pipeline, fake_fetcher):
    from ingest.run import ingest_every

    stop = threading.Event()
    summaries = []

    def on_summary(summary):
        summaries.append(summary)
        if len(summaries) == 2:
            stop.set()

    db = open_db(ingest_settings.db_path)
    fake_fetcher.routes[FEED] = make_rss(1)
    add_source(db, FEED)
    db.close()
    runs = ingest_every(ingest_settings, every=0.01, stop=stop, pipeline=fake_pipeline, on_summary=on_summary)
    assert runs == 2
    assert [s.sources_due for s in summaries] == [1, 0]


def test_extraction_failure_does_not_fail_the_source(
    database, ingest_settings, fake_pipeline, fake_fetcher, clock, monkeypatch
):
    def broken(db, *, article_ids, settings):
        raise OSError("model en_core_web_sm not found")

    monkeypatch.setitem(sys.modules, "kb.store", types.SimpleNamespace(extract_articles=broken))
    settings = ingest_settings.replace(ingest=ingest_settings.ingest.__class__(extract=True, fulltext="off"))
    fake_fetcher.routes[FEED] = make_rss(2)
    add_source(database, FEED)
    summary = run_once(database, settings, pipeline=fake_pipeline, clock=clock)
    assert (summary.status, summary.articles_new) == ("ok", 2)
    assert "extraction failed" in summary.warnings[0].error
    assert get_source(database, FEED).error_count == 0


@pytest.mark.parametrize(
    ("status", "headers", "wait"),
    [(429, {"Retry-After": "7200"}, timedelta(hours=2)), (500, {}, timedelta(minutes=30))],
)
def test_http_errors_from_the_server_are_recorded_with_their_backoff(
    database, ingest_settings, feed_server, clock, status, headers, wait
):
    from ingest.run import default_pipeline

    url = feed_server.add("/feed.xml", b"busy", status=status, headers=headers, content_type="text/plain")
    add_source(database, url)
    summary = run_once(database, ingest_settings, pipeline=default_pipeline(), clock=clock)
    source = get_source(database, url)
    assert summary.sources_failed == 1
    assert (source.last_http_status, source.error_count) == (status, 1)
    assert source.next_fetch_at == START + wait


@pytest.mark.issue(3)
@pytest.mark.parametrize("page", [False, True], ids=["feed", "page"])
def test_source_grown_past_the_byte_cap_fails_and_keeps_its_stored_articles(
    database, ingest_settings, feed_server, clock, page
):
    from ingest.run import default_pipeline

    first, content_type = (_article_page("Acme deal").encode(), "text/html") if page else (make_rss(3), "application/rss+xml")
    url = feed_server.add("/source", first, content_type=content_type, times=1)
    feed_server.add("/source", first, content_type=content_type, size=50_000_000)  # 50 MB, past the 10 MB default
    add_source(database, url, page=page)
    run_once(database, ingest_settings, pipeline=default_pipeline(), clock=clock)
    stored = list(database["articles"].rows)
    clock.advance(hours=1)
    summary = run_once(database, ingest_settings, pipeline=default_pipeline(), clock=clock)
    assert summary.sources_failed == 1
    assert "cap of 10,000,000 bytes" in get_source(database, url).last_error
    assert stored and list(database["articles"].rows) == stored


@pytest.mark.issue(3)
def test_html_page_at_a_feed_url_fails_naming_the_feeds_it_links(database, ingest_settings, feed_server, clock):
    from ingest.run import default_pipeline

    html = (
        '<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml">'
        '<link rel="alternate" type="application/atom+xml" href="https://other.example/atom"></head>'
        "<body><p>Latest news</p></body></html>"
    )
    url = feed_server.add("/news", html.encode(), content_type="text/html; charset=utf-8")
    add_source(database, url)
    summary = run_once(database, ingest_settings, pipeline=default_pipeline(), clock=clock)
    assert summary.sources_failed == 1
    assert get_source(database, url).last_error == (
        f"{url}: this is an HTML page, not a feed; it links to these feeds: "
        f"{feed_server.url('/rss.xml')}, https://other.example/atom"
    )


@pytest.mark.issue(3)
@pytest.mark.parametrize(
    ("configured", "per_source", "fetches_page"),
    [("off", "always", True), ("always", "off", False), ("off", None, False), ("auto", None, True), ("always", None, True)],
)
def test_source_fulltext_mode_overrides_the_configured_one(
    database, ingest_settings, feed_server, clock, configured, per_source, fetches_page
):
    from ingest.run import default_pipeline

    story = feed_server.add("/story/1", _article_page("Deal").encode(), content_type="text/html; charset=utf-8")
    add_source(database, feed_server.add("/feed.xml", _rss(_teaser_item(1, story))), fulltext=per_source)
    run_once(database, _with_fulltext(ingest_settings, configured), pipeline=default_pipeline(), clock=clock)
    row = next(database["articles"].rows)
    assert (feed_server.hits("/story/1") == 1, row["text_origin"] == "page") == (fetches_page, fetches_page)


@pytest.mark.issue(3)
def test_local_feed_file_past_the_byte_cap_fails_without_being_read_and_keeps_its_articles(
    database, ingest_settings, fake_pipeline, clock, tmp_path
):
    import os
    from dataclasses import replace

    path = tmp_path / "sample.xml"
    path.write_bytes(make_rss(4))
    add_source(database, str(path))
    _run(database, ingest_settings, fake_pipeline, clock)
    stored = list(database["articles"].rows)
    path.write_bytes(make_rss(400))  # grown past the cap set below
    os.utime(path, (1, 1))  # a new mtime, so the file is read again
    settings = replace(ingest_settings, http=replace(ingest_settings.http, max_bytes=20_000))
    clock.advance(hours=1)
    summary = _run(database, settings, fake_pipeline, clock)
    assert summary.sources_failed == 1
    assert get_source(database, str(path)).last_error == (
        f"{path}: {path.stat().st_size:,} bytes is larger than the cap of 20,000 bytes (http.max_bytes)"
    )
    assert list(database["articles"].rows) == stored


@pytest.mark.issue(3)
def test_changed_entry_is_updated_in_place_and_a_copy_from_another_source_is_a_duplicate(
    database, ingest_settings, fake_pipeline, fake_fetcher, clock
):
    fake_fetcher.routes[FEED] = make_rss(2, words=60)
    add_source(database, FEED)
    _run(database, ingest_settings, fake_pipeline, clock)
    database.execute("UPDATE articles SET needs_extraction = 0")
    database.conn.commit()
    ids = [row["id"] for row in database["articles"].rows]

    fake_fetcher.routes[FEED] = make_rss(2, words=61)  # both stories rewritten, same guids
    clock.advance(hours=1)
    updated = _run(database, ingest_settings, fake_pipeline, clock)
    assert (updated.articles_updated, updated.articles_new) == (2, 0)
    assert [(row["id"], row["needs_extraction"]) for row in database["articles"].rows] == [(i, 1) for i in ids]

    wire = "https://wire.example/rss"  # the same two stories under the wire's links and guids
    fake_fetcher.routes[wire] = make_rss(2, words=61, prefix="https://wire.example/s")
    add_source(database, wire)
    copied = _run(database, ingest_settings, fake_pipeline, clock)
    assert (copied.articles_new, copied.articles_duplicate) == (2, 2)
    copies = list(database["articles"].rows_where("source_id = ?", [get_source(database, wire).id], order_by="id"))
    assert [(row["duplicate_of"], row["needs_extraction"]) for row in copies] == [(i, 0) for i in ids]


@pytest.mark.issue(3)
def test_article_page_is_fetched_once_when_its_entry_first_arrives(database, ingest_settings, feed_server, clock):
    from ingest.run import default_pipeline

    first, second = (
        _teaser_item(n, feed_server.add(f"/story/{n}", _article_page(f"Deal {n}").encode(), content_type="text/html"))
        for n in (1, 2)
    )
    url = feed_server.add("/feed.xml", _rss(first), times=1)
    feed_server.add("/feed.xml", _rss(second, first))  # the feed changed: a new entry on top
    add_source(database, url)
    settings = _with_fulltext(ingest_settings, "always")
    run_once(database, settings, pipeline=default_pipeline(), clock=clock)
    clock.advance(hours=1)
    summary = run_once(database, settings, pipeline=default_pipeline(), clock=clock)
    assert (summary.articles_new, summary.articles_unchanged) == (1, 1)
    assert (feed_server.hits("/story/1"), feed_server.hits("/story/2")) == (1, 1)
    assert [row["text_origin"] for row in database["articles"].rows] == ["page", "page"]


@pytest.mark.issue(3)
def test_a_page_that_failed_is_tried_again_on_later_runs_a_few_times(database, ingest_settings, feed_server, clock):
    from ingest.run import FULLTEXT_ATTEMPTS, default_pipeline

    feed_server.add("/story/1", status=503, times=1)  # down for the first run only
    flaky = feed_server.add("/story/1", _article_page("Deal 1").encode(), content_type="text/html")
    dead = feed_server.add("/story/2", status=404)
    add_source(database, feed_server.add("/feed.xml", _rss(_teaser_item(1, flaky), _teaser_item(2, dead))))
    settings = _with_fulltext(ingest_settings, "always")
    for _ in range(FULLTEXT_ATTEMPTS + 2):
        run_once(database, settings, pipeline=default_pipeline(), clock=clock)
        clock.advance(hours=1)
    assert (feed_server.hits("/story/1"), feed_server.hits("/story/2")) == (2, FULLTEXT_ATTEMPTS)
    rows = {row["url"]: row for row in database["articles"].rows}
    assert (rows[flaky]["text_origin"], rows[dead]["text_origin"]) == ("page", "feed")
    assert rows[dead]["fulltext_attempts"] == FULLTEXT_ATTEMPTS
    assert "Sentence 39" in rows[flaky]["text"]
