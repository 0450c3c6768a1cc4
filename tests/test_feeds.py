"""parse_feed and entries_to_records: feed bytes into entries and ArticleRecords."""

from __future__ import annotations

import io
import logging
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from ingest.feeds import FeedEntry, ParsedFeed, entries_to_records, entry_identity, needs_fulltext, parse_feed
from kb.errors import ConfigError, NotAFeed, ParseError
from kb.records import ArticleRecord

DATA = Path(__file__).parent / "data"
BASE = "http://127.0.0.1:8000/feeds/"


def _real(shared_dir: Path, name: str) -> tuple[ParsedFeed, list[ArticleRecord]]:
    url = BASE + name
    feed = parse_feed((shared_dir / "feeds" / "real" / name).read_bytes(), url=url)
    return feed, entries_to_records(feed, source_url=url)


def _rss(items: str, *, prolog: bytes = b'<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return prolog + f'<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()


# --- the shared corpora ---------------------------------------------------------------


@pytest.mark.slow
def test_every_real_feed_parses_and_yields_one_record_per_identity(shared_dir):
    """All 100 real feeds: no exception, and records == distinct entry identities."""
    files = sorted((shared_dir / "feeds" / "real").iterdir())
    entries = records = warnings = 0
    for path in files:
        content = path.read_bytes()
        feed = parse_feed(content, url=BASE + path.name)
        got = entries_to_records(feed, source_url=BASE + path.name)
        # Raw feedparser, for counting only: skipping HTML sanitising halves the time.
        raw = feedparser.parse(io.BytesIO(content), sanitize_html=False, resolve_relative_uris=False).entries
        identities = {entry_identity(entry) for entry in raw} - {None}
        assert len(got) == len(identities), path.name
        entries += len(feed.entries)
        records += len(got)
        warnings += feed.warning is not None
    assert (len(files), entries, records) == (100, 3070, 3020)
    assert warnings >= 3  # the malformed ones are kept, with their reason


@pytest.mark.slow
def test_every_feedparser_test_file_parses_or_gives_a_parse_error(shared_dir):
    root = shared_dir / "feeds" / "feedparser-tests"
    outcome: Counter[str] = Counter()
    for path in sorted(root.rglob("*.xml")):
        try:
            feed = parse_feed(path.read_bytes(), url=BASE + path.name)
        except ParseError:
            outcome["parse error"] += 1
            continue
        entries_to_records(feed, source_url=BASE + path.name)
        outcome["warning" if feed.warning else "ok"] += 1
    assert sum(outcome.values()) == 2106
    assert outcome["parse error"] <= 1  # only illformed/rss_empty_document.xml has nothing in it


# --- links, text and encodings --------------------------------------------------------


def test_relative_links_resolve_against_the_feed_url(shared_dir):
    _, records = _real(shared_dir, "feedjira-samruby-relative.atom")
    assert records[0].url == "http://127.0.0.1:8000/blog/2013/01/30/Plex"
    _, records = _real(shared_dir, "nodefeedparser-neverwinter-relative-urls.rss")
    assert records[0].url.startswith("http://127.0.0.1:8000/en/games/neverwinter/news/detail/10743874-")


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("miniflux-ibash-windows-1251.rss", "Цитата #17703"),
        (
            "nodefeedparser-oren-windows-1251.rss",
            "В Бузулуке главные стройплощадки – детсад и Ледовый дворец",
        ),
        ("rssparser-jn-pt-iso-8859-1.rss", "Mãe de utente é a nova presidente da Raríssimas"),
        ("netnewswire-kc0011-gb2312.rss", "建国35周年纪念，华表，和平鸽"),
    ],
)
def test_declared_encodings_are_decoded(shared_dir, name, title):
    feed, _ = _real(shared_dir, name)
    assert feed.entries[0].title == title
    assert feed.warning is None


def test_undeclared_latin1_feed_is_decoded_with_a_warning(shared_dir):
    feed, records = _real(shared_dir, "rssparser-uol-noticias-undeclared-latin1.rss")
    assert "simulações" in feed.entries[0].title
    assert "CharacterEncodingOverride" in (feed.warning or "")
    assert len(records) == 15


def test_invalid_utf8_bytes_do_not_stop_the_feed():
    content = _rss(
        "<item><title>Caf\xe9 \xff\xfe deal</title><link>http://a.example/1</link></item>", prolog=b""
    )
    content = content.replace("\xe9".encode(), b"\xe9").replace("\xff\xfe".encode(), b"\xff\xfe")
    feed = parse_feed(content, url="http://a.example/feed")
    assert [e.link for e in feed.entries] == ["http://a.example/1"]
    assert feed.entries[0].title and "deal" in feed.entries[0].title


def test_titles_lose_tags_and_decode_entities_once_more():
    content = _rss(
        "<item><title>AT&amp;T &amp;amp; Verizon&#8217;s &lt;b&gt;deal&lt;/b&gt; &amp;#8220;done&amp;#8221;</title>"
        "<link>http://a.example/1</link></item>"
    )
    entry = parse_feed(content, url="http://a.example/feed").entries[0]
    assert entry.title == "AT&T & Verizon’s deal “done”"


def test_plain_text_title_keeps_its_angle_brackets():
    content = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        b'<entry><id>urn:x:2</id><title type="text">a &lt; b &amp; c</title></entry></feed>'
    )
    assert parse_feed(content, url="http://a.example/feed").entries[0].title == "a < b & c"


def test_html_summary_becomes_paragraphs_of_plain_text_without_scripts():
    content = _rss(
        "<item><title>t</title><link>http://a.example/1</link><description>"
        "&lt;p&gt;Para one.&lt;/p&gt;&lt;p&gt;Two &amp;amp; three&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;"
        "</description></item>"
    )
    entry = parse_feed(content, url="http://a.example/feed").entries[0]
    assert entry.summary == "Para one.\n\nTwo & three"


def test_tracking_params_and_fragment_leave_the_entry_link():
    content = _rss("<item><title>t</title><link>http://A.example/1?utm_source=rss&amp;id=2#top</link></item>")
    assert parse_feed(content, url="http://a.example/feed").entries[0].link == "http://a.example/1?id=2"


def test_published_is_utc_from_the_parsed_date():
    content = _rss(
        "<item><title>t</title><link>http://a.example/1</link>"
        "<pubDate>Tue, 05 Mar 2024 14:30:00 +0200</pubDate></item>"
    )
    entry = parse_feed(content, url="http://a.example/feed").entries[0]
    assert entry.published == datetime(2024, 3, 5, 12, 30, tzinfo=UTC)


def test_entry_without_date_has_no_published():
    content = _rss("<item><title>t</title><link>http://a.example/1</link></item>")
    assert parse_feed(content, url="http://a.example/feed").entries[0].published is None


# --- bad input --------------------------------------------------------------------------


def test_html_page_is_not_a_feed_and_names_its_feeds():
    content = (DATA / "page-with-feeds.html").read_bytes()
    with pytest.raises(NotAFeed) as excinfo:
        parse_feed(content, url="https://news.example/section/")
    assert excinfo.value.alternates == [
        "https://news.example/feeds/all.rss",
        "https://news.example/section/deals.atom",
    ]
    assert "https://news.example/section/" in str(excinfo.value)
    assert "\n" not in str(excinfo.value)


def test_html_content_type_without_feed_links_is_not_a_feed():
    with pytest.raises(NotAFeed) as excinfo:
        parse_feed(b"<p>hello</p>", url="https://news.example/", headers={"Content-Type": "text/html"})
    assert excinfo.value.alternates == []


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02 binary junk \xff", b"just some words", b"<foo/>"])
def test_garbage_is_a_parse_error(content):
    with pytest.raises(ParseError, match="http://a.example/feed"):
        parse_feed(content, url="http://a.example/feed")


def test_feed_that_trips_feedparser_is_a_parse_error_not_a_crash():
    # A mangled encoding name in the XML declaration makes feedparser's sniffer raise
    # UnicodeDecodeError (found by mutating the real corpus).
    content = b'<?xml version="1.0" encoding="UTF-\xa7"?><rss version="2.0"><channel/></rss>'
    with pytest.raises(ParseError, match="unreadable feed"):
        parse_feed(content, url="http://a.example/feed")


def test_malformed_feed_keeps_the_recovered_entries_and_the_reason(shared_dir):
    feed, records = _real(shared_dir, "feedreader-stackoverflow-invalid-char.atom")
    assert feed.warning and "not well-formed" in feed.warning
    assert len(records) == 1


def test_entity_expansion_bomb_is_not_expanded():
    feed = parse_feed((DATA / "billion-laughs.rss").read_bytes(), url="http://bomb.example/feed")
    entry = feed.entries[0]
    assert entry.link == "http://bomb.example/1"
    assert "lollol" not in (entry.title or "") + entry.summary + (feed.title or "")
    assert len(entry.summary) < 100
    assert feed.warning  # the undefined entity is reported


def test_external_entities_are_not_resolved():
    feed = parse_feed((DATA / "external-entity.rss").read_bytes(), url="http://xxe.example/feed")
    text = " ".join([feed.entries[0].title or "", feed.entries[0].summary])
    assert "root:" not in text
    assert "before" in text and "after" in text


def test_gzip_content_encoding_header_is_ignored_because_the_body_is_already_decoded():
    content = _rss("<item><title>t</title><link>http://a.example/1</link></item>")
    feed = parse_feed(content, url="http://a.example/feed", headers={"Content-Encoding": "gzip"})
    assert feed.warning is None and len(feed.entries) == 1


def test_feed_served_as_text_html_is_still_read():
    content = _rss("<item><title>Caf\u00e9</title><link>http://a.example/1</link></item>")
    feed = parse_feed(content, url="http://a.example/feed", headers={"content-type": "text/html"})
    assert [e.title for e in feed.entries] == ["Caf\u00e9"]
    assert feed.warning  # the wrong media type is reported, not fatal


def test_empty_channel_is_a_feed_with_no_entries(shared_dir):
    feed, records = _real(shared_dir, "feedreader-dailymail-world-empty.rss")
    assert feed.entries == () and records == []


# --- identity and records ---------------------------------------------------------------


def test_entries_without_link_or_guid_are_skipped_and_counted_once(shared_dir, caplog):
    with caplog.at_level(logging.WARNING, logger="ingest.feeds"):
        _, records = _real(shared_dir, "feedreader-dave-winer-rss092.rss")
    assert records == []
    assert [r.message for r in caplog.records if "neither link nor guid" in r.message] == [
        f"{BASE}feedreader-dave-winer-rss092.rss: skipped 22 entries with neither link nor guid"
    ]


def test_entries_sharing_guid_and_link_are_one_record(shared_dir):
    feed, records = _real(shared_dir, "rome-rsr-capsule-podcast.rss")
    assert len(feed.entries) == 15 and len(records) == 1
    assert records[0].title == feed.entries[0].title  # the first (newest) one is kept


def test_entries_sharing_a_link_with_different_guids_stay_apart(shared_dir):
    _, records = _real(shared_dir, "rssparser-taverncast-podcast.rss")
    assert len({r.guid for r in records}) == len(records) == 130
    links = Counter(r.url for r in records)
    assert links.most_common(1)[0][1] == 105  # kb.articles gives each its own URL


def test_repeated_guids_are_dropped(shared_dir):
    feed, records = _real(shared_dir, "netnewswire-scriptingnews.rss")
    assert (len(feed.entries), len(records)) == (50, 48)


def test_entry_identity_is_the_same_for_raw_and_parsed_entries():
    raw = {"id": " guid-1 ", "link": "http://A.example/1?utm_source=x"}
    entry = FeedEntry(guid="guid-1", link="http://a.example/1", title=None)
    assert entry_identity(raw) == entry_identity(entry) == "guid:guid-1"
    assert entry_identity({"link": "http://A.example/1?utm_source=x"}) == "url:http://a.example/1"
    assert entry_identity({"title": "no link"}) is None


def test_entry_with_guid_but_no_link_gets_a_url_of_its_own():
    content = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        b"<entry><id>urn:uuid:42</id><title>Only an id</title></entry></feed>"
    )
    feed = parse_feed(content, url="http://a.example/feed")
    [record] = entries_to_records(feed, source_url="http://a.example/feed")
    assert record.url == "http://a.example/feed#guid=urn%3Auuid%3A42"
    assert record.guid == "urn:uuid:42"


def test_entry_without_title_is_titled_from_its_text():
    content = _rss(
        "<item><link>http://a.example/1</link><description>Acme buys Widget Co in a deal worth "
        "two billion dollars announced on Monday morning</description></item>"
    )
    feed = parse_feed(content, url="http://a.example/feed")
    [record] = entries_to_records(feed, source_url="http://a.example/feed")
    assert record.title == "Acme buys Widget Co in a deal worth two billion dollars announced…"


def test_entry_without_title_or_text_is_titled_from_its_url():
    content = _rss("<item><link>http://a.example/news/acme-buys-widget</link></item>")
    [record] = entries_to_records(
        parse_feed(content, url="http://a.example/f"), source_url="http://a.example/f"
    )
    assert record.title == "acme-buys-widget"


def test_record_text_is_the_content_and_summary_is_kept_apart():
    content = (
        b'<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>'
        b"<item><title>t</title><link>http://a.example/1</link><description>Short teaser.</description>"
        b"<content:encoded>&lt;p&gt;The full story, much longer.&lt;/p&gt;</content:encoded></item></channel></rss>"
    )
    [record] = entries_to_records(
        parse_feed(content, url="http://a.example/f"), source_url="http://a.example/f"
    )
    assert (record.text, record.summary, record.text_origin) == (
        "The full story, much longer.",
        "Short teaser.",
        "feed",
    )


# --- full text -------------------------------------------------------------------------


def _record(url: str = "https://a.example/1", words: int = 10) -> ArticleRecord:
    return ArticleRecord(url=url, source_url="https://a.example/f", title="t", text=" ".join(["w"] * words))


def test_needs_fulltext_follows_the_mode():
    assert not needs_fulltext(_record(words=10), mode="off", min_words=150)
    assert needs_fulltext(_record(words=10), mode="auto", min_words=150)
    assert not needs_fulltext(_record(words=150), mode="auto", min_words=150)
    assert needs_fulltext(_record(words=500), mode="always", min_words=150)


def test_needs_fulltext_never_for_files_or_synthetic_urls():
    assert not needs_fulltext(_record(url="file:///tmp/a.txt"), mode="always", min_words=150)
    assert not needs_fulltext(_record(url="https://a.example/f#guid=urn%3A1"), mode="always", min_words=150)


def test_needs_fulltext_rejects_an_unknown_mode():
    with pytest.raises(ConfigError, match="sometimes"):
        needs_fulltext(_record(), mode="sometimes", min_words=150)
