"""One ingest run: bookkeeping, backoff, 304s, the lock, stopping, with a fake fetcher."""

from __future__ import annotations

import threading
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
    assert list_runs(database)[0]["errors"] == [{"source": FEED, "error": summary.errors[0].error}]


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
    statuses = {row["id"]: row["status"] for row in list_runs(database)}
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
    import kb.store

    calls = []
    monkeypatch.setattr(kb.store, "extract_articles", lambda db, *, article_ids, settings: calls.append(article_ids))
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
