"""List members the rules used to leave out (issue #4): names listed with companies, or given as
examples of a business noun, are companies, and a relation found for one member reaches all."""

from __future__ import annotations

import pytest

from tests.fixtures.extracted import names, pairs

BRIGHTMAIL = ("Brightmail had partnerships with major Email providers and ISPs including Netscape, Sendmail, Hotmail "
              "and Software.com. Other partners include AT & T WorldNet Service, Concentric Network, EarthLink, "
              "Excite, FastNet, FlashNet, Juno Online Services and USA.net.")


@pytest.mark.issue(4)
def test_dictionary_word_in_a_list_of_companies_is_a_company(extractor):
    assert "Excite" in names(extractor.extract(BRIGHTMAIL))


@pytest.mark.issue(4)
@pytest.mark.parametrize("member", ["EarthLink", "Excite", "FastNet"])
def test_relation_found_for_a_list_reaches_every_member(extractor, member):
    assert frozenset(("Brightmail", member)) in pairs(extractor.extract(BRIGHTMAIL), "partnership")


@pytest.mark.issue(4)
def test_list_member_keeps_its_counterpart_not_a_co_member_s(extractor):
    ex = extractor.extract("Ripcord's existing backers such as Kleiner Perkins, Google Ventures, Icon Ventures, "
                           "Lux Capital, and MUIP led the round, with FUJIFILM Business Innovation, Ripcord's "
                           "Japanese joint venture partner, taking on additional equity.")
    assert frozenset(("Ripcord", "Icon Ventures")) in pairs(ex, "investment")
    assert frozenset(("FUJIFILM Business Innovation", "Icon Ventures")) not in pairs(ex)


@pytest.mark.issue(4)
def test_possessive_inside_a_list_member_keeps_the_list_whole(extractor):
    ex = extractor.extract("Zaggora has formed partnerships with major retailers including Equinox Fitness, "
                           "Boots UK, Dick’s Sporting Goods, Selfridges, and others.")
    assert frozenset(("Zaggora", "Selfridges")) in pairs(ex, "partnership")


@pytest.mark.issue(4)
def test_party_noun_vouches_for_a_dictionary_word_tagged_as_product(extractor):
    ex = extractor.extract("NorthSouth produces programming for cable networks including Peacock, HGTV, Discovery, "
                           "TLC, MTV and SyFy.")
    assert "Discovery" in names(ex)


@pytest.mark.issue(4)
def test_word_tagged_as_place_in_a_list_held_by_companies_is_a_company(extractor):
    ex = extractor.extract("Wells and Young's supplies other pub company sites (including Enterprise Inns, Punch, "
                           "Spirit, Admiral Taverns and Stonegate Pub Company).")
    assert "Punch" in names(ex)


@pytest.mark.issue(4)
@pytest.mark.parametrize("text, outsider", [
    ("Tesla sells cars in many markets, including France, Germany, Norway and Japan.", "Norway"),
    ("Apple sells devices such as iPhone, iPad, Mac and Apple Watch to Verizon, AT&T and Sprint.", "Apple Watch"),
    ("Brightmail signed partners such as Concentric Network, EarthLink, Excite, France and FastNet.", "France"),
])
def test_places_and_products_in_a_party_list_stay_out(extractor, text, outsider):
    assert outsider not in names(extractor.extract(text))


@pytest.mark.issue(4)
@pytest.mark.parametrize("member", ["RockYou", "Mogol"])
def test_known_companies_ner_took_for_places_do_not_make_a_list_of_places(extractor, member):
    ex = extractor.extract("In its existence, Loot Drop had developed games for RockYou, Electronic Arts, Ubisoft, "
                           "Mogol, and Zynga.")
    assert member in names(ex)


@pytest.mark.issue(4)
def test_list_read_on_the_surface_reaches_members_past_an_unknown_one(extractor):
    ex = extractor.extract("Code Rebel later relocated to the United States mainland. Customers included Fortune 500 "
                           "companies by late 2014, including AT & T, Microsoft, Cisco, IBM, Bloomberg, Lloyds Bank, "
                           "Merck, Panasonic and IKEA.")
    assert frozenset(("Code Rebel", "IKEA")) in pairs(ex, "supplier")


@pytest.mark.issue(4)
def test_member_of_a_list_is_not_the_counterpart_of_its_own_list(extractor):
    ex = extractor.extract("The company was backed by investors Sequoia Capital, Intel Capital, Goldman Sachs, DLJ, "
                           "Walden and Mofet.")
    assert frozenset(("Walden", "Goldman Sachs")) not in pairs(ex)


@pytest.mark.issue(4)
def test_subject_of_include_announces_the_list(extractor):
    ex = extractor.extract("Distributors for Screen Door's films have included Alliance Atlantis, Seville, Power, "
                           "Marvista, and Oasis.")
    assert "Marvista" in names(ex)
