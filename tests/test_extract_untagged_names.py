"""Company recall for proper-noun runs NER gives no label: "SBS was a major supplier", "clients of Amritt"."""

from __future__ import annotations

import pytest

from tests.fixtures.extracted import names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a business noun as the attribute of "be"
        ("SBS was a major supplier to BBC World Service.", "SBS"),
        ("CIK Telecom is a telecommunications provider based in Toronto.", "CIK Telecom"),
        # a business part it owns
        ("Notable clients of Amritt include Kraft Foods, Johnson & Johnson and Vivendi.", "Amritt"),
    ],
)
def test_untagged_name_with_business_evidence_is_a_company(extractor, text, name):
    assert name in names(extractor.extract(text))


def test_plural_acronym_is_a_class_not_a_company(extractor):
    ex = extractor.extract("CyberFOX sells password management to managed service providers (MSPs). "
                           "The deal helps MSPs, a growing group of providers, cut risk.")
    assert "MSPs" not in names(ex)


def test_category_in_a_semicolon_list_is_not_a_company(extractor):
    ex = extractor.extract("Suppliers were judged on measures in Logistics; Customer Care and Aftersales; Global "
                           "Purchasing and Manufacturing Services; and Product Purchasing, the supplier said.")
    assert "Aftersales" not in names(ex)


def test_legal_suffix_after_a_known_name_is_not_a_company_of_its_own(extractor):
    ex = extractor.extract("Gotion revised the licensing arrangement it agreed with PowerCo SE, the Volkswagen "
                           "Group's battery company.")
    assert "SE" not in names(ex)


def test_camel_case_word_opens_an_untagged_name(extractor):
    ex = extractor.extract("History BlueTree Partners was formed through a management spinout in 2003.")
    assert "BlueTree Partners" in names(ex)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("In 2014, Quillovo launched a grocery delivery service in Leeds.", "Quillovo"),
        ("Zentrabyte later relocated to Austin, setting up an office downtown.", "Zentrabyte"),
    ],
)
def test_untagged_subject_of_launch_or_relocate_is_a_company(extractor, text, name):
    assert name in names(extractor.extract(text))


def test_heading_glued_onto_a_deal_argument_is_cut_off(extractor):
    ex = extractor.extract("Funding Rocketium raised $1.1M in seed funding from early-stage venture capital firm "
                           "Blume Ventures and 1Crowd with a clutch of angel investors from BigBasket, Apple Inc., "
                           "Freshworks, Microsoft and SpaceX.")
    assert "Rocketium" in names(ex)
    assert "Funding Rocketium" not in names(ex)
