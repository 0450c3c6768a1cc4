"""Supplier frames the trigger paths used to miss: work done for a company, and more (#4)."""

from __future__ import annotations

import pytest

from tests.fixtures.extracted import relations


@pytest.mark.issue(4)
@pytest.mark.parametrize("text", [
    "Acme Corp worked for Google and Apple on the launch.",
    "Acme Corp has done feature film work for Google and Apple.",
])
def test_work_for_a_company_is_a_supply_to_it(extractor, text):
    rels = relations(extractor.extract(text))
    assert ("supplier", "Acme", "Google") in rels
    assert not any(r[0] == "partnership" for r in rels)


@pytest.mark.issue(4)
def test_work_with_a_company_stays_a_partnership(extractor):
    rels = relations(extractor.extract("Acme Corp worked with Google on the launch."))
    assert ("partnership", "Acme", "Google") in rels


@pytest.mark.issue(4)
def test_customers_of_two_pieces_of_work_are_not_related(extractor):
    rels = relations(extractor.extract(
        "Legend3D did feature film work for Disney and Warner Bros., as well as commercial work for Fanta and New Balance."))
    assert not any({"Disney", "Fanta"} <= set(r[1:]) for r in rels)


@pytest.mark.issue(4)
def test_a_shop_selling_goods_from_a_brand_is_its_customer(extractor):
    rels = relations(extractor.extract("Currently, Ashford carries watches and luxury items from Cartier, Movado and Rado."))
    assert ("supplier", "Cartier", "Ashford") in rels


@pytest.mark.issue(4)
def test_brands_listed_after_a_colon_supply_the_shop(extractor):
    rels = relations(extractor.extract(
        "Services Retail JAX Tyres & Auto sells tyres from global manufacturing brands including: BFGoodrich, "
        "Bridgestone, Continental, Dunlop, Goodyear, Hankook, Michelin, Pirelli and others."))
    assert ("supplier", "Goodyear", "JAX Tyres & Auto") in rels


@pytest.mark.issue(4)
def test_a_range_of_goods_names_no_supplier(extractor):
    rels = relations(extractor.extract(
        "Today the Creamery sells various general supermarket items, from Rice Krispies to paper plates."))
    assert not any(r[0] == "supplier" for r in rels)


@pytest.mark.issue(4)
def test_goods_sold_in_a_shop_are_supplied_to_it_not_sold_with_the_company(extractor):
    rels = relations(extractor.extract(
        "Lucky Mobile SIM cards are sold in Visions Electronics, Walmart, Circle K and Dollarama locations."))
    assert any(r[0] == "supplier" and r[2] == "Walmart" for r in rels)
    assert not any(r[0] == "acquisition" for r in rels)


@pytest.mark.issue(4)
def test_outlets_named_as_examples_are_the_customers(extractor):
    rels = relations(extractor.extract(
        "Film Chest sells digital content via online outlets including Amazon.com and Hulu."))
    assert ("supplier", "Film Chest", "Hulu") in rels


@pytest.mark.issue(4)
def test_a_stake_in_a_company_is_no_shop(extractor):
    rels = relations(extractor.extract("Acme sold its stake in Beta to Gamma Corp."))
    assert not any(r[0] == "supplier" for r in rels)


@pytest.mark.issue(4)
def test_a_quantity_of_a_category_reaches_its_examples(extractor):
    rels = relations(extractor.extract(
        "NorthSouth creates and produces original programming for a variety of broadcast and cable networks "
        "including Peacock, HGTV, TLC and MTV."))
    assert ("supplier", "NorthSouth", "TLC") in rels


@pytest.mark.issue(4)
@pytest.mark.parametrize("text", [
    "In 1946 Pauling & Co. were employed by United Africa Company to undertake ground clearance.",
    "In 1997, EvaluNet was contracted by United Africa Company to develop an online learning portal.",
])
def test_a_company_employed_or_contracted_by_another_supplies_it(extractor, text):
    rels = relations(extractor.extract(text))
    assert any(r[0] == "supplier" and r[2] == "United Africa" for r in rels)


@pytest.mark.issue(4)
def test_a_won_contract_still_needs_no_verb_of_hiring(extractor):
    rels = relations(extractor.extract("Thales won a contract from Airbus to supply cabin systems."))
    assert ("supplier", "Thales", "Airbus") in rels


@pytest.mark.issue(4)
def test_many_of_a_category_reaches_its_examples(extractor):
    rels = relations(extractor.extract(
        "Surreal World also creates visual effects for many of Australia's TV series including the "
        "multi-award-winning Nowhere Boys (2013 - 2018) and the TV shows Wentworth (2013 - 2018)."))
    assert ("supplier", "Surreal World", "Nowhere Boys") in rels


@pytest.mark.issue(4)
@pytest.mark.parametrize(("text", "relation"), [
    ("Accenture is a contractor for Nike.", ("supplier", "Accenture", "Nike")),
    ("Accenture became the exclusive distributor for Nike in Canada.", ("supplier", "Nike", "Accenture")),
    ("Nike is a longtime client of Accenture.", ("supplier", "Accenture", "Nike")),
])
def test_a_party_noun_for_a_company_names_the_supply(extractor, text, relation):
    assert relation in relations(extractor.extract(text))


@pytest.mark.issue(4)
def test_working_with_clients_serves_them(extractor):
    rels = relations(extractor.extract("Accenture has worked with clients such as Nike and Adidas."))
    assert ("supplier", "Accenture", "Adidas") in rels
    assert not any(r[0] == "partnership" for r in rels)
