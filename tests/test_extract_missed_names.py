"""Company names missed in relation passages: evidence that a name NER missed or mislabelled is a business (#4)."""

from __future__ import annotations

import pytest

from tests.fixtures.extracted import names


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a dictionary word NER left untagged, subject of a verb conjoined with "was the first company"
        ("Spinnaker pioneered the educational software market and was the first company to sell it cheaply.",
         "Spinnaker"),
        # a dictionary word NER left untagged, with a party noun as the copula's attribute
        ("Shipyard is partners with the Sea Dog Brewing Company.", "Shipyard"),
        # a one-word "place" that is a dictionary word, a later item of the copula's subject
        ("This is because Bonanza and Ponderosa were separate companies, later merged under Metromedia.",
         "Ponderosa"),
    ],
)
def test_name_the_copula_calls_a_business_is_a_company(extractor, text, name):
    assert name in names(extractor.extract(text))


@pytest.mark.issue(4)
def test_company_segment_named_by_the_copula_is_not_a_company(extractor):
    ex = extractor.extract("Space is Lockheed Martin's third-biggest business and accounted for 18 percent of its revenue.")
    assert "Space" not in names(ex)
