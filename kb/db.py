"""The knowledge base's SQLite database: connection, schema and migrations.

One file, WAL mode (the explorer reads while an ingest writes), foreign keys on.
The schema is built by numbered migrations in the ``newskb`` set of sqlite-utils'
``Migrations``; ``SCHEMA_VERSION`` is the number of migrations in that set, so a
database opened by this code is always brought up to date first.

Timestamps are TEXT in UTC ISO 8601 (``2026-11-25T10:33:57+00:00``): they sort and
compare as strings. Column groups in each table are commented with who owns them.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
from sqlite_utils.migrations import Migrations

from kb.errors import ConfigError

migrations = Migrations("newskb")

#: How long a writer waits for another writer before "database is locked".
BUSY_TIMEOUT_MS = 30_000


def utcnow() -> str:
    """Now, as the TEXT timestamp every table stores."""
    return to_timestamp(datetime.now(UTC))


def to_timestamp(moment: datetime) -> str:
    """A UTC-aware (or naive UTC) datetime as stored TEXT, to the second."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def open_db(path: str | Path, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path``, migrated to the current schema.

    ``":memory:"`` gives a private in-memory database, for tests.
    """
    if str(path) == ":memory:":
        conn = sqlite3.connect(":memory:", check_same_thread=False)
    else:
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
        except (OSError, sqlite3.DatabaseError) as e:
            raise ConfigError(f"{path}: cannot open database: {e}") from e
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    db = sqlite_utils.Database(conn)
    if migrate:
        try:
            migrations.apply(db)
        except sqlite3.DatabaseError as e:
            raise ConfigError(f"{path}: not a newskb database or damaged: {e}") from e
    return db


def schema_version(db: sqlite_utils.Database) -> int:
    """How many of the ``newskb`` migrations this database has applied."""
    return len(migrations.applied(db))


# --- migrations: never edit one that has shipped; add the next -----------------------


@migrations(name="0001_ingest")
def _m0001_ingest(db: sqlite_utils.Database) -> None:
    """Sources, articles (with FTS5) and runs: what ingest writes."""
    db.table("sources").create(
        {
            "id": int,
            "url": str,  # feed URL, page URL or absolute local path; unique
            "kind": str,  # feed | page | file | folder
            "title": str,
            "added_at": str,
            # owned by the user (CLI, explorer, OPML)
            "fulltext": str,  # off | auto | always; NULL = the configured default
            "interval": float,  # seconds between fetches; NULL = the configured default
            "disabled_at": str,
            "disabled_reason": str,  # NULL while enabled
            # owned by the fetcher: conditional GET and health
            "etag": str,
            "last_modified": str,
            "last_fetched_at": str,
            "last_success_at": str,
            "last_status": str,  # ok | not_modified | error
            "last_http_status": int,
            "last_error": str,
            "error_count": int,  # consecutive failures; 0 after a success
            "next_fetch_at": str,  # due when NULL or <= now
        },
        pk="id",
        not_null={"url", "kind", "added_at"},
        defaults={"error_count": 0},
    )
    db.table("sources").create_index(["url"], unique=True)

    db.table("articles").create(
        {
            "id": int,
            "url": str,  # canonical
            "guid": str,
            "source_id": int,
            "title": str,
            "author": str,
            "published_at": str,
            "published_estimated": int,  # 1 when the source gave no date: published_at = fetch time
            "fetched_at": str,
            "updated_at": str,
            "summary": str,
            "text": str,
            "text_origin": str,  # feed | page | file
            "content_hash": str,  # of normalised title + text, for cross-source duplicates
            "duplicate_of": int,  # the article first stored with the same content
            # owned by extraction
            "needs_extraction": int,  # 1 when new or changed since the last extraction
            "extracted_at": str,
            "extractor_version": str,
        },
        pk="id",
        not_null={"url", "fetched_at"},
        defaults={"needs_extraction": 1, "published_estimated": 0},
        foreign_keys=[("source_id", "sources", "id"), ("duplicate_of", "articles", "id")],
    )
    db.table("articles").create_index(["url"], unique=True)
    db.table("articles").create_index(["source_id", "guid"])
    db.table("articles").create_index(["content_hash"])
    db.table("articles").create_index(["published_at"])
    db.table("articles").create_index(["needs_extraction"])
    db.table("articles").enable_fts(["title", "text"], fts_version="FTS5", create_triggers=True, tokenize="porter")

    db.table("runs").create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,  # NULL while running, or when the run was killed
            "pid": int,
            "status": str,  # running | ok | partial | failed | interrupted
            "sources_due": int,
            "sources_ok": int,
            "sources_not_modified": int,
            "sources_failed": int,
            "articles_new": int,
            "articles_updated": int,
            "articles_duplicate": int,
            "errors": str,  # JSON list of {"source", "error"}
        },
        pk="id",
    )


@migrations(name="0002_knowledge")
def _m0002_knowledge(db: sqlite_utils.Database) -> None:
    """Companies, aliases, mentions, relations, evidence, people, products, curation."""
    db.table("companies").create(
        {
            "id": int,
            "key": str,  # normalised name (folded case, legal suffix): the identity
            "name": str,  # canonical display name
            "ticker": str,
            "kind": str,  # company | not_company (curated) | other_org
            "first_seen": str,
            "last_seen": str,
            "mention_count": int,
            "article_count": int,
            "merged_into": int,  # set by curation: this row now lives on as another
        },
        pk="id",
        not_null={"key", "name"},
        defaults={"kind": "company", "mention_count": 0, "article_count": 0},
        foreign_keys=[("merged_into", "companies", "id")],
    )
    db.table("companies").create_index(["key"], unique=True)
    db.table("companies").enable_fts(["name"], fts_version="FTS5", create_triggers=True)

    db.table("aliases").create(
        {"id": int, "key": str, "surface": str, "company_id": int},
        pk="id",
        not_null={"key", "surface", "company_id"},
        foreign_keys=[("company_id", "companies", "id")],
    )
    db.table("aliases").create_index(["key"], unique=True)
    db.table("aliases").create_index(["company_id"])

    db.table("mentions").create(
        {"id": int, "article_id": int, "company_id": int, "surface": str, "start": int, "end": int},
        pk="id",
        foreign_keys=[("article_id", "articles", "id"), ("company_id", "companies", "id")],
    )
    db.table("mentions").create_index(["article_id"])
    db.table("mentions").create_index(["company_id"])

    db.table("relations").create(
        {
            "id": int,
            "type": str,
            "source_id": int,  # for undirected types, the lower company id
            "target_id": int,
            "first_seen": str,  # earliest published_at of an article stating it
            "last_seen": str,
            "article_count": int,
            "confidence": float,  # best evidence confidence
            "status": str,  # auto | confirmed | rejected | added (curation)
        },
        pk="id",
        not_null={"type", "source_id", "target_id"},
        defaults={"status": "auto", "article_count": 0},
        foreign_keys=[("source_id", "companies", "id"), ("target_id", "companies", "id")],
    )
    db.table("relations").create_index(["type", "source_id", "target_id"], unique=True)
    db.table("relations").create_index(["target_id"])
    db.table("relations").create_index(["last_seen"])

    db.table("evidence").create(
        {
            "id": int,
            "relation_id": int,
            "article_id": int,
            "sentence": str,
            "start": int,
            "end": int,
            "confidence": float,
            "attributes": str,  # JSON: amount, currency, stake, date
        },
        pk="id",
        foreign_keys=[("relation_id", "relations", "id"), ("article_id", "articles", "id")],
    )
    db.table("evidence").create_index(["relation_id", "article_id", "start"], unique=True)
    db.table("evidence").create_index(["article_id"])

    db.table("people").create({"id": int, "key": str, "name": str}, pk="id", not_null={"key", "name"})
    db.table("people").create_index(["key"], unique=True)
    db.table("roles").create(
        {"id": int, "person_id": int, "company_id": int, "title": str, "article_id": int},
        pk="id",
        foreign_keys=[
            ("person_id", "people", "id"),
            ("company_id", "companies", "id"),
            ("article_id", "articles", "id"),
        ],
    )
    db.table("roles").create_index(["person_id", "company_id", "title", "article_id"], unique=True)
    db.table("roles").create_index(["company_id"])

    db.table("products").create(
        {"id": int, "key": str, "name": str, "company_id": int, "first_seen": str, "last_seen": str},
        pk="id",
        not_null={"key", "name"},
        foreign_keys=[("company_id", "companies", "id")],
    )
    db.table("products").create_index(["key"], unique=True)
    db.table("products").create_index(["company_id"])
    db.table("product_mentions").create(
        {"product_id": int, "article_id": int},
        pk=("product_id", "article_id"),
        foreign_keys=[("product_id", "products", "id"), ("article_id", "articles", "id")],
    )

    db.table("curation").create(
        {"id": int, "at": str, "action": str, "payload": str},  # payload: JSON
        pk="id",
        not_null={"at", "action", "payload"},
    )


@migrations(name="0003_store_curation")
def _m0003_store_curation(db: sqlite_utils.Database) -> None:
    """Curated evidence kept apart from the extractor's, and indexes for re-storing an article."""
    # 1 for evidence a person added (kb.curation.add_relation): re-extracting the article
    # replaces only the extractor's rows (curated = 0).
    db.table("evidence").add_column("curated", int, not_null_default=0)
    db.table("relations").create_index(["source_id"], if_not_exists=True)
    db.table("roles").create_index(["article_id"], if_not_exists=True)
    db.table("product_mentions").create_index(["article_id"], if_not_exists=True)
    db.table("companies").create_index(["merged_into"], if_not_exists=True)


@migrations(name="0004_explorer_indexes")
def _m0004_explorer_indexes(db: sqlite_utils.Database) -> None:
    """Indexes for the explorer's reads (benchmarks/app_bench.py: 100k articles, 50k relations)."""
    # counts and every "duplicate_of IS NULL" filter: a covering index instead of a scan of article text
    db.table("articles").create_index(["duplicate_of"], if_not_exists=True)
    # Relations sorted by article count or first seen, without sorting 50k rows
    db.table("relations").create_index(["article_count", "last_seen"], if_not_exists=True)
    db.table("relations").create_index(["first_seen"], if_not_exists=True)
    # relations by type on the Overview page, from the index alone
    db.table("relations").create_index(["type", "status"], if_not_exists=True)
    # a company's articles and mentions over time read (company, article) pairs from the index alone
    db.table("mentions").create_index(["company_id", "article_id"], if_not_exists=True)


@migrations(name="0005_fulltext_attempts")
def _m0005_fulltext_attempts(db: sqlite_utils.Database) -> None:
    """Failed tries at an entry's full page: a page that failed once is tried again, a few times."""
    db.table("articles").add_column("fulltext_attempts", int, not_null_default=0)


#: Bumped by adding a migration above.
SCHEMA_VERSION = len(migrations._migrations)
