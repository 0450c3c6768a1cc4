"""Company recall, second pass: names listed with companies, and the names we print."""

from __future__ import annotations


def names(extraction):
    return sorted(c.name for c in extraction.companies)


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
