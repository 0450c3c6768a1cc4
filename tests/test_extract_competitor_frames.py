"""Competitor frames: rivalry stated by contest or comparison, with no rivalry word (issue #4)."""

from __future__ import annotations

import pytest

from tests.fixtures.extracted import names, pairs


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("text", "a", "b"),
    [
        ("Lockheed Martin battles SpaceX for launch contracts from the U.S. government.", "Lockheed Martin", "SpaceX"),
        ("Nokia is up against Ericsson for a deal covering some 240 base stations.", "Nokia", "Ericsson"),
        ("AMD has gained market share from Intel over the past five years.", "AMD", "Intel"),
        ("Nokia lost market share to Ericsson in 2010.", "Nokia", "Ericsson"),
        ("Walmart launched a grocery line in an effort to hold off Amazon.", "Walmart", "Amazon"),
        ("Nokia is the largest handset maker in Finland after Ericsson.", "Nokia", "Ericsson"),
        ("Lyft is seen as an alternative to Uber.", "Lyft", "Uber"),
        ("Nokia challenged Ericsson's monopoly on base stations.", "Nokia", "Ericsson"),
        ("Nokia and Ericsson dominate the market for base stations.", "Nokia", "Ericsson"),
        ("Nokia is the market leader ahead of Ericsson.", "Nokia", "Ericsson"),
        ("Nokia has been compared to Ericsson.", "Nokia", "Ericsson"),
        ("Lyft is similar to Uber.", "Lyft", "Uber"),
        ("Lyft, an alternative to Uber, raised money from investors.", "Lyft", "Uber"),
        ("Nokia, which is up against Ericsson, won the tender.", "Nokia", "Ericsson"),
    ],
)
def test_frame_makes_the_two_companies_rivals(extractor, text, a, b):
    assert frozenset((a, b)) in pairs(extractor.extract(text), "competitor")


def test_only_the_named_party_is_up_against_the_rival_not_its_parents(extractor):
    ex = extractor.extract("General Electric-Safran joint venture CFM is up against Pratt & Whitney for a deal.")
    found = pairs(ex, "competitor")
    assert frozenset(("CFM", "Pratt & Whitney")) in found
    assert frozenset(("General Electric", "Pratt & Whitney")) not in found


@pytest.mark.parametrize(
    "text",
    [
        "If it succeeds, Ferrero would become the third-largest confectioner in the United States, behind Mars Inc. and Hershey.",
        "Nokia could challenge Ericsson's dominance in base stations.",
        "Nokia is not up against Ericsson in this tender.",
    ],
)
def test_supposed_or_negated_frame_states_no_rivalry(extractor, text):
    assert not pairs(extractor.extract(text), "competitor")


@pytest.mark.parametrize(
    ("text", "a", "b"),
    [
        ("SoftBank is the second-largest shareholder in Arm after Nvidia.", "SoftBank", "Nvidia"),
        ("Nokia is the largest customer of TSMC after Apple.", "Nokia", "Apple"),
        ("Nokia took a share from Ericsson in the venture.", "Nokia", "Ericsson"),
        ("Nokia signed a contract similar to Ericsson's.", "Nokia", "Ericsson"),
    ],
)
def test_rank_among_owners_or_customers_and_likeness_of_things_are_no_rivalry(extractor, text, a, b):
    assert frozenset((a, b)) not in pairs(extractor.extract(text), "competitor")


def test_a_rank_without_superlative_is_no_rivalry(extractor):
    ex = extractor.extract("Nokia opened a new office in Espoo after Ericsson moved out.")
    assert not pairs(ex, "competitor")


@pytest.mark.parametrize(
    "text",
    ["Lyft is very similar to a taxi company.", "Nokia is larger than Texas.", "Lyft is an alternative to owning a car."],
)
def test_comparison_with_no_second_company_relates_nothing(extractor, text):
    assert not pairs(extractor.extract(text), "competitor")


def test_a_name_a_company_is_compared_to_is_a_company_and_its_rival(extractor):
    ex = extractor.extract("China Live was inspired by, and has been compared to, Eataly, a similar establishment.")
    assert "Eataly" in names(ex)
    assert frozenset(("China Live", "Eataly")) in pairs(ex, "competitor")


def test_comparing_in_the_active_voice_makes_no_company(extractor):
    ex = extractor.extract("Nokia compared its results with Zorblatt in a note to investors.")
    assert "Zorblatt" not in names(ex)


def test_a_name_a_company_battles_is_a_company_and_its_rival(extractor):
    ex = extractor.extract("Lockheed Martin battles Zorblatt for launch contracts.")
    assert "Zorblatt" in names(ex)
    assert frozenset(("Lockheed Martin", "Zorblatt")) in pairs(ex, "competitor")


def test_what_a_company_challenges_is_not_a_company_by_that_alone(extractor):
    ex = extractor.extract("Nokia challenged the Zorblatt Accord in court.")
    assert not pairs(ex, "competitor")
