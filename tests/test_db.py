"""The database: schema migrations, WAL, foreign keys."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from kb import db as kbdb
from kb.db import SCHEMA_VERSION, migrations, open_db, schema_version, to_timestamp
from kb.errors import ConfigError


def test_new_database_is_at_current_schema_version(db):
    assert schema_version(db) == SCHEMA_VERSION
    for table in ("sources", "articles", "articles_fts", "runs", "companies", "aliases", "relations", "evidence"):
        assert db[table].exists(), table


def test_database_is_in_wal_mode_with_foreign_keys(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopening_applies_nothing_twice(tmp_path):
    path = tmp_path / "kb.sqlite"
    open_db(path).close()
    again = open_db(path)
    assert schema_version(again) == SCHEMA_VERSION
    names = [row["name"] for row in again["_sqlite_migrations"].rows]
    assert len(names) == len(set(names))


def test_version_one_database_is_migrated_keeping_its_rows(tmp_path):
    path = tmp_path / "old.sqlite"
    old = sqlite_utils.Database(str(path))
    migrations.apply(old, stop_before="0002_knowledge")
    assert schema_version(old) == 1
    old["sources"].insert({"url": "https://example.com/feed", "kind": "feed", "added_at": "2026-01-01T00:00:00+00:00"})
    old["articles"].insert(
        {"url": "https://example.com/a", "source_id": 1, "title": "Kept", "text": "body", "fetched_at": "2026-01-01T00:00:00+00:00"}
    )
    old.close()

    upgraded = open_db(path)
    assert schema_version(upgraded) == SCHEMA_VERSION
    assert upgraded["articles"].get(1)["title"] == "Kept"
    assert upgraded["companies"].exists()


def test_every_migration_applies_in_order_on_an_empty_database(tmp_path):
    database = sqlite_utils.Database(str(tmp_path / "steps.sqlite"))
    for step, migration in enumerate(migrations._migrations, start=1):
        following = migrations._migrations[step:]
        migrations.apply(database, stop_before=following[0].name if following else None)
        assert schema_version(database) == step, migration.name


def test_articles_full_text_index_follows_inserts(db):
    db["sources"].insert({"url": "https://example.com/feed", "kind": "feed", "added_at": "2026-01-01T00:00:00+00:00"})
    db["articles"].insert(
        {"url": "https://example.com/a", "source_id": 1, "title": "Oracle and OpenAI", "text": "partnership", "fetched_at": "x"}
    )
    hits = db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'partnerships'").fetchall()
    assert hits == [(1,)]  # porter stemming


def test_unopenable_database_is_a_config_error(tmp_path):
    path = tmp_path / "garbage.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ConfigError, match="garbage.sqlite"):
        open_db(path)


def test_timestamps_are_utc_iso_seconds():
    from datetime import datetime, timedelta, timezone

    moment = datetime(2026, 11, 25, 12, 30, 5, 999, tzinfo=timezone(timedelta(hours=2)))
    assert to_timestamp(moment) == "2026-11-25T10:30:05+00:00"
    assert kbdb.utcnow().endswith("+00:00")


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sqlite3.IntegrityError):
        db["articles"].insert({"url": "https://e.com/x", "source_id": 999, "fetched_at": "x"})
