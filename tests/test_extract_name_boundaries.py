"""Name boundaries: a known company's web address, and numbers inside a name (#4)."""

from __future__ import annotations

import pytest

from kb.companies import _web_address_of
from tests.fixtures.extracted import names


@pytest.mark.issue(4)
def test_web_address_of_a_known_company_takes_its_name(extractor):
    ex = extractor.extract("A year later, Teachstreet was bought by Amazon.com as a talent acquisition.")
    assert "Amazon" in names(ex)
    assert "Amazon.com" not in names(ex)


@pytest.mark.parametrize(
    ("surface", "name", "expected"),
    [("Amazon.com", "Amazon", True), ("Boots.co.uk", "Boots", True), ("Amazon Local", "Amazon", False),
     ("Walmart.com", "Amazon", False), ("Robert Bosch", "Bosch", False)],
)
def test_web_address_is_the_name_plus_a_domain(surface, name, expected):
    assert _web_address_of(surface, name) is expected


@pytest.mark.issue(4)
def test_number_inside_a_name_is_kept(extractor):
    ex = extractor.extract("The first television project produced by Number 9 Films, in collaboration with "
                           "Red Production Company, is an adaptation of a novel.")
    assert "Number 9 Films" in names(ex)
    assert "Films" not in names(ex)


def test_number_after_a_name_stays_out(extractor):
    ex = extractor.extract("Acme Robotics was bought by Globex in 2019 for 40 million dollars.")
    assert not any(name.endswith("2019") for name in names(ex))


@pytest.mark.issue(4)
def test_unit_called_a_division_of_its_parent_stays_apart(extractor):
    ex = extractor.extract("On July 24, 2013, Walmart Labs (the tech division of Walmart, Inc.), announced the "
                           "acquisition of Torbit.")
    assert {"Walmart Labs", "Walmart"} <= set(names(ex))


def test_full_name_with_a_generic_tail_is_still_one_company(extractor):
    ex = extractor.extract("Arrowhead Pharmaceuticals signed a licence deal with Takeda. Arrowhead said the deal "
                           "was worth $300 million.")
    assert sum(1 for name in names(ex) if name.startswith("Arrowhead")) == 1


@pytest.mark.issue(4)
def test_venue_named_after_a_company_is_not_its_full_name(extractor):
    ex = extractor.extract("BlueShore Financial is the title sponsor of Cornucopia, and has named the BlueShore "
                           "Financial Centre for the Performing Arts at Capilano University.")
    assert "BlueShore Financial" in names(ex)


@pytest.mark.issue(4)
def test_short_form_never_written_alone_takes_the_next_word(extractor):
    ex = extractor.extract(
        "Oct 4 (Reuters) - Royal Mail Plc :\n\n* GLS buys Golden State Overnight\n\n* GLS, or General Logistics "
        "Systems, has bought Golden State Overnight Delivery Service Inc, which delivers parcels next day in its "
        "region\n\n* GLS is paying a total of $90 million for GSO.",
        title="BRIEF-GLS buys Golden State Overnight in $90 mln deal, Royal Mail says")
    assert "Golden State" not in names(ex)
    assert any(name.startswith("Golden State Overnight") for name in names(ex))


def test_short_form_written_alone_keeps_its_bounds(extractor):
    ex = extractor.extract("Arrowhead Pharmaceuticals and Horizon Therapeutics unveiled a joint effort. "
                           "Arrowhead will lead the research.")
    assert "Arrowhead Pharmaceuticals" in names(ex)


@pytest.mark.issue(4)
def test_listed_word_name_followed_by_company_words_is_the_longer_name(extractor):
    ex = extractor.extract("The company has raised a Series A round worth $14 million, led by OTB Ventures and "
                           "Earlybird Venture Capital’s Digital East Fund, with participation from Launchub.")
    assert "Earlybird Venture Capital" in names(ex)


@pytest.mark.issue(4)
def test_unit_owned_by_its_parent_stays_apart(extractor):
    ex = extractor.extract("Acme Digital, a holding company owned 80% by Acme Bank, runs the app. Acme PLC is listed "
                           "in London and Acme bought Globex.")
    assert "Acme Digital" in names(ex)
