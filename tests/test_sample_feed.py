"""The bundled offline sample: ingest/data/sample_feed.xml and what each item states."""

from __future__ import annotations

import calendar
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from kb.records import RELATION_TYPES, UNDIRECTED_TYPES, document_text

DATA = Path(__file__).resolve().parent.parent / "ingest" / "data"
FEED = feedparser.parse((DATA / "sample_feed.xml").read_bytes())
ENTRIES = {entry.id: entry for entry in FEED.entries}
EXPECTED = [
    json.loads(line)
    for line in (DATA / "sample_feed.expected.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


def _occurs(surface: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(surface)}(?!\w)", text) is not None


def test_sample_feed_is_well_formed_rss_2():
    assert not FEED.bozo, FEED.get("bozo_exception")
    assert FEED.version == "rss20"


def test_sample_feed_has_about_forty_entries_with_distinct_guids_and_links():
    assert 35 <= len(FEED.entries) <= 45
    assert len(ENTRIES) == len(FEED.entries)
    assert len({entry.link for entry in FEED.entries}) == len(FEED.entries)


@pytest.mark.parametrize("guid", sorted(ENTRIES))
def test_sample_entry_has_link_guid_title_date_and_forty_words(guid):
    entry = ENTRIES[guid]
    assert entry.title.strip()
    # .invalid is reserved (RFC 2606): the links can never be fetched by accident.
    assert urlsplit(entry.link).scheme == "https"
    assert urlsplit(entry.link).hostname.endswith(".invalid")
    assert entry.published_parsed is not None
    assert len(entry.description.split()) >= 40


def test_expected_file_covers_every_item_once():
    assert sorted(record["id"] for record in EXPECTED) == sorted(ENTRIES)


@pytest.mark.parametrize("record", EXPECTED, ids=lambda record: record["id"])
def test_expected_record_matches_its_feed_item(record):
    entry = ENTRIES[record["id"]]
    assert record["link"] == entry.link
    assert record["title"] == entry.title
    assert record["text"] == entry.description
    published = datetime.fromtimestamp(calendar.timegm(entry.published_parsed), UTC)
    assert datetime.fromisoformat(record["published"]) == published


@pytest.mark.parametrize("record", EXPECTED, ids=lambda record: record["id"])
def test_expected_companies_occur_in_the_item(record):
    document = document_text(record["title"], record["text"])
    assert record["companies"], "every sample item is about companies"
    for company in record["companies"]:
        missing = [alias for alias in company["aliases"] if not _occurs(alias, document)]
        assert company["aliases"] and not missing, f"{company['name']}: {missing}"
    for org in record["other_orgs"]:
        assert _occurs(org, document)


@pytest.mark.parametrize("record", EXPECTED, ids=lambda record: record["id"])
def test_expected_relations_join_named_companies_with_evidence_from_the_text(record):
    names = {company["name"] for company in record["companies"]}
    seen = set()
    for relation in record["relations"]:
        assert relation["type"] in RELATION_TYPES
        assert {relation["source"], relation["target"]} <= names
        assert relation["source"] != relation["target"]
        assert relation["evidence"] in record["text"]
        pair = (relation["source"], relation["target"])
        key = (relation["type"], frozenset(pair) if relation["type"] in UNDIRECTED_TYPES else pair)
        assert key not in seen, f"relation given twice: {key}"
        seen.add(key)


def test_sample_states_every_relation_type():
    stated = {relation["type"] for record in EXPECTED for relation in record["relations"]}
    assert stated == set(RELATION_TYPES)
