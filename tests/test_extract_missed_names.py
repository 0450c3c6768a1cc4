"""Company names missed in relation passages: evidence that a name NER missed or mislabelled is a business (#4)."""

from __future__ import annotations

import pytest

from tests.fixtures.extracted import names


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a dictionary word NER left untagged, subject of a verb conjoined with "was the first company"
        ("Spinnaker pioneered the educational software market and was the first company to sell it cheaply.",
         "Spinnaker"),
        # a dictionary word NER left untagged, with a party noun as the copula's attribute
        ("Shipyard is partners with the Sea Dog Brewing Company.", "Shipyard"),
        # a one-word "place" that is a dictionary word, a later item of the copula's subject
        ("This is because Bonanza and Ponderosa were separate companies, later merged under Metromedia.",
         "Ponderosa"),
    ],
)
def test_name_the_copula_calls_a_business_is_a_company(extractor, text, name):
    assert name in names(extractor.extract(text))


@pytest.mark.issue(4)
def test_company_segment_named_by_the_copula_is_not_a_company(extractor):
    ex = extractor.extract("Space is Lockheed Martin's third-biggest business and accounted for 18 percent of its revenue.")
    assert "Space" not in names(ex)


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a two-word name NER called a work of art, subject of a clause relating it to a company
        ("In 1971, Shoppers Fair reached an agreement with Borman's Inc. to acquire eight stores.", "Shoppers Fair"),
        # a two-word "person" with no given name, in collaboration with a company
        ("Felis Creations is also involved in conservation work in collaboration with Wildlife SOS Ltd.",
         "Felis Creations"),
    ],
)
def test_longer_maybe_subject_of_a_relation_clause_is_a_company(extractor, text, name):
    assert name in names(extractor.extract(text))


@pytest.mark.issue(4)
def test_two_names_ner_ran_together_are_not_one_company(extractor):
    ex = extractor.extract("In November 2003 Oasis and Coast were acquired from PPM Ventures by a management buyout.")
    assert "Oasis and Coast" not in names(ex)


@pytest.mark.issue(4)
def test_person_subject_of_a_relation_clause_stays_a_person(extractor):
    ex = extractor.extract("In 2010, Richard Branson reached an agreement with Virgin Atlantic Airways to sell his stake.")
    assert "Richard Branson" not in names(ex)
