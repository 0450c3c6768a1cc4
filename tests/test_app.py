"""The explorer's pages, run headless with streamlit.testing.v1.AppTest on the sample knowledge base."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.common import md, resolve_db_path, safe_url
from kb import query
from kb.query import Reader
from tests.fixtures.kb_fixture import SCRIPT_TITLE

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"


@pytest.fixture
def open_page(sample_kb, monkeypatch):
    """Run the app on the sample database, on one page with these query parameters."""
    monkeypatch.setenv("NEWSKB_DB", str(sample_kb.path))
    monkeypatch.delenv("NEWSKB_CONFIG", raising=False)

    def _open(page: str = "overview", **params: object) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.run()
        if page != "overview":
            at.switch_page(f"app_pages/{page}.py")
        for name, value in params.items():
            at.query_params[name] = str(value)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return _open


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _page_links(at: AppTest) -> list[str]:
    return [link.proto.label for link in at.get("page_link")]


def _frames_with(at: AppTest, column: str) -> list:
    """The tables on the page that have this column, in page order (plain tables have no key)."""
    return [df.value for df in at.dataframe if column in df.value.columns]


def _evidence(at: AppTest):
    (frame,) = _frames_with(at, "sentence")
    return frame


def _reader(sample_kb) -> Reader:
    return Reader(sample_kb.path)


# --- Overview ------------------------------------------------------------------------------


def test_overview_shows_counts_and_relations_by_type(open_page):
    at = open_page()
    metrics = _metrics(at)
    assert (metrics["Articles"], metrics["Sources"], metrics["Companies"], metrics["Relations"]) == ("6", "3", "8", "8")
    assert (metrics["Partnership"], metrics["Competitor"]) == ("2", "1")


def test_overview_feed_has_latest_relation_with_its_evidence(open_page):
    at = open_page()
    texts = [m.value for m in at.markdown]
    assert any("**OpenAI** — **Oracle**" in t and "`partnership`" in t for t in texts)
    assert any(t.startswith("> ") and "second site" in t for t in texts)


def test_overview_shows_ingest_health_and_failing_source(open_page):
    at = open_page()
    assert any("Last run **partial**" in m.value for m in at.markdown)
    (failing,) = _frames_with(at, "errors in a row")
    assert list(failing["source"]) == ["Broken Feed"]
    assert _metrics(at)["Failed"] == "1"


def test_overview_on_an_empty_database_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSKB_DB", str(tmp_path / "empty.sqlite"))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert _metrics(at)["Articles"] == "0"
    assert any("No ingest has run yet" in i.value for i in at.info)


def test_app_with_a_file_that_is_not_a_database_shows_one_error(tmp_path, monkeypatch):
    bad = tmp_path / "notes.sqlite"
    bad.write_bytes(b"this is not SQLite" * 100)
    monkeypatch.setenv("NEWSKB_DB", str(bad))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert len(at.error) == 1 and str(bad) in at.error[0].value


# --- Search --------------------------------------------------------------------------------


def test_search_finds_company_by_misspelled_name_and_articles_by_words(open_page, sample_kb):
    at = open_page("search", q="Texas")
    assert any("OpenAI and Oracle sign cloud deal" in label for label in _page_links(at))
    snippets = [h.proto.body for h in at.get("html")]
    assert any("<mark>Texas</mark>" in s for s in snippets)
    at.text_input(key="search_text").input("Antropic").run()
    assert "Anthropic" in _page_links(at)


@pytest.mark.parametrize("text", ['"', "(oracle", "AND", "*", "-", "a:b", 'x" OR "1"="1'])
def test_search_any_input_gives_results_or_nothing_never_an_error(open_page, text):
    at = open_page("search")
    at.text_input(key="search_text").input(text).run()
    assert not at.exception
    assert not at.error
    assert any(s.value.startswith("Articles (") for s in at.subheader)


# --- Company -------------------------------------------------------------------------------


def test_company_page_shows_aliases_ticker_relations_people_and_products(open_page, sample_kb):
    at = open_page("company", id=sample_kb.companies["OpenAI"])
    assert at.title[0].value == "OpenAI"
    assert _metrics(at)["Articles"] == "3"
    assert [m.value for m in at.markdown if m.value.startswith("**")] == [
        "**Partnership** (1)",
        "**Investment** (1)",
        "**Competitor** (1)",
    ]
    partnership, investment, competitor = _frames_with(at, "role")
    assert list(partnership["counterpart"]) == ["Oracle"]
    assert list(partnership["articles"]) == [2]
    assert list(investment["role"]) == ["investor"]
    assert list(competitor["counterpart"]) == ["xAI"]
    frames = [df.value for df in at.dataframe]
    assert any("Sam Altman" in list(f.get("name", [])) for f in frames)
    assert any("ChatGPT" in list(f.get("product", [])) for f in frames)
    assert at.get("plotly_chart"), "the ego network is drawn"
    assert any(label.startswith("Oracle expands OpenAI partnership") for label in _page_links(at))


def test_company_page_shows_ticker_and_aliases(open_page, sample_kb):
    at = open_page("company", id=sample_kb.companies["Amazon"])
    assert at.markdown[0].value == "Ticker **AMZN** · Also written “Amazon\\.com”"


def test_company_page_unknown_id_shows_an_error(open_page):
    at = open_page("company", id=424242)
    assert "no such company" in at.error[0].value


def test_company_page_without_id_lists_companies_to_open(open_page):
    at = open_page("company")
    assert "Oracle" in _page_links(at)


# --- Relations -----------------------------------------------------------------------------


def test_relations_table_lists_every_shown_relation_and_first_evidence(open_page):
    at = open_page("relations")
    table = at.dataframe(key="relations_table").value
    assert len(table) == 8
    evidence = _evidence(at)
    assert list(evidence["sentence"]) == [  # OpenAI–Oracle, newest article first
        "Oracle and OpenAI extended their partnership to a second site.",
        "OpenAI partnered with Oracle on a new data centre in Texas.",
    ]
    assert list(evidence["article"]) == ["Oracle expands OpenAI partnership", "OpenAI and Oracle sign cloud deal"]
    assert list(evidence["original"]) == ["https://wire.example/followup", "https://wire.example/deal"]


def test_relations_filter_by_type_narrows_the_table(open_page):
    at = open_page("relations")
    at.sidebar.multiselect(key="relations_types").select("investment").run()
    table = at.dataframe(key="relations_table").value
    assert sorted(table["source"]) == ["Amazon", "Microsoft"]


def test_relations_filter_by_company_name(open_page):
    at = open_page("relations")
    at.sidebar.text_input(key="relations_company_text").input("NVDA").run()
    table = at.dataframe(key="relations_table").value
    assert all("Nvidia" in (s, t) for s, t in zip(table["source"], table["target"], strict=True))
    assert len(table) == 3


def test_relations_filter_is_kept_when_moving_to_export(open_page):
    at = open_page("relations")
    at.sidebar.multiselect(key="relations_types").select("acquisition").run()
    at.switch_page("app_pages/export.py").run()
    assert "1 relation(s)" in at.caption[0].value


def test_relations_link_opens_that_relations_evidence(open_page, sample_kb):
    at = open_page("relations", relation=sample_kb.relations[("investment", "Amazon", "Anthropic")])
    evidence = _evidence(at)
    assert list(evidence["sentence"]) == ["Amazon invested $4 billion in Anthropic."]
    assert "amount: 4000000000.0" in evidence["terms"][0]


# --- Network -------------------------------------------------------------------------------


def test_network_draws_the_filtered_graph(open_page):
    at = open_page("network")
    assert "8 relations" in at.caption[0].value
    assert at.get("plotly_chart")


def test_network_with_nothing_matching_says_so(open_page):
    at = open_page("network")
    at.sidebar.slider(key="network_conf").set_value(1.0).run()
    assert any("No relation matches" in i.value for i in at.info)


def test_overview_evidence_links_show_article_titles_as_text(open_page):
    at = open_page()
    labels = _page_links(at)
    assert md(SCRIPT_TITLE) + " (" in "\n".join(labels)
    assert not any("<script>" in label for label in labels)


def test_relations_caption_shows_a_source_title_as_text(open_page, sample_kb):
    from kb.db import open_db

    db = open_db(sample_kb.path)
    db["sources"].update(sample_kb.sources["wire"], {"title": "[Tech Wire](javascript:alert(1))"})
    db.close()
    at = open_page("relations")
    at.sidebar.selectbox(key="relations_source").set_value(sample_kb.sources["wire"]).run()
    caption = at.caption[0].value
    assert md("[Tech Wire](javascript:alert(1))") in caption
    assert "[Tech Wire](" not in caption


# --- Article -------------------------------------------------------------------------------


def test_article_title_with_script_shows_as_text(open_page, sample_kb):
    at = open_page("article", id=sample_kb.articles["script"])
    # The title is escaped for markdown, so "<script>" is displayed, not interpreted.
    assert at.title[0].value == md(SCRIPT_TITLE)
    assert "\\<script\\>" in at.title[0].value
    bodies = [h.proto.body for h in at.get("html")]
    assert any("&lt;b&gt;today&lt;/b&gt; &amp; more" in b for b in bodies)
    for element in [*at.markdown, *at.get("html")]:
        body = element.proto.body
        assert "<script" not in body.lower()
        assert "<b>" not in body


def test_article_highlights_companies_and_lists_relations(open_page, sample_kb):
    at = open_page("article", id=sample_kb.articles["deal"])
    body = next(h.proto.body for h in at.get("html") if "newskb-article" in h.proto.body)
    assert '<mark title="Oracle">Oracle</mark>' in body
    assert '<mark title="Microsoft">Microsoft</mark>' in body
    (relations,) = _frames_with(at, "type")
    assert sorted(relations["type"]) == ["investment", "partnership"]
    assert {"OpenAI", "Oracle", "Microsoft"} <= set(_page_links(at))


def test_article_unknown_id_shows_an_error(open_page):
    at = open_page("article", id=999999)
    assert "no such article" in at.error[0].value


# --- Export --------------------------------------------------------------------------------


def test_export_offers_six_downloads_for_the_filter(open_page):
    at = open_page("export")
    labels = sorted(b.proto.label for b in at.get("download_button"))
    assert labels == sorted(
        ["relations.csv", "relations.json", "companies.csv", "companies.json", "graph.graphml", "graph.json"]
    )
    assert "8 relation(s)" in at.caption[0].value


# --- Sources -------------------------------------------------------------------------------


def test_sources_page_shows_health_of_every_source(open_page):
    at = open_page("sources")
    (table,) = _frames_with(at, "last error")
    assert list(table["source"]) == ["Broken Feed", "Chip News", "Tech Wire"]
    assert table["last error"][0].startswith("HTTP 500")
    assert list(table["articles"]) == [0, 3, 4]


def test_sources_page_adds_a_feed_url(open_page, sample_kb):
    at = open_page("sources")
    at.text_input(key="add_url").input("https://new.example/feed.xml")
    at.button(key="FormSubmitter:add_source-Add source").click().run()
    assert not at.error, [e.value for e in at.error]
    assert "Added feed source" in at.success[0].value
    urls = {s.url for s in query.source_health(_reader(sample_kb).db())}
    assert "https://new.example/feed.xml" in urls


def test_sources_page_reports_a_bad_url_in_one_line(open_page):
    at = open_page("sources")
    at.text_input(key="add_url").input("ftp://nope.example/feed")
    at.button(key="FormSubmitter:add_source-Add source").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "\n" not in at.error[0].value


def test_sources_page_disables_a_source(open_page, sample_kb):
    at = open_page("sources")
    at.selectbox(key="manage_source").set_value(sample_kb.sources["wire"]).run()
    at.button(key="disable").click().run()
    health = {s.id: s for s in query.source_health(_reader(sample_kb).db())}
    assert not health[sample_kb.sources["wire"]].enabled


# --- Curation ------------------------------------------------------------------------------


def test_curation_rename_round_trip(open_page, sample_kb):
    at = open_page("curation")
    at.text_input(key="rename_text").input("Acme").run()
    at.text_input(key="rename_name").input("Acme Robotics Inc.").run()
    at.button(key="rename_go").click().run()
    assert not at.error, [e.value for e in at.error]
    assert query.company(_reader(sample_kb).db(), sample_kb.companies["Acme Robotics"]).name == "Acme Robotics Inc."


def test_curation_reject_relation_hides_it(open_page, sample_kb):
    relation_id = sample_kb.relations[("supplier", "Nvidia", "xAI")]
    at = open_page("curation", relation=relation_id)
    at.button(key="status_rejected").click().run()
    assert not at.error, [e.value for e in at.error]
    db = _reader(sample_kb).db()
    assert query.relation(db, relation_id).status == "rejected"
    assert relation_id not in {r.id for r in query.find_relations(db)}


def test_curation_add_relation_round_trip(open_page, sample_kb):
    at = open_page("curation")
    at.selectbox(key="add_type").set_value("partnership")
    at.text_input(key="add_source").input("Anthropic")
    at.text_input(key="add_target").input("Oracle")
    at.text_area(key="add_evidence").input("Anthropic and Oracle work together.")
    at.button(key="FormSubmitter:add_relation-Add relation").click().run()
    assert not at.error, [e.value for e in at.error]
    db = _reader(sample_kb).db()
    grouped = query.company_relations(db, sample_kb.companies["Anthropic"])
    assert {r.source_name for r in grouped["partnership"]} | {r.target_name for r in grouped["partnership"]} == {
        "Anthropic",
        "Oracle",
    }


def test_curation_merge_moves_aliases(open_page, sample_kb):
    at = open_page("curation")
    at.text_input(key="merge_keep_text").input("Microsoft").run()
    at.text_input(key="merge_drop_text").input("Acme Robotics").run()
    at.button(key="merge").click().run()
    assert not at.error, [e.value for e in at.error]
    hits = query.search_companies(_reader(sample_kb).db(), "Acme Robotics")
    assert hits[0].name == "Microsoft"


# --- structure -----------------------------------------------------------------------------

_SQL = re.compile(r"\b(SELECT\s|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)|\.execute\(|\.query\(", re.I)


@pytest.mark.parametrize("page", sorted(p.name for p in (ROOT / "app_pages").glob("*.py")))
def test_pages_hold_no_sql(page):
    assert not _SQL.search((ROOT / "app_pages" / page).read_text(encoding="utf-8"))


def test_every_page_file_is_in_the_navigation():
    router = APP.read_text(encoding="utf-8")
    pages = {p.stem for p in (ROOT / "app_pages").glob("*.py")} - {"__init__", "common"}
    assert all(f'PAGES["{name}"]' in router for name in pages)


def test_db_path_comes_from_the_command_line_before_the_environment(tmp_path):
    assert resolve_db_path(["--db", "x.sqlite"], {"NEWSKB_DB": "y.sqlite"}) == Path("x.sqlite")
    assert resolve_db_path([], {"NEWSKB_DB": "y.sqlite"}) == Path("y.sqlite")


def test_md_escapes_markdown_links_images_and_latex():
    assert md("[click](javascript:alert(1)) ![x](http://t/p.png) $x$ :red[hi]") == (
        "\\[click\\]\\(javascript\\:alert\\(1\\)\\) \\!\\[x\\]\\(http\\:"
        "//t/p\\.png\\) \\$x\\$ \\:red\\[hi\\]"
    )


@pytest.mark.parametrize(
    ("url", "safe"),
    [("https://a.example/x", True), ("javascript:alert(1)", False), ("data:text/html,x", False), ("/etc/passwd", False)],
)
def test_safe_url_lets_only_http_links_through(url, safe):
    assert (safe_url(url) == url) is safe


# --- newskb app ----------------------------------------------------------------------------


def test_newskb_app_runs_streamlit_on_app_py_with_the_database(tmp_path, monkeypatch):
    import subprocess

    from click.testing import CliRunner

    from kb.cli import cli

    calls: list[list[str]] = []
    monkeypatch.setattr(subprocess, "call", lambda command: calls.append(command) or 0)
    db = tmp_path / "kb.sqlite"
    result = CliRunner().invoke(cli, ["--db", str(db), "app", "--port", "8600", "--headless"])
    assert result.exit_code == 0, result.output
    (command,) = calls
    assert command[1:4] == ["-m", "streamlit", "run"] and command[4] == str(APP)
    assert command[command.index("--server.port") + 1] == "8600"
    assert command[-3:] == ["--", "--db", str(db)]
    assert command[command.index("--browser.gatherUsageStats") + 1] == "false"
    assert db.exists()  # created and migrated before Streamlit starts


def test_newskb_app_with_a_bad_database_fails_in_one_line(tmp_path, monkeypatch):
    import subprocess

    from click.testing import CliRunner

    from kb.cli import cli

    monkeypatch.setattr(subprocess, "call", lambda command: pytest.fail("streamlit must not start"))
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage" * 1000)
    result = CliRunner().invoke(cli, ["--db", str(bad), "app"])
    assert result.exit_code == 2  # a bad database path is a configuration error
    (error,) = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert "bad.sqlite" in error and "not a database" in error


def test_sources_page_runs_an_ingest_with_progress(tmp_path, monkeypatch):
    from kb.db import open_db
    from kb.sources import add_source

    story = tmp_path / "story.txt"
    story.write_text("Oracle and Nvidia team up\n\nOracle and Nvidia announced a partnership.", encoding="utf-8")
    path = tmp_path / "kb.sqlite"
    db = open_db(path)
    add_source(db, str(story))
    db.close()
    monkeypatch.setenv("NEWSKB_DB", str(path))
    monkeypatch.setenv("NEWSKB_INGEST_EXTRACT", "false")  # the spaCy model is not the point here
    monkeypatch.delenv("NEWSKB_CONFIG", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at.switch_page("app_pages/sources.py").run()
    at.button(key="run_ingest").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.success[0].value.startswith("Ingest ok: 1 new")
    (table,) = _frames_with(at, "last error")
    assert list(table["articles"]) == [1]  # the table was read again after the run


def test_pages_load_while_an_ingest_holds_a_write_transaction(open_page, sample_kb):
    import sqlite3

    writer = sqlite3.connect(sample_kb.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE sources SET title = 'renamed' WHERE id = 1")
    try:
        for page in ("overview", "relations", "sources", "search"):
            at = open_page(page, q="Oracle")
            assert not at.error, [e.value for e in at.error]
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_sources_page_imports_an_opml_file(open_page, sample_kb):
    opml = (
        b'<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>'
        b'<outline text="One" xmlUrl="https://one.example/feed"/>'
        b'<outline text="Tech Wire again" xmlUrl="https://techwire.example/feed.xml"/>'
        b'<outline text="Bad" xmlUrl="gopher://bad.example/"/></body></opml>'
    )
    at = open_page("sources")
    at.file_uploader(key="opml_file").upload("feeds.opml", opml, "text/xml")
    at.button(key="FormSubmitter:import_opml-Import").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.success, ([w.value for w in at.warning], [i.value for i in at.info])
    assert "feeds.opml: 1 added, 1 already present, 1 skipped." in at.success[0].value.replace("\\", "")
    urls = {s.url for s in query.source_health(_reader(sample_kb).db())}
    assert "https://one.example/feed" in urls
