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
