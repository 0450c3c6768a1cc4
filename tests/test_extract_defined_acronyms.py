"""An acronym the text defines means what the text says, whatever the gazetteer knows it as."""

from __future__ import annotations

from tests.fixtures.extracted import relations


def test_defined_acronym_beats_the_gazetteer_company_of_that_name(extractor):
    ex = extractor.extract(
        "In 1985, Gary Larson left Chronicle Features for the much larger rival Universal Press Syndicate (UPS). "
        "UPS later signed Bill Watterson."
    )
    syndicate = next(c for c in ex.companies if c.name == "Universal Press Syndicate")
    assert "UPS" in syndicate.aliases
    assert ("competitor", "Chronicle Features", "Universal Press Syndicate") in relations(ex) or (
        "competitor", "Universal Press Syndicate", "Chronicle Features") in relations(ex)


def test_acronym_defined_for_the_gazetteer_company_keeps_its_name(extractor):
    ex = extractor.extract("International Business Machines (IBM) partnered with Red Hat.")
    assert "IBM" in {c.name for c in ex.companies}
    assert "International Business Machines" not in {c.name for c in ex.companies}
