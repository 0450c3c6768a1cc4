"""Names NER calls PERSON: a given name or a title makes a person, NER's label alone does not (#4)."""

from __future__ import annotations

import pytest
from spacy.tokens import Span

from kb.companies import _full_personal_name, _given_and_surname, _personal_name
from kb.people import given_names, opens_as_person
from tests.fixtures.extracted import names

#: The dictionary words of the names below, standing in for WordNet's index.
COMMON = frozenset({"crew", "cuts", "cloud", "foundry", "loot", "drop", "rare", "earth", "shops"})


def _person(blank_nlp, text: str) -> Span:
    doc = blank_nlp(text)
    doc.ents = [Span(doc, 0, len(doc), label="PERSON")]
    return doc.ents[0]


def test_given_names_are_first_names_not_words():
    assert {"Richard", "Geoff"} <= given_names()
    assert not {"Warehouse", "Crew", "Loot"} & given_names()


@pytest.mark.parametrize(
    ("name", "person"),
    [("Geoff Entress", True), ("Sir Percival Perry", True), ("Dr. Maria Lopez", True),
     ("Crew Cuts", False), ("Loot Drop", False), ("Zara", False)],
)
def test_people_open_with_a_given_name_or_a_title(name, person):
    assert opens_as_person(name.split()) is person


@pytest.mark.parametrize(
    ("name", "person"),
    [("Crew Cuts", False), ("Cloud Foundry", False), ("Rare Earth", False),
     ("Geoff Entress", True), ("Bhavish Aggarwal", True)],
)
def test_a_person_by_ner_alone_opens_with_a_dictionary_word(blank_nlp, name, person):
    """ "Bhavish" is no listed given name, but no dictionary word either: it stays a person."""
    ent = _person(blank_nlp, name)
    assert _personal_name(ent, COMMON) is person
    assert _full_personal_name(ent, COMMON) is person


@pytest.mark.parametrize(
    ("name", "shaped"),
    [("Geoff Entress", True), ("Sir Percival Perry", True), ("Richard Shops Ltd", False),
     ("Crew Cuts", False), ("Geoff", False)],
)
def test_given_name_and_surname_shape(blank_nlp, name, shaped):
    assert _given_and_surname(_person(blank_nlp, name)) is shaped


@pytest.mark.issue(4)
def test_person_named_as_business_subject_becomes_a_company(extractor):
    """NER says PERSON; "Crew" is no given name, and a founded business that opens offices is one."""
    ex = extractor.extract("Crew Cuts was founded in 1986 and later opened an office in London.")
    assert names(ex) == ["Crew Cuts"]


@pytest.mark.issue(4)
def test_investor_with_a_given_name_stays_a_person(extractor):
    ex = extractor.extract("Geoff Entress invested in Zulily.")
    assert names(ex) == ["Zulily"]


def test_buyer_with_a_given_name_is_left_a_company(extractor):
    """Buying is a business's act: eponymous companies ("Karen Millen") keep their evidence."""
    ex = extractor.extract("Karen Millen acquired the assets of Coast.")
    assert "Karen Millen" in names(ex)


@pytest.mark.issue(4)
def test_given_name_listed_with_a_person_is_a_person(extractor):
    """NER says ORG for both founders; "Chiche" is a person by his role, and Antoine Porte is listed with him."""
    ex = extractor.extract("Tencent invested in Lydia, said Cyril Chiche, Lydia's CEO. "
                           "Chiche and Antoine Porte launched Lydia in July 2013.")
    assert "Antoine Porte" not in names(ex)
    assert "Lydia" in names(ex)
