"""Rivals and clients: names a company lists as its competitors or customers, and their relations."""

from __future__ import annotations

import pytest

from tests.fixtures.extracted import names, relations


@pytest.mark.parametrize(
    ("text", "rival"),
    [
        ("PocketBell's main competitor was EasyCall.", "EasyCall"),
        ("Miracle Mart operated at mid-level and competed with the likes of Zellers, Woolco and Kmart.", "Woolco"),
    ],
)
def test_name_a_company_lists_as_its_rival_is_a_company(extractor, text, rival):
    assert rival in names(extractor.extract(text))


@pytest.mark.issue(4)
def test_rival_list_owner_and_last_member_are_related(extractor):
    ex = extractor.extract("Miracle Mart operated at mid-level and competed with the likes of Zellers, Woolco and Kmart.")
    assert ("competitor", "Kmart", "Miracle Mart") in relations(ex)


def test_rivals_of_a_person_are_not_made_companies(extractor):
    ex = extractor.extract("John Smith's main competitor was Jones.")
    assert "Jones" not in names(ex)


def test_a_name_competing_with_a_known_company_is_a_company(extractor):
    ex = extractor.extract("Lightbox faced competition from Quickflix, Netflix and Neon.")
    assert ("competitor", "Lightbox", "Netflix") in relations(ex)


@pytest.mark.parametrize(
    ("text", "customer"),
    [
        ("Ranpak counts customers globally like Amazon, IKEA and Walmart.", "Walmart"),
        ("Some of Inkling's customers are Taco Bell, McDonald's and Verizon.", "Verizon"),
    ],
)
def test_every_listed_customer_is_supplied(extractor, text, customer):
    supplier = text.split()[0] if not text.startswith("Some") else "Inkling"
    assert ("supplier", supplier, customer) in relations(extractor.extract(text))


def test_a_fronted_phrase_is_not_listed_with_the_subject_after_its_comma(extractor):
    ex = extractor.extract("After studying competitors like Sears and the Pep Boys, Trak Auto was launched in 1979.")
    assert ("competitor", "Pep Boys", "Trak Auto") in relations(ex)


def test_a_plural_company_noun_is_a_trigger_not_a_reference(extractor):
    text = ("Bagrry's is one of the biggest suppliers of oats, wheat bran, and other cereal products to brands, "
            "including Nestle (Maggi noodles), ITC, KFC, and Britannia.")
    assert ("supplier", "Bagrry", "Nestle") in relations(extractor.extract(text))
