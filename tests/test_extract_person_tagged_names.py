"""Company names NER calls people (issue #4): the text's own evidence that a person-shaped name is a
business (a trade word at its end, a list of things no person is) wins over NER's PERSON label,
while people listed as investors, or named with a role, stay people."""

from __future__ import annotations

import pytest

from tests.fixtures.extracted import names, pairs


@pytest.mark.issue(4)
@pytest.mark.parametrize("text, name", [
    ("A more direct assault on Richard Shops came in 1984 from the Burton Group.", "Richard Shops"),
    ("A more direct assault on Peter Gaming came in 1984 from the Burton Group.", "Peter Gaming"),
])
def test_trade_word_at_the_end_makes_a_person_shaped_name_a_business(extractor, text, name):
    assert name in names(extractor.extract(text))


@pytest.mark.issue(4)
@pytest.mark.parametrize("text, name", [
    ("Emory Marketing Institute has engaged research with multiple firms including Kimberly Clark, The Coca-Cola "
     "Company, Electronic Arts, Sony, Deloitte, Newell Rubbermaid, Russell Athletic and Home Depot.", "Russell Athletic"),
    ("Calibre appeared in high-end stores such as Barneys, Harvey Nichols, Selfridges and Lane Crawford.",
     "Lane Crawford"),
])
def test_person_shaped_name_in_a_list_of_firms_or_stores_is_a_company(extractor, text, name):
    assert name in names(extractor.extract(text))


@pytest.mark.issue(4)
def test_person_listed_among_customers_stays_a_person(extractor):
    ex = extractor.extract("Customers such as Walmart, Target and John Smith praised the product.")
    assert "John Smith" not in names(ex)


@pytest.mark.issue(4)
@pytest.mark.parametrize("text", [
    "The startup raised money from investors such as Sequoia Capital, Accel and Peter Thiel.",
    "The company is funded by backers including Accel and Peter Thiel.",
])
def test_person_listed_among_investing_firms_stays_a_person(extractor, text):
    assert "Peter Thiel" not in names(extractor.extract(text))


@pytest.mark.issue(4)
def test_firm_listed_as_an_investor_stays_a_company(extractor):
    ex = extractor.extract("The startup raised money from investors such as Sequoia Capital, Accel and Peter Thiel.")
    assert "Accel" in names(ex)


@pytest.mark.issue(4)
def test_one_word_person_before_a_trade_noun_is_a_business(extractor):
    ex = extractor.extract("In April 2020, Roli sold the JUCE product to PACE Anti-Piracy firm.")
    assert "PACE Anti-Piracy" in names(ex)


@pytest.mark.issue(4)
def test_place_before_a_store_stays_a_place(extractor):
    ex = extractor.extract("The Beaconsfield store can be seen in the background of the film.")
    assert "Beaconsfield" not in names(ex)


@pytest.mark.issue(4)
def test_company_word_closing_a_person_tagged_name_frees_its_first_word(extractor):
    ex = extractor.extract("In January 2020, Uber offloaded its local food delivery arm Uber Eats to Zomato Ltd, while Ola "
                           "closed its grocery delivery operation and has recently poured billions of dollars into Ola "
                           "Electric Mobility, its EV business. Ola said it ranks among the most profitable ride-hailing "
                           "firms.")
    assert {"Ola", "Ola Electric Mobility"} <= set(names(ex))


OLA = ("In January 2020, Uber offloaded its local food delivery arm Uber Eats to Zomato Ltd, while Ola closed its "
       "grocery delivery operation and has recently poured billions of dollars into Ola Electric Mobility, its EV "
       "business. Ola said it ranks among the most profitable ride-hailing firms.")


@pytest.mark.issue(4)
@pytest.mark.parametrize("outsider", ["Uber", "Zomato"])
def test_company_outside_a_while_clause_is_no_party_to_its_verb(extractor, outsider):
    assert frozenset((outsider, "Ola")) not in pairs(extractor.extract(OLA), "investment")


@pytest.mark.issue(4)
def test_round_a_backer_led_keeps_its_investors(extractor):
    ex = extractor.extract("Lydia, a French payments startup, has closed a series B round of $45 million that Tencent "
                           "led and in which existing backers CNP Assurances and XAnge also took part.")
    assert frozenset(("CNP Assurances", "Lydia")) in pairs(ex, "investment")


@pytest.mark.issue(4)
def test_person_shaped_name_followed_by_who_is_a_person(extractor):
    ex = extractor.extract("Colonial appointed Mal Secourable as the head brewer, replacing Dean McLeod (who previously "
                           "worked at the Lord Nelson Brewery Hotel and Malt Shovel Brewery).")
    assert "Dean McLeod" not in names(ex)


@pytest.mark.issue(4)
def test_company_followed_by_who_stays_a_company(extractor):
    ex = extractor.extract("Several other acquisitions followed: G2One, Hyperic (who developed a tool for monitoring "
                           "Java applications) and Cloud Foundry.")
    assert "Hyperic" in names(ex)


@pytest.mark.issue(4)
def test_person_shaped_name_of_a_company_is_a_person(extractor):
    ex = extractor.extract("Relcy was founded by Rohit Satapathy and Nitin Gupta in mid-2013, notably with funding "
                           "obtained by a cold tweet to Keith Rabois of Khosla Ventures.")
    assert "Keith Rabois" not in names(ex)
    assert "Khosla Ventures" in names(ex)


@pytest.mark.issue(4)
def test_rivals_of_the_passage_s_own_chain_are_businesses(extractor):
    ex = extractor.extract("The combined chain competed with regional chains such as Shaw's, Hannaford, Tops, Big Y, "
                           "Wegmans and Food Lion.")
    assert "Tops" in names(ex)
