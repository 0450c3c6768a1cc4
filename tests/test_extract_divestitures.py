"""Divestitures: "X sold its Y unit to Z" is an acquisition of the named unit Y by Z, not of X."""

from __future__ import annotations

from kb.relations import _part_names
from tests.fixtures.extracted import pairs, relations


def test_named_unit_sold_to_a_buyer_is_acquired_by_it(extractor):
    ex = extractor.extract("In 2016, Acme Corp sold its Widget unit to Globex Corporation for $40 million.")
    assert ("acquisition", "Globex", "Widget") in relations(ex)


def test_the_seller_of_a_unit_is_not_acquired(extractor):
    ex = extractor.extract("In 2016, Acme Corp sold its Widget unit to Globex Corporation for $40 million.")
    assert frozenset(("Acme", "Globex")) not in pairs(ex, "acquisition")


def test_unit_named_in_apposition_is_acquired(extractor):
    ex = extractor.extract("Uber offloaded its food delivery arm, Uber Eats, to Zomato Ltd in January 2020.")
    assert ("acquisition", "Zomato", "Uber Eats") in relations(ex)


def test_bought_unit_of_a_possessive_owner_is_the_acquired(extractor):
    ex = extractor.extract("Globex acquired Acme's Widget unit.")
    assert ("acquisition", "Globex", "Widget") in relations(ex)


def test_possessive_owner_of_a_bought_business_is_no_party(extractor):
    ex = extractor.extract("The Carlyle Group agreed to buy Baxter International's kidney care business for $4 billion.")
    assert frozenset(("Carlyle", "Baxter International")) not in pairs(ex, "acquisition")


def test_proper_noun_modifier_without_an_owner_is_the_owner_not_the_unit(nlp):
    doc = nlp("Carlyle negotiating purchase of Baxter kidney care business, source says")
    business = next(t for t in doc if t.lower_ == "business")
    assert not _part_names(business)


def test_proper_noun_modifier_after_a_possessive_names_the_unit(nlp):
    doc = nlp("Acme Corp sold its Widget unit to Globex Corporation.")
    unit = next(t for t in doc if t.lower_ == "unit")
    assert {t.text for t in doc if t.i in _part_names(unit)} == {"Widget"}


def test_transferred_ownership_of_a_company_is_an_acquisition_by_the_receiver(extractor):
    ex = extractor.extract("In 2003, Acme Corp transferred ownership of Widget Systems to Globex Corporation.")
    assert ("acquisition", "Globex", "Widget Systems") in relations(ex)
    assert frozenset(("Acme", "Globex")) not in pairs(ex, "acquisition")


def test_passive_transfer_of_ownership_points_to_the_company_owned(extractor):
    ex = extractor.extract(
        "In January 2009, the ownership of Global Bank Liberia Limited was transferred to Platinum Habib Bank."
    )
    assert ("acquisition", "Platinum Habib Bank", "Global Bank Liberia") in relations(ex)


def test_transfer_of_anything_but_control_is_no_sale(extractor):
    ex = extractor.extract("The Widget Systems staff were transferred to Globex Corporation.")
    assert not pairs(ex, "acquisition")
