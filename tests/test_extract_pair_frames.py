"""Frames that relate two named companies without a relation word on the path between them (#4).

A company's relations under its new name ("GCI changed its name to Collabera") and making
something together ("produced by Hoorae with HBO").
"""

from __future__ import annotations

import pytest

from tests.fixtures.extracted import pairs, relations


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the owner of the name changed, in a later sentence
        ("In 2007, GCI bought Planet Asia Ltd for $10 million. In 2008, GCI changed its name to Collabera.",
         ("acquisition", "Collabera", "Planet Asia")),
        # the subject of a passive renaming verb, the old name related in the next sentence
        ("In 1991 Atco Ltd was renamed as Atco-Qualcast Ltd. Atco-Qualcast Ltd was acquired by Robert Bosch GmbH in 1995.",
         ("acquisition", "Robert Bosch", "Atco")),
        # "the company name": the passage's company, by its old name
        ("Pay Rent Inc was founded in 2002 in Maryland. The company name was later shortened to PRBC. "
         "PRBC also received funding from the Omidyar Network.", ("investment", "Omidyar Network", "Pay Rent")),
    ],
)
def test_renamed_company_keeps_its_relations_under_either_name(extractor, text, expected):
    assert expected in relations(extractor.extract(text))


@pytest.mark.issue(4)
def test_change_of_something_else_renames_nothing(extractor):
    ex = extractor.extract("In 2007, GCI bought Planet Asia Ltd for $10 million. In 2008, GCI changed its strategy to Collabera.")
    assert ("acquisition", "Collabera", "Planet Asia") not in relations(ex)


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    "text",
    [
        "Insecure and A Black Lady Sketch Show are produced by Hoorae with HBO.",
        "Hoorae developed a sensor with HBO.",
    ],
)
def test_company_making_something_with_another_is_its_partner(extractor, text):
    assert frozenset({"Hoorae", "HBO"}) in pairs(extractor.extract(text), "partnership")


@pytest.mark.issue(4)
def test_thing_of_a_company_made_with_is_no_partner(extractor):
    ex = extractor.extract("Hoorae built the phone with Nvidia chips.")
    assert not pairs(ex, "partnership")


@pytest.mark.issue(4)
def test_made_with_a_company_but_by_no_company_relates_nothing(extractor):
    # the clause's subject is no company: who made the film with Monkeypaw is not said
    ex = extractor.extract("Upcoming projects include the HBO Max series Rap and the film Sinkhole, "
                           "produced with Monkeypaw Productions.")
    assert frozenset({"HBO", "Monkeypaw Productions"}) not in pairs(ex, "partnership")


@pytest.mark.issue(4)
def test_they_after_a_company_subject_is_that_company(extractor):
    ex = extractor.extract("Abbott Inc also partners with other companies. They teamed up with the Boeing Company "
                           "to develop a curriculum.")
    assert frozenset({"Abbott", "Boeing"}) in pairs(ex, "partnership")


@pytest.mark.issue(4)
def test_they_after_people_is_no_company(extractor):
    ex = extractor.extract("Abbott Inc hired two founders. The founders met at Stanford. They teamed up with the "
                           "Boeing Company to develop a curriculum.")
    assert frozenset({"Abbott", "Boeing"}) not in pairs(ex, "partnership")


@pytest.mark.issue(4)
def test_bare_business_of_a_company_transferred_is_the_company_taken_over(extractor):
    ex = extractor.extract("On 5 August 2011, the business of Bradford & Bingley International was transferred to "
                           "Alliance & Leicester International.")
    assert ("acquisition", "Alliance & Leicester International", "Bradford & Bingley International") in relations(ex)


@pytest.mark.issue(4)
def test_narrowed_business_of_a_company_is_a_unit_not_the_company(extractor):
    ex = extractor.extract("Intuitive Surgical has agreed to purchase the robotic endoscope business of Schölly Fiberoptic.")
    assert not any(r[0] == "acquisition" for r in relations(ex))


@pytest.mark.issue(4)
def test_name_in_brackets_after_now_carries_the_relations(extractor):
    ex = extractor.extract("Shady Acres signed a production deal with Universal, while its lone television series was "
                           "co-produced by Touchstone Television (now ABC Signature).")
    assert frozenset({"Shady Acres", "ABC Signature"}) in pairs(ex, "partnership")


@pytest.mark.issue(4)
def test_brackets_that_say_what_a_company_became_part_of_name_nothing(extractor):
    ex = extractor.extract("RTTS partnered with Rational Software (now a part of IBM) in 2001.")
    assert not any("part" in name for pair in pairs(ex) for name in pair)


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    "text",
    [
        "In 2001, Compaq Inc was merged into Hewlett-Packard.",
        "In 2001, Compaq Inc merged into Hewlett-Packard.",
        "In 2005, Compaq Inc was absorbed into Hewlett-Packard.",
    ],
)
def test_company_merged_into_another_is_taken_over_by_it(extractor, text):
    rels = relations(extractor.extract(text))
    assert ("acquisition", "Hewlett-Packard", "Compaq") in rels
    assert ("acquisition", "Compaq", "Hewlett-Packard") not in rels


@pytest.mark.issue(4)
def test_company_an_object_relative_clause_is_about_undergoes_its_verb(extractor):
    rels = relations(extractor.extract("Bolt Inc, which Uber acquired in 2005, makes scooters."))
    assert ("acquisition", "Uber", "Bolt") in rels


@pytest.mark.issue(4)
def test_new_name_the_company_rules_missed_is_read_on_the_surface(extractor):
    ex = extractor.extract("In 1953, Burton Ltd was sold to UDS Group for $5 million. In 1960, Burton Ltd was renamed Quorvex.")
    assert ("acquisition", "UDS Group", "Quorvex") in relations(ex)


@pytest.mark.issue(4)
def test_renamed_after_a_person_names_no_company(extractor):
    ex = extractor.extract("In 1953, Burton Ltd was sold to UDS Group for $5 million. In 1960, Burton Ltd was renamed "
                           "after its founder.")
    assert relations(ex) == {("acquisition", "UDS Group", "Burton")}


@pytest.mark.issue(4)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In 1953, Burton Ltd was sold to UDS Group for $5 million. In 1989 it became known as Whitby Morrison.",
         ("acquisition", "UDS Group", "Whitby Morrison")),
        ("Burton Ltd was founded in 1904. It was incorporated as Quorvex Ltd in 1920. Quorvex Ltd was sold to "
         "UDS Group for $5 million in 1953.", ("acquisition", "UDS Group", "Burton")),
    ],
)
def test_name_a_company_is_known_or_run_under_carries_its_relations(extractor, text, expected):
    assert expected in relations(extractor.extract(text))


@pytest.mark.issue(4)
def test_company_named_inside_a_common_noun_slot_is_no_new_name(extractor):
    ex = extractor.extract("In 2006, SingleHop Inc was started as a means to serve Acme Corp's customers. A year later, "
                           "Acme Corp was sold to UK2 Group for $5 million.")
    assert frozenset({"SingleHop", "UK2 Group"}) not in pairs(ex)


@pytest.mark.issue(4)
def test_company_running_it_under_a_name_is_not_renamed(extractor):
    ex = extractor.extract("Burton Ltd was sold to UDS Group for $5 million in 1953. UDS Group operated it under the name Quorvex.")
    assert ("acquisition", "Quorvex", "Burton") not in relations(ex)


def test_a_relation_party_no_company_rule_listed_is_one_of_the_companies(extractor):
    ex = extractor.extract(
        "The company, formerly known as Pick-A-Prof, officially changed its name to MyEdu in the summer of 2009, "
        "and was acquired by Blackboard in January 2014."
    )
    assert ex.relations
    named = {c.name for c in ex.companies}
    for relation in ex.relations:
        assert {relation.source, relation.target} <= named
