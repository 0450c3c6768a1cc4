"""The shared word classes (kb/lexicon.py, kb/data/word_classes.toml) load and stay consistent (#4)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import kb.relations  # noqa: F401  (imports kb.companies too: both ask for their classes at import)
from kb.lexicon import UnknownWordClass, class_names, requested_classes, word_class

DATA = Path(__file__).resolve().parent.parent / "kb" / "data" / "word_classes.toml"
RAW = tomllib.loads(DATA.read_text(encoding="utf-8"))

#: Classes compared with the token's own spelling, so case matters.
CASED = {"role_acronyms", "product_name_words", "name_abbreviations"}
#: Pairs that must share no word, with why.
DISJOINT = [
    ("held_by_business", "role_core"),  # "Smith's partner": people have roles too, a role proves no business
    ("trade_tails", "not_business_tails"),  # a last word cannot make a name a business and not one
    ("corporate_tails", "not_business_tails"),
]


@pytest.mark.parametrize("name", sorted(RAW))
def test_lexicon_class_is_a_nonempty_list_without_repeats(name):
    words = RAW[name]
    assert isinstance(words, list) and words
    assert len(words) == len(set(words)), [w for w in words if words.count(w) > 1]


@pytest.mark.parametrize("name", sorted(set(RAW) - CASED))
def test_lexicon_class_is_lower_case(name):
    assert [w for w in RAW[name] if w != w.lower()] == []


def test_lexicon_loads_every_class_as_a_frozenset():
    assert class_names() == set(RAW)
    assert word_class("listing_verbs") == frozenset(RAW["listing_verbs"])


def test_lexicon_unknown_class_raises():
    with pytest.raises(UnknownWordClass, match="listing_verb"):
        word_class("listing_verb")


def test_lexicon_every_class_is_used_by_the_extractors():
    assert sorted(class_names() - requested_classes()) == []


@pytest.mark.parametrize(("first", "second"), DISJOINT)
def test_lexicon_classes_that_must_be_disjoint_are(first, second):
    assert word_class(first) & word_class(second) == frozenset()
