"""Feed bytes → entries (feedparser) → ArticleRecords.

feedparser only ever sees bytes wrapped in a stream, so it cannot fetch anything or
open a file; the fetcher's final URL goes in as ``Content-Location`` so relative links
resolve. Dates come from feedparser's ``*_parsed`` fields (UTC ``struct_time``).
How entries are identified, and why, is in docs/design-notes.md, "Article identity".
"""

from __future__ import annotations

import calendar
import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from ingest.pages import (
    content_type,
    find_feed_links,
    html_to_text,
    normalize_text,
    title_from_text,
    unescape_plain,
)
from ingest.urls import canonicalize_url, is_web_url
from kb.articles import synthetic_url
from kb.config import FULLTEXT_MODES
from kb.errors import ConfigError, NotAFeed, ParseError
from kb.records import ArticleRecord

log = logging.getLogger(__name__)

#: Exceptions feedparser raises from inside its parser on some corrupt documents.
_FEEDPARSER_BUGS = (KeyError, IndexError, TypeError, ValueError, AttributeError, UnicodeError)
_HTML_TYPES = ("text/html", "application/xhtml+xml")
#: How far into the document to look for signs of HTML.
_SNIFF_BYTES = 2048


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry as the feed gives it, with text made plain and the link made canonical."""

    guid: str | None  #: the entry's id/guid, stripped; None when absent or blank
    link: str | None  #: canonical absolute URL; None when the entry has none
    title: str | None  #: plain text, one line; None when absent or blank
    author: str | None = None
    published: datetime | None = None  #: UTC: published, else updated, else created
    updated: datetime | None = None  #: UTC
    summary: str = ""  #: plain text
    content: str = ""  #: plain text of the fullest content element


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed: its own title and link, and its entries in document order."""

    title: str | None
    link: str | None
    entries: tuple[FeedEntry, ...]
    warning: str | None = None  #: why feedparser flagged the feed (bozo) when it recovered
    version: str | None = None  #: feedparser's format name: rss20, atom10, rdf...


def parse_feed(content: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParsedFeed:
    """Parse feed bytes fetched from ``url`` (the final URL, after redirects).

    Only the Content-Type of ``headers`` is used (for the charset); the body is never
    decompressed or fetched again. Raises NotAFeed for an HTML page (listing the feeds
    it links to) and ParseError when nothing feed-like could be read. A malformed feed
    whose entries feedparser recovers is returned with ``warning`` set.
    """
    try:
        parsed = feedparser.parse(io.BytesIO(content), response_headers=_response_headers(url, headers))
    except _FEEDPARSER_BUGS as e:
        # feedparser's own handlers trip over some corrupt documents (found by mutating the
        # real corpus: a KeyError in the media-rss or cc handlers, a TypeError in psc, a
        # UnicodeDecodeError sniffing a mangled XML declaration). A bad feed, not our bug.
        raise ParseError(url, f"unreadable feed ({_one_line(e)})") from e
    warning = _bozo_reason(parsed)
    if not parsed.get("version") and not parsed.entries:
        if _looks_like_html(content, headers):
            raise NotAFeed(url, find_feed_links(content, url=url))
        if not parsed.feed:
            raise ParseError(url, f"not an RSS or Atom feed ({warning or 'no feed elements found'})")
    feed = parsed.feed
    entries = tuple(_entry(raw) for raw in parsed.entries)
    if warning:
        log.info("%s: feed is malformed, kept %d entries: %s", url, len(entries), warning)
    link = feed.get("link")
    return ParsedFeed(
        title=_plain(feed.get("title"), feed.get("title_detail")),
        link=canonicalize_url(link) if link else None,
        entries=entries,
        warning=warning,
        version=parsed.get("version") or None,
    )


def _response_headers(url: str, headers: Mapping[str, str] | None) -> dict[str, str]:
    """The headers feedparser should see: the charset-bearing Content-Type and our URL.

    Content-Encoding is left out on purpose: httpx has already decompressed the body.
    Without a Content-Type feedparser would assume ISO-8859-1 for undeclared documents
    (RFC 3023), so a missing one is taken as ``application/xml`` (XML declaration, then UTF-8).
    """
    return {"content-type": content_type(headers) or "application/xml", "content-location": url}


def _bozo_reason(parsed: Any) -> str | None:
    if not parsed.get("bozo"):
        return None
    error = parsed.get("bozo_exception")
    return _one_line(error) if error is not None else "malformed feed"


def _one_line(error: BaseException) -> str:
    """``Type: message`` on one line, for warnings and error messages."""
    return " ".join(f"{type(error).__name__}: {error}".split())


def _looks_like_html(content: bytes, headers: Mapping[str, str] | None) -> bool:
    if content_type(headers).split(";")[0].strip().lower() in _HTML_TYPES:
        return True
    head = content[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<head" in head


def _plain(value: str | None, detail: Mapping[str, Any] | None) -> str | None:
    """A title-like value as one line of plain text; None when blank."""
    if not value:
        return None
    kind = (detail or {}).get("type", "text/html")
    text = html_to_text(value) if kind in _HTML_TYPES else normalize_text(unescape_plain(value))
    return " ".join(text.split()) or None


def _body(value: str | None, kind: str | None) -> str:
    if not value:
        return ""
    if kind in _HTML_TYPES or kind is None:
        return html_to_text(value)
    return normalize_text(unescape_plain(value))


def _utc(moment: Any) -> datetime | None:
    """A feedparser ``*_parsed`` struct_time (UTC) as an aware datetime; None if unusable."""
    if not moment:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(moment), tz=UTC)
    except (OverflowError, ValueError, OSError, TypeError):
        return None


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip() or None


def _entry(raw: dict[str, Any]) -> FeedEntry:
    link = _clean(raw.get("link"))
    contents = [c for c in raw.get("content") or () if c.get("value")]
    # Several <content> elements are alternates of one text: keep the longest.
    content = max((_body(c.get("value"), c.get("type")) for c in contents), key=len, default="")
    author_detail = raw.get("author_detail") or {}
    # dict.get: FeedParserDict maps a missing updated_parsed to published_parsed, with a warning.
    updated = _utc(dict.get(raw, "updated_parsed"))
    return FeedEntry(
        guid=_clean(raw.get("id")),
        link=canonicalize_url(link) if link else None,
        title=_plain(raw.get("title"), raw.get("title_detail")),
        author=_clean(author_detail.get("name")) or _clean(raw.get("author")),
        published=_utc(raw.get("published_parsed")) or updated or _utc(raw.get("created_parsed")),
        updated=updated,
        summary=_body(raw.get("summary"), (raw.get("summary_detail") or {}).get("type")),
        content=content,
    )


def entry_identity(entry: FeedEntry | Mapping[str, Any]) -> str | None:
    """What makes two entries of one feed the same article: ``guid:…``, else ``url:…``, else None.

    Accepts a FeedEntry or a raw feedparser entry (for counting in tests), with the same
    answer for both. The guid is scoped to the source by the caller; entries without
    either cannot be told apart across fetches and are skipped.
    """
    if isinstance(entry, FeedEntry):
        guid, link = entry.guid, entry.link
    else:
        guid = _clean(entry.get("id"))
        raw_link = _clean(entry.get("link"))
        link = canonicalize_url(raw_link) if raw_link else None
    if guid:
        return f"guid:{guid}"
    if link:
        return f"url:{link}"
    return None


def entries_to_records(feed: ParsedFeed, *, source_url: str) -> list[ArticleRecord]:
    """ArticleRecords for the entries of ``feed``, one per identity, in feed order.

    Entries with neither link nor guid are skipped, and an entry repeating an identity
    seen earlier in the feed is dropped (feeds list newest first); both are logged once
    with a count. An entry without a title gets the first words of its text.
    """
    records: list[ArticleRecord] = []
    seen: set[str] = set()
    skipped = repeated = 0
    for entry in feed.entries:
        identity = entry_identity(entry)
        if identity is None:
            skipped += 1
            continue
        if identity in seen:
            repeated += 1
            continue
        seen.add(identity)
        records.append(_record(entry, source_url=source_url))
    if skipped:
        log.warning("%s: skipped %d entries with neither link nor guid", source_url, skipped)
    if repeated:
        log.info("%s: dropped %d entries repeating an earlier entry's guid or link", source_url, repeated)
    return records


def _record(entry: FeedEntry, *, source_url: str) -> ArticleRecord:
    text = entry.content if len(entry.content) >= len(entry.summary) else entry.summary
    if entry.guid and not (entry.link and is_web_url(entry.link)):
        # feedparser copies a non-URL id (urn:, tag:) into link when there is none.
        url = synthetic_url(canonicalize_url(source_url), entry.guid)
    else:
        assert entry.link is not None  # entries with neither were skipped
        url = entry.link
    title = entry.title or title_from_text(text) or title_from_text(entry.summary) or _title_from_url(url)
    summary = entry.summary if entry.summary and entry.summary != text else None
    return ArticleRecord(
        url=url,
        source_url=source_url,
        title=title,
        text=text,
        guid=entry.guid,
        author=entry.author,
        published=entry.published,
        summary=summary,
        text_origin="feed",
    )


def _title_from_url(url: str) -> str:
    """Last resort for an entry with no title and no text: the last segment of its URL."""
    parts = urlsplit(url)
    segment = next((s for s in reversed(parts.path.split("/")) if s), "")
    return segment or parts.netloc or url


def needs_fulltext(record: ArticleRecord, *, mode: str, min_words: int) -> bool:
    """Whether to fetch the record's page for its full text.

    ``off`` never, ``always`` always, ``auto`` when the feed text has fewer than
    ``min_words`` words. Only real web URLs qualify: not ``file:``, not the synthetic
    ``#guid=`` URLs of entries without a link of their own.
    """
    if mode not in FULLTEXT_MODES:
        raise ConfigError(f"invalid full-text mode {mode!r}: use one of {', '.join(FULLTEXT_MODES)}")
    if mode == "off" or not is_web_url(record.url) or urlsplit(record.url).fragment:
        return False
    if mode == "always":
        return True
    return len(record.text.split()) < min_words
