"""Supply frames: which wording states that one company supplies another, and which only describes a company."""

from __future__ import annotations

from tests.fixtures.extracted import pairs, relations


def test_trade_apposition_is_no_supply_to_the_other_party(extractor):
    ex = extractor.extract("Broadberry Data Systems was acquired by Source Code Corporation, "
                           "a private-equity backed manufacturer of server and storage devices.")
    assert ("acquisition", "Source Code", "Broadberry Data Systems") in relations(ex)
    assert not pairs(ex, "supplier")


def test_apposition_naming_its_customer_is_a_supply(extractor):
    ex = extractor.extract("Foxconn, a supplier to Apple, opened a new plant in Vietnam.")
    assert ("supplier", "Foxconn", "Apple") in relations(ex)
