"""Name edges: one NER span holding two names of a list, or a name and its client (#4)."""

from __future__ import annotations

import pytest

from tests.fixtures.extracted import names


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the same head word on both sides of "&"
        ("The cafe sourced its beans from roasters including Equator Coffee & Intelligentsia Coffee.",
         {"Equator Coffee", "Intelligentsia Coffee"}),
        # a company closed by a company word after "for": the client, not part of the name
        ("It developed games like Horse Life and Horse Life 2 for Neko Entertainment, but tried funding.",
         {"Neko Entertainment"}),
        # a name closed by a company word, then a two-word name
        ("It was sold to Yucaipa Companies and Presidential Life in 1999.", {"Yucaipa Companies", "Presidential Life"}),
    ],
)
def test_list_of_names_in_one_span_is_split(extractor, text, expected):
    found = set(names(extractor.extract(text)))
    assert expected <= found
    assert not any(" & " in n or " and " in n or " for " in n for n in found)


@pytest.mark.issue(4)
@pytest.mark.parametrize("name", ["Procter & Gamble", "Johnson & Johnson"])
def test_firm_named_after_its_partners_stays_whole(extractor, name):
    assert name in names(extractor.extract(f"{name} signed a supply agreement with Walmart."))


@pytest.mark.issue(4)
def test_institution_for_a_cause_keeps_its_for(extractor):
    found = names(extractor.extract("The Center for Automotive Research Group partnered with Ford."))
    assert "Automotive Research Group" not in found


@pytest.mark.issue(4)
def test_number_inside_a_name_keeps_the_word_before_it(extractor):
    """The parser hangs "9" on "Number", so a walk along the name's modifiers stopped at "Films"."""
    found = names(extractor.extract("The series was produced by Number 9 Films, in collaboration with Red Production Company."))
    assert "Number 9 Films" in found
    assert "Films" not in found


@pytest.mark.issue(4)
def test_of_and_a_name_that_is_no_place_belong_to_the_name(extractor):
    found = names(extractor.extract("Ring of Fire has done feature film work for Fox and Paramount."))
    assert "Ring of Fire" in found
    assert "Ring" not in found


@pytest.mark.issue(4)
def test_of_and_a_place_stay_out_of_the_name(extractor):
    assert not any(" of " in n for n in names(extractor.extract("Toyota of Europe bought a stake in Acme.")))
