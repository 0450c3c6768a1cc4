"""Company recall for names in the object slots of deal verbs: "Endemol took over Fairfax Media" (#4)."""

from __future__ import annotations

import pytest

from tests.fixtures.extracted import names, relations


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("text", "name"),
    [
        # the object of a phrasal deal verb, NER calling its first word a place
        ("When Endemol took over Fairfax Media in 2009, the shares rose.", "Fairfax Media"),
        # a name apposed to a kin noun in the object, NER calling it a place
        ("Karen Millen acquired the assets of its sister company, Coast, out of administration.", "Coast"),
    ],
)
def test_name_in_a_deal_verbs_object_is_a_company(extractor, text, name):
    assert name in names(extractor.extract(text))


@pytest.mark.issue(4)
def test_object_of_a_deal_verb_is_related_to_its_subject(extractor):
    ex = extractor.extract("When Endemol took over Fairfax Media in 2009, the shares rose.")
    assert ("acquisition", "Endemol", "Fairfax Media") in relations(ex)


@pytest.mark.issue(4)
def test_full_personal_name_in_a_deal_verbs_object_stays_a_person(extractor):
    ex = extractor.extract("Regent Media sold the record label to Richard Branson in 2015.")
    assert "Richard Branson" not in names(ex)


@pytest.mark.issue(4)
def test_place_in_a_deal_verbs_object_is_not_a_company(extractor):
    ex = extractor.extract("Regent Media sold its stores to Northern Ireland in 2015.")
    assert "Northern Ireland" not in names(ex)


@pytest.mark.issue(4)
def test_deal_verb_with_no_company_subject_promotes_nothing(extractor):
    ex = extractor.extract("When the council took over Fairfax Media in 2009, the shares rose.")
    assert "Fairfax Media" not in names(ex)


@pytest.mark.issue(4)
def test_product_opening_a_bought_companys_name_does_not_hide_it(extractor):
    # "Clinique" is a listed Estée Lauder brand; the clinic bought here only begins with the word
    ex = extractor.extract("The Hirslanden Private Hospital Group acquired Clinique La Colline for $146 million.")
    assert "Clinique La Colline" in names(ex)


@pytest.mark.issue(4)
def test_numbered_name_of_a_deal_party_is_a_company(extractor):
    ex = extractor.extract("In 2010, Zombie Cow Studios released Privates, a game funded by Channel 4.")
    assert "Channel 4" in names(ex)


@pytest.mark.issue(4)
def test_amount_tagged_org_is_still_not_a_company(extractor):
    # NER tags "USD 85.00" ORG, and as the object of "pay" it is a deal's argument
    ex = extractor.extract("Borealis agreed to pay USD 85.00 per share to acquire Acme Robotics.")
    assert not any("85" in name for name in names(ex))


@pytest.mark.issue(4)
def test_listed_product_whose_owner_goes_unnamed_is_a_deal_party(extractor):
    # "Clio" is listed as a Renault car; nothing here names Renault, and CloudMask partners with it
    ex = extractor.extract("Since then, CloudMask has partnered with AllStream and Clio to secure customer data.")
    assert "Clio" in names(ex)


@pytest.mark.issue(4)
def test_listed_product_of_a_named_owner_stays_a_product(extractor):
    ex = extractor.extract("Since then, CloudMask has partnered with AllStream and Clio, the Renault hatchback.")
    assert "Clio" not in names(ex)
