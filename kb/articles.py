"""Storing articles: one row per article, with dedupe, in-place updates and duplicates marked.

The rules (the why is in docs/design-notes.md, "Article identity"):

- an entry with a guid is the article with that guid *in the same source*; otherwise,
  and for entries with no guid, it is the article with the same canonical URL;
- a link shared by entries of one source with *different* guids (podcast feeds pointing
  every episode at the home page) is stored under ``link#guid=<guid>`` so they stay apart;
- a URL already stored through another source is the same article: it stays with the
  source that first stored it, and the record writes nothing;
- a new article whose content (normalised title + text) equals another source's article
  is stored with ``duplicate_of`` pointing at it, and is not queued for extraction;
- a changed article is updated in place: ``updated_at`` moves and, when its title or text
  changed, ``needs_extraction`` is set again. An unchanged one writes nothing.

kb owns the SQL: ingest hands over ArticleRecords and gets an UpsertResult back.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import sqlite_utils

from kb.db import to_timestamp
from kb.records import ArticleRecord

log = logging.getLogger(__name__)

#: Content shorter than this many words is never called a duplicate of another source's
#: article: two podcasts' "Episode 12" with no text are not the same story.
MIN_DUPLICATE_WORDS = 5


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """What one batch of records did to the articles table."""

    new: int = 0  #: rows inserted (duplicates included)
    updated: int = 0  #: rows changed in place
    unchanged: int = 0  #: records that wrote nothing
    duplicates: int = 0  #: of ``new``, rows stored with ``duplicate_of`` set
    changed_ids: tuple[int, ...] = ()  #: article ids that need extraction (new or changed text)


def synthetic_url(base: str, guid: str) -> str:
    """A stable URL of its own for an entry: ``base#guid=<guid>`` (``base`` canonical).

    For entries with a guid but no link (``base`` is the feed URL), and for entries whose
    link is shared by entries with other guids. Canonical URLs never carry a fragment, so
    these cannot collide with a real article's URL.
    """
    return f"{base}#guid={quote(guid, safe='')}"


def normalize_content(title: str | None, text: str | None) -> str:
    """Title and text as compared for duplicates: NFKC, case-folded, whitespace folded."""
    joined = f"{title or ''}\n{text or ''}"
    return " ".join(unicodedata.normalize("NFKC", joined).casefold().split())


def content_hash(title: str | None, text: str | None) -> str:
    """SHA-256 (hex) of the normalised title and text."""
    return hashlib.sha256(normalize_content(title, text).encode("utf-8")).hexdigest()


def upsert_articles(
    db: sqlite_utils.Database, records: Iterable[ArticleRecord], *, source_id: int, fetched_at: str
) -> UpsertResult:
    """Store ``records`` from source ``source_id``, fetched at ``fetched_at`` (stored timestamp).

    Opens no transaction of its own: the caller wraps a whole source in ``db.atomic()``
    (or ``with db.conn:``), so a crash mid-source leaves nothing half-written.
    """
    new = updated = unchanged = duplicates = 0
    changed: list[int] = []
    for record in records:
        outcome, article_id, duplicate = _upsert_one(db, record, source_id=source_id, fetched_at=fetched_at)
        if outcome == "new":
            new += 1
            duplicates += duplicate
        elif outcome == "updated":
            updated += 1
        else:
            unchanged += 1
        if article_id is not None:
            changed.append(article_id)
    return UpsertResult(
        new=new, updated=updated, unchanged=unchanged, duplicates=duplicates, changed_ids=tuple(changed)
    )


def page_wanted(db: sqlite_utils.Database, record: ArticleRecord, *, source_id: int, max_attempts: int) -> bool:
    """Whether to fetch ``record``'s page for its full text: a new entry, or a stored one of
    this source still holding the feed's text after fewer than ``max_attempts`` tries.

    A page that failed (a 503, a timeout) is tried again on the next runs, but not forever:
    a paywall stub or a dead link stops costing a fetch after ``max_attempts``.
    """
    row = _find(db, record, source_id=source_id)[0]
    if row is None:
        return True
    return row["source_id"] == source_id and row["text_origin"] != "page" and row["fulltext_attempts"] < max_attempts


def note_page_misses(db: sqlite_utils.Database, records: Iterable[ArticleRecord], *, source_id: int) -> None:
    """Count one more failed full-text try for each stored article of these records."""
    for record in records:
        row = _find(db, record, source_id=source_id)[0]
        if row is not None and row["source_id"] == source_id and row["text_origin"] != "page":
            db.execute("UPDATE articles SET fulltext_attempts = fulltext_attempts + 1 WHERE id = ?", [row["id"]])


def _first(db: sqlite_utils.Database, where: str, args: list[Any]) -> dict[str, Any] | None:
    return next(iter(db.table("articles").rows_where(where, args, limit=1)), None)


def _find(
    db: sqlite_utils.Database, record: ArticleRecord, *, source_id: int
) -> tuple[dict[str, Any] | None, str]:
    """The stored row this record is (or None), and the URL the record goes under."""
    if record.guid:
        row = _first(db, "source_id = ? and guid = ?", [source_id, record.guid])
        if row is not None:
            return row, record.url
    row = _first(db, "url = ?", [record.url])
    if (
        row is not None
        and row["source_id"] == source_id
        and record.guid
        and row["guid"]
        and row["guid"] != record.guid
    ):
        # Another entry of this source, with another guid, already has this link.
        url = synthetic_url(record.url, record.guid)
        return _first(db, "url = ?", [url]), url
    return row, record.url


def _duplicate_target(
    db: sqlite_utils.Database, digest: str, normalised: str, *, source_id: int, exclude: int | None
) -> int | None:
    """The first article of another source with the same content, if the content is long enough."""
    if len(normalised.split()) < MIN_DUPLICATE_WORDS:
        return None
    row = _first(
        db,
        "content_hash = ? and source_id != ? and duplicate_of is null and id != ? order by id",
        [digest, source_id, exclude if exclude is not None else -1],
    )
    return row["id"] if row is not None else None


def _upsert_one(
    db: sqlite_utils.Database, record: ArticleRecord, *, source_id: int, fetched_at: str
) -> tuple[str, int | None, bool]:
    """("new" | "updated" | "unchanged", id needing extraction or None, stored as duplicate)."""
    row, url = _find(db, record, source_id=source_id)
    published = to_timestamp(record.published) if record.published else None

    if row is None:
        normalised = normalize_content(record.title, record.text)
        digest = hashlib.sha256(normalised.encode("utf-8")).hexdigest()
        duplicate_of = _duplicate_target(db, digest, normalised, source_id=source_id, exclude=None)
        article_id = (
            db.table("articles")
            .insert(
                {
                    "url": url,
                    "guid": record.guid,
                    "source_id": source_id,
                    "title": record.title,
                    "author": record.author,
                    "published_at": published or fetched_at,
                    "published_estimated": 0 if published else 1,
                    "fetched_at": fetched_at,
                    "updated_at": fetched_at,
                    "summary": record.summary,
                    "text": record.text,
                    "text_origin": record.text_origin,
                    "content_hash": digest,
                    "duplicate_of": duplicate_of,
                    "needs_extraction": 0 if duplicate_of else 1,
                }
            )
            .last_pk
        )
        return "new", (None if duplicate_of else article_id), duplicate_of is not None

    if row["source_id"] != source_id:
        # Known through another source: it stays that source's article.
        return "unchanged", None, False

    wanted = _wanted(db, row, record, url=url, published=published)
    changes = {key: value for key, value in wanted.items() if row[key] != value}
    if not changes:
        return "unchanged", None, False
    text_changed = "content_hash" in changes
    if text_changed:
        normalised = normalize_content(wanted["title"], wanted.get("text", row["text"]))
        duplicate_of = _duplicate_target(
            db, changes["content_hash"], normalised, source_id=source_id, exclude=row["id"]
        )
        changes["duplicate_of"] = duplicate_of
        changes["needs_extraction"] = 0 if duplicate_of else 1
    changes["updated_at"] = fetched_at
    db.table("articles").update(row["id"], changes)
    needs = text_changed and changes["needs_extraction"] == 1
    return "updated", (row["id"] if needs else None), False


def _wanted(
    db: sqlite_utils.Database, row: dict[str, Any], record: ArticleRecord, *, url: str, published: str | None
) -> dict[str, Any]:
    """The column values ``record`` asks for; only those that differ from ``row`` get written."""
    if row["text_origin"] == "page" and record.text_origin == "feed":
        # The stored text is the page's full text and this record only has the feed's:
        # compare with what the feed gave last time (kept in summary) and keep the page text.
        wanted: dict[str, Any] = {
            "title": record.title,
            "summary": record.summary or record.text,
            "content_hash": content_hash(record.title, row["text"]),
        }
    else:
        wanted = {
            "title": record.title,
            "text": record.text,
            "summary": record.summary,
            "text_origin": record.text_origin,
            "content_hash": content_hash(record.title, record.text),
        }
    if record.author:
        wanted["author"] = record.author
    if record.guid and not row["guid"]:
        wanted["guid"] = record.guid
    if published:
        wanted.update(published_at=published, published_estimated=0)
    moved = url != row["url"] and row["url"] != synthetic_url(url, row["guid"] or "")
    if moved and _url_is_free(db, url):
        wanted["url"] = url  # the entry moved (same guid, new link)
    return wanted


def _url_is_free(db: sqlite_utils.Database, url: str) -> bool:
    return _first(db, "url = ?", [url]) is None
