"""Company recall for a passage's own subject, named once and then called "it" or "the company" (#4)."""

from __future__ import annotations

import pytest

from tests.fixtures.extracted import names, relations


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # "it" as the subject of a relation verb
        ("As of September 30, 2015, Monarch manages approximately $4.9 billion in net assets under management. "
         "It bought Oneida Limited in 2006.", "Monarch"),
        # "the company" in the next sentence
        ("In January 1994, Bellin opened their first clinic in Denmark, Wisconsin. In 2007, the company became "
         "the official health care partner of the Green Bay Packers.", "Bellin"),
        # "it" as the subject of a passive relation verb in the same sentence
        ("Farmcare traded as The Co-operative Farms until it was sold to the Wellcome Trust in 2014.", "Farmcare"),
    ],
)
def test_subject_referred_to_as_a_business_is_a_company(extractor, text, name):
    assert name in names(extractor.extract(text))


def test_pronoun_relation_reaches_the_referred_subject(extractor):
    ex = extractor.extract("As of September 30, 2015, Monarch manages approximately $4.9 billion in net assets "
                           "under management. It bought Oneida Limited in 2006.")
    assert ("acquisition", "Monarch", "Oneida") in relations(ex)


def test_subject_without_a_business_reference_is_not_promoted(extractor):
    ex = extractor.extract("As of September 30, 2015, Monarch manages approximately $4.9 billion in net assets "
                           "under management. It was a good year for Oneida Limited.")
    assert "Monarch" not in names(ex)


def test_reference_after_another_named_subject_belongs_to_that_subject(extractor):
    ex = extractor.extract("Last spring Halvorsen visited the plant. Oneida Limited said the company "
                           "was sold to Monarch Capital.")
    assert "Halvorsen" not in names(ex)
