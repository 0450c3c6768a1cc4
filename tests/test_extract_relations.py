"""Relations: types, direction (passive, inverse triggers), coordination, negation, speculation."""

from __future__ import annotations

import pytest

from kb.deal_terms import parse_amount
from tests.fixtures.extracted import pairs, relations


def test_active_acquisition_points_from_buyer_to_bought(extractor):
    ex = extractor.extract("Cisco agreed to acquire Splunk for $28 billion in cash.")
    assert ("acquisition", "Cisco", "Splunk") in relations(ex)


def test_passive_acquisition_keeps_the_direction(extractor):
    ex = extractor.extract("Splunk was acquired by Cisco in a $28 billion deal.")
    assert ("acquisition", "Cisco", "Splunk") in relations(ex)


def test_funding_round_investors_point_to_the_startup(extractor):
    ex = extractor.extract("Databricks raised $500 million in a round led by Sequoia Capital.")
    assert ("investment", "Sequoia Capital", "Databricks") in relations(ex)


def test_co_investors_are_not_related_to_each_other(extractor):
    ex = extractor.extract("Andreessen Horowitz and Sequoia Capital invested $20 million in Figma.")
    rels = relations(ex)
    assert ("investment", "Andreessen Horowitz", "Figma") in rels
    assert ("investment", "Sequoia Capital", "Figma") in rels
    assert not any({"Andreessen Horowitz", "Sequoia Capital"} <= set(r[1:]) for r in rels)


@pytest.mark.parametrize(
    ("text", "investee"),
    [
        ("Acme Robotics raised $50 million in a round led by Sequoia Capital, with participation from Accel.",
         "Acme Robotics"),
        ("It raised $20 million from Sequoia Capital and Accel, Acme Robotics said.", None),
    ],
)
def test_investors_in_one_raise_are_not_related_to_each_other(extractor, text, investee):
    """Whoever a funding verb names besides its subject gave the money: they are co-investors."""
    ex = extractor.extract(text)
    assert frozenset({"Sequoia Capital", "Accel"}) not in pairs(ex)
    if investee:
        assert ("investment", "Accel", investee) in relations(ex)


def test_coordination_links_every_party(extractor):
    ex = extractor.extract(
        "OpenAI, in collaboration with Microsoft, has announced a new partnership with Oracle to expand capacity."
    )
    rels = relations(ex)
    assert ("partnership", "OpenAI", "Oracle") in rels
    assert ("partnership", "Microsoft", "OpenAI") in rels


@pytest.mark.parametrize("deal", ["licensing deal", "print syndication deal", "deal"])
def test_a_deal_signed_with_a_company_is_a_partnership(extractor, deal):
    """The parser often hangs "with Acme Media" on "signed", not on the deal noun."""
    ex = extractor.extract(f"The Indian Express Group signed a {deal} with Acme Media.")
    assert ("partnership", "Acme Media", "Indian Express Group") in relations(ex)


@pytest.mark.parametrize("text", ["Microsoft added OpenAI as a partner.", "Microsoft named OpenAI as a strategic partner.",
                                  "Microsoft signed OpenAI as a new distribution partner."])
def test_a_company_given_the_role_of_partner_is_a_partner(extractor, text):
    assert ("partnership", "Microsoft", "OpenAI") in relations(extractor.extract(text))


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("Anthropic counts Amazon and Google among its biggest investors.", ("investment", "Google", "Anthropic")),
        ("Acme Robotics counts Siemens among its customers.", ("supplier", "Acme Robotics", "Siemens")),
        ("Acme Robotics lists Siemens among its suppliers.", ("supplier", "Siemens", "Acme Robotics")),
        ("Nvidia counts Microsoft, Meta and Google as its biggest customers.", ("supplier", "Nvidia", "Meta")),
    ],
)
def test_a_company_counted_among_a_companys_parties_takes_that_role(extractor, text, relation):
    assert relation in relations(extractor.extract(text))


def test_companies_that_jointly_make_something_are_partners(extractor):
    ex = extractor.extract("Pfizer and BioNTech jointly developed the vaccine.")
    assert ("partnership", "BioNTech", "Pfizer") in relations(ex)


@pytest.mark.parametrize(
    ("text", "relation"),
    [
        ("Foxconn, Apple's largest supplier, plans a new factory.", ("supplier", "Foxconn", "Apple")),
        ("Ericsson, Nokia's main rival, reported results on Tuesday.", ("competitor", "Ericsson", "Nokia")),
    ],
)
def test_an_apposition_owned_by_another_company_relates_the_two(extractor, text, relation):
    """"Foxconn, Apple's supplier" is no list of Foxconn and Apple: Apple owns what Foxconn is."""
    assert relation in relations(extractor.extract(text))


@pytest.mark.parametrize("text", ["Shell agreed to sell its stake in the project to TotalEnergies.",
                                  "Microsoft's investment in the new venture helped OpenAI."])
def test_a_stake_in_something_that_is_no_company_relates_no_companies(extractor, text):
    assert not pairs(extractor.extract(text), "investment")


@pytest.mark.parametrize(
    ("text", "relation", "owner"),
    [
        ("Google parent Alphabet invested $5 billion in Waymo.", ("investment", "Alphabet", "Waymo"), "Google"),
        ("Alphabet subsidiary Waymo partnered with Uber.", ("partnership", "Uber", "Waymo"), "Alphabet"),
        ("Intel unit Mobileye signed a deal with BMW.", ("partnership", "BMW", "Mobileye"), "Intel"),
        ("Amazon-owned Whole Foods signed a deal with Instacart.", ("partnership", "Instacart", "Whole Foods"), "Amazon"),
    ],
)
def test_a_company_named_only_through_its_parent_or_unit_is_no_party(extractor, text, relation, owner):
    rels = relations(extractor.extract(text))
    assert relation in rels
    assert not any(owner in r[1:] for r in rels)


@pytest.mark.parametrize(
    ("text", "relation", "adviser"),
    [
        ("Goldman Sachs advised Broadcom on its acquisition of VMware.", ("acquisition", "Broadcom", "VMware"), "Goldman Sachs"),
        ("Accenture helped Walmart with its purchase of Flipkart.", ("acquisition", "Walmart", "Flipkart"), "Accenture"),
    ],
)
def test_its_deal_after_an_advising_verb_is_the_advised_companys(extractor, text, relation, adviser):
    rels = relations(extractor.extract(text))
    assert relation in rels
    assert not any(adviser in r[1:] for r in rels)


def test_a_backer_named_in_a_compound_invests_and_is_no_partner(extractor):
    rels = relations(extractor.extract("SoftBank-backed Arm partnered with Intel."))
    assert ("partnership", "Arm", "Intel") in rels
    assert ("investment", "SoftBank", "Arm") in rels
    assert not any(r[0] == "partnership" and "SoftBank" in r[1:] for r in rels)


def test_supplier_points_from_supplier_to_customer(extractor):
    ex = extractor.extract("Oracle also provides infrastructure to xAI, Elon Musk’s rival AI venture.")
    assert ("supplier", "Oracle", "xAI") in relations(ex)


def test_ordering_from_a_company_makes_it_the_supplier(extractor):
    assert ("supplier", "Airbus", "Delta Air Lines") in relations(extractor.extract("Delta Air Lines ordered 20 jets from Airbus."))


def test_buying_from_a_supplier_is_a_supplier_relation(extractor):
    ex = extractor.extract("Tesla buys its battery cells from Panasonic.")
    assert ("supplier", "Panasonic", "Tesla") in relations(ex)


def test_competitor_is_undirected(extractor):
    ex = extractor.extract("Walmart competes with Amazon in online grocery.")
    assert ("competitor", "Amazon", "Walmart") in relations(ex)


@pytest.mark.parametrize(
    "text",
    [
        "Microsoft is not partnering with Oracle on the data center.",
        "Uber and Lyft denied that they are discussing a merger.",
        "Nvidia has no plans to invest in Intel.",
        "Nvidia said there was no agreement to supply chips to Intel.",
    ],
)
def test_negated_relation_is_not_output(extractor, text):
    assert not extractor.extract(text).relations


@pytest.mark.parametrize(
    "text",
    [
        "Apple may partner with Anthropic on a new assistant.",
        "Broadcom is in talks to acquire VMware, people familiar with the matter said.",
    ],
)
def test_speculation_is_not_output(extractor, text):
    assert not extractor.extract(text).relations


def test_evidence_offsets_refer_to_the_title_plus_text(extractor):
    from kb.records import document_text

    title, text = "Cisco buys Splunk", "Cisco agreed to acquire Splunk for $28 billion."
    ex = extractor.extract(text, title=title)
    full = document_text(title, text)
    assert ex.relations
    for r in ex.relations:
        assert full[r.start:r.end].strip() == r.sentence


@pytest.mark.parametrize(
    ("text", "expected"),
    [("$13 billion", (13e9, "USD")), ("€40 million", (40e6, "EUR")), ("$90 mln", (90e6, "USD")),
     ("250 million euros", (250e6, "EUR")), ("$4.7bn", (4.7e9, "USD"))],
)
def test_amounts_are_parsed_with_currency(text, expected):
    assert parse_amount(text) == expected


def test_amount_without_currency_is_not_a_deal_amount():
    assert parse_amount("600 engines") is None


def test_the_company_refers_to_the_salient_company(extractor):
    ex = extractor.extract(
        "AT&T reported results on Tuesday. The company also has partnerships with Ericsson and Nokia."
    )
    rels = relations(ex)
    assert ("partnership", "AT&T", "Ericsson") in rels
    assert ("partnership", "Ericsson", "Nokia") not in rels


def test_paying_for_a_company_is_an_acquisition(extractor):
    ex = extractor.extract("Hershey will pay about $921 million for Amplify Snack Brands, maker of SkinnyPop popcorn.")
    assert ("acquisition", "Hershey", "Amplify Snack Brands") in relations(ex)


def test_majority_stake_is_an_acquisition(extractor):
    ex = extractor.extract("Cisco bought a majority stake in Splunk, the developer of data tools.")
    assert ("acquisition", "Cisco", "Splunk") in relations(ex)


def test_apposed_rival_survives_a_negated_clause(extractor):
    ex = extractor.extract("MTN Group is not negotiating to buy Telkom SA, its South African rival, the CEO said.")
    rels = relations(ex)
    assert any(r[0] == "competitor" and any(n.startswith("MTN") for n in r) and any(n.startswith("Telkom") for n in r) for r in rels)
    assert not any(r[0] == "acquisition" for r in rels)


def test_seller_of_a_business_arm_is_not_the_acquired_company(extractor):
    ex = extractor.extract("Phoenix Group agreed to acquire the UK arm of Swiss Re for $4.1 billion.")
    assert ("acquisition", "Phoenix Group", "Swiss Re") not in relations(ex)


def test_reseller_is_the_customer(extractor):
    ex = extractor.extract("Under the alliance, CyberFOX will resell Blackpoint's cybersecurity solutions.")
    assert ("supplier", "Blackpoint", "CyberFOX") in relations(ex)


def test_apposed_rival_next_to_an_acquisition_is_both(extractor):
    ex = extractor.extract("Microchip Technology announced it is acquiring Microsemi, a semiconductor rival, for $8.3 billion.")
    rels = relations(ex)
    assert ("acquisition", "Microchip Technology", "Microsemi") in rels
    assert ("competitor", "Microchip Technology", "Microsemi") in rels


def test_party_noun_relates_only_the_companies_it_is_bound_to(extractor):
    ex = extractor.extract(
        "Sequoia Capital led the round, with Fujifilm, Ripcord's joint venture partner, also taking part.")
    rels = relations(ex)
    assert ("partnership", "Fujifilm", "Ripcord") in rels
    assert not any(r[0] == "partnership" and "Sequoia Capital" in r[1:] for r in rels)


def test_last_member_of_a_long_list_is_as_close_as_the_first(extractor):
    ex = extractor.extract(
        "Colossal Media has worked with brands including Stella Artois, Apple, Nike, Coca-Cola, Google, Samsung and Gucci.")
    rels = relations(ex)
    assert ("partnership", "Apple", "Colossal Media") in rels
    assert ("partnership", "Colossal Media", "Gucci") in rels
    assert ("partnership", "Apple", "Gucci") not in rels


def test_listed_customers_are_the_targets_of_the_company_that_has_them(extractor):
    ex = extractor.extract("Novero has customers including Audi, Bentley, BMW and Volkswagen.")
    rels = relations(ex)
    assert ("supplier", "Novero", "Audi") in rels
    assert ("supplier", "Novero", "Volkswagen") in rels
    assert not any(r[0] == "supplier" and r[2] == "Novero" for r in rels)


def test_agent_of_a_round_led_by_an_investor_is_not_the_raiser(extractor):
    ex = extractor.extract("In November 2015, PlanGrid raised a $40 million Series B led by Tenaya Capital.")
    assert ("investment", "Tenaya Capital", "PlanGrid") in relations(ex)


def test_investors_a_round_comes_from_are_the_sources(extractor):
    ex = extractor.extract("Upstart raised a $1.75 million seed round from First Round Capital and Kleiner Perkins.")
    rels = relations(ex)
    assert ("investment", "First Round Capital", "Upstart") in rels
    assert ("investment", "Kleiner Perkins", "Upstart") in rels
    assert not any(r[0] == "investment" and r[1] == "Upstart" for r in rels)


@pytest.mark.parametrize("text", [
    "Splunk agreed to be acquired by Cisco for $28 billion.",
    "Cisco has agreed to buy Splunk for $28 billion.",
])
def test_subject_of_a_control_verb_takes_part_in_its_complement(extractor, text):
    rels = relations(extractor.extract(text))
    assert ("acquisition", "Cisco", "Splunk") in rels
    assert ("acquisition", "Splunk", "Cisco") not in rels


def test_owner_named_in_a_description_is_no_party_of_the_sentence(extractor):
    ex = extractor.extract(
        "CFM International, a joint venture of France's Safran and America's General Electric, "
        "secured the order despite IndiGo's existing ties with Pratt & Whitney.")
    rels = relations(ex)
    assert ("partnership", "General Electric", "Safran") in rels
    assert not any("IndiGo" in r[1:] and ({"Safran", "General Electric"} & set(r[1:])) for r in rels)


def test_list_hung_on_a_description_keeps_its_members(extractor):
    ex = extractor.extract("In 2015, Patheon acquired Agere Pharmaceuticals, an Oregon drug company, and IRIX, "
                           "a maker of pharmaceutical ingredients, the latter for $162 million.")
    rels = relations(ex)
    assert ("acquisition", "Patheon", "Agere Pharmaceuticals") in rels
    assert ("acquisition", "Patheon", "IRIX") in rels


def test_company_investing_with_another_is_its_co_investor(extractor):
    ex = extractor.extract("Kleiner Perkins invested $20 million in Databricks with Fujitsu.")
    rels = relations(ex)
    assert ("investment", "Kleiner Perkins", "Databricks") in rels
    assert not any(r[0] == "investment" and {"Fujitsu", "Kleiner Perkins"} <= set(r[1:]) for r in rels)


@pytest.mark.parametrize("text", [
    "In 2014, Warner Bros co-produced a cookery series with HBO.",
    "In 2012, Vero Insurance signed a sponsorship of the Brisbane Lions together with Mazda.",
])
def test_co_production_and_sponsorship_are_partnerships(extractor, text):
    rels = relations(extractor.extract(text))
    assert any(r[0] == "partnership" for r in rels)


@pytest.mark.parametrize("text, supplier, customer", [
    ("Graftgold produced a number of titles for Telecomsoft from 1987 until 1989.", "Graftgold", "Telecomsoft"),
    ("In 2014 Geoservice was hired by Southern Copper to prepare water studies.", "Geoservice", "Southern Copper"),
])
def test_work_done_for_a_company_makes_it_the_customer(extractor, text, supplier, customer):
    assert ("supplier", supplier, customer) in relations(extractor.extract(text))


def test_making_something_without_a_customer_is_no_supply(extractor):
    ex = extractor.extract("Microsoft develops its own chips, while Amazon designs servers.")
    assert not any(r[0] == "supplier" for r in relations(ex))


def test_reported_would_states_the_commitment(extractor):
    ex = extractor.extract("WSFS and Beneficial announced that WSFS would acquire Beneficial, with the deal closing in 2019.")
    assert ("acquisition", "WSFS", "Beneficial") in relations(ex)


def test_roundup_pact_takes_the_type_of_the_verb_that_says_what_it_does(extractor):
    text = ("Oracle and OpenAI: A $300 billion pact under which OpenAI is furnished with computing power.\n"
            "AMD and Intel: A long-term agreement to work on chip packaging.")
    rels = relations(extractor.extract(text))
    assert ("supplier", "Oracle", "OpenAI") in rels
    assert ("partnership", "AMD", "Intel") in rels


def test_roundup_body_that_names_both_says_the_relation_itself(extractor):
    rels = relations(extractor.extract("IBM and Red Hat: IBM closed its $34 billion purchase of Red Hat in 2019."))
    assert rels == {("acquisition", "IBM", "Red Hat")}


def test_companies_counted_among_customers_are_the_customers(extractor):
    ex = extractor.extract("UiPath, a major RPA vendor that counts Uber and CrowdStrike among its 10,000 customers, "
                           "unveiled new features.")
    rels = relations(ex)
    assert ("supplier", "UiPath", "Uber") in rels
    assert ("supplier", "UiPath", "CrowdStrike") in rels


def test_joint_venture_named_by_its_modifier_is_not_its_owners_partner(extractor):
    ex = extractor.extract("Siemens-Bosch joint venture BSH is up against Whirlpool for a deal covering some 250 ovens.")
    rels = relations(ex)
    assert ("partnership", "Bosch", "Siemens") in rels
    assert not any(r[0] == "partnership" and "BSH" in r[1:] for r in rels)


def test_counterparts_of_two_separate_deals_are_not_partners(extractor):
    ex = extractor.extract(
        "The deal with Ericsson comes after T-Mobile signed a separate equipment deal with Nokia in July.")
    rels = relations(ex)
    assert ("partnership", "Nokia", "T-Mobile") in rels
    assert ("partnership", "Ericsson", "Nokia") not in rels


def test_company_inside_a_subordinate_clause_with_its_own_trigger_is_not_the_nouns_party(extractor):
    ex = extractor.extract("The alliance with Nokia drew attention because Nokia also supplies radios to Ericsson.")
    rels = relations(ex)
    assert ("supplier", "Nokia", "Ericsson") in rels
    assert ("partnership", "Ericsson", "Nokia") not in rels
