"""Relation patterns of issue #4: who is a party of a trigger, on the small model's parse."""

from __future__ import annotations

import pytest

from tests.fixtures.extracted import pairs, relations


@pytest.mark.issue(4)
def test_seller_after_from_on_the_bought_is_no_party(extractor):
    ex = extractor.extract("In 2009, BNY Mellon acquired Insight Investment from Lloyds Banking Group for £235m.")
    rels = relations(ex)
    assert ("acquisition", "BNY Mellon", "Insight Investment") in rels
    assert frozenset(("BNY Mellon", "Lloyds Banking Group")) not in pairs(ex)


@pytest.mark.issue(4)
@pytest.mark.parametrize("text, outsider", [
    ("Last month Amazon completed its purchase of Whole Foods, sharpening the rivalry among Walmart, Target and other grocers.",
     "Walmart"),
    ("Microsoft's $13 billion investment in OpenAI helped Nvidia.", "Nvidia"),
])
def test_event_noun_with_filled_slots_relates_only_its_own_parties(extractor, text, outsider):
    ex = extractor.extract(text)
    assert ex.relations
    assert not any(outsider in (r.source, r.target) for r in ex.relations if r.type != "competitor")


@pytest.mark.issue(4)
def test_event_noun_possessor_stays_the_source(extractor):
    ex = extractor.extract("Earlier this year Barrick Gold's acquisition of Randgold Resources was completed.")
    assert ("acquisition", "Barrick Gold", "Randgold Resources") in relations(ex)


@pytest.mark.issue(4)
def test_gerund_with_its_own_subject_keeps_the_main_clause_out(extractor):
    ex = extractor.extract("On the eve of Cisco acquiring Splunk in 2017, EchoStar sued Splunk.")
    assert ("acquisition", "Cisco", "Splunk") in relations(ex)
    assert not any("EchoStar" in (r.source, r.target) for r in ex.relations)


@pytest.mark.issue(4)
def test_relative_clause_subject_is_the_antecedent(extractor):
    ex = extractor.extract("Analysts watched Medtronic, which is currently absorbing Mazor Robotics in a $1.6 billion deal.")
    assert ("acquisition", "Medtronic", "Mazor Robotics") in relations(ex)


@pytest.mark.issue(4)
def test_listing_verb_names_the_members_of_a_party_noun(extractor):
    ex = extractor.extract("Some of CB Insights clients include Cisco, Salesforce, Castrol and Gartner.")
    rels = relations(ex)
    assert ("supplier", "CB Insights", "Cisco") in rels
    assert ("supplier", "CB Insights", "Gartner") in rels


@pytest.mark.issue(4)
def test_name_before_a_party_noun_owns_it(extractor):
    ex = extractor.extract("Apple supplier Foxconn reported higher sales.")
    assert ("supplier", "Foxconn", "Apple") in relations(ex)


@pytest.mark.issue(4)
def test_venture_naming_its_parents_is_not_with_a_third_company(extractor):
    ex = extractor.extract("General Electric-Safran joint venture CFM is up against Raytheon-owned Pratt & Whitney "
                           "for a deal covering some 240 engines.")
    assert ("partnership", "General Electric", "Safran") in relations(ex)
    assert not any("Pratt & Whitney" in (r.source, r.target) for r in ex.relations if r.type == "partnership")


@pytest.mark.issue(4)
def test_purchase_of_control_and_passive_participle_find_the_bought(extractor):
    assert ("acquisition", "Les Brasseurs RJ", "McAuslan") in relations(
        extractor.extract("In April 2013, Les Brasseurs RJ purchased full control of McAuslan."))
    assert ("acquisition", "Alchemy Partners", "Wellman") in relations(
        extractor.extract("Wellman became a private company in December 1997, when bought by Alchemy Partners for £82 million."))
    assert ("acquisition", "Ströer", "Statista") in relations(
        extractor.extract("Ströer acquired the remaining stake in Statista in 2019."))


@pytest.mark.issue(4)
def test_owner_of_a_named_party_is_no_party(extractor):
    ex = extractor.extract("Luminar has previously signed agreements to develop lidar with Daimler AG's trucking group "
                           "and with Intel Corp's Mobileye.")
    assert ("partnership", "Luminar", "Mobileye") in relations(ex)
    assert frozenset(("Luminar", "Intel")) not in pairs(ex)


@pytest.mark.issue(4)
def test_reference_in_next_sentence_is_the_main_clause_subject(extractor):
    ex = extractor.extract("In the early 1900s, when Ford Motor Company started producing vehicles, Ryerson supplied it "
                           "with steel. In 1935, the company merged with Inland Steel Company.")
    assert frozenset(("Ryerson", "Inland Steel")) in pairs(ex)
    assert frozenset(("Ford Motor", "Inland Steel")) not in pairs(ex)


@pytest.mark.issue(4)
def test_object_of_another_verb_is_no_investor(extractor):
    ex = extractor.extract("Tencent fully owns Riot Games, has a 40 percent stake in Epic Games and holds five percent of Ubisoft.")
    rels = relations(ex)
    assert ("investment", "Tencent", "Epic Games") in rels
    assert frozenset(("Riot Games", "Epic Games")) not in pairs(ex)
    assert frozenset(("Riot Games", "Ubisoft")) not in pairs(ex)


@pytest.mark.issue(4)
def test_company_in_what_is_said_of_a_person_is_no_party(extractor):
    ex = extractor.extract("The company counts investors such as Kleiner Perkins and Lux Capital among its backers, "
                           "as well as Steve Wozniak, who co-founded Apple.")
    assert not any("Apple" in (r.source, r.target) for r in ex.relations)


@pytest.mark.issue(4)
@pytest.mark.parametrize("text, expected", [
    ("In November 2018, ORIX Corporation acquired a 30% stake in Avolon.", ("investment", "ORIX", "Avolon")),
    ("Ströer acquired the remaining stake in Statista in 2019.", ("acquisition", "Ströer", "Statista")),
])
def test_acquiring_shares_is_an_investment_unless_it_is_the_whole(extractor, text, expected):
    rels = relations(extractor.extract(text))
    assert expected in rels
    assert len({r[0] for r in rels}) == 1


@pytest.mark.issue(4)
def test_subjects_of_conjoined_clauses_are_co_investors(extractor):
    ex = extractor.extract("Lydia, a French payments startup, has closed a series B round of $45 million (40 million euro) "
                           "that Tencent led "
                           "and in which existing backers CNP Assurances, XAnge and New Alpha also took part.")
    rels = relations(ex)
    assert ("investment", "Tencent", "Lydia") in rels
    assert frozenset(("Tencent", "CNP Assurances")) not in pairs(ex)


@pytest.mark.issue(4)
def test_subject_of_a_while_clause_is_no_party_of_the_main_verb(extractor):
    ex = extractor.extract("Nokia has landed a new contract with BT to provide 5G RAN kit and to upgrade its older 2G and "
                           "4G equipment while the operator removes Huawei from mobile arm EE's network.")
    assert not any("Huawei" in (r.source, r.target) for r in ex.relations)


@pytest.mark.issue(4)
def test_supplier_word_naming_a_line_of_business_is_no_supply(extractor):
    ex = extractor.extract("Uber offloaded its food delivery arm Uber Eats to Zomato Ltd.")
    assert not any(r.type == "supplier" for r in ex.relations)


@pytest.mark.issue(4)
@pytest.mark.parametrize("text, expected", [
    ("Foxconn signed a supply deal with Apple.", ("supplier", "Foxconn", "Apple")),
    ("Microsoft signs virtual power purchase deal with EDP Renewables.", ("supplier", "EDP Renewables", "Microsoft")),
])
def test_deal_named_by_its_kind_takes_that_type(extractor, text, expected):
    assert relations(extractor.extract(text)) == {expected}


@pytest.mark.issue(4)
def test_rival_before_a_name_stands_where_the_name_is(extractor):
    ex = extractor.extract("According to one person, Ferrero lifted its bid for the Nestle unit last week in an effort "
                           "to beat rival Hershey.")
    assert ("competitor", "Ferrero", "Hershey") in relations(ex)


@pytest.mark.issue(4)
def test_funded_by_is_a_money_sentence(extractor):
    ex = extractor.extract("Inktank was founded by Sage Weil and initially funded by DreamHost.")
    assert ("investment", "DreamHost", "Inktank") in relations(ex)


@pytest.mark.issue(4)
def test_object_of_a_control_verb_is_the_complement_subject(extractor):
    ex = extractor.extract("Reliance Jio picks Nokia to provide 5G radio access network gear.")
    assert ("supplier", "Nokia", "Reliance Jio") in relations(ex)


@pytest.mark.issue(4)
def test_company_and_its_named_parent_are_one_group(extractor):
    ex = extractor.extract("In January 2011, Sarnoff Corporation was integrated into its parent company, SRI International.")
    assert not any(r.type in ("partnership", "supplier", "competitor") for r in ex.relations)
