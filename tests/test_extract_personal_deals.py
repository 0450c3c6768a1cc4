"""A company that only says whose a person is ("Amazon founder Jeff Bezos") is no party to the person's deal."""

from __future__ import annotations

from tests.fixtures.extracted import pairs


def test_founder_investing_in_own_name_makes_no_company_investor(extractor):
    ex = extractor.extract("Amazon founder Jeff Bezos and Salesforce CEO Marc Benioff also invested in Zocdoc in 2008.")
    found = pairs(ex, "investment")
    assert frozenset(("Salesforce", "Zocdoc")) not in found
    assert frozenset(("Salesforce", "Amazon")) not in found


def test_possessive_employer_of_a_board_member_is_no_investor(extractor):
    ex = extractor.extract(
        "In June 2014, SpotHero raised an additional $4.5 million in funding and announced new board members, "
        "including LinkedIn's Mike Gamson and venture capitalist Sam Guren."
    )
    assert frozenset(("LinkedIn", "SpotHero")) not in pairs(ex, "investment")


def test_company_investing_is_still_the_investor(extractor):
    ex = extractor.extract("Salesforce Ventures invested in Zocdoc in 2008, CEO Marc Benioff said.")
    assert frozenset(("Salesforce Ventures", "Zocdoc")) in pairs(ex, "investment")


def test_name_run_into_a_person_tag_is_not_an_employer(extractor):
    ex = extractor.extract("In 2006 Vollvik sold Chess to the Swedish multinational Telia Sonera for NOK 1.6 billion.")
    assert any("Telia" in pair and "Chess" in pair for pair in pairs(ex, "acquisition"))


def test_a_person_buying_a_stake_stays_a_person(extractor):
    ex = extractor.extract("Elon Musk bought a stake in Tesla Motors in 2004. Musk later became CEO.")
    assert "Elon Musk" not in {c.name for c in ex.companies}
    assert "Elon Musk" in {p.name for p in ex.people}


def test_a_plural_class_noun_opening_a_sentence_is_no_company(extractor):
    ex = extractor.extract("Companies such as Acme Corp and Globex Inc compete for the contract.")
    assert "Companies" not in {c.name for c in ex.companies}
    assert {"Acme", "Globex"} <= {c.name for c in ex.companies}


def test_a_persons_employer_is_not_what_the_company_refers_to(extractor):
    ex = extractor.extract(
        "Amazon founder Jeff Bezos and Salesforce CEO Marc Benioff also invested in Zocdoc in 2008, "
        "helping the company expand the service."
    )
    assert not any({"Amazon", "Salesforce"} & {r.source, r.target} for r in ex.relations)
