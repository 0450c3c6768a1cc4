"""Supply frames: supplier nouns that only describe their companies, work under contract (issue #4)."""

from __future__ import annotations

import pytest

from tests.fixtures.extracted import pairs


@pytest.mark.issue(4)
def test_supplier_noun_with_examples_says_what_they_are_not_whom_they_serve(extractor):
    ex = extractor.extract("AMC was the parent of a group of motorcycle manufacturers which included Matchless, AJS and Norton.")
    assert not pairs(ex, "supplier")


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("text", "supplier", "customer"),
    [
        ("Apple's suppliers such as Foxconn and Pegatron raised prices.", "Foxconn", "Apple"),
        ("Hengstler has various prominent customers like Siemens, IBM and Bosch.", "Hengstler", "Siemens"),
        ("Koch Foods is a supplier for Burger King, Kroger and Walmart.", "Koch Foods", "Kroger"),
    ],
)
def test_party_nouns_with_a_counterpart_still_make_a_supply(extractor, text, supplier, customer):
    assert frozenset((supplier, customer)) in pairs(extractor.extract(text), "supplier")


@pytest.mark.issue(4)
def test_supplier_noun_on_a_name_describes_it(extractor):
    ex = extractor.extract("Omnicare received kickbacks from a pharmaceutical manufacturer Johnson & Johnson.")
    assert not pairs(ex, "supplier")


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("text", "supplier", "customer"),
    [
        ("Veolia operates the service under contract to Amtrak.", "Veolia", "Amtrak"),
        ("Some boats were built by Endeavor Yachts under contract to Lancer Yachts.", "Endeavor Yachts", "Lancer Yachts"),
    ],
)
def test_work_under_contract_to_a_company_supplies_it(extractor, text, supplier, customer):
    rels = {(r.type, r.source, r.target) for r in extractor.extract(text).relations}
    assert ("supplier", supplier, customer) in rels
    assert ("supplier", customer, supplier) not in rels
