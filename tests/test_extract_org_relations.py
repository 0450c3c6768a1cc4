"""Relations with other organisations: a university partner, an agency customer, a foundation investor (#4).

Such a party stays out of ``Extraction.companies``; the relation names it as the text
does and ``Relation.org_side`` says which side it is on.
"""

from __future__ import annotations

import pytest

from kb.companies import gazetteer_patterns, other_org_rules
from kb.extract import prediction
from tests.fixtures.extracted import names, pairs, relations


def _org_sides(extraction) -> dict[tuple[str, str, str], str | None]:
    return {(r.type, r.source, r.target): r.org_side for r in extraction.relations}


def test_org_relations_university_is_a_partner_not_a_company(extractor):
    ex = extractor.extract("Acme Robotics has partnered with Stanford University to develop warehouse robots.")
    assert ("partnership", "Acme Robotics", "Stanford University") in relations(ex)
    assert "Stanford University" in ex.other_orgs
    assert "Stanford University" not in names(ex)


def test_org_relations_org_side_names_the_organisation(extractor):
    ex = extractor.extract("Acme Robotics has partnered with Stanford University to develop warehouse robots.")
    rel = next(r for r in ex.relations if r.type == "partnership")
    assert rel.org_side == ("target" if rel.target == "Stanford University" else "source")
    assert getattr(rel, rel.org_side) == "Stanford University"


def test_org_relations_agency_is_the_customer_of_a_supplier(extractor):
    ex = extractor.extract(
        "Lumen Technologies will supply network services to the Environmental Protection Agency under a five-year contract."
    )
    assert _org_sides(ex).get(("supplier", "Lumen Technologies", "Environmental Protection Agency")) == "target"


def test_org_relations_foundation_is_an_investor(extractor):
    ex = extractor.extract("The Wellcome Foundation invested $20 million in Exscientia last year.")
    assert _org_sides(ex).get(("investment", "Wellcome Foundation", "Exscientia")) == "source"


def test_org_relations_company_to_company_relations_have_no_org_side(extractor):
    ex = extractor.extract("Cisco agreed to acquire Splunk for $28 billion in cash.")
    assert _org_sides(ex) == {("acquisition", "Cisco", "Splunk"): None}


@pytest.mark.parametrize(
    "text",
    [
        "Purdue University agreed to acquire Kaplan Inc. for $1 in 2017.",  # an organisation buys no company here
        "Zovio competes with Arizona State University for online students.",  # nor is it a rival
        "The Department of Energy supplies enriched uranium to Centrus Energy.",  # nor a supplier
    ],
)
def test_org_relations_sides_an_organisation_cannot_take(extractor, text):
    ex = extractor.extract(text)
    assert all(r.org_side is None for r in ex.relations)
    assert not any(o in {r.source, r.target} for r in ex.relations for o in ex.other_orgs)


def test_org_relations_two_organisations_are_not_related(extractor):
    ex = extractor.extract("Stanford University partnered with the Department of Energy and with Acme Robotics.")
    assert not any({"Stanford University", "Department of Energy"} == pair for pair in pairs(ex))


@pytest.mark.parametrize(
    "text",
    [
        "Microsoft will invest $1 billion in OpenAI, according to Reuters.",
        "Microsoft told Reuters that it would invest $1 billion in OpenAI.",
        "Microsoft will invest $1 billion in OpenAI, Reuters reported.",
    ],
)
def test_org_relations_an_outlet_cited_as_a_source_is_no_party(extractor, text):
    ex = extractor.extract(text)
    assert "Reuters" in ex.other_orgs
    assert "Reuters" not in names(ex)
    assert pairs(ex) == {frozenset({"Microsoft", "OpenAI"})}


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("Acme Robotics has partnered with Reuters on a fact-checking service.",
         ("partnership", "Acme Robotics", "Reuters")),
        ("Artio Films has produced commercial projects for Animal Planet, CBC Television and Associated Press.",
         ("supplier", "Artio Films", "Associated Press")),
        ("In 2008 the Thomson Corporation acquired Reuters Group for $17 billion.",
         ("acquisition", "Thomson", "Reuters Group")),
    ],
)
def test_org_relations_an_outlet_that_deals_is_a_company(extractor, text, relation):
    """An outlet is a media business when it deals: a party like any company, on any side."""
    ex = extractor.extract(text)
    assert relation in relations(ex)
    assert relation[2] in names(ex)
    assert relation[2] not in ex.other_orgs
    assert all(r.org_side is None for r in ex.relations)


def test_org_relations_whom_a_company_tells_of_a_deal_is_no_party(extractor):
    ex = extractor.extract("Microsoft told Acme Robotics it would invest $1 billion in OpenAI.")
    assert pairs(ex) == {frozenset({"Microsoft", "OpenAI"})}


@pytest.mark.parametrize(
    ("name", "party"),
    [("Harvard University", True), ("European Space Agency", True), ("Nasdaq", False), ("CHIPS Act", False),
     ("Paris Agreement", False), ("New York Stock Exchange", False)],
)
def test_org_relations_which_other_organisations_may_be_parties(name, party):
    rules = other_org_rules()
    assert rules.match(name)
    assert rules.can_be_party(name) is party


def test_org_relations_prediction_marks_the_org_side(extractor):
    ex = extractor.extract("Acme Robotics has partnered with Stanford University to develop warehouse robots.")
    row = prediction("t1", ex)
    assert "Stanford University" not in row["companies"]
    assert [r["org_side"] for r in row["relations"]] in (["target"], ["source"])


@pytest.mark.parametrize(
    ("text", "org", "not_company"),
    [
        ("In 2017, Maven was announced as the exclusive car sharing partner for the University of Southern California.",
         "University of Southern California", "Southern"),
        ("The Bill & Melinda Gates Foundation announced a $40 million investment in Immunocore.",
         "Bill & Melinda Gates Foundation", "Gates"),
    ],
)
def test_org_relations_a_listed_company_inside_an_organisation_name_is_the_organisation(extractor, text, org, not_company):
    ex = extractor.extract(text)
    assert org in ex.other_orgs
    assert not_company not in names(ex)
    assert any(org in (r.source, r.target) for r in ex.relations)


@pytest.mark.parametrize("name", ["FBI", "MIT", "Internal Revenue Service", "State of Oregon",
                                  "Directorate General of Civil Aviation"])
def test_org_relations_public_bodies_named_without_an_institution_word_are_other_orgs(name):
    assert other_org_rules().match(name)


@pytest.mark.parametrize(
    ("text", "acronym", "name"),
    [
        ("Acme Aero will supply engine parts to the Directorate General of Civil Aviation (DGCA). The DGCA said so.",
         "DGCA", "Directorate General of Civil Aviation"),
        ("Acme Aero will supply engine parts to the ACCA (Arizona Civil Contractors Association). The ACCA said so.",
         "ACCA", "Arizona Civil Contractors Association"),
    ],
)
def test_org_relations_an_acronym_defined_for_an_organisation_is_that_organisation(extractor, text, acronym, name):
    ex = extractor.extract(text)
    assert acronym in ex.other_orgs
    assert acronym not in names(ex)
    assert ("supplier", "Acme Aero", name) in relations(ex)


@pytest.mark.parametrize(
    ("text", "supplier", "customer"),
    [
        ("Delta Air Lines installed Honeywell's navigation systems on 32 aircraft.", "Honeywell", "Delta Air Lines"),
        ("Delta Air Lines is using Honeywell's navigation systems for its fleet.", "Honeywell", "Delta Air Lines"),
        ("The Arizona Transit Authority installed Honeywell's navigation systems on its buses.", "Honeywell",
         "Arizona Transit Authority"),
    ],
)
def test_org_relations_the_maker_of_what_a_party_uses_supplies_it(extractor, text, supplier, customer):
    assert ("supplier", supplier, customer) in relations(extractor.extract(text))


def test_org_relations_using_a_thing_of_ones_own_is_no_supply(extractor):
    ex = extractor.extract("Delta Air Lines installed new seats on 32 aircraft after Honeywell reported losses.")
    assert relations(ex) == set()


@pytest.mark.parametrize(
    "text",
    [
        "HCL won a contract from the Department of Health.",
        "HCL won a contract from Vodafone for back-office services.",
        "HCL won a $20 million contract with Vodafone.",
        "HCL was awarded a contract by Vodafone.",
        "Vodafone awarded HCL a contract for back-office services.",
    ],
)
def test_org_relations_the_winner_of_a_contract_is_the_supplier(extractor, text):
    rels = {(r.type, r.source) for r in extractor.extract(text).relations}
    assert rels == {("supplier", "HCL")}


@pytest.mark.parametrize(
    "text",
    [
        "Acme Robotics has partnered with Stanford University to develop warehouse robots.",
        "HCL won a contract from the Department of Health.",
        "Acme Aero will supply engine parts to the ACCA (Arizona Civil Contractors Association). The ACCA said so.",
    ],
)
def test_org_relations_the_org_party_is_named_as_other_orgs_names_it(extractor, text):
    ex = extractor.extract(text)
    org_parties = [getattr(r, r.org_side) for r in ex.relations if r.org_side]
    assert org_parties
    assert all(name in ex.other_orgs for name in org_parties)



def test_org_relations_an_outlet_stored_as_a_company_is_no_gazetteer_name(blank_nlp):
    """Once an outlet dealt, the knowledge base holds it as a company; stories citing it must not make it one."""
    patterns = gazetteer_patterns(blank_nlp, known_companies=[{"name": "Reuters"}, {"name": "Acme Robotics"}])
    surfaces = {p["pattern"] for p in patterns if isinstance(p["pattern"], str)}
    assert "Acme Robotics" in surfaces
    assert "Reuters" not in surfaces
