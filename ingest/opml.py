"""OPML subscription lists: read them into ``OpmlFeed``s and write them back.

OPML is how feed readers trade their source lists (``newskb sources import/export``), and
how newskb ships its default sources and its offline sample. Reading goes through
defusedxml, because an OPML file is untrusted input: entity declarations and external
references are refused rather than expanded. Writing builds the tree with
``xml.etree`` so escaping is never done by hand.

A feed's ``xmlUrl`` is either a URL (any scheme: policy is the fetcher's business) or a
local path. A relative path is resolved against ``base_path`` — normally the directory of
the OPML file — so a bundled OPML can point at a file shipped beside it on any machine.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import ParseError as XMLSyntaxError

import defusedxml
import defusedxml.ElementTree as SafeET

from kb.errors import NewskbError, ParseError

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["OpmlFeed", "OpmlImport", "import_opml", "read_opml", "write_opml"]

log = logging.getLogger(__name__)

#: Characters XML 1.0 cannot carry even when escaped; dropped from titles and URLs on write.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: A Windows drive ("C:\\feeds\\x.xml") looks like a one-letter URL scheme to urlsplit.
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    """One subscription from an OPML outline."""

    url: str  #: the feed URL, or an absolute local path
    title: str | None = None  #: ``title``, else ``text``, of the outline
    html_url: str | None = None  #: the site the feed belongs to, when given


def read_opml(content: bytes, *, base_path: Path | None = None, origin: str | None = None) -> list[OpmlFeed]:
    """Every feed an OPML document lists, in document order, each URL once.

    Category outlines at any depth are flattened; outlines without an ``xmlUrl``
    (matched in any letter case) are skipped. Relative local paths are made absolute
    against ``base_path`` (the OPML file, or its directory; the current directory when
    None). ``origin`` names the document in error messages. Raises ``ParseError`` for
    malformed XML, entity or external-reference tricks, and non-OPML documents.
    """
    label = origin or (str(base_path) if base_path is not None else "OPML document")
    try:
        root = SafeET.fromstring(content, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as e:
        # EntitiesForbidden, ExternalReferenceForbidden, DTDForbidden: refuse, never expand.
        raise ParseError(label, f"refused unsafe XML ({type(e).__name__})") from e
    except XMLSyntaxError as e:
        raise ParseError(label, f"malformed XML: {e}") from e
    if _local_name(root.tag) != "opml":
        raise ParseError(label, f"not an OPML document (root element is <{_local_name(root.tag)}>)")

    base_dir = _base_directory(base_path)
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    for outline in _outlines(root):
        attrs = {key.lower(): value.strip() for key, value in outline.attrib.items()}
        raw_url = attrs.get("xmlurl")
        if not raw_url:
            continue
        url = _resolve(raw_url, base_dir)
        if url in seen:
            continue
        seen.add(url)
        title = attrs.get("title") or attrs.get("text") or None
        if title == raw_url:
            title = None  # write_opml's stand-in for the required ``text``, not a real title
        feeds.append(OpmlFeed(url=url, title=title, html_url=attrs.get("htmlurl") or None))
    log.debug("%s: %d feeds", label, len(feeds))
    return feeds


@dataclass(frozen=True, slots=True)
class OpmlImport:
    """What adding an OPML list's feeds as sources did."""

    added: int
    already_present: int
    skipped: tuple[tuple[str, str], ...] = ()  #: (url, why) of each entry that could not be added


def import_opml(
    db: sqlite_utils.Database, content: bytes, *, base_path: Path | None = None, origin: str | None = None
) -> OpmlImport:
    """Add every feed an OPML document lists as a source; URLs already present are kept as they are.

    One bad entry (a refused scheme, a missing local file) is skipped and reported, so one
    typo does not lose the rest of a long list. Raises ``ParseError`` as ``read_opml`` does.
    """
    from kb.sources import add_source  # kb.sources is only needed to import, not to read or write

    added = present = 0
    skipped: list[tuple[str, str]] = []
    for feed in read_opml(content, base_path=base_path, origin=origin):
        try:
            _, created = add_source(db, feed.url, title=feed.title)
        except NewskbError as e:
            log.warning("skipped %s", e)
            skipped.append((feed.url, str(e)))
            continue
        added += created
        present += not created
    return OpmlImport(added=added, already_present=present, skipped=tuple(skipped))


def write_opml(
    feeds: Iterable[OpmlFeed], *, title: str = "newskb sources", created: datetime | None = None
) -> str:
    """An OPML 2.0 document listing ``feeds``, as a string with its XML declaration.

    ``created`` (UTC-aware) fills ``head/dateCreated``; it is left out when None so the
    output is a pure function of the feeds. Characters XML cannot carry are dropped.
    """
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = _clean(title)
    if created is not None:
        ET.SubElement(head, "dateCreated").text = format_datetime(created.astimezone(UTC), usegmt=True)
    body = ET.SubElement(opml, "body")
    for feed in feeds:
        # OPML 2.0 requires ``text`` on every outline; fall back to the URL.
        label = _clean(feed.title or feed.url)
        attrs = {"type": "rss", "text": label}
        if feed.title:
            attrs["title"] = label
        attrs["xmlUrl"] = _clean(feed.url)
        if feed.html_url:
            attrs["htmlUrl"] = _clean(feed.html_url)
        ET.SubElement(body, "outline", attrs)
    ET.indent(opml, space="  ")
    document = ET.tostring(opml, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{document}\n'


def _outlines(element: ET.Element) -> Iterator[ET.Element]:
    """All ``outline`` elements below ``element``, depth first, in document order."""
    for child in element.iter():
        if isinstance(child.tag, str) and _local_name(child.tag).lower() == "outline":
            yield child


def _local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def _base_directory(base_path: Path | None) -> Path:
    if base_path is None:
        return Path.cwd()
    base = base_path.expanduser()
    return base.parent if base.is_file() else base


def _resolve(raw_url: str, base_dir: Path) -> str:
    """A URL unchanged; a local path (or ``file:`` URI) as an absolute path."""
    if _DRIVE.match(raw_url):
        return raw_url
    parts = urlsplit(raw_url)
    if parts.scheme.lower() == "file":
        # The sources table stores local sources as absolute paths, not file: URIs.
        return str(Path(unquote(parts.path)))
    if parts.scheme:
        return raw_url
    path = Path(raw_url).expanduser()
    if not path.is_absolute():
        path = base_dir / path
    # resolve() without strict: the file may legitimately appear later.
    return str(path.resolve())


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)
