"""The sources table: kinds from what the user types, enable/disable, due sources."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kb.errors import ConfigError, NotFound
from kb.sources import (
    FetchRecord,
    add_source,
    detect_source,
    disable_source,
    due_sources,
    enable_source,
    get_source,
    list_sources,
    next_due_at,
    record_fetch,
    remove_source,
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_http_url_is_a_feed_unless_page_is_asked():
    assert detect_source("https://example.com/feed.xml") == ("https://example.com/feed.xml", "feed")
    assert detect_source("https://example.com/a", page=True) == ("https://example.com/a", "page")


@pytest.mark.parametrize("url", ["ftp://example.com/feed.xml", "file:///etc/passwd", "javascript:alert(1)"])
def test_other_schemes_are_refused_as_bad_arguments(url):
    with pytest.raises(ConfigError, match="not supported"):
        detect_source(url)


def test_local_paths_become_folder_feed_or_file(tmp_path):
    (tmp_path / "news.rss").write_text("<rss/>")
    (tmp_path / "note.md").write_text("# hi")
    assert detect_source(str(tmp_path)) == (str(tmp_path.resolve()), "folder")
    assert detect_source(str(tmp_path / "news.rss"))[1] == "feed"
    assert detect_source(str(tmp_path / "note.md"))[1] == "file"


def test_missing_local_path_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        detect_source(str(tmp_path / "absent.txt"))


def test_adding_the_same_url_twice_keeps_one_row(db):
    first, created = add_source(db, "https://example.com/feed")
    again, created_again = add_source(db, "https://example.com/feed")
    assert created and not created_again
    assert first.id == again.id
    assert len(list_sources(db)) == 1


def test_spellings_of_one_url_are_one_source(db):
    first, created = add_source(db, "HTTPS://News.Example:443/Feed.xml#latest")
    again, created_again = add_source(db, "https://news.example/Feed.xml")
    other, _ = add_source(db, "https://news.example/feed.xml")  # paths are case-sensitive
    assert first.url == "https://news.example/Feed.xml" and created and not created_again
    assert again.id == first.id and other.id != first.id
    assert add_source(db, "http://news.example:8080/f")[0].url == "http://news.example:8080/f"
    assert get_source(db, "https://NEWS.example/Feed.xml").id == first.id


def test_get_source_by_id_or_url(db):
    source, _ = add_source(db, "https://example.com/feed")
    assert get_source(db, source.id) == source
    assert get_source(db, str(source.id)) == source
    assert get_source(db, "https://example.com/feed") == source
    with pytest.raises(NotFound):
        get_source(db, "https://nowhere.example/")


def test_disabled_source_is_not_due_and_enable_makes_it_due_again(db):
    source, _ = add_source(db, "https://example.com/feed")
    disable_source(db, source.id, reason="paused")
    assert due_sources(db, now=NOW) == []
    assert list_sources(db, enabled=False)[0].disabled_reason == "paused"
    enable_source(db, source.id)
    assert [s.id for s in due_sources(db, now=NOW)] == [source.id]


def test_source_is_due_only_once_its_next_fetch_time_has_come(db):
    source, _ = add_source(db, "https://example.com/feed")
    record_fetch(db, source.id, FetchRecord(fetched_at=NOW, status="ok", next_fetch_at=NOW + timedelta(minutes=30), error_count=0))
    assert due_sources(db, now=NOW + timedelta(minutes=29)) == []
    assert len(due_sources(db, now=NOW + timedelta(minutes=30))) == 1


def test_failed_fetch_keeps_validators_and_records_the_error(db):
    source, _ = add_source(db, "https://example.com/feed")
    record_fetch(db, source.id, FetchRecord(fetched_at=NOW, status="ok", next_fetch_at=NOW, error_count=0, etag='"v1"'))
    record_fetch(
        db, source.id,
        FetchRecord(fetched_at=NOW, status="error", next_fetch_at=NOW, error_count=1, http_status=500, error="HTTP 500"),
    )
    after = get_source(db, source.id)
    assert (after.etag, after.last_error, after.error_count, after.last_http_status) == ('"v1"', "HTTP 500", 1, 500)


def test_fetch_that_disables_keeps_the_reason(db):
    source, _ = add_source(db, "https://example.com/feed")
    record_fetch(
        db, source.id,
        FetchRecord(fetched_at=NOW, status="error", next_fetch_at=NOW, error_count=10, error="x", disabled_reason="dead"),
    )
    assert not get_source(db, source.id).enabled
    assert get_source(db, source.id).disabled_reason == "dead"


def test_removing_a_source_keeps_its_articles(db):
    source, _ = add_source(db, "https://example.com/feed")
    db["articles"].insert({"url": "https://example.com/a", "source_id": source.id, "fetched_at": "2026-01-01T00:00:00+00:00"})
    remove_source(db, source.id)
    assert list_sources(db) == []
    assert db["articles"].count == 1


def test_local_file_of_unknown_type_is_refused(tmp_path):
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(ConfigError, match="unsupported file type '.pdf'"):
        detect_source(str(tmp_path / "report.pdf"))


def test_article_suffixes_match_what_the_file_reader_reads():
    from ingest.files import SUFFIXES
    from kb.sources import ARTICLE_SUFFIXES

    assert ARTICLE_SUFFIXES == SUFFIXES


def test_next_due_time_is_the_earliest_among_enabled_sources(db):
    first, _ = add_source(db, "https://a.example/feed")
    second, _ = add_source(db, "https://b.example/feed")
    record_fetch(db, first.id, FetchRecord(fetched_at=NOW, status="ok", next_fetch_at=NOW + timedelta(hours=2), error_count=0))
    record_fetch(db, second.id, FetchRecord(fetched_at=NOW, status="ok", next_fetch_at=NOW + timedelta(hours=1), error_count=0))
    assert next_due_at(db) == NOW + timedelta(hours=1)
    assert next_due_at(db, ids=[first.id]) == NOW + timedelta(hours=2)
    disable_source(db, second.id)
    assert next_due_at(db) == NOW + timedelta(hours=2)
