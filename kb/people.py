"""Whether a name opens as a person's does: with a given name or an honorific (#4).

NER's PERSON label is a guess from the shape of a capitalised pair, and it often says PERSON
for businesses ("Crew Cuts", "Loot Drop", "Cloud Foundry"). A name whose first word is a given
name ("Geoff Entress") or a title ("Sir Percival Perry") has a person's shape of its own; one
that has neither is a person by NER's say-so only, and business evidence may overrule it.

The given names are the US census first names Faker ships (``faker.providers.person.en``,
about 7,200 names, MIT licence): a maintained list that works offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from kb.lexicon import word_class

__all__ = ["given_names", "opens_as_person"]

#: Honorifics before a name: "Mr", "Sir", "Dr" (compared lower case, without a final dot).
_TITLES = word_class("personal_titles")


@cache
def given_names() -> frozenset[str]:
    """First names of people, capitalised as written: "Richard", "Geoff" (loaded once)."""
    from faker.providers.person.en import Provider  # imported here: only this list is needed

    return frozenset(Provider.first_names)


def opens_as_person(words: Sequence[str]) -> bool:
    """Does a name of two or more words start with a given name or a title?

    "Geoff Entress", "Dr Maria Lopez": yes. "Crew Cuts", "Loot Drop", "Addition Elle": no, so
    a PERSON label on them is NER's guess alone. A one-word name has no personal shape to read.
    """
    if len(words) < 2:
        return False
    first = words[0].rstrip(".")
    return first in given_names() or first.lower() in _TITLES
