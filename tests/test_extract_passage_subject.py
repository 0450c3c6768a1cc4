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


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("In August 2010 Hupac took a 25% stake in Crossrail.", ("investment", "Hupac", "Crossrail")),
        ("In 2010 Alfdex initiated its deliveries to John Deere.", ("supplier", "Alfdex", "John Deere")),
    ],
)
def test_untagged_subject_of_a_verb_on_a_relation_noun_is_a_party(extractor, text, relation):
    assert relation in relations(extractor.extract(text))


def test_one_word_person_acting_on_a_relation_noun_stays_a_person(extractor):
    ex = extractor.extract("Harrison welcomed the investment from Sequoia Capital.")
    assert "Harrison" not in names(ex)


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        # the trigger is the verb's object, not the verb
        # (work done for a company is a supply to it: #4, tests/test_extract_supplier_frames.py)
        ("Zubblo has done animation work for Warner Bros. and Paramount.", ("supplier", "Zubblo", "Paramount")),
        # the trigger opens the sentence, before its subject
        ("Partnered with Microsoft, Novica sells handmade jewellery online.", ("partnership", "Microsoft", "Novica")),
    ],
)
def test_untagged_subject_of_a_clause_relating_it_to_a_company_is_a_party(extractor, text, relation):
    assert relation in relations(extractor.extract(text))


def test_heading_glued_onto_a_subject_is_not_part_of_its_name(extractor):
    ex = extractor.extract("History Media Dreams was set up in 1997 as an entertainment unit. "
                           "It was acquired by Pentamedia Graphics in 2000.")
    assert ("acquisition", "Pentamedia Graphics", "Media Dreams") in relations(ex)


def test_it_reference_reads_the_verbs_coordinated_with_its_own(extractor):
    ex = extractor.extract("Zorvex ran online ticketing in Ohio for a decade. It went public in 1999 and was acquired by "
                           "Ticketmaster in 2003.")
    assert ("acquisition", "Ticketmaster", "Zorvex") in relations(ex)


def test_lowercase_heading_word_before_a_subject_is_not_part_of_a_longer_name(extractor):
    ex = extractor.extract("Investment history Versive launched with $1.3 million in seed funding from Madrona "
                           "Venture Group.")
    assert ("investment", "Madrona Venture Group", "Versive") in relations(ex)
