"""Amounts with ISO currency codes: a deal's figure, and never a company named after a currency."""

from __future__ import annotations

import pytest

from kb.deal_terms import currency_codes, opens_an_amount, parse_amount
from tests.fixtures.extracted import relations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NOK 1.6 billion", (1.6e9, "NOK")),
        ("SEK 900 million", (9e8, "SEK")),
        ("3 billion HKD", (3e9, "HKD")),
        ("HK$2.5bn", (2.5e9, "HKD")),
        ("$13 billion", (13e9, "USD")),
        ("1.5 billion euros", (1.5e9, "EUR")),
        ("AMD 2024", (2024.0, "AMD")),  # a bare code and number parse; callers check the shape (opens_an_amount)
    ],
)
def test_amounts_with_codes_symbols_and_words(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["600 engines", "for 3 billion", "In 2016 ABC bought 5 units"])
def test_numbers_without_a_currency_are_no_amount(text):
    assert parse_amount(text) is None


def test_codes_are_the_currencies_in_use():
    codes = currency_codes()
    assert {"USD", "EUR", "NOK", "SEK", "HKD", "CHF"} <= codes
    assert "DEM" not in codes  # the Deutsche Mark is history


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("Chess was sold for NOK 1.6 billion.", "NOK", True),
        ("Rieber paid SEK 2,500 for each share.", "SEK", True),
        ("AMD 2024 roadmap shows new chips.", "AMD", False),  # a year, not an amount
        ("NOK shares rose 3 percent.", "NOK", False),  # Nokia's ticker, no number after it
    ],
)
def test_a_code_opens_an_amount_only_before_an_amount_shaped_number(nlp, text, word, expected):
    doc = nlp(text)
    assert opens_an_amount(next(t for t in doc if t.text == word)) is expected


def test_currency_before_a_price_is_no_company(extractor):
    ex = extractor.extract("In 2006 Vollvik sold Chess to the Swedish multinational Telia Sonera for NOK 1.6 billion.")
    assert "NOK" not in {c.name for c in ex.companies}
    assert not any("NOK" in (r.source, r.target) for r in ex.relations)


def test_name_is_cut_before_a_price_ner_glued_to_it(extractor):
    ex = extractor.extract("Orkla sold the unit to Rieber for SEK 900 million.")
    assert "Rieber" in {c.name for c in ex.companies}
    assert not any("SEK" in c.name for c in ex.companies)


def test_deal_amount_in_a_coded_currency_is_kept(extractor):
    ex = extractor.extract("Telia Sonera bought Chess for NOK 1.6 billion.")
    assert ("acquisition", "Telia Sonera", "Chess") in relations(ex)
    [deal] = [r for r in ex.relations if r.type == "acquisition"]
    assert (deal.terms.amount, deal.terms.currency) == (1.6e9, "NOK")


def test_per_document_cache_is_per_document_and_per_thread(nlp):
    """One entry per thread: another document, or another thread's, is read anew."""
    import threading

    from kb.nlp import per_document

    reads: list[str] = []

    @per_document
    def first_word(doc):
        reads.append(doc.text)
        return doc[0].text

    a, b = nlp("Acme bought Globex."), nlp("Globex bought Acme.")
    assert (first_word(a), first_word(a), first_word(b)) == ("Acme", "Acme", "Globex")
    seen = []
    thread = threading.Thread(target=lambda: seen.append(first_word(b)))
    thread.start()
    thread.join()
    assert seen == ["Globex"]
    assert reads == [a.text, b.text, b.text]  # the other thread had no entry of its own yet


def test_a_code_before_a_year_gives_no_deal_amount(extractor):
    ex = extractor.extract("Under its AMD 2024 roadmap, AMD Corp partners with Samsung Electronics on chips.")
    assert ex.relations
    assert all(r.terms.amount is None for r in ex.relations)
