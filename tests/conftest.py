"""Shared fixtures. Each feature's fixtures live in tests/fixtures/ and are loaded here."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.db import open_db

pytest_plugins: list[str] = ["tests.fixtures.server", "tests.fixtures.kb_fixture", "tests.fixtures.ingest_fakes", "tests.fixtures.relclass", "tests.fixtures.nlp"]

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture
def db(tmp_path):
    """A fresh, migrated database file under tmp_path."""
    database = open_db(tmp_path / "newskb.sqlite")
    yield database
    database.close()


@pytest.fixture
def shared_dir() -> Path:
    """../shared: the seed article, the eval sets and the feed corpus (read-only)."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside the checkout")
    return SHARED
