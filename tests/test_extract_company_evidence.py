"""Company recall from evidence: names NER labels PERSON, GPE or FAC that the text shows are businesses."""

from __future__ import annotations

import pytest

from tests.fixtures.extracted import names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a business noun in apposition
        ("Duke Street, the UK based mid-market private equity firm, acquired Great Rail Journeys in 2018.",
         "Duke Street"),
        # a trade noun before the name
        ("In February 2014, the department store Selfridges announced that it would stock the new range.",
         "Selfridges"),
    ],
)
def test_name_with_business_evidence_is_a_company(extractor, text, name):
    assert name in names(extractor.extract(text))


def test_place_in_a_dateline_is_not_a_company(extractor):
    ex = extractor.extract("New Delhi, Nov 20 (PTI) Gujarat Narmada Valley Fertilizers and INEOS agreed to build "
                           "an acetic acid plant, GNFC said.")
    assert "New Delhi" not in names(ex)


def test_region_listed_with_markets_is_not_a_company(extractor):
    ex = extractor.extract("Babel Finance raised $80 million and will use the funds to obtain licenses in markets "
                           "including Europe and North America.")
    assert not {"Europe", "North America"} & set(names(ex))


def test_person_with_a_role_stays_a_person(extractor):
    ex = extractor.extract("Shares of Nvidia rose after Jensen Huang, chief executive of Nvidia, spoke on Monday.")
    assert "Jensen Huang" not in names(ex)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("In 2006, Rubicon was taken over by Mosaic Fashions, owner of the Karen Millen chains.", "Rubicon"),
        ("Dalton Maag's larger clients include AT & T and Nokia.", "AT & T"),
    ],
)
def test_argument_of_a_phrasal_verb_or_a_client_list_is_a_company(extractor, text, name):
    assert name in names(extractor.extract(text))


def test_name_announced_as_a_partner_is_a_company(extractor):
    ex = extractor.extract("In August 2017, Maven was announced as the exclusive car sharing partner for the "
                           "University of Southern California.")
    assert "Maven" in names(ex)


@pytest.mark.parametrize(
    "text",
    ["On the eve of Cisco acquiring Monsoon, the market rose.", "King Pharmaceuticals acquired Meridian in 2003."],
)
def test_dictionary_word_place_that_is_bought_is_a_company(extractor, text):
    assert {"Monsoon", "Meridian"} & set(names(extractor.extract(text)))


def test_dictionary_word_place_stays_a_place(extractor):
    ex = extractor.extract("Nvidia opened an office in Georgia, and Georgia welcomed the investment.")
    assert "Georgia" not in names(ex)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Sustainability Sambazon operates as a triple bottom line business.", "Sambazon"),
        ("History Detroit Media Partnership was formed in 1989 by Knight Ridder and Gannett.", "Detroit Media Partnership"),
    ],
)
def test_section_heading_glued_on_a_name_is_cut(extractor, text, name):
    assert name in names(extractor.extract(text))


def test_entity_joining_two_names_is_split(extractor):
    ex = extractor.extract("In 2021 Royal Caribbean sold Azamara to Sycamore Partners for $201 million.")
    assert {"Azamara", "Sycamore Partners"} <= set(names(ex))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("In 2017, Siteimprove expanded into Japan and acquired the Danish consultancy firm, Marketing Lion.",
         "Siteimprove"),
        ("Medio has had partners including: IBM, Rovio, Verizon, T-Mobile, ABC, and Disney.", "Medio"),
    ],
)
def test_subject_of_a_shared_or_light_verb_is_a_deal_party(extractor, text, name):
    assert name in names(extractor.extract(text))


def test_name_that_became_part_of_a_group_is_a_company(extractor):
    ex = extractor.extract("In February 2012, Churchill became part of the new Direct Line Group.")
    assert "Churchill" in names(ex)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Today, Hengstler has various prominent customers like Siemens, IBM, Festo or Bosch.", "Hengstler"),
        ("In 2009, SaskTel entered into network sharing agreements with Bell Canada and Telus.", "SaskTel"),
    ],
)
def test_subject_of_a_deal_noun_is_a_company(extractor, text, name):
    assert name in names(extractor.extract(text))


def test_dateline_city_subject_is_not_a_company(extractor):
    ex = extractor.extract("SANTANDER, SPAIN, June 17, 2024 -- ERZIA has entered into a distribution agreement "
                           "with Impulse Technologies.")
    assert "Santander" not in {n.title() for n in names(ex)}


def test_trade_name_tagged_person_is_a_company(extractor):
    ex = extractor.extract("Tempean's output of B movies was distributed by Eros Films.")
    assert "Eros Films" in names(ex)


@pytest.mark.parametrize("name", ["Foundation Capital", "Summit Partners"])
def test_institution_word_before_a_corporate_tail_is_a_business(name):
    from kb.companies import other_org_rules

    assert not other_org_rules().match(name)


def test_institution_word_alone_is_still_another_organisation():
    from kb.companies import other_org_rules

    assert other_org_rules().match("Gates Foundation")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("In June 2013, Insomniac announced a number of partnerships, including one with Dick Clark Productions.",
         "Insomniac"),
        ("Marmoset’s clients include Apple, Nike, Google and Facebook.", "Marmoset"),
    ],
)
def test_dictionary_word_name_said_once_with_evidence_is_a_company(extractor, text, name):
    assert name in names(extractor.extract(text))


def test_name_said_once_before_a_business_part_is_a_company(extractor):
    ex = extractor.extract("Thorn EMI transferred all of the rental accounts to their Radio Rentals chain.")
    assert "Radio Rentals" in names(ex)


def test_capitalised_name_closed_by_a_legal_suffix_is_a_company(extractor):
    ex = extractor.extract("Employers Mutual Limited is appointed to provide insurance services for organisations "
                           "such as WorkSafe Victoria.")
    assert "Employers Mutual" in names(ex)


def test_evidence_at_an_untagged_occurrence_counts(extractor):
    ex = extractor.extract("A year after paying over $3 billion for Jet.com, the rapidly expanding online retailer, "
                           "Walmart launched a label. Jet.com said on Friday that the new label would sell food.")
    assert "Jet.com" in names(ex)


def test_product_tagged_name_with_business_evidence_is_a_company(extractor):
    ex = extractor.extract("Ferrero grew through its purchase last year of the American companies Ferrara and "
                           "Fannie May.")
    assert "Ferrara" in names(ex)


def test_name_modifying_a_project_names_an_offering(nlp):
    from kb.companies import _names_an_offering

    doc = nlp("The HIFL project is meant to link the islands.")
    assert _names_an_offering(doc[1:2])


def test_name_with_a_whose_ceo_clause_is_not_a_person(extractor):
    ex = extractor.extract("Johnson & Johnson is the owner of robotics company Auris Health, whose CEO is "
                           "Frederic Moll.")
    assert "Auris Health" in names(ex)


def test_names_counted_among_customers_are_companies(extractor):
    ex = extractor.extract("UiPath is a major RPA vendor that counts Uber, Xerox and CrowdStrike among its "
                           "estimated 10,000-plus customers.")
    assert "Xerox" in names(ex)
