"""kb.query: the reads behind the explorer, on the sample knowledge base."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from kb import query
from kb.db import open_db
from kb.errors import NotFound
from kb.query import MentionSpan, Reader, RelationFilter

NASTY_INPUTS = [
    '"',
    '""',
    '"unbalanced',
    "(",
    "((oracle",
    "oracle)",
    "AND",
    "OR",
    "NOT",
    "oracle AND",
    "AND oracle",
    "oracle OR OR nvidia",
    "NEAR(oracle nvidia",
    "*",
    "**",
    "oracle*",
    "*oracle",
    "-",
    "-oracle",
    "oracle -nvidia",
    ":",
    "title:oracle",
    "title:",
    "^oracle",
    "oracle + nvidia",
    "{title text}: oracle",
    "'; DROP TABLE articles; --",
    "\x00",
    "   ",
    "",
    "🙂",
    "Ölfirma ça",
    "a" * 5000,
    'oracle" OR "1"="1',
]


def test_counts_leave_out_duplicates_rejected_relations_and_non_companies(sample_db, sample_kb):
    counts = query.counts(sample_db)
    assert counts.articles == 6
    assert counts.sources == 3
    assert counts.companies == 8  # Reuters is marked not-a-company
    assert counts.relations_by_type == {
        "partnership": 2,
        "investment": 2,
        "acquisition": 1,
        "supplier": 2,
        "competitor": 1,  # Microsoft–Oracle was rejected
    }
    assert counts.relations == 8


def test_latest_relations_come_newest_first_with_their_latest_evidence(sample_db, sample_kb):
    feed = query.latest_relations(sample_db, limit=3)
    assert [item.relation.last_seen[:10] for item in feed] == ["2026-03-09", "2026-03-02", "2026-03-02"]
    first = feed[0]
    assert (first.relation.type, first.relation.source_name, first.relation.target_name) == (
        "partnership",
        "OpenAI",
        "Oracle",
    )
    assert first.evidence is not None
    assert first.evidence.sentence == "Oracle and OpenAI extended their partnership to a second site."
    assert first.evidence.article_title == "Oracle expands OpenAI partnership"


def test_relations_per_week_counts_by_type_and_monday(sample_db):
    weeks = query.relations_per_week(sample_db, weeks=52)
    assert query.TypeWeekCount("2026-01-05", "investment", 1) in weeks
    assert query.TypeWeekCount("2026-01-05", "partnership", 1) in weeks
    assert query.TypeWeekCount("2026-03-02", "partnership", 1) in weeks
    assert all(w.type != "competitor" or w.week != "2026-02-16" for w in weeks)  # rejected


def test_relations_per_week_is_empty_without_articles(db):
    assert query.relations_per_week(db) == []


def test_ingest_health_gives_last_run_and_failing_sources(sample_db, sample_kb):
    run, failing = query.ingest_health(sample_db)
    assert run is not None and run.id == sample_kb.runs[-1]
    assert run.status == "partial"
    assert run.errors == [{"source": "https://broken.example/feed", "error": "HTTP 500 Internal Server Error"}]
    assert [s.title for s in failing] == ["Broken Feed"]


def test_source_health_lists_failing_first_with_article_counts(sample_db):
    sources = query.source_health(sample_db)
    assert [s.title for s in sources] == ["Broken Feed", "Chip News", "Tech Wire"]
    assert {s.title: s.article_count for s in sources} == {"Broken Feed": 0, "Chip News": 3, "Tech Wire": 4}
    assert sources[0].failing and sources[0].last_error.startswith("HTTP 500")


@pytest.mark.parametrize("text", NASTY_INPUTS)
def test_search_articles_never_fails_on_user_input(sample_db, text):
    hits = query.search_articles(sample_db, text)
    assert isinstance(hits, list)


@pytest.mark.parametrize("text", NASTY_INPUTS)
def test_fts_query_is_accepted_by_fts5(text):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    expression = query.fts_query(text)
    if expression is not None:
        conn.execute("SELECT * FROM t WHERE t MATCH ?", (expression,)).fetchall()


def test_search_articles_finds_words_in_any_order_and_stems(sample_db, sample_kb):
    hits = query.search_articles(sample_db, "deal cloud")
    assert [h.id for h in hits] == [sample_kb.articles["deal"]]
    assert {h.id for h in query.search_articles(sample_db, "supplies")} == {
        sample_kb.articles["chips"],
        sample_kb.articles["script"],
    }  # porter: "supply" and "supplies"


def test_search_articles_operators_are_plain_words(sample_db, sample_kb):
    assert query.search_articles(sample_db, "Texas OR Nvidia") == []  # no article has the word "or"
    assert [h.id for h in query.search_articles(sample_db, "(Texas")] == [sample_kb.articles["deal"]]


def test_search_articles_prefix_star(sample_db, sample_kb):
    assert [h.id for h in query.search_articles(sample_db, "Tex*")] == [sample_kb.articles["deal"]]


def test_search_articles_hides_duplicates(sample_db, sample_kb):
    ids = {h.id for h in query.search_articles(sample_db, "cloud deal")}
    assert sample_kb.duplicate_article not in ids


def test_snippet_html_escapes_text_and_marks_hits():
    assert query.snippet_html("<b>\x02Oracle\x03</b> & co") == "&lt;b&gt;<mark>Oracle</mark>&lt;/b&gt; &amp; co"


def test_search_companies_matches_alias_exactly_first(sample_db, sample_kb):
    hits = query.search_companies(sample_db, "amazon.com")
    assert hits[0].id == sample_kb.companies["Amazon"]
    assert hits[0].matched == "Amazon.com"
    assert hits[0].score == 100.0


def test_search_companies_is_fuzzy(sample_db, sample_kb):
    hits = query.search_companies(sample_db, "Antropic")
    assert hits and hits[0].name == "Anthropic"


def test_search_companies_by_ticker(sample_db, sample_kb):
    assert query.search_companies(sample_db, "nvda")[0].name == "Nvidia"


def test_search_companies_hides_not_companies(sample_db):
    assert all(h.name != "Reuters" for h in query.search_companies(sample_db, "Reuters"))


@pytest.mark.parametrize("text", ["", "   ", '"(*', "zzzzqqqq"])
def test_search_companies_returns_empty_for_nothing_to_match(sample_db, text):
    assert query.search_companies(sample_db, text) == []


def test_search_companies_sees_new_companies_written_by_another_connection(sample_kb, sample_db):
    assert query.search_companies(sample_db, "Zeta Dynamics") == []
    writer = open_db(sample_kb.path)
    with writer.conn:
        writer["companies"].insert({"key": "zeta dynamics", "name": "Zeta Dynamics"})
    writer.close()
    assert [h.name for h in query.search_companies(sample_db, "Zeta Dynamics")] == ["Zeta Dynamics"]


def test_company_gives_aliases_and_ticker(sample_db, sample_kb):
    detail = query.company(sample_db, sample_kb.companies["Amazon"])
    assert (detail.name, detail.ticker, detail.aliases) == ("Amazon", "AMZN", ("Amazon.com",))
    assert (detail.mention_count, detail.article_count) == (3, 1)


def test_company_follows_a_merge(sample_kb):
    writer = open_db(sample_kb.path)
    with writer.conn:
        writer["companies"].update(sample_kb.companies["Acme Robotics"], {"merged_into": sample_kb.companies["Microsoft"]})
    detail = query.company(writer, sample_kb.companies["Acme Robotics"])
    writer.close()
    assert detail.name == "Microsoft" and detail.requested_id == sample_kb.companies["Acme Robotics"]


def test_company_unknown_id_raises_not_found(sample_db):
    with pytest.raises(NotFound, match="company 9999"):
        query.company(sample_db, 9999)


def test_company_relations_are_grouped_by_type(sample_db, sample_kb):
    grouped = query.company_relations(sample_db, sample_kb.companies["OpenAI"])
    assert list(grouped) == ["partnership", "investment", "competitor"]
    partnership = grouped["partnership"][0]
    assert {partnership.source_name, partnership.target_name} == {"OpenAI", "Oracle"}
    assert partnership.article_count == 2
    assert partnership.first_seen.startswith("2026-01-06") and partnership.last_seen.startswith("2026-03-09")


def test_company_mentions_over_time_counts_articles_per_week(sample_db, sample_kb):
    series = query.company_mentions_over_time(sample_db, sample_kb.companies["Oracle"])
    assert [(p.period, p.count) for p in series] == [
        ("2026-01-05", 1),
        ("2026-02-16", 1),
        ("2026-03-02", 1),
        ("2026-03-09", 1),
    ]


def test_company_mentions_over_time_by_month(sample_db, sample_kb):
    series = query.company_mentions_over_time(sample_db, sample_kb.companies["Oracle"], period="month")
    assert [p.period for p in series] == ["2026-01-01", "2026-02-01", "2026-03-01"]


def test_company_people_and_products(sample_db, sample_kb):
    assert [(p.name, p.title) for p in query.company_people(sample_db, sample_kb.companies["OpenAI"])] == [
        ("Sam Altman", "CEO")
    ]
    assert [p.name for p in query.company_products(sample_db, sample_kb.companies["xAI"])] == ["Colossus"]


def test_company_articles_newest_first(sample_db, sample_kb):
    titles = [a.title for a in query.company_articles(sample_db, sample_kb.companies["Oracle"])]
    assert titles[0] == "Oracle expands OpenAI partnership"
    assert len(titles) == 4


def test_find_relations_filters_by_type_and_company(sample_db, sample_kb):
    rows = query.find_relations(
        sample_db, RelationFilter(types=("supplier",), company_id=sample_kb.companies["Oracle"])
    )
    assert [(r.source_name, r.target_name) for r in rows] == [("Nvidia", "Oracle")]


def test_find_relations_date_range_keeps_relations_seen_during_it(sample_db):
    rows = query.find_relations(sample_db, RelationFilter(since="2026-02-01", until="2026-02-28"))
    # OpenAI–Oracle was first seen in January and last in March: it spans February
    assert {(r.type, r.source_name) for r in rows} == {
        ("investment", "Amazon"),
        ("acquisition", "Microsoft"),
        ("partnership", "OpenAI"),
    }


def test_find_relations_until_includes_the_whole_day(sample_db):
    rows = query.find_relations(sample_db, RelationFilter(until="2026-01-06"))
    assert {r.type for r in rows} == {"partnership", "investment"}


def test_find_relations_min_confidence(sample_db):
    assert all((r.confidence or 1) >= 0.9 for r in query.find_relations(sample_db, RelationFilter(min_confidence=0.9)))
    assert len(query.find_relations(sample_db, RelationFilter(min_confidence=0.9))) == 4


def test_find_relations_by_news_source(sample_db, sample_kb):
    rows = query.find_relations(sample_db, RelationFilter(source_id=sample_kb.sources["chips"]))
    assert {r.type for r in rows} == {"supplier", "competitor", "partnership"}


def test_find_relations_hides_rejected_unless_asked(sample_db, sample_kb):
    rejected = sample_kb.relations[("competitor", "Microsoft", "Oracle")]
    assert rejected not in {r.id for r in query.find_relations(sample_db)}
    assert rejected in {r.id for r in query.find_relations(sample_db, RelationFilter(include_rejected=True))}


def test_find_relations_orders_by_article_count(sample_db):
    rows = query.find_relations(sample_db, order="article_count")
    assert rows[0].article_count == 2


def test_find_relations_rejects_unknown_order(sample_db):
    with pytest.raises(ValueError, match="order"):
        query.find_relations(sample_db, order="id; DROP TABLE relations")


def test_relation_evidence_has_article_title_date_and_link(sample_db, sample_kb):
    evidence = query.relation_evidence(sample_db, sample_kb.relations[("investment", "Microsoft", "OpenAI")])
    assert len(evidence) == 1
    item = evidence[0]
    assert item.sentence.startswith("Microsoft, which has invested $13 billion")
    assert (item.article_title, item.article_url, item.published_at[:10]) == (
        "OpenAI and Oracle sign cloud deal",
        "https://wire.example/deal",
        "2026-01-06",
    )
    assert item.attributes == {"amount": 13e9, "currency": "USD"}
    assert item.source_title == "Tech Wire"


def test_article_gives_mentions_and_relations(sample_db, sample_kb):
    detail = query.article(sample_db, sample_kb.articles["anthropic"])
    assert detail.source_title == "Tech Wire"
    assert {m.name for m in detail.mentions} == {"Amazon", "Anthropic"}  # not Reuters
    for m in detail.mentions:
        assert detail.document[m.start : m.end] == m.surface
    assert [(r.type, r.source_name, r.target_name) for r in detail.relations] == [
        ("investment", "Amazon", "Anthropic")
    ]


def test_article_unknown_id_raises_not_found(sample_db):
    with pytest.raises(NotFound):
        query.article(sample_db, 12345)


def test_highlight_mentions_escapes_everything_but_our_marks():
    text = "<script>x</script> Oracle & Nvidia"
    spans = [MentionSpan(1, "Oracle <Corp>", "Oracle", 19, 25), MentionSpan(2, "Nvidia", "Nvidia", 28, 34)]
    out = query.highlight_mentions(text, spans)
    assert out == (
        "&lt;script&gt;x&lt;/script&gt; "
        '<mark title="Oracle &lt;Corp&gt;">Oracle</mark> &amp; <mark title="Nvidia">Nvidia</mark>'
    )


def test_highlight_mentions_skips_stale_offsets():
    out = query.highlight_mentions("short", [MentionSpan(1, "X", "X", 3, 40), MentionSpan(1, "X", "X", -1, 2)])
    assert out == "short"


def test_companies_for_filter_are_both_sides_of_its_relations(sample_db):
    names = {c.name for c in query.companies_for_filter(sample_db, RelationFilter(types=("investment",)))}
    assert names == {"Microsoft", "OpenAI", "Amazon", "Anthropic"}


def test_reader_is_read_only(sample_kb):
    reader = Reader(sample_kb.path)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        reader.db().execute("DELETE FROM articles")
    reader.close()


def test_reader_gives_each_thread_its_own_connection(sample_kb):
    reader = Reader(sample_kb.path)
    seen: list[int] = []
    thread = threading.Thread(target=lambda: seen.append(id(reader.db().conn)))
    thread.start()
    thread.join()
    assert seen[0] != id(reader.db().conn)
    reader.close()


def test_reads_work_while_a_writer_holds_a_transaction(sample_kb):
    """An ingest in the middle of a write must not make the explorer fail ("database is locked")."""
    writer = sqlite3.connect(sample_kb.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO articles (url, fetched_at, title, text) VALUES ('https://x.example/new', '2026-03-10', 'Oracle news', 'Oracle')"
    )
    reader = Reader(sample_kb.path)
    try:
        db = reader.db()
        assert query.counts(db).articles == 6  # the uncommitted row is not seen
        assert query.search_articles(db, "Oracle")
        assert query.find_relations(db)
        writer.execute("COMMIT")
        assert query.counts(db).articles == 7
    finally:
        reader.close()
        writer.close()


@pytest.mark.parametrize(
    "flt",
    [RelationFilter(), RelationFilter(types=("supplier",)), RelationFilter(min_confidence=0.9), RelationFilter(include_rejected=True)],
)
def test_count_relations_agrees_with_find_relations(sample_db, flt):
    assert query.count_relations(sample_db, flt) == len(query.find_relations(sample_db, flt))


def test_explorer_index_migration_upgrades_an_older_database(tmp_path):
    import sqlite_utils

    from kb.db import SCHEMA_VERSION, migrations, schema_version

    path = tmp_path / "old.sqlite"
    old = sqlite_utils.Database(str(path))
    migrations.apply(old, stop_before="0004_explorer_indexes")
    old["articles"].insert({"url": "https://x.example/a", "fetched_at": "2026-01-01", "title": "Kept"})
    old.close()
    upgraded = open_db(path)
    assert schema_version(upgraded) == SCHEMA_VERSION
    indexed = {tuple(i.columns) for table in ("articles", "relations", "mentions") for i in upgraded[table].indexes}
    assert {("duplicate_of",), ("article_count", "last_seen"), ("first_seen",), ("company_id", "article_id")} <= indexed
    assert upgraded["articles"].get(1)["title"] == "Kept"
    upgraded.close()


def test_search_companies_exact_alias_is_not_crowded_out_by_partial_matches(tmp_path):
    db = open_db(tmp_path / "many.sqlite")
    with db.conn:
        db["companies"].insert_all({"key": f"ai {i}", "name": f"AI Company {i}"} for i in range(300))
        exact = db["companies"].insert({"key": "ai", "name": "AI"}).last_pk
    assert query.search_companies(db, "ai", limit=5)[0].id == exact
    db.close()


def test_company_relations_limit_keeps_the_best_attested(sample_db, sample_kb):
    grouped = query.company_relations(sample_db, sample_kb.companies["Oracle"], limit=1)
    assert [(t, [r.article_count for r in rs]) for t, rs in grouped.items()] == [("partnership", [2])]


def test_relations_over_time_by_month(sample_db):
    months = query.relations_over_time(sample_db, period="month", count=12)
    assert {(m.week, m.type, m.count) for m in months if m.type == "partnership"} == {
        ("2026-01-01", "partnership", 1),
        ("2026-03-01", "partnership", 2),
    }
