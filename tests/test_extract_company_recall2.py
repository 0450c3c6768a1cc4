"""Company recall, second pass: names listed with companies, and the names we print."""

from __future__ import annotations

import pytest

from tests.fixtures.extracted import names


def test_name_listed_with_companies_is_a_company(extractor):
    ex = extractor.extract("Other partners include AT&T WorldNet Service, Concentric Network, EarthLink, Excite, "
                           "FastNet, FlashNet, Juno Online Services and Prodigy.")
    assert {"EarthLink", "FastNet", "FlashNet"} <= set(names(ex))


def test_country_listed_with_companies_is_not_a_company(extractor):
    ex = extractor.extract("Its sponsors included Peugeot, France Telecom, Lacoste, France and L'Oreal.")
    assert "France" not in names(ex)


def test_person_listed_with_investors_is_not_a_company(extractor):
    ex = extractor.extract("The round was led by Sequoia Capital, Accel Partners, Index Ventures and Peter Thiel.")
    assert "Peter Thiel" not in names(ex)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("In 2016, Boxed was financed by $132 million in funding by investors including GGV Capital.", "Boxed"),
        ("Dynamic Diagrams was founded in 1990 by Paul Kahn and Krzysztof Lenk.", "Dynamic Diagrams"),
        ("Rocketium raised $1.1M in seed funding from Blume Ventures.", "Rocketium"),
        # a dictionary word NER calls ORG earns its evidence the same way
        ("In December 2015, Blade expanded its offerings and launched BLADEone, a seasonal jet service.", "Blade"),
    ],
)
def test_subject_of_a_business_verb_is_a_company(extractor, text, name):
    assert name in names(extractor.extract(text))


def test_surname_of_a_person_named_in_full_is_not_a_company(extractor):
    ex = extractor.extract("Chidi Okafor grew up in Lagos. Later Okafor operated a small farm near the river.")
    assert "Okafor" not in names(ex)
