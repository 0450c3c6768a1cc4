"""The word classes the extractors share, loaded once from ``data/word_classes.toml`` (#4).

A word class is a named set of lemmas or word forms that a linguist would extend ("party nouns",
"listing verbs"); the rules in kb.companies and kb.relations test tokens against them. Each class
has one home, the data file, with a comment saying what it is for; grammar tied to the code
(dependency and entity labels, punctuation, determiners) stays in the module that uses it.

Asking for a class the file lacks raises ``UnknownWordClass`` at import time, and the names
asked for are recorded, so a test can check that every class in the file is used.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

__all__ = ["UnknownWordClass", "class_names", "requested_classes", "word_class"]

_FILE = "data/word_classes.toml"
_requested: set[str] = set()


class UnknownWordClass(LookupError):
    """A word class the data file does not define: a typo in the code or a class removed from the file."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{_FILE}: no word class {name!r}")
        self.name = name


@cache
def _classes() -> dict[str, frozenset[str]]:
    data = tomllib.loads(resources.files("kb").joinpath(_FILE).read_text(encoding="utf-8"))
    return {name: frozenset(words) for name, words in data.items()}


def word_class(name: str) -> frozenset[str]:
    """The words of the class ``name``, as written in the data file (case is kept)."""
    try:
        words = _classes()[name]
    except KeyError as e:
        raise UnknownWordClass(name) from e
    _requested.add(name)
    return words


def class_names() -> frozenset[str]:
    """Every class the data file defines."""
    return frozenset(_classes())


def requested_classes() -> frozenset[str]:
    """The classes the code has asked for so far (all of them once kb.relations is imported)."""
    return frozenset(_requested)
