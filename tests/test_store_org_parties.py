"""Relations whose party is an organisation (agency, university) rather than a company."""

from __future__ import annotations

from dataclasses import replace

import sqlite_utils

from kb import graph, query
from kb.curation import mark_not_company
from kb.records import Extraction
from kb.store import known_companies, store_extraction
from tests.fixtures.app import open_app_page
from tests.fixtures.store import add_article, extraction_of
from tests.fixtures.store import relation_triples as relations

CONTRACT = "ZeroFox took over social media intelligence for the FBI with a $14 million contract."


def store_org_relation(db: sqlite_utils.Database, text: str = CONTRACT, **columns) -> int:
    article_id = add_article(db, text, **columns)
    store_extraction(db, article_id, contract_extraction(text), extractor_version="v1")
    return article_id


def contract_extraction(text: str = CONTRACT) -> Extraction:
    """ZeroFox supplies the FBI: the extractor marks the FBI as the organisation side."""
    extraction = extraction_of(text, ["ZeroFox"], [("supplier", "ZeroFox", "FBI")], other_orgs=("FBI",))
    return replace(extraction, relations=tuple(replace(r, org_side="target") for r in extraction.relations))


def row(db: sqlite_utils.Database, name: str) -> dict:
    return next(iter(db.query("select * from companies where name = ?", [name])))


def test_relation_with_an_organisation_is_stored_and_the_organisation_is_not_a_company(db):
    store_org_relation(db, published="2026-03-02T00:00:00+00:00")

    assert relations(db) == {("supplier", "ZeroFox", "FBI")}
    fbi = row(db, "FBI")
    assert fbi["kind"] == "other_org"
    assert (fbi["article_count"], fbi["first_seen"]) == (1, "2026-03-02T00:00:00+00:00")
    assert "FBI" not in {c.name for c in known_companies(db)}  # never a gazetteer company


def test_explorer_shows_the_relation_with_the_party_kind_but_counts_only_companies(db):
    store_org_relation(db)

    [shown] = query.find_relations(db)
    assert (shown.source_name, shown.source_kind, shown.target_name, shown.target_kind) == (
        "ZeroFox", "company", "FBI", "other_org",
    )  # fmt: skip
    assert query.counts(db).companies == 1
    assert query.counts(db).relations == 1
    assert {c.name: c.kind for c in query.companies_of(db, [shown])} == {"ZeroFox": "company", "FBI": "other_org"}


def test_organisation_later_recognised_as_a_company_becomes_one(db):
    store_org_relation(db)
    text = "Anduril supplies the FBI with drones."
    store_extraction(
        db, add_article(db, text), extraction_of(text, ["Anduril", "FBI"], [("supplier", "Anduril", "FBI")]),
        extractor_version="v1",
    )  # fmt: skip

    assert row(db, "FBI")["kind"] == "company"
    assert relations(db) == {("supplier", "ZeroFox", "FBI"), ("supplier", "Anduril", "FBI")}


def test_company_named_as_an_organisation_elsewhere_stays_a_company(db):
    text = "The FBI, a company here for the test, partnered with ZeroFox."
    store_extraction(
        db, add_article(db, text), extraction_of(text, ["FBI", "ZeroFox"], [("partnership", "FBI", "ZeroFox")]),
        extractor_version="v1",
    )  # fmt: skip
    store_org_relation(db)

    assert row(db, "FBI")["kind"] == "company"
    assert db["companies"].count == 2


def test_organisation_whose_relation_is_no_longer_extracted_is_removed(db):
    article_id = store_org_relation(db)
    store_extraction(db, article_id, extraction_of(CONTRACT, ["ZeroFox"], other_orgs=("FBI",)), extractor_version="v2")

    assert relations(db) == set()
    assert "FBI" not in {r["name"] for r in db["companies"].rows}


def test_organisation_curated_as_not_a_company_drops_its_relations(db):
    article_id = store_org_relation(db)
    mark_not_company(db, row(db, "FBI")["id"])
    store_org_relation(db, url="https://news.example/again")
    store_extraction(db, article_id, contract_extraction(), extractor_version="v2")

    assert query.find_relations(db) == []


def test_graph_and_relations_page_mark_the_organisation(db, tmp_path, monkeypatch):
    store_org_relation(db)
    network = graph.filter_graph(db, query.RelationFilter())
    assert sorted(d["kind"] for _, d in network.nodes(data=True)) == ["company", "other_org"]

    at = open_app_page(monkeypatch, tmp_path / "newskb.sqlite", "relations")
    [table] = [df.value for df in at.dataframe if "target" in df.value.columns]
    assert list(table["target"]) == ["FBI (organisation)"]


def test_extracted_university_partner_is_stored_as_an_organisation(db, extractor):
    text = "KP Technology has partnered with Harvard University to build probe microscopes."
    store_extraction(db, add_article(db, text), extractor.extract(text), extractor_version="v1")

    assert relations(db) == {("partnership", "KP Technology", "Harvard University")}
    assert row(db, "Harvard University")["kind"] == "other_org"
    assert row(db, "KP Technology")["kind"] == "company"
