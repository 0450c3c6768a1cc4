"""upsert_articles: one row per article, updates in place, duplicates marked."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.feeds import entries_to_records, parse_feed
from kb.articles import content_hash, note_page_misses, page_wanted, synthetic_url, upsert_articles
from kb.records import ArticleRecord

T1 = "2026-01-01T00:00:00+00:00"
T2 = "2026-01-02T00:00:00+00:00"
TEXT = "Acme Corp agreed to buy Widget Inc for two billion dollars, the companies said on Monday."


def _source(db, url: str = "https://news.example/feed") -> int:
    return db.table("sources").insert({"url": url, "kind": "feed", "added_at": T1}).last_pk


def _record(**changes) -> ArticleRecord:
    base = ArticleRecord(
        url="https://news.example/acme-widget",
        source_url="https://news.example/feed",
        title="Acme to buy Widget",
        text=TEXT,
        guid="acme-1",
        published=datetime(2026, 1, 1, 9, 30, tzinfo=UTC),
    )
    return dataclasses.replace(base, **changes)


def _rows(db) -> list[dict]:
    return list(db.table("articles").rows_where(order_by="id"))


def test_new_record_is_stored_and_queued_for_extraction(db):
    source = _source(db)
    result = upsert_articles(db, [_record()], source_id=source, fetched_at=T1)
    [row] = _rows(db)
    assert (result.new, result.updated, result.unchanged, result.duplicates) == (1, 0, 0, 0)
    assert result.changed_ids == (row["id"],)
    assert row["published_at"] == "2026-01-01T09:30:00+00:00"
    assert (row["published_estimated"], row["needs_extraction"], row["duplicate_of"]) == (0, 1, None)
    assert row["content_hash"] == content_hash("Acme to buy Widget", TEXT)


@pytest.mark.issue(3)
def test_page_wanted_follows_the_identity_rules_of_the_upsert(db):
    first, second = _source(db), _source(db, "https://wire.example/rss")
    upsert_articles(db, [_record()], source_id=first, fetched_at=T1)

    def wanted(record, source_id, attempts=0):
        return page_wanted(db, record, source_id=source_id, max_attempts=attempts)

    assert not wanted(_record(url="https://news.example/moved"), first)  # same guid, same source: stored
    assert not wanted(_record(guid="wire-1"), second, attempts=3)  # same URL from another source: theirs
    assert wanted(_record(url="https://news.example/moved"), second)  # new to that source
    assert wanted(_record(url="https://news.example/other", guid="acme-2"), first)  # a new entry
    assert wanted(_record(), first, attempts=1)  # stored with the feed's text, not tried yet
    note_page_misses(db, [_record()], source_id=first)
    assert not wanted(_record(), first, attempts=1) and wanted(_record(), first, attempts=2)


def test_upserting_twice_gives_the_same_rows_and_writes_nothing(db):
    source = _source(db)
    upsert_articles(db, [_record()], source_id=source, fetched_at=T1)
    before = _rows(db)
    changes = db.conn.total_changes
    result = upsert_articles(db, [_record()], source_id=source, fetched_at=T2)
    assert (result.new, result.updated, result.unchanged, result.changed_ids) == (0, 0, 1, ())
    assert _rows(db) == before
    assert db.conn.total_changes == changes


def test_changed_text_updates_in_place_and_flags_for_extraction(db):
    source = _source(db)
    upsert_articles(db, [_record()], source_id=source, fetched_at=T1)
    db.table("articles").update(1, {"needs_extraction": 0, "extracted_at": T1})
    result = upsert_articles(
        db, [_record(text=TEXT + " Regulators approved.")], source_id=source, fetched_at=T2
    )
    [row] = _rows(db)
    assert (result.new, result.updated, result.changed_ids) == (0, 1, (row["id"],))
    assert row["text"].endswith("Regulators approved.")
    assert (row["needs_extraction"], row["updated_at"], row["fetched_at"]) == (1, T2, T1)


def test_same_guid_with_a_new_link_moves_the_article(db):
    source = _source(db)
    upsert_articles(db, [_record()], source_id=source, fetched_at=T1)
    result = upsert_articles(
        db, [_record(url="https://news.example/2026/acme")], source_id=source, fetched_at=T2
    )
    [row] = _rows(db)
    assert result.updated == 1 and result.changed_ids == ()  # same text: no new extraction
    assert row["url"] == "https://news.example/2026/acme"


def test_tracking_params_give_the_same_article(db):
    source = _source(db)
    content = (
        b'<rss version="2.0"><channel><title>T</title><item><title>Acme to buy Widget</title>'
        b"<link>https://news.example/acme-widget?utm_source=rss&amp;utm_medium=feed#top</link></item>"
        b"</channel></rss>"
    )
    records = entries_to_records(parse_feed(content, url="https://news.example/feed"), source_url="s")
    upsert_articles(
        db, [_record(guid=None, title="Acme to buy Widget", text="")], source_id=source, fetched_at=T1
    )
    result = upsert_articles(db, records, source_id=source, fetched_at=T2)
    assert result.unchanged == 1 and len(_rows(db)) == 1


def test_same_content_from_another_source_is_stored_as_a_duplicate(db):
    first, second = _source(db), _source(db, "https://wire.example/rss")
    upsert_articles(db, [_record()], source_id=first, fetched_at=T1)
    copy = _record(url="https://wire.example/story/99", guid="wire-99", title="  ACME to buy   Widget ")
    result = upsert_articles(db, [copy], source_id=second, fetched_at=T2)
    original, duplicate = _rows(db)
    assert (result.new, result.duplicates, result.changed_ids) == (1, 1, ())
    assert (duplicate["duplicate_of"], duplicate["needs_extraction"]) == (original["id"], 0)


def test_a_duplicate_whose_text_changes_becomes_an_article_of_its_own(db):
    first, second = _source(db), _source(db, "https://wire.example/rss")
    upsert_articles(db, [_record()], source_id=first, fetched_at=T1)
    copy = _record(url="https://wire.example/story/99", guid="wire-99")
    upsert_articles(db, [copy], source_id=second, fetched_at=T1)
    changed = dataclasses.replace(copy, text=TEXT + " The wire adds a paragraph of its own.")
    result = upsert_articles(db, [changed], source_id=second, fetched_at=T2)
    duplicate = _rows(db)[1]
    assert result.changed_ids == (duplicate["id"],)
    assert (duplicate["duplicate_of"], duplicate["needs_extraction"]) == (None, 1)


def test_short_identical_content_is_not_called_a_duplicate(db):
    first, second = _source(db), _source(db, "https://pod.example/rss")
    upsert_articles(db, [_record(title="Episode 12", text="")], source_id=first, fetched_at=T1)
    other = _record(url="https://pod.example/12", guid="p12", title="Episode 12", text="")
    result = upsert_articles(db, [other], source_id=second, fetched_at=T1)
    assert result.duplicates == 0 and _rows(db)[1]["duplicate_of"] is None


def test_same_url_from_another_source_is_the_same_article_and_writes_nothing(db):
    first, second = _source(db), _source(db, "https://aggregator.example/rss")
    upsert_articles(db, [_record()], source_id=first, fetched_at=T1)
    result = upsert_articles(
        db, [_record(guid="agg-1", text="A different teaser.")], source_id=second, fetched_at=T2
    )
    [row] = _rows(db)
    assert result.unchanged == 1
    assert (row["source_id"], row["text"]) == (first, TEXT)


def test_entries_sharing_a_link_with_different_guids_get_urls_of_their_own(db):
    source = _source(db)
    episodes = [_record(url="http://pod.example/", guid=f"ep-{n}", title=f"Episode {n}") for n in (1, 2, 3)]
    result = upsert_articles(db, episodes, source_id=source, fetched_at=T1)
    assert result.new == 3
    assert [r["url"] for r in _rows(db)] == [
        "http://pod.example/",
        synthetic_url("http://pod.example/", "ep-2"),
        synthetic_url("http://pod.example/", "ep-3"),
    ]
    again = upsert_articles(db, list(reversed(episodes)), source_id=source, fetched_at=T2)
    assert (again.new, again.unchanged) == (0, 3)


def test_missing_date_is_the_fetch_time_flagged_and_kept_on_later_runs(db):
    source = _source(db)
    upsert_articles(db, [_record(published=None)], source_id=source, fetched_at=T1)
    result = upsert_articles(db, [_record(published=None)], source_id=source, fetched_at=T2)
    [row] = _rows(db)
    assert result.unchanged == 1
    assert (row["published_at"], row["published_estimated"]) == (T1, 1)


def test_a_date_given_later_replaces_the_estimate(db):
    source = _source(db)
    upsert_articles(db, [_record(published=None)], source_id=source, fetched_at=T1)
    upsert_articles(db, [_record()], source_id=source, fetched_at=T2)
    [row] = _rows(db)
    assert (row["published_at"], row["published_estimated"]) == ("2026-01-01T09:30:00+00:00", 0)


def test_feed_text_does_not_overwrite_the_page_text_fetched_earlier(db):
    source = _source(db)
    teaser = _record(text="Short teaser.")
    full = dataclasses.replace(teaser, text=TEXT * 3, text_origin="page", summary="Short teaser.")
    upsert_articles(db, [full], source_id=source, fetched_at=T1)
    result = upsert_articles(db, [teaser], source_id=source, fetched_at=T2)
    [row] = _rows(db)
    assert result.unchanged == 1
    assert (row["text"], row["text_origin"]) == (TEXT * 3, "page")


def test_changed_feed_title_over_page_text_is_flagged_but_keeps_the_page_text(db):
    source = _source(db)
    teaser = _record(text="Short teaser.")
    full = dataclasses.replace(teaser, text=TEXT * 3, text_origin="page", summary="Short teaser.")
    upsert_articles(db, [full], source_id=source, fetched_at=T1)
    result = upsert_articles(
        db, [_record(title="Acme buys Widget", text="Short teaser.")], source_id=source, fetched_at=T2
    )
    [row] = _rows(db)
    assert result.updated == 1 and result.changed_ids == (row["id"],)
    assert (row["title"], row["text"]) == ("Acme buys Widget", TEXT * 3)


def test_the_callers_rollback_discards_the_whole_batch(db):
    source = _source(db)
    with pytest.raises(RuntimeError):
        with db.atomic():
            upsert_articles(
                db,
                [_record(), _record(url="https://news.example/b", guid="b")],
                source_id=source,
                fetched_at=T1,
            )
            raise RuntimeError("killed mid-source")
    assert _rows(db) == []


def test_full_text_search_sees_stored_articles(db):
    source = _source(db)
    upsert_articles(db, [_record()], source_id=source, fetched_at=T1)
    assert [r["title"] for r in db.table("articles").search("widget")] == ["Acme to buy Widget"]


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("rssparser-taverncast-podcast.rss", 130),  # 122 entries share one link, each has its own guid
        ("rome-rsr-capsule-podcast.rss", 1),  # 15 entries share one guid and one link
        ("netnewswire-scriptingnews.rss", 48),  # two guids repeated
        ("netnewswire-daringfireball.atom", 48),  # one link in two entries with different ids
        ("feedreader-dave-winer-rss092.rss", 0),  # no link, no guid
        ("nodefeedparser-pcmag-dvorak-nested.rss", 10),
    ],
)
def test_real_feeds_store_one_article_per_identity_and_twice_changes_nothing(
    db, shared_dir: Path, name, stored
):
    url = f"http://127.0.0.1:8000/{name}"
    source = _source(db, url)
    records = entries_to_records(
        parse_feed((shared_dir / "feeds" / "real" / name).read_bytes(), url=url), source_url=url
    )
    first = upsert_articles(db, records, source_id=source, fetched_at=T1)
    second = upsert_articles(db, records, source_id=source, fetched_at=T2)
    assert db.table("articles").count == first.new == stored
    assert (second.new, second.updated, second.unchanged) == (0, 0, stored)
