"""read_path: local files and folders into ArticleRecords."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.files import decode_bytes, read_path
from kb.errors import ParseError
from kb.records import ArticleRecord

STORY = "Acme Corp agreed to buy Widget Inc for two billion dollars on Tuesday, the companies said. " * 3


def _only(path: Path) -> ArticleRecord:
    [item] = list(read_path(path))
    assert isinstance(item, ArticleRecord), item
    return item


def test_text_file_first_line_is_the_title(tmp_path):
    path = tmp_path / "deal.txt"
    path.write_text("\n  Acme to buy Widget  \n\nFirst paragraph.\n\nSecond   paragraph.\n", encoding="utf-8")
    record = _only(path)
    assert (record.title, record.text) == ("Acme to buy Widget", "First paragraph.\n\nSecond paragraph.")
    assert record.url == path.resolve().as_uri()
    assert (record.source_url, record.text_origin, record.published) == (str(path), "file", None)


def test_markdown_first_heading_is_the_title_and_markup_is_dropped(tmp_path):
    path = tmp_path / "deal.md"
    path.write_text(
        "# Acme to buy *Widget*\n\nAcme [said](https://acme.example/pr) on **Tuesday**.\n\n- one\n- two\n",
        encoding="utf-8",
    )
    record = _only(path)
    assert record.title == "Acme to buy Widget"
    assert record.text == "Acme said on Tuesday.\n\none\n\ntwo"


def test_markdown_without_heading_uses_its_first_line(tmp_path):
    path = tmp_path / "note.md"
    path.write_text("Acme and Widget sign a supply deal.\nMore *detail* here.\n", encoding="utf-8")
    record = _only(path)
    assert record.title == "Acme and Widget sign a supply deal."
    assert record.text == "More detail here."


def test_markdown_front_matter_gives_title_author_and_date(tmp_path):
    path = tmp_path / "post.md"
    path.write_text(
        '---\ntitle: "Acme buys Widget"\nauthor: Jane Doe\ndate: 2026-03-05T09:00:00+01:00\n---\n\nBody text.\n',
        encoding="utf-8",
    )
    record = _only(path)
    assert (record.title, record.author, record.text) == ("Acme buys Widget", "Jane Doe", "Body text.")
    assert record.published == datetime(2026, 3, 5, 8, 0, tzinfo=UTC)


def test_markdown_bad_front_matter_date_is_ignored(tmp_path):
    path = tmp_path / "post.md"
    path.write_text("---\ndate: last tuesday\n---\n# Title\n\nBody.\n", encoding="utf-8")
    assert _only(path).published is None


def test_html_file_goes_through_page_extraction(tmp_path):
    path = tmp_path / "saved.html"
    path.write_text(
        f"<html><head><title>Acme to buy Widget</title></head><body><nav>Home</nav>"
        f"<article><p>{STORY}</p></article></body></html>",
        encoding="utf-8",
    )
    record = _only(path)
    assert (record.title, record.text_origin) == ("Acme to buy Widget", "file")
    assert record.text.startswith("Acme Corp agreed") and "Home" not in record.text
    assert record.url == path.resolve().as_uri()


def test_jsonl_lines_become_records_and_a_bad_line_is_named(tmp_path):
    path = tmp_path / "items.jsonl"
    lines = [
        json.dumps(
            {
                "title": "Acme buys Widget",
                "text": STORY,
                "url": "https://news.example/a?utm_source=x",
                "published": "2026-03-05",
            }
        ),
        "{not json",
        "",
        json.dumps({"title": "No url", "text": "Still read.", "published": "2026-03-05T10:00:00Z"}),
        json.dumps(["a", "list"]),
        json.dumps({"title": "Bad date", "text": "x", "published": "soon"}),
        json.dumps({"url": "https://news.example/empty"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_path(path))
    records = [i for i in items if isinstance(i, ArticleRecord)]
    errors = [i for i in items if isinstance(i, ParseError)]
    assert [r.url for r in records] == ["https://news.example/a", f"{path.resolve().as_uri()}#line=4"]
    assert records[0].published == datetime(2026, 3, 5, tzinfo=UTC)
    assert records[1].published == datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
    assert [e.url for e in errors] == [f"{path}:2", f"{path}:5", f"{path}:6", f"{path}:7"]
    assert all("\n" not in str(e) for e in errors)


def test_non_utf8_files_are_decoded(tmp_path):
    cp1252 = tmp_path / "cp1252.txt"
    cp1252.write_bytes(
        "Nestlé’s café deal\n\nSociété Générale said “yes” to the offer today.".encode("cp1252")
    )
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("Über deal\n\nSiemens übernimmt Altair.".encode("utf-16"))
    assert _only(cp1252).title == "Nestlé’s café deal"
    assert "“yes”" in _only(cp1252).text
    assert (_only(utf16).title, _only(utf16).text) == ("Über deal", "Siemens übernimmt Altair.")


def test_undecodable_bytes_never_raise():
    assert isinstance(decode_bytes(bytes(range(256)) * 4), str)


def test_utf8_bom_is_removed():
    assert decode_bytes(b"\xef\xbb\xbfAcme") == "Acme"


def test_folder_is_read_recursively_and_sorted_skipping_hidden_and_unknown_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Two\n\nbody", encoding="utf-8")
    (tmp_path / "a.md").write_text("# One\n\nbody", encoding="utf-8")
    (tmp_path / "c.TXT").write_text("Three\n\nbody", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden", encoding="utf-8")
    (tmp_path / ".git" / "notes.txt").write_text("Hidden", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    records = list(read_path(tmp_path))
    assert [r.title for r in records] == ["One", "Two", "Three"]
    assert {r.source_url for r in records} == {str(tmp_path)}


def test_one_bad_file_does_not_stop_the_folder(tmp_path):
    (tmp_path / "a.txt").write_text("   \n\n", encoding="utf-8")
    (tmp_path / "b.html").write_bytes(b"%PDF-1.7")
    (tmp_path / "c.txt").write_text("Good\n\nbody", encoding="utf-8")
    items = list(read_path(tmp_path))
    assert [type(i).__name__ for i in items] == ["ParseError", "ParseError", "ArticleRecord"]
    assert items[0].url == str(tmp_path / "a.txt")


def test_missing_path_raises_before_reading():
    with pytest.raises(ParseError, match="no such file"):
        list(read_path(Path("/nonexistent/newskb/notes")))


def test_unsupported_single_file_raises(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(ParseError, match="unsupported file type"):
        list(read_path(path))


def test_oversized_article_file_is_an_error_and_the_rest_is_read(tmp_path):
    (tmp_path / "big.txt").write_text("Big\n\n" + "word " * 400, encoding="utf-8")
    (tmp_path / "small.txt").write_text("Small\n\nbody", encoding="utf-8")
    items = list(read_path(tmp_path, max_bytes=1000))
    assert isinstance(items[0], ParseError) and "over the 1,000-byte limit" in str(items[0])
    assert isinstance(items[1], ArticleRecord) and items[1].title == "Small"


def test_jsonl_is_streamed_and_an_oversized_line_is_skipped(tmp_path):
    """A .jsonl export bigger than the per-article cap is read; only its over-long line is an error."""
    path = tmp_path / "export.jsonl"
    small = [json.dumps({"title": f"Item {n}", "text": "Acme buys Widget.", "url": f"https://news.example/{n}"})
             for n in range(30)]
    huge = json.dumps({"title": "Huge", "text": "word " * 500, "url": "https://news.example/huge"})
    path.write_bytes(("\ufeff" + "\n".join(small[:15] + [huge] + small[15:]) + "\n").encode("utf-8"))
    assert path.stat().st_size > 2000
    items = list(read_path(path, max_bytes=2000))
    errors = [i for i in items if isinstance(i, ParseError)]
    assert [e.url for e in errors] == [f"{path}:16"] and "over the 2,000-byte limit" in str(errors[0])
    assert [r.url for r in items if isinstance(r, ArticleRecord)] == [f"https://news.example/{n}" for n in range(30)]
