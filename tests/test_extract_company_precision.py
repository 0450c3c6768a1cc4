"""Company precision: aliases merged into one company, and names that are not companies (#4)."""

from __future__ import annotations

import pytest

from kb.companies import company_key
from tests.fixtures.extracted import names


@pytest.mark.issue(4)
def test_suffix_pair_with_ampersand_folds_to_the_bare_name():
    assert company_key("Fresenius SE & Co.") == company_key("Fresenius") == "fresenius"
    assert company_key("Johnson & Johnson") == "johnson & johnson"


@pytest.mark.issue(4)
def test_ticker_used_alone_is_the_company(extractor):
    ex = extractor.extract(
        "QuantumScape Corporation (NYSE: QS) signed a deal with PowerCo. QS expects payments to start in 2025."
    )
    assert names(ex) == ["PowerCo", "QuantumScape"]


@pytest.mark.issue(4)
def test_initials_used_alone_are_the_company_named_in_full(extractor):
    ex = extractor.extract(
        "Cosco Group is negotiating to buy Orient Overseas Container Line Co., a smaller rival. "
        "OOCL controls 2.8% of the worldwide shipping market."
    )
    assert "OOCL" not in names(ex)
    assert "Orient Overseas Container Line" in names(ex)


@pytest.mark.issue(4)
def test_company_in_brackets_after_another_is_not_its_alias(extractor):
    ex = extractor.extract("RTTS supports testing tools from Rational Software (now a part of IBM) and Microsoft.")
    assert {"Rational Software", "IBM"} <= set(names(ex))


@pytest.mark.issue(4)
def test_short_form_of_a_name_with_of_and_a_place_is_the_same_company(extractor):
    ex = extractor.extract(
        "National Bank of Canada reported profits above forecasts. "
        "Canadian Western Bank awaits approval of its purchase by National Bank."
    )
    assert "National Bank" not in names(ex)


@pytest.mark.issue(4)
@pytest.mark.parametrize("text, phrase", [
    ("ObvioHealth, which operates globally as a Virtual Research Organization, raised $31 million.",
     "Virtual Research Organization"),
    ("Brookfield will acquire, via its Super-Core Infrastructure strategy, a 19.7% stake in Duke Energy Florida. "
     "Sam Pollock said Brookfield is pleased to be partnering with Duke Energy, via Brookfield’s Super-Core "
     "Infrastructure strategy.", "Super-Core Infrastructure"),
])
def test_dictionary_words_after_an_article_or_its_are_a_common_noun_phrase(extractor, text, phrase):
    assert phrase not in names(extractor.extract(text))


@pytest.mark.issue(4)
def test_dictionary_words_in_a_semicolon_list_are_categories(extractor):
    ex = extractor.extract(
        "General Motors named Nexteer a Supplier of the Year. Winners were judged against measures in "
        "Logistics; Customer Care and Aftersales; Global Purchasing and Manufacturing Services; and Product Purchasing."
    )
    assert "Customer Care" not in names(ex)
    assert "Manufacturing Services" not in names(ex)


@pytest.mark.issue(4)
@pytest.mark.parametrize("text, code", [
    ("The revised agreement aims to speed up the pilot line for developing QSE-5 batteries. The agreement lets "
     "PowerCo get involved sooner in production work on QSE-5, helping QS’s pilot line ramp up. It reflects their "
     "common belief that QSE-5 is a platform that can reshape the battery sector.", "QSE-5"),
    ("Bristol Myers Squibb and Eisai agreed to co-develop MORAb-202, an antibody drug conjugate.", "MORAb-202"),
    ("Certified to ITAR and ISO9001:2015, Impulse Technologies has served the industry for 30 years.", "ISO9001:2015"),
])
def test_model_codes_and_standards_are_not_companies(extractor, text, code):
    assert code not in names(extractor.extract(text))


@pytest.mark.issue(4)
def test_capitalised_preposition_is_not_a_company(extractor):
    ex = extractor.extract(
        "Space is Lockheed’s third-biggest business. Via the United Launch Alliance — a joint venture it runs "
        "together with Boeing — the company battles Elon Musk’s SpaceX for launch contracts from the U.S. government."
    )
    assert "Via" not in names(ex)


@pytest.mark.issue(4)
def test_index_provider_opening_an_index_name_is_not_a_company_there(extractor):
    ex = extractor.extract("TBC PLC is part of the FTSE 250 Index and features in the MSCI United Kingdom Small Cap Index.")
    assert "MSCI" not in names(ex)
    assert "FTSE" not in names(ex)


@pytest.mark.issue(4)
def test_name_after_a_particle_is_a_persons_name(extractor):
    ex = extractor.extract("Schölly helped develop imaging technology for the da Vinci robotic surgical systems made by Intuitive.")
    assert "Vinci" not in names(ex)


@pytest.mark.issue(4)
def test_place_after_a_measure_is_not_a_company(extractor):
    ex = extractor.extract(
        "Microsoft signed a deal with EDP Renewables. According to EDP, the Illinois projects — the 140 MW "
        "Jacksonville solar installation and a 110 MW park close to Jerseyville — started operating last November."
    )
    assert not any("Jacksonville" in name for name in names(ex))


@pytest.mark.issue(4)
def test_names_a_brands_noun_includes_are_brands(extractor):
    ex = extractor.extract("The brands being sold in the Unilever deal include Blue Band, Becel, Country Crock and Flora.")
    assert "Blue Band" not in names(ex)
    assert "Unilever" in names(ex)


@pytest.mark.issue(4)
def test_name_described_as_a_brand_is_a_brand(extractor):
    ex = extractor.extract(
        "Mondelez was hammering out final terms to take over the business, which includes Arnott’s, the Australian "
        "cookie brand, and Kelsen Group, a Danish maker of baked snacks."
    )
    assert "Arnott" not in names(ex)
    assert "Kelsen Group" in names(ex)


@pytest.mark.issue(4)
def test_company_listed_before_a_plural_brands_noun_stays_a_company(extractor):
    ex = extractor.extract(
        "Rosauers was sold in 1984 to URM Stores, and it grew to 22 stores under the Huckleberry's Natural Market, "
        "Rosauers, and Super 1 Foods brands."
    )
    assert "Rosauers" in names(ex)


@pytest.mark.issue(4)
def test_plural_dictionary_words_after_its_are_a_common_noun_phrase(extractor):
    ex = extractor.extract(
        "365 Data Centers offers Network and Cloud solutions. Besides its Data Centers in Alpharetta, "
        "365 Data Centers runs offices in Norwalk."
    )
    assert names(ex) == ["365 Data Centers"]


@pytest.mark.issue(4)
def test_known_company_as_a_persons_surname_is_not_a_company(extractor):
    ex = extractor.extract(
        "GLS bought Golden State Overnight. Chief executive officer Dana Hyatt will stay on to lead the company."
    )
    assert "Hyatt" not in names(ex)


@pytest.mark.issue(4)
def test_role_defined_for_a_company_is_that_company(extractor):
    ex = extractor.extract(
        'Novartis AG (NYSE: NVS) ("Novartis") said today that Medusa Merger Corporation ("Purchaser"), a subsidiary '
        "it owns, has completed its tender offer. The depositary informed Purchaser that the offer expired. "
        "Novartis will merge Purchaser into The Medicines Company."
    )
    assert "Purchaser" not in names(ex)
    assert "Medusa Merger" in names(ex)


@pytest.mark.issue(4)
def test_name_after_its_is_the_companys_own_line(extractor):
    ex = extractor.extract(
        "Toyota president Akio Toyoda said Mazda, as its Skyactiv Technologies and Kodo design show, "
        "has demonstrated that it thinks ahead about the future of vehicles."
    )
    assert "Skyactiv Technologies" not in names(ex)


@pytest.mark.issue(4)
def test_nationality_opening_a_registered_name_stays(extractor):
    ex = extractor.extract(
        "American Stock Transfer & Trust Company, LLC, which acted as depositary for the tender offer, "
        "informed Novartis that the offer expired."
    )
    assert "American Stock Transfer & Trust" in names(ex)


@pytest.mark.issue(4)
def test_name_is_cut_before_what_it_works_on(extractor):
    ex = extractor.extract(
        "Submarine Cable Salvage said it is honored to put its experience to work for Ocean Networks on HIFL. "
        "Ocean Networks carries overall responsibility for the project."
    )
    assert "Ocean Networks on HIFL" not in names(ex)
    assert "Ocean Networks" in names(ex)


@pytest.mark.issue(4)
def test_cloud_platform_is_a_product_of_its_owner(extractor):
    ex = extractor.extract(
        "Straight from 365 Data Centers, they will be able to reach direct-to-cloud, Transport and DIA connections "
        "to every major public cloud hyperscaler, including Amazon Web Services (AWS), Microsoft Azure, "
        "Google Cloud Platform (GCP), Oracle Cloud and IBM Cloud."
    )
    assert not any(name.startswith("Google") for name in names(ex))
    assert "Amazon Web Services" in names(ex)


@pytest.mark.issue(4)
@pytest.mark.parametrize("text, company", [
    ("Omnicare took kickbacks from Acme Pharma to recommend Risperdal, a Johnson & Johnson antipsychotic drug.",
     "Johnson & Johnson"),
    ("Reliance said its Jio Platforms subsidiary raised $1 billion from Rayonier.", "Jio Platforms"),
])
def test_name_modifying_a_noun_after_an_article_or_its_is_still_a_name(extractor, text, company):
    assert company in names(extractor.extract(text))

