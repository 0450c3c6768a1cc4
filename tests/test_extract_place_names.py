"""Real places against dictionary words NER calls places (kb/places.py, kb/companies.py; #4).

NER tags "Oasis" or "Harbinger" GPE; a gazetteer of real places lets the text's evidence make them
companies, while "Phoenix" and "Chicago", which are real places, stay places whatever the text says.
"""

from __future__ import annotations

import pytest

from kb.places import is_demonym, is_real_place
from tests.fixtures.extracted import names, relations


@pytest.mark.parametrize("name", ["Chicago", "Phoenix", "Paris", "Europe", "Georgia", "Midwest", "U.S.", "São Paulo"])
def test_places_real_place_is_found(name):
    assert is_real_place(name)


@pytest.mark.parametrize("name", ["Oasis", "Freehand", "Ponderosa", "Brocade", "Harbinger", "Splunk"])
def test_places_dictionary_word_ner_calls_a_place_is_no_real_place(name):
    assert not is_real_place(name)


def test_places_names_are_compared_folded():
    assert is_real_place("CHICAGO") and is_real_place("sao paulo")


@pytest.mark.parametrize(("word", "expected"), [
    ("American", True), ("Chinese", True), ("British", True), ("Israeli", True),
    ("Titan", False), ("Amazon", False), ("Oasis", False),
])
def test_places_demonym_is_told_from_a_name(word, expected):
    assert is_demonym(word) is expected


@pytest.mark.issue(4)
def test_dictionary_word_ner_calls_a_place_is_a_company_on_evidence(extractor):
    ex = extractor.extract("Harbinger, a venture capital firm, led the Series A round in Acme Robotics.")
    assert "Harbinger" in names(ex)
    assert ("investment", "Harbinger", "Acme Robotics") in relations(ex)


@pytest.mark.issue(4)
def test_partner_ner_calls_a_place_is_a_company_when_no_real_place(extractor):
    ex = extractor.extract("Screen Door teamed up with Oasis, an animation studio, to produce the series.")
    assert names(ex) == ["Oasis", "Screen Door"]


@pytest.mark.parametrize("text", [
    "Phoenix, a venture capital firm, led the Series A round in Acme Robotics.",
    "Screen Door teamed up with Phoenix, an animation studio, to produce the series.",
])
def test_real_place_stays_a_place_whatever_the_text_says(extractor, text):
    assert "Phoenix" not in names(extractor.extract(text))
