"""Re-extraction: which articles, no duplicates, curation replayed; the `newskb reextract` command."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.config import ExtractSettings, Settings
from kb.curation import mark_not_company, rename_company
from kb.db import open_db
from kb.records import Extraction
from kb.store import reextract_articles, store_extraction
from tests.fixtures.store import FakeExtractor, add_article, extraction_of, kb_snapshot, relation_triples

SETTINGS = Settings(extract=ExtractSettings(batch_size=2))
#: Longest first: "Oracle Corp." is found before "Oracle" could be.
NAMES = re.compile(r"\b(Oracle Corp\.|Oracle|OpenAI|AI|Nvidia)(?=\W)")


def names_in(title: str | None, text: str) -> Extraction:
    """What a simple extractor finds: each listed name the text contains, partners when two."""
    found = list(dict.fromkeys(NAMES.findall(text)))
    relations = [("partnership", found[0], found[1])] if len(found) >= 2 else []
    return extraction_of(text, found, relations)


def seed(db, *, version: str = "v1") -> list[int]:
    ids = [
        add_article(db, "Oracle Corp. partners with OpenAI.", published="2025-01-10T00:00:00+00:00"),
        add_article(db, "OpenAI partners with Nvidia.", published="2025-06-10T00:00:00+00:00"),
        add_article(db, "AI partners with Nvidia.", published="2026-01-10T00:00:00+00:00"),
    ]
    for article_id in ids:
        text = db["articles"].get(article_id)["text"]
        store_extraction(db, article_id, names_in(None, text), extractor_version=version)
    return ids


def test_reextract_by_default_redoes_only_other_extractor_versions(db):
    old, current, _ = seed(db, version="v2")
    db["articles"].update(old, {"extractor_version": "v1"})
    extractor = FakeExtractor(names_in, version="v2")

    stats = reextract_articles(db, settings=SETTINGS, extractor=extractor)

    assert extractor.calls == [[old]]
    assert stats.articles == 1
    assert db["articles"].get(current)["extractor_version"] == "v2"


def test_reextracting_everything_twice_gives_the_same_rows(db):
    seed(db)
    reextract_articles(db, settings=SETTINGS, all=True, extractor=FakeExtractor(names_in, version="v2"))
    first = kb_snapshot(db)

    stats = reextract_articles(
        db, settings=SETTINGS, all=True, extractor=FakeExtractor(names_in, version="v2")
    )

    assert stats.articles == 3
    assert kb_snapshot(db) == first
    assert db["relations"].count == 3
    assert db["companies"].count == 4  # Oracle Corp. and Oracle are one


def test_reextract_since_a_date_redoes_the_articles_published_since(db):
    _, middle, last = seed(db, version="v2")
    extractor = FakeExtractor(names_in, version="v2")

    reextract_articles(db, settings=SETTINGS, since="2025-06-01", extractor=extractor)

    assert extractor.calls == [[middle, last]]


def test_reextract_replays_curation_over_the_new_extraction(db):
    seed(db)
    openai = next(db["companies"].rows_where("key = 'openai'"))["id"]
    rename_company(db, openai, "OpenAI Inc.")
    mark_not_company(db, next(db["companies"].rows_where("key = 'ai'"))["id"])

    stats = reextract_articles(
        db, settings=SETTINGS, all=True, extractor=FakeExtractor(names_in, version="v2")
    )

    assert stats.replayed == 2
    assert db["companies"].get(openai)["name"] == "OpenAI Inc."
    assert db["mentions"].count_where("company_id = (select id from companies where key = 'ai')") == 0
    assert db["relations"].count == 2


def test_reextract_command_refuses_all_with_since(tmp_path):
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "kb.sqlite"), "reextract", "--all", "--since", "2025-01-01"]
    )

    assert result.exit_code == 2
    assert "--all and --since cannot be used together" in result.output


def test_reextract_command_refuses_a_bad_date(tmp_path):
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "kb.sqlite"), "reextract", "--since", "last tuesday"]
    )

    assert result.exit_code == 2
    assert "invalid date 'last tuesday'" in result.output


def test_reextract_command_with_the_real_extractor_stores_the_seed_article_once(tmp_path, shared_dir):
    """Integration: the spaCy Extractor, the store and the CLI together, run twice."""
    pytest.importorskip("kb.extract")
    path = tmp_path / "kb.sqlite"
    db = open_db(path)
    text = (shared_dir / "seed" / "article.txt").read_text(encoding="utf-8")
    add_article(db, text, title="OpenAI, Oracle and Microsoft")
    db.close()

    runs = [CliRunner().invoke(cli, ["--db", str(path), "reextract", "--all", "--json"]) for _ in range(2)]

    assert [run.exit_code for run in runs] == [0, 0], runs[0].output
    first, second = (json.loads(run.stdout) for run in runs)
    assert first == second
    assert first["articles"] == 1 and first["relations"] >= 3
    db = open_db(path)
    names = {row["name"] for row in db["companies"].rows_where("kind = 'company'")}
    assert {"OpenAI", "Microsoft", "Oracle", "xAI"} <= names
    pairs = relation_triples(db)
    assert ("investment", "Microsoft", "OpenAI") in pairs
    assert ("supplier", "Oracle", "xAI") in pairs
    assert db["evidence"].count == first["relations"]


@pytest.mark.slow
def test_reextracting_the_offline_sample_twice_with_the_real_extractor_changes_nothing(tmp_path):
    """The gazetteer grows from the KB, so a second run sees more known companies than the
    first: the result must still be a fixed point (no company flickering in and out)."""
    pytest.importorskip("kb.extract")
    sample = Path(__file__).resolve().parent.parent / "ingest" / "data" / "sample_feed.expected.jsonl"
    db = open_db(tmp_path / "kb.sqlite")
    for line in sample.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        add_article(db, item["text"], title=item["title"], url=item["link"], published=item["published"])
    settings = Settings()
    reextract_articles(db, settings=settings, all=True)
    reextract_articles(db, settings=settings, all=True)
    first = kb_snapshot(db)

    reextract_articles(db, settings=settings, all=True)

    assert kb_snapshot(db) == first
    assert db["companies"].count > 40
