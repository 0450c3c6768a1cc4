"""Partnership: which companies near a partnership word are its parties (#4)."""

from __future__ import annotations

from kb.relations import _outside_event_description
from tests.fixtures.extracted import pairs

ULA = ("Space is Lockheed’s third-biggest business and accounted for 18 percent of its revenue in 2019.\n\n"
       "Via the United Launch Alliance — a joint venture it runs together with Boeing — the company battles "
       "Elon Musk’s SpaceX for launch contracts from the U.S. government.")


def test_joint_venture_description_relates_only_the_parties_it_names(extractor):
    found = pairs(extractor.extract(ULA), "partnership")
    assert frozenset(("Lockheed", "Boeing")) in found
    assert not any("SpaceX" in pair or "United Launch Alliance" in pair for pair in found)


def test_joint_venture_description_with_one_side_keeps_the_outside_founder(nlp):
    doc = nlp("Dow Chemical formed Sadara Chemical Company, a joint venture with Saudi Aramco, in 2011.")
    venture = next(t for t in doc if t.lower_ == "venture")
    dow, aramco = doc[0:2], doc[11:13]
    assert venture.dep_ == "appos"  # the parse the rule is about
    labels = {i: "Dow Chemical" for i in range(0, 2)} | {i: "Saudi Aramco" for i in range(11, 13)}
    assert not _outside_event_description(venture, dow, labels)
    # with both sides named inside the description, the founder outside is no party
    labels[7] = "Boeing"  # as if "a" were a second company named inside
    assert _outside_event_description(venture, dow, labels)
    assert not _outside_event_description(venture, aramco, labels)


def test_working_out_terms_is_not_working_together(extractor):
    ex = extractor.extract("Fresenius and mAbxience, which is part of privately held drugmaker Insud Pharma, are "
                           "working out the final terms of a transaction that could be announced within weeks.")
    assert frozenset(("Fresenius", "mAbxience")) not in pairs(ex, "partnership")


def test_working_together_is_still_a_partnership(extractor):
    ex = extractor.extract("Fresenius and mAbxience are working together on biosimilars.")
    assert frozenset(("Fresenius", "mAbxience")) in pairs(ex, "partnership")


SYNOPTEK = ("Arrive AI, an autonomous delivery company, has picked Synoptek to be its strategic IT partner. "
            "Mark Hamm, COO of Arrive AI, said the company picked Synoptek for its strategic approach, as well "
            "as its close partnerships with Microsoft and ServiceNow.")


def test_its_partnerships_in_a_for_phrase_belong_to_the_object(extractor):
    found = pairs(extractor.extract(SYNOPTEK), "partnership")
    assert frozenset(("Synoptek", "Microsoft")) in found
    assert frozenset(("Synoptek", "ServiceNow")) in found


def test_possessed_partnerships_exclude_the_clause_subject(extractor):
    found = pairs(extractor.extract(SYNOPTEK), "partnership")
    assert frozenset(("Arrive AI", "Microsoft")) not in found
    assert frozenset(("Arrive AI", "ServiceNow")) not in found


def test_the_two_companies_are_the_pair_named_before(extractor):
    ex = extractor.extract("Nokia is already providing RAN gear across several technologies and is BT’s principal "
                           "3G supplier. The two companies will also collaborate on developing open RAN, Nokia said.")
    assert frozenset(("Nokia", "BT")) in pairs(ex, "partnership")


def test_the_two_companies_take_no_directed_relation(extractor):
    ex = extractor.extract("Shell sells fuel across Europe and BP runs refineries in Asia. "
                           "In 2019 the two companies merged.")
    assert not any({r.source, r.target} == {"Shell", "BP"} for r in ex.relations if r.type == "acquisition")


def test_a_person_joining_forces_makes_no_company_partners(extractor):
    ex = extractor.extract("Mr. Harrison has joined forces with an activist investor to push for management changes "
                           "at U.S. railroad CSX Corp., mirroring his campaign at Canadian Pacific.")
    assert frozenset(("CSX", "Canadian Pacific")) not in pairs(ex, "partnership")


def test_a_company_named_like_a_person_still_partners(extractor):
    ex = extractor.extract("Along with music artists, Jittery Joe’s has partnered with several other local Athens "
                           "businesses, such as Terrapin Beer Company, BikeAthens, and Kindercore Vinyl to create "
                           "custom coffee blends.")
    assert any("Kindercore Vinyl" in pair for pair in pairs(ex, "partnership"))


def test_in_collaboration_with_makes_a_co_actor_not_a_separate_deal(extractor):
    ex = extractor.extract("Acme, in collaboration with Globex, has announced a new partnership with Initech.")
    assert {frozenset(("Globex", "Initech")), frozenset(("Acme", "Initech"))} <= {
        frozenset((r.source, r.target)) for r in ex.relations if r.type == "partnership"}
