"""Curating organisations: one the extractor kept apart can be marked a company, or merged into one;
a company that is a university or agency can be marked an organisation."""

from __future__ import annotations

import pytest

from kb import query
from kb.curation import curation_log, mark_company, mark_organisation, merge_companies, replay_curation
from kb.errors import CurationError
from kb.store import known_companies, store_extraction
from tests.fixtures.app import open_app_page
from tests.fixtures.store import add_article, extraction_of
from tests.fixtures.store import relation_triples as relations
from tests.test_store_org_parties import row, store_org_relation


def test_organisation_marked_a_company_keeps_its_relations_and_joins_the_gazetteer(db):
    store_org_relation(db)
    mark_company(db, row(db, "FBI")["id"])

    assert row(db, "FBI")["kind"] == "company"
    assert relations(db) == {("supplier", "ZeroFox", "FBI")}
    assert "FBI" in {c.name for c in known_companies(db)}
    assert query.counts(db).companies == 2


def test_marking_survives_reextraction_as_an_organisation(db):
    article_id = store_org_relation(db)
    mark_company(db, row(db, "FBI")["id"])
    store_org_relation(db, url="https://news.example/again")  # the extractor still says organisation
    store_extraction(db, article_id, extraction_of("ZeroFox news.", ["ZeroFox"]), extractor_version="v2")
    replay_curation(db)

    assert row(db, "FBI")["kind"] == "company"
    assert [e.action for e in curation_log(db)] == ["company"]


def test_only_an_organisation_can_be_marked_a_company(db):
    store_org_relation(db)
    with pytest.raises(CurationError, match="not an organisation"):
        mark_company(db, row(db, "ZeroFox")["id"])


def test_organisation_merged_into_a_company_hands_it_its_relations(db):
    store_org_relation(db)
    text = "Federal Bureau of Investigation Inc, a company here for the test, was named."
    store_extraction(db, add_article(db, text), extraction_of(text, ["Federal Bureau of Investigation"]),
                     extractor_version="v1")
    bureau, fbi = row(db, "Federal Bureau of Investigation")["id"], row(db, "FBI")["id"]
    merge_companies(db, bureau, fbi)

    assert relations(db) == {("supplier", "ZeroFox", "Federal Bureau of Investigation")}
    assert query.organisation_options(db) == []


def test_a_company_is_not_merged_into_an_organisation(db):
    store_org_relation(db)
    with pytest.raises(CurationError, match="keep the company"):
        merge_companies(db, row(db, "FBI")["id"], row(db, "ZeroFox")["id"])
    assert row(db, "ZeroFox")["merged_into"] is None


def test_curation_page_marks_an_organisation_as_a_company(db, tmp_path, monkeypatch):
    store_org_relation(db)
    at = open_app_page(monkeypatch, tmp_path / "newskb.sqlite", "curation")
    assert "FBI" in at.selectbox(key="org_pick").format_func(at.selectbox(key="org_pick").value)
    at.button(key="org_company").click().run()

    assert not at.exception, [e.value for e in at.exception]
    assert any("as a company" in s.value for s in at.success)
    assert row(db, "FBI")["kind"] == "company"


UNIVERSITY = (
    "Stanford partnered with Acme. Stanford invested in Globex. Initech supplies Stanford. "
    "Hooli acquired Stanford. Stanford supplies Hooli."
)


def store_university_as_company(db) -> int:
    """The extractor took Stanford for a company, in every kind of relation."""
    article_id = add_article(db, UNIVERSITY)
    extraction = extraction_of(
        UNIVERSITY, ["Stanford", "Acme", "Globex", "Initech", "Hooli"],
        [("partnership", "Stanford", "Acme"), ("investment", "Stanford", "Globex"), ("supplier", "Initech", "Stanford"),
         ("acquisition", "Hooli", "Stanford"), ("supplier", "Stanford", "Hooli")],
    )  # fmt: skip
    store_extraction(db, article_id, extraction, extractor_version="v1")
    return article_id


def test_company_marked_an_organisation_keeps_only_the_relations_an_organisation_can_have(db):
    store_university_as_company(db)
    mark_organisation(db, row(db, "Stanford")["id"])

    stanford = row(db, "Stanford")
    assert stanford["kind"] == "other_org"
    assert relations(db) == {
        ("partnership", "Stanford", "Acme"), ("investment", "Stanford", "Globex"), ("supplier", "Initech", "Stanford"),
    }  # fmt: skip
    assert (stanford["article_count"], db["mentions"].count_where("company_id = ?", [stanford["id"]])) == (1, 0)
    assert "Stanford" not in {c.name for c in known_companies(db)}
    assert [o.name for o in query.organisation_options(db)] == ["Stanford"]


def test_an_organisation_stays_one_when_the_extractor_calls_it_a_company_again(db):
    article_id = store_university_as_company(db)
    mark_organisation(db, row(db, "Stanford")["id"])
    store_university_as_company(db)  # a new article, same text
    store_extraction(db, article_id, extraction_of(UNIVERSITY, ["Stanford", "Hooli"], [("acquisition", "Hooli", "Stanford")]),
                     extractor_version="v2")  # fmt: skip
    replay_curation(db)

    assert row(db, "Stanford")["kind"] == "other_org"
    assert ("acquisition", "Hooli", "Stanford") not in relations(db)
    assert ("partnership", "Stanford", "Acme") in relations(db)


def test_marked_back_as_a_company_it_is_one_again(db):
    store_university_as_company(db)
    mark_organisation(db, row(db, "Stanford")["id"])
    mark_company(db, row(db, "Stanford")["id"])
    store_university_as_company(db)

    assert row(db, "Stanford")["kind"] == "company"
    assert ("acquisition", "Hooli", "Stanford") in relations(db)


def test_only_a_company_can_be_marked_an_organisation(db):
    store_org_relation(db)
    with pytest.raises(CurationError, match="not a company"):
        mark_organisation(db, row(db, "FBI")["id"])


def test_curation_page_marks_a_company_as_an_organisation(db, tmp_path, monkeypatch):
    store_university_as_company(db)
    at = open_app_page(monkeypatch, tmp_path / "newskb.sqlite", "curation")
    at.text_input(key="to_org_text").input("Stanford").run()
    at.button(key="to_org_go").click().run()

    assert not at.exception, [e.value for e in at.exception]
    assert any("as an organisation" in s.value for s in at.success)
    assert row(db, "Stanford")["kind"] == "other_org"
