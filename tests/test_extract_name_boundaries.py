"""Company-name boundaries: where a name starts and ends (#4).

NER often drops a name's first word ("Aller Media" -> "Media") or glues words onto it; the
resolver repairs the boundaries before the names are grouped and related.
"""

from __future__ import annotations

import pytest

from kb.companies import display_name, other_org_rules
from tests.fixtures.extracted import names


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("text", "name", "cut"),
    [
        ("In May 2014, Aller Media bought Tvnytt from Berner Gruppen.", "Aller Media", "Media"),
        ("Purolator Courier Ltd. was sold to Halvorsen Corporation and became a stand-alone Canadian company.",
         "Purolator Courier", "Courier"),
        ("As none of TS Laevad's new ferries arrived in time, two vessels from Saaremaa Shipping Company were "
         "chartered.", "TS Laevad", "Laevad"),
        ("In 2008 the firm expanded by acquiring Chicago based music booking agency Little Big Man.",
         "Little Big Man", "Big Man"),
    ],
)
def test_name_always_written_after_the_same_word_starts_there(extractor, text, name, cut):
    found = names(extractor.extract(text))
    assert name in found
    assert cut not in found


@pytest.mark.issue(4)
def test_heading_word_before_a_name_is_not_part_of_it(extractor):
    ex = extractor.extract("Television Productions CollinsAve works with networks including TLC, Lifetime and Food Network.")
    assert not any(n.startswith("Productions") for n in names(ex))


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("Pauling & Co. Ltd", "Pauling & Co."),
        ("Brit + Co", "Brit + Co"),
        ("Sears, Roebuck and Co.", "Sears, Roebuck and Co."),
        ("Oracle Corporation", "Oracle"),
        ("Fresenius SE & Co.", "Fresenius"),  # a legal form, not partners
    ],
)
def test_partners_firm_keeps_its_and_co(written, shown):
    assert display_name(written) == shown


@pytest.mark.issue(4)
def test_partners_listed_with_commas_are_one_firm(extractor):
    ex = extractor.extract("In 1961, fifteen suppliers of soft goods to Sears, Roebuck and Co. merged to form Kellwood Company.")
    assert "Sears, Roebuck and Co." in names(ex)


@pytest.mark.issue(4)
def test_two_word_heading_is_cut_from_the_name(extractor):
    ex = extractor.extract("Services Retail JAX Tyres & Auto sells tyres from brands including Bridgestone, Dunlop and Pirelli.")
    assert "JAX Tyres & Auto" in names(ex)


@pytest.mark.issue(4)
def test_role_inside_an_entity_ends_the_company_name(extractor):
    ex = extractor.extract("In 2012, Open Robotics was established, with Clearpath CTO Ryan Gariepy joining the founding board.")
    assert not any("Gariepy" in n for n in names(ex))


@pytest.mark.issue(4)
def test_known_company_joined_by_and_is_not_one_name(extractor):
    ex = extractor.extract("Koch Foods supplies chicken to grocery chains such as Kroger and Walmart.")
    assert {"Kroger", "Walmart"} <= set(names(ex))
    assert "Kroger and Walmart" not in names(ex)


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("The park was built on the site of the old Carlton & United Breweries plant in Chippendale.", "United"),
        ("Its largest rivals are Southern Cross University and Deakin University.", "Southern"),
    ],
)
def test_known_name_inside_a_longer_name_is_not_that_company(extractor, text, word):
    assert word not in names(extractor.extract(text))


@pytest.mark.issue(4)
def test_known_name_opening_a_longer_name_stays_a_company(extractor):
    ex = extractor.extract("Google Cloud signed a five-year agreement with Deutsche Bank.")
    assert "Deutsche Bank" in names(ex)
    assert any(n.startswith("Google") for n in names(ex))


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("In 1995 Chief bought 40 Checker Auto Parts stores from Lucky Stores when Lucky decided to leave Texas.",
         "Lucky Stores"),
        ("Optimal Energy The Joule was a battery electric car designed in South Africa.", "Optimal Energy"),
    ],
)
def test_clause_or_second_name_ends_the_entity(extractor, text, name):
    assert name in names(extractor.extract(text))


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Films Passmore Productions produced two horror films for Image Ten.", "Passmore Productions"),
        ("Compliance Knight Software supplies the Texas Department of Public Safety.", "Knight Software"),
    ],
)
def test_section_heading_glued_on_a_name_is_cut(extractor, text, name):
    assert name in names(extractor.extract(text))


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Andretti Global, one of the racing teams in the TWG Motorsports group, said that Stratasys will remain "
         "its partner.", "TWG Motorsports"),
        ("Mediaset said it was not holding merger talks with its German rival Prosiebensat1 Media.",
         "Prosiebensat1 Media"),
    ],
)
def test_relation_argument_extends_the_shorter_ner_name(extractor, text, name):
    assert name in names(extractor.extract(text))


@pytest.mark.issue(4)
def test_name_written_alone_elsewhere_keeps_its_bounds(extractor):
    ex = extractor.extract("AOP was acquired by RWS Group in 2017 and the AOP Connect platform is now part of RWS.")
    assert "AOP" in names(ex)
    assert "AOP Connect" not in names(ex)


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("name", "other"),
    [("Standard Life Aberdeen", False), ("Protocol Labs", False), ("the Qi Standard", True)],
)
def test_standard_makes_an_other_organisation_only_as_the_last_word(name, other):
    assert other_org_rules().match(name) is other


@pytest.mark.issue(4)
def test_gazetteer_keeps_the_short_form_of_a_listed_partners_firm(nlp):
    patterns = {p["pattern"]: p.get("id") for p in nlp.get_pipe("newskb_company_ruler").patterns
                if isinstance(p["pattern"], str)}
    assert patterns.get("Eli Lilly") == "Eli Lilly"  # listed as "Eli Lilly and Company"
    assert patterns.get("Merck & Co.") == "Merck"


# --- a business unit is not its parent's full name; a cut name takes the words that always follow it ---


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


def test_a_known_companys_web_address_is_the_company(extractor):
    ex = extractor.extract("Zappos was bought by Amazon.com in 2009.")
    amazon = next(c for c in ex.companies if c.name == "Amazon")
    assert "Amazon.com" in amazon.aliases
    assert "Amazon.com" not in {c.name for c in ex.companies}


def test_abbreviation_inside_a_name_ends_no_sentence(extractor):
    ex = extractor.extract(
        "The Riachuelo's major competitors are Marisa, Lojas Renner, Cia. Hering and C & A. The company owns an aircraft."
    )
    rivals = {r.target for r in ex.relations if r.type == "competitor" and r.source == "Riachuelo"}
    assert {"Cia. Hering", "C & A"} <= rivals


def test_sentence_stop_glued_to_a_closing_initial_is_not_in_the_name():
    assert display_name("C & A.") == "C & A"
    assert display_name("Pauling & Co.") == "Pauling & Co."
