"""The world gazetteer data files (#4) stay well-formed and consistent with each other.

The loader trusts these files: one company per name, products pointing at a company it knows,
and outlets/regulators kept apart. A broken line or a name claimed twice would silently merge
two companies, so the checks are strict.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "kb" / "data"
COMPANIES_WORLD = DATA / "companies_world.jsonl"
PRODUCTS_WORLD = DATA / "products_world.jsonl"
COMPANIES_CURATED = DATA / "companies.jsonl"
ORGS = DATA / "outlets_and_institutions.toml"

# The scorer and the loader compare names after folding case, a leading "the" and trailing
# legal suffixes, so "Porsche SE" and "Porsche AG" are one name: fold the same way here.
_SUFFIXES = re.compile(
    r"(,?\s+(inc|corp|corporation|co|ltd|llc|plc|ag|se|nv|sa|group|holdings|limited|company)\.?)+$"
)


def fold(name: str) -> str:
    """Fold a name the way matching does, so clashes are found as the loader would see them."""
    name = re.sub(r"\s+", " ", name.casefold().strip()).removeprefix("the ")
    return _SUFFIXES.sub("", name)


def _lines(path: Path) -> Iterator[tuple[int, dict]]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            yield number, json.loads(line)


@cache
def world_companies() -> tuple[dict, ...]:
    return tuple(row for _, row in _lines(COMPANIES_WORLD))


@cache
def world_products() -> tuple[dict, ...]:
    return tuple(row for _, row in _lines(PRODUCTS_WORLD))


@cache
def curated_companies() -> tuple[dict, ...]:
    return tuple(row for _, row in _lines(COMPANIES_CURATED))


def _names(row: dict) -> list[str]:
    return [row["name"], *row.get("aliases", [])]


@pytest.mark.parametrize("path", [COMPANIES_WORLD, PRODUCTS_WORLD], ids=lambda p: p.name)
def test_gazetteer_every_line_is_one_json_object(path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{number} is blank"
        assert isinstance(json.loads(line), dict), f"{path.name}:{number} is not an object"


def test_gazetteer_companies_have_name_aliases_and_only_known_keys():
    for row in world_companies():
        assert set(row) <= {"name", "aliases", "ambiguous"}, row
        assert isinstance(row["name"], str) and row["name"].strip() == row["name"] != "", row
        assert isinstance(row["aliases"], list), row
        assert all(isinstance(a, str) and a.strip() == a != "" for a in row["aliases"]), row
        assert row.get("ambiguous", True) is True, "write ambiguous only when it is true"


def test_gazetteer_products_have_name_and_owner_and_only_known_keys():
    for row in world_products():
        assert set(row) <= {"name", "owner", "ambiguous"}, row
        assert row["name"].strip() == row["name"] != "", row
        assert row["owner"].strip() == row["owner"] != "", row
        assert row.get("ambiguous", True) is True, "write ambiguous only when it is true"


def test_gazetteer_no_name_or_alias_belongs_to_two_companies():
    owner: dict[str, str] = {}
    for row in (*curated_companies(), *world_companies()):
        for name in _names(row):
            key = fold(name)
            assert owner.setdefault(key, row["name"]) == row["name"], (
                f"{name!r} names both {owner[key]!r} and {row['name']!r}"
            )


def test_gazetteer_world_companies_do_not_repeat_curated_ones():
    curated = {fold(row["name"]) for row in curated_companies()}
    repeated = [row["name"] for row in world_companies() if fold(row["name"]) in curated]
    assert repeated == []


def test_gazetteer_no_alias_repeats_within_a_company():
    for row in world_companies():
        assert len(row["aliases"]) == len(set(row["aliases"])), row
        assert row["name"] not in row["aliases"], row


def _known_owners() -> set[str]:
    from pytickersymbols import PyTickerSymbols

    names = {row["name"] for row in (*curated_companies(), *world_companies())}
    names |= {stock["name"] for stock in PyTickerSymbols().get_all_stocks()}
    return names


def test_gazetteer_every_product_owner_is_a_known_company():
    known = _known_owners()
    unknown = sorted({row["owner"] for row in world_products()} - known)
    assert unknown == []


def test_gazetteer_no_product_is_named_like_a_company():
    companies = {fold(n) for row in (*curated_companies(), *world_companies()) for n in _names(row)}
    clashes = [row["name"] for row in world_products() if fold(row["name"]) in companies]
    assert clashes == []


def test_gazetteer_no_product_is_listed_twice():
    names = [fold(row["name"]) for row in world_products()]
    assert len(names) == len(set(names))


def test_gazetteer_counts_are_within_the_brief():
    assert 1500 <= len(world_companies()) <= 2500
    assert 500 <= len(world_products()) <= 1000


def test_gazetteer_marks_ordinary_words_as_ambiguous():
    """Spot checks of the judgement the loader relies on: everyday words must need NER's consent."""
    by_name = {fold(n): row for row in world_companies() for n in _names(row)}
    for word in ("block", "square", "gap", "orange", "next", "sky", "total", "shell", "visa"):
        row = by_name.get(word) or next((r for r in curated_companies() if fold(r["name"]) == word), None)
        assert row is not None, f"{word!r} is missing from the gazetteer"
        if row in world_companies():
            assert row.get("ambiguous"), f"{word!r} is an ordinary word"


def _orgs() -> dict[str, list[str]]:
    with ORGS.open("rb") as handle:
        return tomllib.load(handle)


def test_gazetteer_institutions_file_has_the_expected_lists():
    orgs = _orgs()
    assert set(orgs) <= {"outlets", "exchanges", "regulators", "indices", "programs"}
    for key in ("outlets", "exchanges", "regulators", "indices"):
        values = orgs[key]
        assert values and all(isinstance(v, str) and v.strip() == v != "" for v in values), key
        # Surface variants ("WSJ", "The Wall Street Journal") are wanted; exact repeats are not.
        assert len({v.casefold() for v in values}) == len(values), f"{key} repeats a name"


def test_gazetteer_institutions_are_not_also_companies():
    companies = {fold(n) for row in (*curated_companies(), *world_companies()) for n in _names(row)}
    clashes = sorted(name for values in _orgs().values() for name in values if fold(name) in companies)
    assert clashes == []


def test_gazetteer_no_company_is_a_known_non_company_word():
    """not_companies.txt and other_orgs.toml name things the extractor must never call a company."""
    never = {
        line.strip().casefold()
        for line in (DATA / "not_companies.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    with (DATA / "other_orgs.toml").open("rb") as handle:
        other_orgs = tomllib.load(handle)
    never |= {name.casefold() for name in [*other_orgs["names"], *other_orgs["non_parties"]["names"]]}
    clashes = sorted(name for row in world_companies() for name in _names(row) if name.casefold() in never)
    assert clashes == []


def test_gazetteer_world_files_do_not_repeat_or_contradict_curated_products():
    curated = {
        row["name"].casefold()
        for _, row in _lines(DATA / "products.jsonl")  # the curated products the loader already reads
    }
    repeated = [row["name"] for row in world_products() if row["name"].casefold() in curated]
    as_company = [n for row in world_companies() for n in _names(row) if n.casefold() in curated]
    assert repeated == [] and as_company == []
