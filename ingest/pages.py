"""Article pages: main text out of HTML (trafilatura), feed links, and HTML → plain text.

Everything here works on bytes already fetched: nothing in this module touches the
network (trafilatura is only given the document, never a URL to download).
"""

from __future__ import annotations

import dataclasses
import html
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message

import lxml.etree
import lxml.html
import trafilatura
import trafilatura.settings

from ingest.urls import canonicalize_url, is_web_url
from kb.errors import ParseError
from kb.records import ArticleRecord

log = logging.getLogger(__name__)

#: ``<link rel="alternate" type=...>`` values that announce a feed feedparser can read.
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/x.atom+xml"}
)

#: Fewer words than this is not an article's main text (a menu, a cookie wall).
MIN_PAGE_WORDS = 5
#: How far into a document to look for markup before calling it "not HTML".
_SNIFF_BYTES = 4096

#: Elements that end a paragraph or line when HTML becomes plain text.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title"})
# Characters XML forbids (and lxml refuses): C0 controls other than tab/newline/CR.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
_INLINE_SPACE = re.compile(r"[^\S\n]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class PageText:
    """The main text of an article page and what the page says about itself."""

    url: str  #: canonical; the page's own canonical link or og:url when it gives one
    title: str | None
    text: str  #: plain text, paragraphs separated by newlines
    author: str | None = None
    published: datetime | None = None  #: UTC


def normalize_text(text: str) -> str:
    """Plain text with runs of spaces folded, lines stripped and at most one blank line."""
    text = _CONTROL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_INLINE_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def unescape_plain(text: str) -> str:
    """Decode entities left in text that claims to be plain (``&amp;#8217;`` in many feeds)."""
    return html.unescape(text) if _ENTITY.search(text) else text


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded, blocks on their own lines.

    Script and style contents are dropped. Text that is not really HTML comes back
    with its entities decoded; this never raises.
    """
    markup = _CONTROL_CHARS.sub("", markup)
    if "<" not in markup:
        return normalize_text(unescape_plain(markup))
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (lxml.etree.ParserError, ValueError) as e:
        log.debug("not parseable as HTML (%s); keeping the text", e)
        return normalize_text(unescape_plain(markup))
    parts: list[str] = []
    skipping = 0
    for event, el in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else None  # comments, processing instructions
        if event == "start":
            if tag in _SKIP_TAGS:
                skipping += 1
            elif not skipping:
                if tag == "br":
                    parts.append("\n")
                elif tag in _BLOCK_TAGS:
                    parts.append("\n\n")
                elif tag in ("td", "th"):
                    parts.append(" ")
                if tag is not None and el.text:
                    parts.append(el.text)
        else:
            if tag in _SKIP_TAGS:
                skipping -= 1
            elif not skipping and tag in _BLOCK_TAGS:
                parts.append("\n\n")
            if not skipping and el is not root and el.tail:
                parts.append(el.tail)
    return normalize_text("".join(parts))


def content_type(headers: Mapping[str, str] | None) -> str:
    """The Content-Type header of a plain mapping (any letter case), stripped; "" when absent or blank."""
    for key, value in (headers or {}).items():
        if key.lower() == "content-type" and value.strip():
            return value.strip()
    return ""


def _charset(headers: Mapping[str, str] | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    declared = content_type(headers)
    if not declared:
        return None
    message = Message()
    message["content-type"] = declared
    charset = message.get_content_charset()
    return charset or None


def _parse_html(content: bytes | str, *, url: str) -> lxml.html.HtmlElement | None:
    """The document tree, lxml reading the page's own <meta charset>; None when unparseable."""
    try:
        return lxml.html.document_fromstring(content, base_url=url)
    except (lxml.etree.ParserError, ValueError) as e:
        log.debug("%s: not parseable as HTML: %s", url, e)
        return None


def find_feed_links(content: bytes, *, url: str) -> list[str]:
    """Absolute URLs of the RSS/Atom feeds an HTML page announces, in page order."""
    tree = _parse_html(content, url=url)
    if tree is None:
        return []
    base = _base_href(tree, url=url)
    found: list[str] = []
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").split(";")[0].strip().lower()
        href = (link.get("href") or "").strip()
        if "alternate" in rels and kind in FEED_TYPES and href:
            absolute = canonicalize_url(href, base=base)
            if absolute not in found:
                found.append(absolute)
    return found


def _base_href(tree: lxml.html.HtmlElement, *, url: str) -> str:
    """The URL relative links resolve against: <base href> over the page URL."""
    for base in tree.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            return canonicalize_url(href, base=url)
    return url


def _declared_url(tree: lxml.html.HtmlElement | None, *, url: str) -> str:
    """The page's canonical link (or og:url) when it is an absolute web URL, else ``url``."""
    if tree is None:
        return canonicalize_url(url)
    base = _base_href(tree, url=url)
    candidates = [
        link.get("href")
        for link in tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    candidates += [meta.get("content") for meta in tree.iter("meta") if meta.get("property") == "og:url"]
    for candidate in candidates:
        if candidate and candidate.strip():
            absolute = canonicalize_url(candidate, base=base)
            if is_web_url(absolute):
                return absolute
    return canonicalize_url(url)


def _parse_date(value: str | None) -> datetime | None:
    """A date as trafilatura/htmldate report it, in UTC; naive means UTC."""
    if not value:
        return None
    try:
        return as_utc(datetime.fromisoformat(value))
    except ValueError:
        log.debug("unreadable page date %r", value)
        return None


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive one is taken to be UTC already (pages and files rarely say)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def extract_page(content: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> PageText:
    """The main text and metadata of an article page (trafilatura, no network).

    The charset comes from the Content-Type header when it names one, else from the
    page itself (BOM, <meta charset>, detection). Raises ParseError when the page has no
    main text (an empty page, a login wall, not HTML at all).
    """
    if b"<" not in content[:_SNIFF_BYTES]:
        raise ParseError(url, "not an HTML page")
    document: bytes | str = content
    charset = _charset(headers)
    if charset:
        try:
            document = content.decode(charset, errors="replace")
        except LookupError:
            log.debug("%s: unknown charset %r; detecting instead", url, charset)
    try:
        result = trafilatura.bare_extraction(
            document,
            url=url,
            with_metadata=True,
            include_comments=False,
            date_extraction_params={"extensive_search": False, "outputformat": "%Y-%m-%dT%H:%M:%S%z"},
        )
    except (ValueError, TypeError, lxml.etree.LxmlError) as e:  # trafilatura re-raises little; be safe
        raise ParseError(url, f"cannot extract the page's text: {e}") from e
    if not isinstance(result, trafilatura.settings.Document):  # None: nothing extracted
        raise ParseError(url, "no main text found in the page")
    text = normalize_text(result.text or "")
    if len(text.split()) < MIN_PAGE_WORDS:
        # trafilatura falls back to any text it finds: a lone menu is not an article.
        raise ParseError(url, "no main text found in the page")
    title = normalize_text(result.title or "").replace("\n", " ") or None
    if title and text.startswith(title):
        # trafilatura keeps the page's <h1> as the first line; the title is stored apart.
        text = text[len(title) :].lstrip() or text
    tree = _parse_html(document, url=url) if isinstance(document, str) else None
    if tree is None:  # bytes, or a str lxml refuses (it carries an XML encoding declaration)
        tree = _parse_html(content, url=url)
    return PageText(
        url=_declared_url(tree, url=url),
        title=title,
        text=text,
        author=normalize_text(result.author or "") or None,
        published=_parse_date(result.date),
    )


def title_from_text(text: str, *, max_words: int = 12) -> str:
    """A title made from the first words of a text, for entries and files that have none."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    words = first.split()
    if not words:
        return ""
    return " ".join(words[:max_words]) + ("…" if len(words) > max_words else "")


def page_to_record(page: PageText, *, source_url: str, text_origin: str = "page") -> ArticleRecord:
    """The article of a "page" source (a single article URL), or of a saved page (``text_origin="file"``)."""
    return ArticleRecord(
        url=page.url,
        source_url=source_url,
        title=page.title or title_from_text(page.text),
        text=page.text,
        author=page.author,
        published=page.published,
        text_origin=text_origin,
    )


def apply_page(record: ArticleRecord, page: PageText) -> ArticleRecord:
    """A feed entry's record with its text replaced by the full text of its page.

    The feed's URL, guid and title stay (they identify the entry); the feed's own text
    moves to ``summary`` (kb.articles compares it on later runs to see whether the entry
    changed); the page fills in the author and date only when the feed gave none.
    """
    return dataclasses.replace(
        record,
        text=page.text,
        summary=record.summary or record.text or None,
        text_origin="page",
        title=record.title or page.title or title_from_text(page.text),
        author=record.author or page.author,
        published=record.published or page.published,
    )
