"""Relation patterns of issue #4: who is a party of a trigger, on the small model's parse."""

from __future__ import annotations

import pytest


def relations(extraction):
    out = set()
    for r in extraction.relations:
        pair = tuple(sorted((r.source, r.target))) if r.type in ("partnership", "competitor") else (r.source, r.target)
        out.add((r.type, *pair))
    return out


def pairs(extraction):
    return {frozenset((r.source, r.target)) for r in extraction.relations}


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
