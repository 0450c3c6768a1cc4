"""Local files and folders → ArticleRecords: .html/.htm, .txt, .md and .jsonl.

A file that cannot be read becomes a ParseError in the stream (naming the file, or
``file:line`` for a bad .jsonl line) and the others are still read: one bad file never
stops a folder. Text in any encoding is decoded; nothing here raises on bad bytes.
"""

from __future__ import annotations

import codecs
import json
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import charset_normalizer
from markdown_it import MarkdownIt

from ingest.pages import as_utc, extract_page, html_to_text, normalize_text, page_to_record, title_from_text
from ingest.urls import canonicalize_url
from kb.errors import ParseError
from kb.records import ArticleRecord

log = logging.getLogger(__name__)

#: File suffixes read, lower-cased; others in a folder are skipped.
SUFFIXES = frozenset({".html", ".htm", ".txt", ".md", ".markdown", ".jsonl"})

#: Largest single-article file read (the same default as the HTTP byte cap).
MAX_FILE_BYTES = 10_000_000

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_path(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> Iterator[ArticleRecord | ParseError]:
    """Records for a file, or for every readable file under a folder (recursively, sorted).

    Hidden files and folders (``.name``) and unknown suffixes in a folder are skipped.
    ``source_url`` of every record is ``str(path)`` as given. An .html/.txt/.md file over
    ``max_bytes`` is a ParseError, not read (one article is never that big); a .jsonl file
    holds many and is streamed line by line, each line under the same cap. Raises ParseError (before yielding anything) when
    ``path`` does not exist or is a file of an unknown kind.
    """
    source_url = str(path)
    if path.is_dir():
        files = sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.lower() in SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        log.debug("%s: %d readable files", path, len(files))
    elif path.is_file():
        if path.suffix.lower() not in SUFFIXES:
            raise ParseError(str(path), f"unsupported file type; use one of {', '.join(sorted(SUFFIXES))}")
        files = [path]
    else:
        raise ParseError(str(path), "no such file or folder")
    for file in files:
        yield from _read_file(file, source_url=source_url, max_bytes=max_bytes)


def decode_bytes(data: bytes) -> str:
    """Text of bytes in an unknown encoding: BOM, then UTF-8, then detection, then cp1252.

    Never raises: the cp1252 fallback replaces the few bytes it cannot map.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("cp1252", errors="replace")


def _read_file(file: Path, *, source_url: str, max_bytes: int) -> Iterator[ArticleRecord | ParseError]:
    suffix = file.suffix.lower()
    uri = file.resolve().as_uri()
    if suffix == ".jsonl":
        yield from _read_jsonl(file, source_url=source_url, uri=uri, max_bytes=max_bytes)
        return
    data = _read_bytes(file, max_bytes=max_bytes)
    if isinstance(data, ParseError):
        yield data
        return
    try:
        if suffix in (".html", ".htm"):
            yield _read_html(data, source_url=source_url, uri=uri)
        elif suffix in (".md", ".markdown"):
            yield _read_markdown(decode_bytes(data), source_url=source_url, uri=uri)
        else:
            yield _read_text(decode_bytes(data), source_url=source_url, uri=uri)
    except ParseError as e:
        yield ParseError(str(file), e.reason)


def _read_bytes(file: Path, *, max_bytes: int) -> bytes | ParseError:
    """The file's bytes, or why not: unreadable, or an article file over ``max_bytes``."""
    try:
        size = file.stat().st_size
    except OSError as e:
        return ParseError(str(file), f"cannot read: {e.strerror or e}")
    if size > max_bytes:
        return ParseError(str(file), f"{size:,} bytes is over the {max_bytes:,}-byte limit for one article")
    try:
        return file.read_bytes()
    except OSError as e:
        return ParseError(str(file), f"cannot read: {e.strerror or e}")


def _read_html(data: bytes, *, source_url: str, uri: str) -> ArticleRecord:
    # A saved page's canonical link names the article it is a copy of: extract_page prefers it.
    return page_to_record(extract_page(data, url=uri), source_url=source_url, text_origin="file")


def _split_title(text: str) -> tuple[str, str]:
    """(first non-blank line, the rest)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip():
            return line.strip(), normalize_text("\n".join(lines[i + 1 :]))
    return "", ""


def _read_text(text: str, *, source_url: str, uri: str) -> ArticleRecord:
    title, body = _split_title(normalize_text(text))
    if not title:
        raise ParseError(uri, "empty file")
    return ArticleRecord(url=uri, source_url=source_url, title=title, text=body, text_origin="file")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Simple ``key: value`` lines of a leading ``---`` block, and the text after it."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            fields = {}
            for line in lines[1:end]:
                key, sep, value = line.partition(":")
                if sep and key.strip():
                    fields[key.strip().lower()] = value.strip().strip("\"'")
            return fields, "\n".join(lines[end + 1 :])
    return {}, text


def _read_markdown(text: str, *, source_url: str, uri: str) -> ArticleRecord:
    """Title: front matter ``title:``, else the first heading, else the first line."""
    fields, text = _front_matter(text.replace("\r\n", "\n").replace("\r", "\n"))
    md = MarkdownIt("commonmark")
    tokens = md.parse(text)
    title = fields.get("title", "")
    body_source = text
    if not title:
        for i, token in enumerate(tokens):
            if token.type == "heading_open" and token.map is not None:
                title = tokens[i + 1].content.strip()
                start, end = token.map
                source_lines = text.split("\n")
                body_source = "\n".join(source_lines[:start] + source_lines[end:])
                break
            if token.type.endswith("_open") and token.map is not None:
                break  # the document starts with something else: the first line is the title
    body = html_to_text(md.render(body_source))
    if not title:
        title, body = _split_title(body)
    else:
        title = html_to_text(md.renderInline(title))
    if not title:
        raise ParseError(uri, "empty file")
    return ArticleRecord(
        url=uri,
        source_url=source_url,
        title=title,
        text=body,
        author=fields.get("author") or None,
        published=_front_matter_date(fields.get("date"), uri=uri),
        text_origin="file",
    )


def _front_matter_date(value: str | None, *, uri: str) -> datetime | None:
    """The front matter's date; an unreadable one is ignored (the fetch time stands in)."""
    try:
        return _published(value)
    except ValueError as e:
        log.warning("%s: ignoring front matter date %r: %s", uri, value, e)
        return None


def _published(value: Any) -> datetime | None:
    """An ISO 8601 date or date-time (naive = UTC) as UTC; raises ValueError otherwise."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"published must be an ISO 8601 string, not {type(value).__name__}")
    return as_utc(datetime.fromisoformat(value.strip()))


def _read_jsonl(file: Path, *, source_url: str, uri: str, max_bytes: int) -> Iterator[ArticleRecord | ParseError]:
    """One record per line of ``{"title", "text", "url", "published"}``; blank lines skipped.

    Streamed, so an export of any size is read in constant memory; a line over
    ``max_bytes`` is a ParseError and skipped. Without a ``url`` a line is identified as
    ``<file uri>#line=N``, so editing lines above it re-identifies it: give urls when the
    file will change.
    """
    try:
        handle = file.open("rb")
    except OSError as e:
        yield ParseError(str(file), f"cannot read: {e.strerror or e}")
        return
    with handle:
        for number, raw in enumerate(_capped_lines(handle, max_bytes), start=1):
            where = f"{file}:{number}"
            if raw is None:
                yield ParseError(where, f"line is over the {max_bytes:,}-byte limit for one article")
                continue
            line = decode_bytes(raw)
            if number == 1:
                line = line.removeprefix("\ufeff")
            if line.strip():
                yield _jsonl_line(line, where=where, source_url=source_url, default_url=f"{uri}#line={number}")


def _capped_lines(handle: BinaryIO, max_bytes: int) -> Iterator[bytes | None]:
    """The file's lines, or None for a line longer than ``max_bytes`` (read past, never held)."""
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = handle.readline(1 << 20)
            yield None
            continue
        yield line


def _jsonl_line(line: str, *, where: str, source_url: str, default_url: str) -> ArticleRecord | ParseError:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as e:
        return ParseError(where, f"not JSON: {e.msg} at column {e.colno}")
    if not isinstance(item, dict):
        return ParseError(where, "expected a JSON object with title, text, url, published")
    return _jsonl_record(item, where=where, source_url=source_url, default_url=default_url)


def _jsonl_record(
    item: dict[str, Any], *, where: str, source_url: str, default_url: str
) -> ArticleRecord | ParseError:
    fields = {}
    for key in ("title", "text", "url", "author", "summary"):
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            return ParseError(where, f"{key} must be a string")
        fields[key] = normalize_text(value) if value else ""
    if not fields["title"] and not fields["text"]:
        return ParseError(where, "neither title nor text")
    try:
        published = _published(item.get("published"))
    except ValueError as e:
        return ParseError(where, f"published {item.get('published')!r} is not an ISO 8601 date: {e}")
    url = canonicalize_url(fields["url"]) if fields["url"] else default_url
    return ArticleRecord(
        url=url,
        source_url=source_url,
        title=fields["title"] or title_from_text(fields["text"]),
        text=fields["text"],
        author=fields["author"] or None,
        summary=fields["summary"] or None,
        published=published,
        text_origin="file",
    )
