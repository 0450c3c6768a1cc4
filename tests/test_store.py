"""Storing extractions: entity resolution across articles, aggregates, evidence, idempotence."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import sqlite_utils

from kb.config import ExtractSettings, Settings
from kb.db import SCHEMA_VERSION, migrations, open_db, schema_version
from kb.errors import NotFound
from kb.names import company_key
from kb.records import Company, DealTerms, Extraction, KnownCompany, Mention, PersonRole, Product
from kb.store import (
    ExtractStats,
    extract_articles,
    known_companies,
    rejected_names,
    select_articles,
    store_extraction,
)
from tests.fixtures.store import (
    FakeExtractor,
    add_article,
    extraction_of,
    kb_snapshot,
    store_oracle_article,
    store_text,
)
from tests.fixtures.store import relation_triples as relations


def company(db: sqlite_utils.Database, key: str) -> dict:
    return next(iter(db.query("select * from companies where key = ?", [key])))


@pytest.mark.parametrize(
    "name, key",
    [
        ("Oracle", "oracle"),
        ("Oracle Corp.", "oracle"),
        ("Oracle Corporation", "oracle"),
        ("ORACLE", "oracle"),
        ("Oracle’s", "oracle"),
        ("The Boeing Company", "boeing"),
        ("Wells Fargo & Co.", "wells fargo"),
        ("Alibaba Group Holding Limited", "alibaba"),
        ("Rolls-Royce Holdings plc", "rolls royce"),
        ("Johnson & Johnson", "johnson & johnson"),
        ("AT&T Inc.", "at&t"),
        ("Group", "group"),
        ("...", ""),
    ],
)
def test_company_key_folds_case_possessive_punctuation_and_legal_suffix(name, key):
    assert company_key(name) == key


def test_oracle_corp_in_one_article_and_oracle_in_another_are_one_company(db):
    first = add_article(db, "Oracle Corp. reported results.")
    second = add_article(db, "Oracle signed a deal with xAI.")
    store_extraction(
        db, first, extraction_of("Oracle Corp. reported results.", ["Oracle Corp."]), extractor_version="v1"
    )
    store_extraction(
        db,
        second,
        extraction_of("Oracle signed a deal with xAI.", ["Oracle", "xAI"], [("supplier", "Oracle", "xAI")]),
        extractor_version="v1",
    )

    oracle = company(db, "oracle")
    assert db["companies"].count == 2
    assert oracle["name"] == "Oracle Corp."  # the first name seen stays the display name
    assert (oracle["mention_count"], oracle["article_count"]) == (2, 2)
    # one alias per key: "Oracle" folds to the key "Oracle Corp." already holds
    assert [row["key"] for row in db["aliases"].rows_where("company_id = ?", [oracle["id"]])] == ["oracle"]
    assert relations(db) == {("supplier", "Oracle Corp.", "xAI")}


def test_alias_known_from_one_article_resolves_a_new_canonical_name(db):
    """Article 1 says "Meta" is also "Facebook"; article 2 calls it Facebook only."""
    first = add_article(db, "Meta, formerly Facebook, grew.")
    store_extraction(
        db,
        first,
        extraction_of("Meta, formerly Facebook, grew.", {"Meta": ["Meta", "Facebook"]}),
        extractor_version="v1",
    )
    second = add_article(db, "Facebook Inc. hired.")
    store_extraction(
        db, second, extraction_of("Facebook Inc. hired.", ["Facebook Inc."]), extractor_version="v1"
    )

    assert db["companies"].count == 1
    assert company(db, "meta")["article_count"] == 2


def test_storing_the_same_extraction_twice_gives_the_same_rows(db):
    oracle_article = store_oracle_article(db)
    text = db["articles"].get(oracle_article)["text"]
    extraction = extraction_of(
        text,
        {"OpenAI": ["OpenAI"], "Oracle": ["Oracle Corp."], "Microsoft": ["Microsoft"]},
        [("partnership", "OpenAI", "Oracle"), ("investment", "Microsoft", "OpenAI")],
        title="Cloud deal",
    )
    before = kb_snapshot(db)

    store_extraction(db, oracle_article, extraction, extractor_version="test-1")

    assert kb_snapshot(db) == before


def test_company_aggregates_follow_the_articles_publication_dates(db):
    early = add_article(db, "Stripe grew. Stripe hired.", published="2025-03-01T00:00:00+00:00")
    late = add_article(db, "Stripe expanded.", published="2026-02-01T00:00:00+00:00")
    undated = add_article(db, "Stripe paused.", published=None)
    for article_id in (late, early, undated):
        text = db["articles"].get(article_id)["text"]
        store_extraction(db, article_id, extraction_of(text, ["Stripe"]), extractor_version="v1")

    stripe = company(db, "stripe")
    assert (stripe["mention_count"], stripe["article_count"]) == (4, 3)
    assert stripe["first_seen"] == "2025-03-01T00:00:00+00:00"
    assert stripe["last_seen"] == "2026-11-25T00:00:00+00:00"  # the undated one: its fetch time


def test_undirected_relation_is_one_row_whichever_way_it_is_stated(db):
    store_text(db, "Oracle partnered with OpenAI.", ["Oracle", "OpenAI"], [("partnership", "Oracle", "OpenAI")])
    store_text(db, "OpenAI partnered with Oracle.", ["OpenAI", "Oracle"], [("partnership", "OpenAI", "Oracle")])

    rows = list(db["relations"].rows)
    assert len(rows) == 1
    assert rows[0]["source_id"] < rows[0]["target_id"]
    assert rows[0]["article_count"] == 2


def test_directed_relation_keeps_its_direction(db):
    text = "xAI buys cloud from Oracle. Oracle acquired Cerner."
    article_id = add_article(db, text)
    store_extraction(
        db, article_id,
        extraction_of(text, ["xAI", "Oracle", "Cerner"], [("supplier", "Oracle", "xAI"), ("acquisition", "Oracle", "Cerner")]),
        extractor_version="v1",
    )  # fmt: skip

    assert relations(db) == {("supplier", "Oracle", "xAI"), ("acquisition", "Oracle", "Cerner")}


def test_relation_aggregates_count_articles_dates_and_best_confidence(db):
    texts = {
        "2025-01-10T00:00:00+00:00": 0.6,
        "2025-06-10T00:00:00+00:00": 0.9,
    }
    for published, confidence in texts.items():
        article_id = add_article(db, "Microsoft invested $13 billion in OpenAI.", published=published)
        store_extraction(
            db,
            article_id,
            extraction_of(
                "Microsoft invested $13 billion in OpenAI.", ["Microsoft", "OpenAI"], [("investment", "Microsoft", "OpenAI")],
                confidence=confidence, terms=DealTerms(amount=13e9, currency="USD"),
            ),
            extractor_version="v1",
        )  # fmt: skip

    relation = next(iter(db["relations"].rows))
    assert relation["article_count"] == 2
    assert (relation["first_seen"], relation["last_seen"]) == (
        "2025-01-10T00:00:00+00:00",
        "2025-06-10T00:00:00+00:00",
    )
    assert relation["confidence"] == 0.9
    evidence = list(db["evidence"].rows)
    assert [row["sentence"] for row in evidence] == ["Microsoft invested $13 billion in OpenAI."] * 2
    assert json.loads(evidence[0]["attributes"]) == {"amount": 13e9, "currency": "USD"}


def test_relation_no_longer_extracted_is_deleted_with_its_evidence(db):
    oracle_article = store_oracle_article(db)
    text = db["articles"].get(oracle_article)["text"]
    store_extraction(
        db, oracle_article,
        extraction_of(text, ["OpenAI", "Microsoft"], [("investment", "Microsoft", "OpenAI")], title="Cloud deal"),
        extractor_version="test-2",
    )  # fmt: skip

    assert relations(db) == {("investment", "Microsoft", "OpenAI")}
    assert db["evidence"].count == 1


def test_company_no_longer_extracted_from_any_article_is_removed(db):
    oracle_article = store_oracle_article(db)
    text = db["articles"].get(oracle_article)["text"]
    store_extraction(
        db, oracle_article, extraction_of(text, ["OpenAI"], title="Cloud deal"), extractor_version="test-2"
    )

    assert [row["key"] for row in db["companies"].rows] == ["openai"]
    assert {row["key"] for row in db["aliases"].rows} == {"openai"}


def test_company_still_mentioned_elsewhere_keeps_its_counts_right(db):
    oracle_article = store_oracle_article(db)
    other = add_article(db, "Oracle hired.")
    store_extraction(db, other, extraction_of("Oracle hired.", ["Oracle"]), extractor_version="v1")
    text = db["articles"].get(oracle_article)["text"]

    store_extraction(
        db, oracle_article, extraction_of(text, ["OpenAI"], title="Cloud deal"), extractor_version="v2"
    )

    oracle = company(db, "oracle")
    assert (oracle["mention_count"], oracle["article_count"]) == (1, 1)


def test_relation_between_two_names_of_one_company_is_dropped(db):
    text = "Oracle Corporation and Oracle teamed up."
    article_id = add_article(db, text)
    extraction = extraction_of(
        text, ["Oracle Corporation", "Oracle"], [("partnership", "Oracle Corporation", "Oracle")]
    )

    store_extraction(db, article_id, extraction, extractor_version="v1")

    assert db["companies"].count == 1
    assert db["relations"].count == 0


def test_article_is_marked_extracted_with_the_extractor_version(db):
    article_id = add_article(db, "Nothing to see.")
    store_extraction(db, article_id, Extraction(), extractor_version="v7")

    article = db["articles"].get(article_id)
    assert (article["needs_extraction"], article["extractor_version"]) == (0, "v7")
    assert article["extracted_at"]


def test_storing_for_a_missing_article_raises_not_found_and_writes_nothing(db):
    with pytest.raises(NotFound, match="article 42"):
        store_extraction(db, 42, extraction_of("Oracle.", ["Oracle"]), extractor_version="v1")
    assert db["companies"].count == 0


def test_ticker_is_kept_from_the_extraction(db):
    article_id = add_article(db, "Nvidia rose.")
    extraction = Extraction(
        companies=(Company(name="Nvidia", ticker="NVDA"),), mentions=(Mention("Nvidia", "Nvidia", 0, 6),)
    )
    store_extraction(db, article_id, extraction, extractor_version="v1")

    assert company(db, "nvidia")["ticker"] == "NVDA"


def test_products_link_to_their_owner_and_follow_the_article(db):
    text = "OpenAI launched ChatGPT."
    article_id = add_article(db, text, published="2025-05-01T00:00:00+00:00")
    store_extraction(
        db, article_id, extraction_of(text, ["OpenAI"], products=(Product("ChatGPT", owner="OpenAI", start=16, end=23),)),
        extractor_version="v1",
    )  # fmt: skip

    product = next(iter(db["products"].rows))
    assert (product["name"], product["company_id"], product["first_seen"]) == (
        "ChatGPT", company(db, "openai")["id"], "2025-05-01T00:00:00+00:00",
    )  # fmt: skip

    store_extraction(db, article_id, extraction_of(text, ["OpenAI"]), extractor_version="v2")
    assert db["products"].count == 0


def test_people_roles_are_stored_once_and_replaced(db):
    text = "Sam Altman, CEO of OpenAI, spoke."
    article_id = add_article(db, text)
    altman = PersonRole("Sam Altman", title="CEO", company="OpenAI")
    store_extraction(
        db, article_id, extraction_of(text, ["OpenAI"], people=(altman, altman)), extractor_version="v1"
    )

    role = next(
        iter(
            db.query("select p.name, r.title, r.company_id from roles r join people p on p.id = r.person_id")
        )
    )
    assert role == {"name": "Sam Altman", "title": "CEO", "company_id": company(db, "openai")["id"]}
    assert db["roles"].count == 1

    store_extraction(db, article_id, extraction_of(text, ["OpenAI"]), extractor_version="v2")
    assert (db["roles"].count, db["people"].count) == (0, 0)


def test_known_companies_give_the_extractor_names_aliases_and_tickers(db):
    store_oracle_article(db)
    text = "Amazon Web Services (AWS) rose."
    article_id = add_article(db, text)
    extraction = extraction_of(text, {"AWS": ["Amazon Web Services", "AWS"]})
    store_extraction(
        db,
        article_id,
        replace(extraction, companies=(Company("AWS", ("Amazon Web Services",), "AMZN"),)),
        extractor_version="v1",
    )

    names = {known.name: known for known in known_companies(db)}

    assert set(names) == {"OpenAI", "Oracle", "Microsoft", "AWS"}
    assert names["AWS"] == KnownCompany("AWS", aliases=("Amazon Web Services",), ticker="AMZN")
    assert names["Oracle"].aliases == ()  # "Oracle Corp." folds to the name's own key


def test_name_curated_as_not_a_company_is_dropped_on_storing(db):
    store_text(db, "AI is booming at Nvidia.", ["AI", "Nvidia"])
    db["companies"].update(company(db, "ai")["id"], {"kind": "not_company"})

    store_text(db, "AI partners with Nvidia.", ["AI", "Nvidia"], [("partnership", "AI", "Nvidia")])

    assert company(db, "ai")["mention_count"] == 1  # only the mention from before the curation
    assert db["relations"].count == 0
    assert "AI" in rejected_names(db)
    assert "AI" not in {known.name for known in known_companies(db)}


def test_migration_3_adds_curated_evidence_to_a_version_2_database(tmp_path):
    path = tmp_path / "v2.sqlite"
    old = sqlite_utils.Database(str(path))
    migrations.apply(old, stop_before="0003_store_curation")
    old["evidence"].insert({"relation_id": None, "sentence": "kept", "confidence": 0.5})
    old.close()

    upgraded = open_db(path)
    assert schema_version(upgraded) == SCHEMA_VERSION
    assert next(iter(upgraded["evidence"].rows))["curated"] == 0
    assert ["article_id"] in [index.columns for index in upgraded["roles"].indexes]


# --- extract_articles: which articles, in batches ---------------------------------------


def oracle_everywhere(title: str | None, text: str) -> Extraction:
    return extraction_of(text, [name for name in ("Oracle", "OpenAI") if name in text], title=title or "")


def settings(batch_size: int = 2) -> Settings:
    return Settings(extract=ExtractSettings(batch_size=batch_size))


def test_extract_articles_stores_those_needing_extraction_and_skips_duplicates(db):
    first = add_article(db, "Oracle grew.")
    second = add_article(db, "OpenAI grew.")
    add_article(db, "Oracle grew.", duplicate_of=first)
    done = add_article(db, "Oracle again.", needs_extraction=0)

    stats = extract_articles(db, settings=settings(), extractor=FakeExtractor(oracle_everywhere))

    assert stats == ExtractStats(articles=2, mentions=2)
    assert db["articles"].get(done)["extracted_at"] is None
    assert {
        row["id"] for row in db["articles"].rows_where("needs_extraction = 0 and extracted_at is not null")
    } == {
        first,
        second,
    }


def test_extract_articles_reports_progress_once_per_batch(db):
    for n in range(5):
        add_article(db, f"Oracle item {n}.")
    seen: list[tuple[int, int]] = []

    extract_articles(
        db,
        settings=settings(batch_size=2),
        extractor=FakeExtractor(oracle_everywhere),
        progress=lambda *a: seen.append(a),
    )

    assert seen == [(2, 5), (4, 5), (5, 5)]


def test_extraction_failure_keeps_the_batches_already_stored(db):
    for n in range(4):
        add_article(db, f"Oracle item {n}.")

    def fail_on_last(title: str | None, text: str) -> Extraction:
        if "item 3" in text:
            raise RuntimeError("model crashed")
        return oracle_everywhere(title, text)

    with pytest.raises(RuntimeError):
        extract_articles(db, settings=settings(batch_size=2), extractor=FakeExtractor(fail_on_last))

    assert db["articles"].count_where("needs_extraction = 0") == 2
    assert company(db, "oracle")["article_count"] == 2


class SpyExtractor:
    """Records the gazetteer each Extractor is built with; extracts nothing."""

    built: list[list[str]] = []

    def __init__(self, settings, *, known_companies=()):
        SpyExtractor.built.append([known.name for known in known_companies])

    def extract_many(self, items, *, batch_size=None, n_process=None):
        for key, _title, _text in items:
            yield key, Extraction()


def test_later_articles_are_extracted_with_the_companies_seen_before(db, monkeypatch):
    monkeypatch.setattr("kb.extract.Extractor", SpyExtractor)
    monkeypatch.setattr(SpyExtractor, "built", [])
    store_oracle_article(db)

    add_article(db, "Oracle grew.")
    extract_articles(db, settings=settings())

    assert SpyExtractor.built == [["OpenAI", "Microsoft", "Oracle"]]  # most mentioned first


def test_the_extractor_is_rebuilt_only_when_the_kb_has_grown(db, monkeypatch):
    """Ingest extracts once per source: a new gazetteer each time would cost a pipeline build."""
    monkeypatch.setattr("kb.extract.Extractor", SpyExtractor)
    monkeypatch.setattr(SpyExtractor, "built", [])
    store_oracle_article(db)
    empty = add_article(db, "Nothing happened.")
    extract_articles(db, settings=settings(), article_ids=[empty])

    for count in (1, 12):  # 4 companies, then 15: past the floor of 10 more
        for n in range(count):
            article_id = add_article(db, f"Startup{n} grew.")
            store_extraction(
                db, article_id, extraction_of(f"Startup{n} grew.", [f"Startup{n}"]), extractor_version="v1"
            )
        extract_articles(db, settings=settings(), article_ids=[empty])

    assert [len(known) for known in SpyExtractor.built] == [3, 15]


@pytest.mark.parametrize(
    ("value", "stored"),
    [("2025-01-31", "2025-01-31T00:00:00+00:00"), ("2025-01-31T02:00:00+02:00", "2025-01-31T00:00:00+00:00")],
)
def test_since_date_is_read_as_utc_when_it_gives_no_offset(value, stored):
    from kb.store import parse_since

    assert parse_since(value) == stored


def test_since_date_that_is_not_a_date_is_a_config_error():
    from kb.errors import ConfigError
    from kb.store import parse_since

    with pytest.raises(ConfigError, match="invalid date 'last week'"):
        parse_since("last week")


def test_select_articles_since_a_date_uses_publication_time(db):
    add_article(db, "old", published="2024-12-31T23:00:00+00:00", needs_extraction=0)
    recent = add_article(db, "new", published="2025-01-01T00:00:00+00:00", needs_extraction=0)

    assert select_articles(db, since="2025-01-01") == [recent]


def test_storing_waits_for_another_writer_instead_of_failing(db, tmp_path):
    """The explorer's curation or an ingest may hold the write lock for a moment."""
    import sqlite3
    import threading

    article_id = add_article(db, "Oracle grew.")
    other = sqlite3.connect(str(tmp_path / "newskb.sqlite"), check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("update articles set title = 'held' where id = ?", [article_id])
    release = threading.Timer(0.3, other.commit)
    release.start()
    try:
        store_extraction(db, article_id, extraction_of("Oracle grew.", ["Oracle"]), extractor_version="v1")
    finally:
        release.join()
        other.close()

    assert db["articles"].get(article_id)["title"] == "held"
    assert company(db, "oracle")["mention_count"] == 1


def test_company_listed_without_mentions_or_relations_is_not_kept(db):
    article_id = add_article(db, "Oracle grew.")
    extraction = Extraction(
        companies=(Company("Oracle"), Company("Ghost Corp")), mentions=(Mention("Oracle", "Oracle", 0, 6),)
    )

    store_extraction(db, article_id, extraction, extractor_version="v1")

    assert [row["key"] for row in db["companies"].rows] == ["oracle"]


def test_alias_no_article_uses_any_more_is_dropped_on_reextraction(db):
    """An older extractor called "Sky" a name of Fox; the new one knows better."""
    text = "Fox sold Sky. Sky grew."
    article_id = add_article(db, text)
    store_extraction(db, article_id, extraction_of(text, {"Fox": ["Fox", "Sky"]}), extractor_version="v1")
    assert {row["key"] for row in db["aliases"].rows} == {"fox", "sky"}

    store_extraction(db, article_id, extraction_of(text, ["Fox", "Sky"]), extractor_version="v2")

    assert db["companies"].count == 2
    assert {(row["key"], row["company_id"]) for row in db["aliases"].rows} == {
        ("fox", company(db, "fox")["id"]),
        ("sky", company(db, "sky")["id"]),
    }


def test_alias_still_used_by_another_article_is_kept(db):
    ids = [add_article(db, "Meta, formerly Facebook, grew."), add_article(db, "Meta (Facebook) hired.")]
    for article_id in ids:
        text = db["articles"].get(article_id)["text"]
        store_extraction(
            db, article_id, extraction_of(text, {"Meta": ["Meta", "Facebook"]}), extractor_version="v1"
        )

    store_extraction(
        db, ids[0], extraction_of("Meta, formerly Facebook, grew.", ["Meta"]), extractor_version="v2"
    )

    assert {row["key"] for row in db["aliases"].rows} == {"meta", "facebook"}


def test_merged_name_stays_an_alias_when_its_articles_are_reextracted(db):
    from kb.curation import merge_companies

    article_id = add_article(db, "Facebook hired.")
    store_extraction(db, article_id, extraction_of("Facebook hired.", ["Facebook"]), extractor_version="v1")
    store_extraction(
        db, add_article(db, "Meta grew."), extraction_of("Meta grew.", ["Meta"]), extractor_version="v1"
    )
    merge_companies(db, company(db, "meta")["id"], company(db, "facebook")["id"])

    store_extraction(db, article_id, extraction_of("Facebook hired.", ["Facebook"]), extractor_version="v2")

    assert company(db, "meta")["article_count"] == 2
    assert {row["key"] for row in db["aliases"].rows} == {"meta", "facebook"}


def test_article_that_became_a_duplicate_loses_its_extraction(db):
    original = add_article(db, "Oracle grew.")
    copy = add_article(db, "Oracle grew!")
    for article_id in (original, copy):
        text = db["articles"].get(article_id)["text"]
        store_extraction(db, article_id, extraction_of(text, ["Oracle"]), extractor_version="v1")
    db["articles"].update(copy, {"duplicate_of": original, "needs_extraction": 1})

    extract_articles(db, settings=settings(), article_ids=[copy], extractor=FakeExtractor(oracle_everywhere))

    assert company(db, "oracle")["article_count"] == 1
    assert db["mentions"].count_where("article_id = ?", [copy]) == 0


@pytest.mark.parametrize("module_name", ["kb.store", "kb.curation"])
def test_every_public_name_is_exported_and_exists(module_name):
    import importlib
    import inspect

    module = importlib.import_module(module_name)
    defined_here = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
        and getattr(value, "__module__", None) == module_name
    }
    assert defined_here <= set(module.__all__)
    assert all(hasattr(module, name) for name in module.__all__)
