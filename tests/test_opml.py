"""OPML reading and writing: ingest/opml.py."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.opml import OpmlFeed, import_opml, read_opml, write_opml
from kb.errors import ParseError

DATA = Path(__file__).resolve().parent.parent / "ingest" / "data"

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Nested</title></head>
  <body>
    <outline text="Tech">
      <outline type="rss" text="Alpha" xmlUrl="https://alpha.example/feed" htmlUrl="https://alpha.example/"/>
      <outline text="Chips">
        <outline type="rss" text="Beta" title="Beta News" xmlUrl="https://beta.example/rss"/>
      </outline>
    </outline>
    <outline text="Business">
      <outline type="rss" text="Gamma" xmlUrl="https://gamma.example/atom.xml"/>
    </outline>
  </body>
</opml>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE opml [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<opml version="2.0"><head><title>&lol9;</title></head>
<body><outline text="x" xmlUrl="https://x.example/feed"/></body></opml>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><head><title>&secret;</title></head>
<body><outline text="x" xmlUrl="https://x.example/feed"/></body></opml>
"""


def _opml(outlines: str) -> bytes:
    return f'<opml version="2.0"><head/><body>{outlines}</body></opml>'.encode()


def test_write_then_read_gives_the_same_feeds():
    feeds = [
        OpmlFeed("https://a.example/feed", "A & B <News>", "https://a.example/"),
        OpmlFeed('https://b.example/rss?x=1&y="2"', None, None),
        OpmlFeed("https://c.example/atom", "Ünïcödé — “quoted”", None),
    ]
    assert read_opml(write_opml(feeds).encode("utf-8")) == feeds


def test_written_opml_is_version_2_with_text_on_every_outline():
    document = write_opml([OpmlFeed("https://a.example/feed")], title="Mine")
    root = ET.fromstring(document)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Mine"
    (outline,) = root.iter("outline")
    assert outline.get("text") == "https://a.example/feed"
    assert outline.get("type") == "rss"


def test_written_opml_drops_characters_xml_cannot_carry():
    document = write_opml([OpmlFeed("https://a.example/feed", "bell\x07 and nul\x00")])
    assert read_opml(document.encode()) == [OpmlFeed("https://a.example/feed", "bell and nul")]


def test_written_opml_has_date_created_only_when_given():
    created = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    assert "dateCreated" not in write_opml([])
    assert "<dateCreated>Fri, 01 Mar 2024 12:00:00 GMT</dateCreated>" in write_opml([], created=created)


def test_nested_categories_are_flattened_in_document_order():
    assert read_opml(NESTED) == [
        OpmlFeed("https://alpha.example/feed", "Alpha", "https://alpha.example/"),
        OpmlFeed("https://beta.example/rss", "Beta News", None),
        OpmlFeed("https://gamma.example/atom.xml", "Gamma", None),
    ]


@pytest.mark.parametrize("attribute", ["xmlUrl", "xmlurl", "XMLURL", "XmlUrl"])
def test_xml_url_attribute_is_found_in_any_case(attribute):
    content = _opml(f'<outline text="A" {attribute}="https://a.example/feed" HTMLURL="https://a.example/"/>')
    assert read_opml(content) == [OpmlFeed("https://a.example/feed", "A", "https://a.example/")]


def test_outlines_without_xml_url_are_skipped():
    content = _opml('<outline text="just a note"/><outline text="B" xmlUrl="  "/>')
    assert read_opml(content) == []


def test_duplicate_urls_keep_the_first_outline():
    content = _opml(
        '<outline text="First" xmlUrl="https://a.example/feed"/>'
        '<outline text="Cat"><outline text="Again" xmlUrl=" https://a.example/feed "/></outline>'
    )
    assert read_opml(content) == [OpmlFeed("https://a.example/feed", "First")]


def test_namespaced_opml_is_read():
    content = b'<opml xmlns="http://example.org/ns" version="1.0"><body><outline xmlUrl="https://a.example/f"/></body></opml>'
    assert [feed.url for feed in read_opml(content)] == ["https://a.example/f"]


def test_relative_path_is_resolved_against_base_directory(tmp_path):
    content = _opml('<outline text="Local" xmlUrl="feeds/local.xml"/>')
    (feed,) = read_opml(content, base_path=tmp_path)
    assert feed.url == str((tmp_path / "feeds" / "local.xml").resolve())


def test_relative_path_is_resolved_against_the_opml_files_directory(tmp_path):
    opml_file = tmp_path / "list.opml"
    opml_file.write_bytes(_opml('<outline text="Local" xmlUrl="../other/local.xml"/>'))
    (feed,) = read_opml(opml_file.read_bytes(), base_path=opml_file)
    assert feed.url == str((tmp_path.parent / "other" / "local.xml").resolve())


def test_file_uri_becomes_an_absolute_path():
    (feed,) = read_opml(_opml('<outline xmlUrl="file:///srv/news/my%20feed.xml"/>'))
    assert feed.url == str(Path("/srv/news/my feed.xml"))


def test_absolute_path_and_urls_are_kept_as_given(tmp_path):
    content = _opml(
        '<outline xmlUrl="/srv/news/feed.xml"/>'
        '<outline xmlUrl="http://a.example/feed?q=1#frag"/>'
        '<outline xmlUrl="ftp://a.example/feed"/>'
    )
    assert [feed.url for feed in read_opml(content, base_path=tmp_path)] == [
        "/srv/news/feed.xml",
        "http://a.example/feed?q=1#frag",
        "ftp://a.example/feed",
    ]


@pytest.mark.parametrize(
    "bomb", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["entity-expansion", "external-entity"]
)
def test_xml_bomb_is_refused_with_one_line_error(bomb):
    with pytest.raises(ParseError, match="refused unsafe XML") as info:
        read_opml(bomb, origin="bomb.opml")
    assert "\n" not in str(info.value)
    assert str(info.value).startswith("bomb.opml: ")


@pytest.mark.parametrize(
    "content",
    [b"", b"<opml><body><outline xmlUrl='x'></body>", b"not xml at all", b"\xff\xfe\x00garbage"],
    ids=["empty", "unclosed", "text", "binary"],
)
def test_malformed_opml_raises_parse_error(content):
    with pytest.raises(ParseError, match="malformed XML") as info:
        read_opml(content, origin="broken.opml")
    assert "\n" not in str(info.value)


def test_feed_document_is_not_taken_for_opml():
    with pytest.raises(ParseError, match=r"not an OPML document \(root element is <rss>\)"):
        read_opml(b'<rss version="2.0"><channel/></rss>', origin="feed.xml")


@pytest.mark.parametrize("name", ["default_sources.opml", "sample_sources.opml"])
def test_bundled_opml_files_parse(name):
    assert read_opml((DATA / name).read_bytes(), base_path=DATA / name)


def test_sample_sources_point_at_the_bundled_sample_feed():
    path = DATA / "sample_sources.opml"
    (feed,) = read_opml(path.read_bytes(), base_path=path)
    assert Path(feed.url) == (DATA / "sample_feed.xml").resolve()
    assert Path(feed.url).is_file()


def test_default_sources_are_20_to_40_distinct_https_feeds():
    feeds = read_opml((DATA / "default_sources.opml").read_bytes())
    assert 20 <= len(feeds) <= 40
    assert all(feed.url.startswith("https://") and feed.title and feed.html_url for feed in feeds)


def test_import_adds_new_feeds_keeps_present_ones_and_skips_bad_entries(db):
    from kb.sources import add_source, list_sources

    add_source(db, "https://beta.example/rss", title="Mine")
    opml = _opml(
        '<outline text="Alpha" xmlUrl="https://alpha.example/feed"/>'
        '<outline text="Beta" xmlUrl="https://beta.example/rss"/>'
        '<outline text="Bad" xmlUrl="gopher://bad.example/"/>'
    )
    done = import_opml(db, opml, origin="list.opml")
    assert (done.added, done.already_present) == (1, 1)
    assert [url for url, _ in done.skipped] == ["gopher://bad.example/"]
    assert "not supported" in done.skipped[0][1]
    assert {(s.url, s.title) for s in list_sources(db)} == {
        ("https://alpha.example/feed", "Alpha"),
        ("https://beta.example/rss", "Mine"),
    }


def test_import_of_a_malformed_document_adds_nothing(db):
    from kb.sources import list_sources

    with pytest.raises(ParseError, match="list.opml"):
        import_opml(db, b"<opml><body><outline", origin="list.opml")
    assert list_sources(db) == []
