"""extract_page, find_feed_links, html_to_text: article pages into plain text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.pages import (
    apply_page,
    extract_page,
    find_feed_links,
    html_to_text,
    page_to_record,
    title_from_text,
)
from kb.errors import ParseError
from kb.records import ArticleRecord

DATA = Path(__file__).parent / "data"
PARAGRAPH = (
    "Acme Corp agreed to buy Widget Inc for two billion dollars on Tuesday, the companies said, "
    "in a deal that brings together two of the largest makers of industrial sensors. "
)


def _page(
    *,
    title: str = "Acme to buy Widget | Example News",
    head: str = "",
    body: str = "",
    charset: str = "utf-8",
) -> bytes:
    return (
        f"<!DOCTYPE html><html><head><meta charset='{charset}'><title>{title}</title>{head}</head>"
        f"<body><nav><a href='/'>Home</a> <a href='/tech'>Tech</a></nav>"
        f"<article><h1>Acme to buy Widget</h1><p>{PARAGRAPH * 3}</p><p>{body or PARAGRAPH}</p></article>"
        f"<footer>Copyright Example News. All rights reserved.</footer></body></html>"
    ).encode(charset)


def test_main_text_is_extracted_without_navigation_or_footer():
    page = extract_page(_page(), url="https://news.example/acme")
    assert page.text.startswith("Acme Corp agreed to buy Widget Inc")
    assert "Home" not in page.text and "Copyright" not in page.text
    assert page.title == "Acme to buy Widget"


def test_metadata_author_date_and_canonical_url_are_read():
    head = (
        "<link rel='canonical' href='/2026/acme-widget?utm_source=twitter'>"
        "<meta property='article:published_time' content='2026-03-05T14:30:00+02:00'>"
        "<meta name='author' content='Jane Doe'>"
    )
    page = extract_page(_page(head=head), url="https://news.example/acme?ref=home")
    assert page.url == "https://news.example/2026/acme-widget"
    assert page.author == "Jane Doe"
    assert page.published == datetime(2026, 3, 5, 12, 30, tzinfo=UTC)


def test_page_without_canonical_link_keeps_its_canonicalized_url():
    page = extract_page(_page(), url="https://News.example/acme?utm_medium=email#x")
    assert page.url == "https://news.example/acme"


def test_meta_charset_is_honoured():
    body = "Компания Acme купила Widget за два миллиарда долларов. " * 3
    page = extract_page(_page(body=body, charset="windows-1251"), url="https://news.example/ru")
    assert "Компания Acme купила Widget" in page.text


def test_header_charset_wins_over_a_missing_meta():
    content = _page(body="Café crème for Nestlé. " * 5, charset="iso-8859-1").replace(
        b"<meta charset='iso-8859-1'>", b""
    )
    page = extract_page(
        content, url="https://news.example/fr", headers={"Content-Type": "text/html; charset=ISO-8859-1"}
    )
    assert "Café crème for Nestlé." in page.text


@pytest.mark.parametrize(
    "content",
    [b"", b"<html><body><nav>Home</nav></body></html>", b"\x00\xff\xfe binary", b"%PDF-1.7 not html"],
)
def test_page_without_main_text_is_a_parse_error(content):
    with pytest.raises(ParseError, match="https://news.example/empty"):
        extract_page(content, url="https://news.example/empty")


def test_find_feed_links_returns_absolute_feed_urls_in_page_order():
    content = (DATA / "page-with-feeds.html").read_bytes()
    assert find_feed_links(content, url="https://news.example/section/") == [
        "https://news.example/feeds/all.rss",
        "https://news.example/section/deals.atom",
    ]


def test_find_feed_links_honours_base_href():
    content = b"<html><head><base href='https://cdn.example/x/'><link rel='alternate' type='application/rss+xml' href='f.xml'></head></html>"
    assert find_feed_links(content, url="https://news.example/") == ["https://cdn.example/x/f.xml"]


def test_find_feed_links_on_garbage_is_empty():
    assert find_feed_links(b"", url="https://news.example/") == []


def test_html_to_text_separates_blocks_and_drops_scripts():
    markup = (
        "<h2>Deal</h2><p>One&nbsp;two <b>three</b></p><script>var x = 1;</script>"
        "<ul><li>a</li><li>b</li></ul>line<br>break<!-- comment -->"
    )
    assert html_to_text(markup) == "Deal\n\nOne two three\n\na\n\nb\n\nline\nbreak"


def test_html_to_text_decodes_entities_in_text_without_tags():
    assert html_to_text("AT&amp;T &#8217;s") == "AT&T ’s"


def test_html_to_text_survives_control_characters_and_broken_markup():
    assert html_to_text("a\x00b <p>c</div></span> d") == "ab\n\nc d"


def test_title_from_text_takes_the_first_words_of_the_first_line():
    assert title_from_text("\n  Acme buys Widget.\nMore text") == "Acme buys Widget."
    assert title_from_text(" ".join(["w"] * 20), max_words=3) == "w w w…"
    assert title_from_text("") == ""


def test_page_to_record_is_a_page_article():
    page = extract_page(_page(), url="https://news.example/acme")
    record = page_to_record(page, source_url="https://news.example/acme")
    assert (record.url, record.title, record.text_origin) == (
        "https://news.example/acme",
        "Acme to buy Widget",
        "page",
    )


def test_apply_page_keeps_the_feed_identity_and_moves_the_feed_text_to_summary():
    record = ArticleRecord(
        url="https://news.example/acme",
        source_url="https://news.example/feed",
        title="Acme to buy Widget",
        text="Short teaser.",
        guid="acme-1",
    )
    page = extract_page(_page(head="<meta name='author' content='Jane Doe'>"), url=record.url)
    full = apply_page(record, page)
    assert (full.url, full.guid, full.title) == (record.url, "acme-1", "Acme to buy Widget")
    assert (full.text, full.summary, full.text_origin) == (page.text, "Short teaser.", "page")
    assert full.author == "Jane Doe"


def test_entity_bomb_in_a_page_is_not_expanded():
    doctype = (Path(__file__).parent / "data" / "billion-laughs.rss").read_bytes().split(b"<rss")[0]
    content = doctype + _page(body="Acme &lol9; Widget. " + PARAGRAPH)
    page = extract_page(content, url="https://news.example/bomb")
    assert "lollol" not in page.text
    assert len(page.text) < 5000
