"""Relations between two recognised companies in CORE-style passages (issue #4): the phrasings
the trigger paths missed."""

from __future__ import annotations

import pytest

from tests.fixtures.extracted import pairs, relations


@pytest.mark.issue(4)
@pytest.mark.parametrize("text, buyer, bought", [
    ("When Birmingham Midshires became part of the Halifax in April 1999, it had savings balances of £5.9 billion.",
     "Halifax", "Birmingham Midshires"),
    ("In February 2012, Churchill became part of the new Direct Line Group.", "Direct Line", "Churchill"),
])
def test_becoming_part_of_a_company_is_its_acquisition(extractor, text, buyer, bought):
    assert ("acquisition", buyer, bought) in relations(extractor.extract(text))


@pytest.mark.issue(4)
@pytest.mark.parametrize("text", [
    "In 2008, Acme Corp became a subsidiary of Globex Corporation.",
    "Acme Corp did not become part of Globex Corporation.",
])
def test_ownership_or_negation_is_no_acquisition(extractor, text):
    assert not any(r.type == "acquisition" for r in extractor.extract(text).relations)


@pytest.mark.issue(4)
@pytest.mark.parametrize("text, expected", [
    ("Medio has had partners including: IBM, Rovio, Verizon and Disney.", ("partnership", "Medio", "Verizon")),
    ("Dubway's clients have included: HBO, Discovery Channel, PBS and Showtime.", ("supplier", "Dubway", "HBO")),
])
def test_party_list_after_a_colon_belongs_to_the_owner(extractor, text, expected):
    assert expected in relations(extractor.extract(text))


@pytest.mark.issue(4)
def test_party_list_after_a_colon_needs_an_owner(extractor):
    assert not extractor.extract("Notable partners have included: IBM, Rovio, Verizon and Disney.").relations


@pytest.mark.issue(4)
def test_unowned_party_list_belongs_to_the_passage_company(extractor):
    ex = extractor.extract("Babel Finance raised $40 million this week. Backers include Zoo Capital and Sequoia Capital.")
    assert {("investment", "Zoo Capital", "Babel Finance"), ("investment", "Sequoia Capital", "Babel Finance")} <= relations(ex)


@pytest.mark.issue(4)
def test_party_list_of_a_named_owner_is_not_the_passage_company(extractor):
    ex = extractor.extract("Babel Finance raised $40 million this week. The fund's backers include Zoo Capital.")
    assert ("investment", "Zoo Capital", "Babel Finance") not in relations(ex)


@pytest.mark.issue(4)
def test_list_member_stands_where_its_category_noun_is(extractor):
    ex = extractor.extract("For over 60 years, Ertl has produced farm toys for industry brands such as John Deere, "
                           "Case IH, New Holland, and AGCO.")
    assert ("supplier", "Ertl", "AGCO") in relations(ex)


@pytest.mark.issue(4)
def test_owner_in_a_relative_clause_is_no_party_of_the_main_clause(extractor):
    ex = extractor.extract("Maersk Line, the industry leader, which is owned by A.P. Moller-Maersk, the Danish conglomerate, "
                           "said late last year that it planned to buy Germany's Hamburg Süd.")
    assert not any("A.P. Moller-Maersk" in (r.source, r.target) and r.type == "acquisition" for r in ex.relations)


@pytest.mark.issue(4)
def test_owner_in_a_reduced_relative_clause_is_no_party_of_the_main_clause(extractor):
    ex = extractor.extract("In 2009, BNC acquired the Stanford Bank Venezuela, previously controlled by "
                           "Stanford Financial Group, for $111m.")
    assert ("acquisition", "BNC", "Stanford Bank Venezuela") in relations(ex)
    assert not pairs(ex) & {frozenset({"BNC", "Stanford Financial Group"})}


@pytest.mark.issue(4)
def test_company_and_its_named_unit_are_not_partners(extractor):
    ex = extractor.extract("Duke Energy said Duke Energy Florida will work with Siemens on the grid.")
    assert ("partnership", "Duke Energy Florida", "Siemens") in relations(ex)
    assert ("partnership", "Duke Energy", "Duke Energy Florida") not in relations(ex)


@pytest.mark.issue(4)
def test_specific_trigger_on_the_path_reaches_one_arc_further(extractor):
    ex = extractor.extract("By 2007, Splashdot was working with 75% of Canada's gaming jurisdictions including Ontario "
                           "Lottery and Gaming Corporation, Atlantic Lottery Corporation and Great Canadian Gaming.")
    assert ("partnership", "Atlantic Lottery", "Splashdot") in relations(ex)
