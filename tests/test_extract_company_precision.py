"""Company precision: aliases merged into one company, and names that are not companies (#4)."""

from __future__ import annotations

import pytest

from kb.companies import company_key


def names(extraction):
    return sorted(c.name for c in extraction.companies)


@pytest.mark.issue(4)
def test_suffix_pair_with_ampersand_folds_to_the_bare_name():
    assert company_key("Fresenius SE & Co.") == company_key("Fresenius") == "fresenius"
    assert company_key("Johnson & Johnson") == "johnson & johnson"


@pytest.mark.issue(4)
def test_ticker_used_alone_is_the_company(extractor):
    ex = extractor.extract(
        "QuantumScape Corporation (NYSE: QS) signed a deal with PowerCo. QS expects payments to start in 2025."
    )
    assert names(ex) == ["PowerCo", "QuantumScape"]


@pytest.mark.issue(4)
def test_initials_used_alone_are_the_company_named_in_full(extractor):
    ex = extractor.extract(
        "Cosco Group is negotiating to buy Orient Overseas Container Line Co., a smaller rival. "
        "OOCL controls 2.8% of the worldwide shipping market."
    )
    assert "OOCL" not in names(ex)
    assert "Orient Overseas Container Line" in names(ex)


@pytest.mark.issue(4)
def test_company_in_brackets_after_another_is_not_its_alias(extractor):
    ex = extractor.extract("RTTS supports testing tools from Rational Software (now a part of IBM) and Microsoft.")
    assert {"Rational Software", "IBM"} <= set(names(ex))


@pytest.mark.issue(4)
def test_short_form_of_a_name_with_of_and_a_place_is_the_same_company(extractor):
    ex = extractor.extract(
        "National Bank of Canada reported profits above forecasts. "
        "Canadian Western Bank awaits approval of its purchase by National Bank."
    )
    assert "National Bank" not in names(ex)


@pytest.mark.issue(4)
@pytest.mark.parametrize("text, phrase", [
    ("ObvioHealth, which operates globally as a Virtual Research Organization, raised $31 million.",
     "Virtual Research Organization"),
    ("Brookfield will acquire, via its Super-Core Infrastructure strategy, a 19.7% stake in Duke Energy Florida. "
     "Sam Pollock said Brookfield is pleased to be partnering with Duke Energy, via Brookfield’s Super-Core "
     "Infrastructure strategy.", "Super-Core Infrastructure"),
])
def test_dictionary_words_after_an_article_or_its_are_a_common_noun_phrase(extractor, text, phrase):
    assert phrase not in names(extractor.extract(text))


@pytest.mark.issue(4)
def test_dictionary_words_in_a_semicolon_list_are_categories(extractor):
    ex = extractor.extract(
        "General Motors named Nexteer a Supplier of the Year. Winners were judged against measures in "
        "Logistics; Customer Care and Aftersales; Global Purchasing and Manufacturing Services; and Product Purchasing."
    )
    assert "Customer Care" not in names(ex)
    assert "Manufacturing Services" not in names(ex)
