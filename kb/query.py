"""Reads for the explorer and the CLI: plain arguments in, frozen dataclasses out.

Every function takes an open database and returns values that pickle (the explorer
caches them with ``st.cache_data``). Nothing here writes. Views hide what curation
took out: rejected relations, companies marked as not a company and companies
merged into another (their rows now live on as the survivor).

Timestamps are the TEXT of ``kb.db`` (UTC ISO 8601), so date filters take and
compare ``YYYY-MM-DD`` strings.
"""

from __future__ import annotations

import html
import json
import logging
import re
import sqlite3
import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils
from rapidfuzz import fuzz, process

from kb.db import BUSY_TIMEOUT_MS, open_db
from kb.errors import NotFound
from kb.records import RELATION_TYPES, document_text
from kb.runs import RunRow, list_runs

log = logging.getLogger(__name__)

__all__ = [
    "ArticleDetail",
    "ArticleHit",
    "ArticleRow",
    "CompanyDetail",
    "CompanyHit",
    "CompanyRow",
    "Counts",
    "EvidenceRow",
    "MentionSpan",
    "PeriodCount",
    "PersonRow",
    "ProductRow",
    "Reader",
    "RelationFilter",
    "RELATION_ORDER",
    "RelationRow",
    "RelationWithEvidence",
    "RunRow",
    "SourceHealth",
    "SourceOption",
    "TypeWeekCount",
    "article",
    "company",
    "company_articles",
    "company_mentions_over_time",
    "company_options",
    "organisation_options",
    "company_people",
    "company_products",
    "company_relations",
    "companies_by_id",
    "companies_for_filter",
    "companies_of",
    "count_relations",
    "counts",
    "fts_query",
    "find_relations",
    "highlight_mentions",
    "ingest_health",
    "latest_relations",
    "relation",
    "relation_evidence",
    "relations_among",
    "relations_over_time",
    "relations_per_week",
    "search_articles",
    "search_companies",
    "snippet_html",
    "source_health",
    "source_options",
]

#: The SQL condition "this company is shown": not merged away, not marked not-a-company,
#: and a company rather than an organisation (an agency or university kept as a relation party).
_LIVE_COMPANY = "({c}.merged_into IS NULL AND coalesce({c}.kind, 'company') = 'company')"
#: The SQL condition "this relation party is shown": a company or an organisation, not merged
#: away, not marked not-a-company.
_SHOWN_PARTY = "({c}.merged_into IS NULL AND coalesce({c}.kind, 'company') IN ('company', 'other_org'))"


# --- records ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Counts:
    """The headline numbers of the Overview page."""

    articles: int
    sources: int
    companies: int
    relations: int
    relations_by_type: dict[str, int]  #: every type of RELATION_TYPES, 0 when none


@dataclass(frozen=True, slots=True)
class RelationRow:
    """One relation between two companies, aggregated over its evidence."""

    id: int
    type: str
    source_id: int
    source_name: str
    target_id: int
    target_name: str
    first_seen: str | None
    last_seen: str | None
    article_count: int
    confidence: float | None
    status: str  #: auto | confirmed | added
    source_kind: str = "company"  #: company | other_org (a government body, university, agency…)
    target_kind: str = "company"


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """A sentence stating a relation, with the article it comes from."""

    id: int
    relation_id: int
    sentence: str
    confidence: float | None
    attributes: dict[str, Any]  #: amount, currency, stake, date when stated
    article_id: int
    article_title: str | None
    article_url: str
    published_at: str | None
    source_title: str | None


@dataclass(frozen=True, slots=True)
class RelationWithEvidence:
    """A relation and its most recent evidence sentence, for feeds."""

    relation: RelationRow
    evidence: EvidenceRow | None


@dataclass(frozen=True, slots=True)
class TypeWeekCount:
    week: str  #: Monday of the week, YYYY-MM-DD
    type: str
    count: int


@dataclass(frozen=True, slots=True)
class PeriodCount:
    period: str  #: first day of the period, YYYY-MM-DD
    count: int


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """A source with its fetch health, for the Sources and Overview pages."""

    id: int
    url: str
    kind: str
    title: str | None
    last_fetched_at: str | None
    last_success_at: str | None
    last_status: str | None
    last_http_status: int | None
    last_error: str | None
    error_count: int
    next_fetch_at: str | None
    disabled_reason: str | None
    article_count: int

    @property
    def enabled(self) -> bool:
        return self.disabled_reason is None

    @property
    def failing(self) -> bool:
        return self.last_status == "error" or self.error_count > 0


@dataclass(frozen=True, slots=True)
class SourceOption:
    id: int
    label: str


@dataclass(frozen=True, slots=True)
class ArticleHit:
    """An article found by full-text search; ``snippet`` marks hits with \\x02 and \\x03."""

    id: int
    title: str | None
    url: str
    published_at: str | None
    source_title: str | None
    snippet: str


@dataclass(frozen=True, slots=True)
class ArticleRow:
    id: int
    title: str | None
    url: str
    published_at: str | None
    source_title: str | None


@dataclass(frozen=True, slots=True)
class CompanyHit:
    """A company found by name, alias or ticker; ``matched`` is the form that matched."""

    id: int
    name: str
    ticker: str | None
    matched: str
    score: float  #: 0..100; 100 for an exact match
    mention_count: int


@dataclass(frozen=True, slots=True)
class CompanyRow:
    """A company as export and graph see it."""

    id: int
    name: str
    ticker: str | None
    mention_count: int
    article_count: int
    first_seen: str | None
    last_seen: str | None
    kind: str = "company"  #: company | other_org


@dataclass(frozen=True, slots=True)
class CompanyDetail:
    id: int
    name: str
    key: str
    ticker: str | None
    kind: str
    first_seen: str | None
    last_seen: str | None
    mention_count: int
    article_count: int
    aliases: tuple[str, ...]
    requested_id: int  #: the id asked for; differs from ``id`` when it was merged away


@dataclass(frozen=True, slots=True)
class PersonRow:
    name: str
    title: str | None
    article_count: int


@dataclass(frozen=True, slots=True)
class ProductRow:
    name: str
    first_seen: str | None
    last_seen: str | None
    article_count: int


@dataclass(frozen=True, slots=True)
class MentionSpan:
    """Where a company is named in ``document_text(title, text)``."""

    company_id: int
    name: str
    surface: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ArticleDetail:
    id: int
    title: str | None
    url: str
    published_at: str | None
    author: str | None
    source_id: int | None
    source_title: str | None
    source_url: str | None
    text: str
    document: str  #: ``document_text(title, text)``: what mention offsets refer to
    mentions: tuple[MentionSpan, ...]
    relations: tuple[RelationRow, ...]


@dataclass(frozen=True, slots=True)
class RelationFilter:
    """What the Relations, Network and Export pages show; empty fields do not filter."""

    types: tuple[str, ...] = ()  #: any of RELATION_TYPES; () for all
    company_id: int | None = None  #: relations with this company on either side
    #: YYYY-MM-DD; a relation is kept when its first..last seen span overlaps since..until
    since: str | None = None
    until: str | None = None
    min_confidence: float = 0.0  #: curated relations without a confidence always pass
    source_id: int | None = None  #: stated in an article from this source
    include_rejected: bool = False
    statuses: tuple[str, ...] = field(default=())  #: () for all but rejected


# --- connections -----------------------------------------------------------------------


class Reader:
    """Read-only connections to one database file, one per thread.

    Streamlit runs each session's script in its own thread, and a sqlite3 connection
    keeps one transaction at a time; a connection per thread keeps each read its own
    short transaction. The connections are ``query_only`` and wait up to
    ``BUSY_TIMEOUT_MS`` for a lock, so in WAL mode a running ingest never makes a
    read fail with "database is locked".
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # Create and migrate once, with a writer connection; readers never migrate.
        open_db(self.path).close()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []

    def db(self) -> sqlite_utils.Database:
        """This thread's read-only database."""
        database: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if database is None:
            conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA query_only=ON")
            database = sqlite_utils.Database(conn)
            self._local.db = database
            with self._lock:
                self._all.append(conn)
        return database

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


def _rows(db: sqlite_utils.Database, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
    conn = db.conn
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _scalar(db: sqlite_utils.Database, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
    row = db.conn.execute(sql, params).fetchone()
    return row[0] if row else None


# --- overview --------------------------------------------------------------------------


def counts(db: sqlite_utils.Database) -> Counts:
    """Articles (duplicates excluded), sources, shown companies, relations by type."""
    by_type = dict.fromkeys(RELATION_TYPES, 0)
    for row in _rows(
        db, f"SELECT type, count(*) AS n FROM relations r WHERE status != 'rejected' AND {_RELATION_SHOWN} GROUP BY type"
    ):
        by_type[row["type"]] = row["n"]
    return Counts(
        articles=_scalar(db, "SELECT count(*) FROM articles WHERE duplicate_of IS NULL"),
        sources=_scalar(db, "SELECT count(*) FROM sources"),
        companies=_scalar(db, f"SELECT count(*) FROM companies c WHERE {_LIVE_COMPANY.format(c='c')}"),
        relations=sum(by_type.values()),
        relations_by_type=by_type,
    )


_RELATION_SELECT = """
SELECT r.id, r.type, r.source_id, s.name AS source_name, r.target_id, t.name AS target_name,
       r.first_seen, r.last_seen, r.article_count, r.confidence, r.status,
       s.kind AS source_kind, t.kind AS target_kind
FROM relations r
JOIN companies s ON s.id = r.source_id
JOIN companies t ON t.id = r.target_id
"""
#: Companies hidden from every view. Usually few, so "NOT IN" this small set is ~10x faster
#: on 50k relations than joining both companies to test them (benchmarks/app_bench.py).
_HIDDEN_COMPANIES = f"(SELECT id FROM companies c WHERE NOT {_LIVE_COMPANY.format(c='c')})"
_HIDDEN_PARTIES = f"(SELECT id FROM companies c WHERE NOT {_SHOWN_PARTY.format(c='c')})"
_RELATION_SHOWN = f"r.source_id NOT IN {_HIDDEN_PARTIES} AND r.target_id NOT IN {_HIDDEN_PARTIES}"


def _relation(row: dict[str, Any]) -> RelationRow:
    return RelationRow(
        id=row["id"],
        type=row["type"],
        source_id=row["source_id"],
        source_name=row["source_name"],
        target_id=row["target_id"],
        target_name=row["target_name"],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        article_count=row["article_count"] or 0,
        confidence=row["confidence"],
        status=row["status"] or "auto",
        source_kind=row["source_kind"] or "company",
        target_kind=row["target_kind"] or "company",
    )


_EVIDENCE_SELECT = """
SELECT e.id, e.relation_id, e.sentence, e.confidence, e.attributes, e.article_id,
       a.title AS article_title, a.url AS article_url, a.published_at, so.title AS source_title
FROM evidence e
JOIN articles a ON a.id = e.article_id
LEFT JOIN sources so ON so.id = a.source_id
"""


def _evidence(row: dict[str, Any]) -> EvidenceRow:
    attributes: dict[str, Any] = {}
    if row["attributes"]:
        try:
            loaded = json.loads(row["attributes"])
        except ValueError:
            log.warning("evidence %s has attributes that are not JSON", row["id"])
        else:
            if isinstance(loaded, dict):
                attributes = loaded
    return EvidenceRow(
        id=row["id"],
        relation_id=row["relation_id"],
        sentence=row["sentence"] or "",
        confidence=row["confidence"],
        attributes=attributes,
        article_id=row["article_id"],
        article_title=row["article_title"],
        article_url=row["article_url"],
        published_at=row["published_at"],
        source_title=row["source_title"],
    )


def latest_relations(db: sqlite_utils.Database, *, limit: int = 20) -> list[RelationWithEvidence]:
    """The most recently seen relations, each with its latest evidence sentence."""
    relations = find_relations(db, limit=limit)
    latest: dict[int, EvidenceRow] = {}
    if relations:
        ids = [r.id for r in relations]
        marks = ",".join("?" * len(ids))
        for row in _rows(
            db,
            f"{_EVIDENCE_SELECT} WHERE e.relation_id IN ({marks})"
            " ORDER BY a.published_at DESC, e.id DESC",
            ids,
        ):
            latest.setdefault(row["relation_id"], _evidence(row))
    return [RelationWithEvidence(relation=r, evidence=latest.get(r.id)) for r in relations]


_WEEK = "date({col}, 'weekday 0', '-6 days')"  # Monday of the week (SQLite weeks end on Sunday)


def _period_start(period: str, *, col: str) -> str:
    """SQL for the first day of the week (a Monday) or month ``col`` falls in."""
    if period == "week":
        return _WEEK.format(col=col)
    if period == "month":
        return f"strftime('%Y-%m-01', {col})"
    raise ValueError(f"period must be week or month, not {period!r}")


def relations_per_week(db: sqlite_utils.Database, *, weeks: int = 26) -> list[TypeWeekCount]:
    """How many relations were stated each week, by type, over the last ``weeks`` weeks.

    Weeks are counted back from the newest article, not from today, so a database
    that has not been fed for a while still shows its history.
    """
    return relations_over_time(db, period="week", count=weeks)


def relations_over_time(db: sqlite_utils.Database, *, period: str = "week", count: int = 26) -> list[TypeWeekCount]:
    """Relations stated per week (or ``"month"``), by type, over the last ``count`` periods.

    ``TypeWeekCount.week`` is the first day of the period.
    """
    bucket = _period_start(period, col="a.published_at")
    span = f"-{7 * count} days" if period == "week" else f"-{count} months"
    newest = _scalar(db, "SELECT max(published_at) FROM articles")
    if newest is None:
        return []
    rows = _rows(
        db,
        f"""
        SELECT {bucket} AS week, r.type AS type, count(DISTINCT r.id) AS n
        FROM articles a
        JOIN evidence e ON e.article_id = a.id
        JOIN relations r ON r.id = e.relation_id
        WHERE a.published_at >= date(?, ?) AND r.status != 'rejected' AND {_RELATION_SHOWN}
        GROUP BY week, r.type
        ORDER BY week, r.type
        """,
        (newest, span),
    )
    return [TypeWeekCount(week=row["week"], type=row["type"], count=row["n"]) for row in rows]


def ingest_health(db: sqlite_utils.Database) -> tuple[RunRow | None, list[SourceHealth]]:
    """The last ingest run (None before the first) and the sources failing now."""
    runs = list_runs(db, limit=1)
    failing = [s for s in source_health(db) if s.failing]
    return (runs[0] if runs else None), failing


def source_health(db: sqlite_utils.Database) -> list[SourceHealth]:
    """Every source with its health and article count, failing ones first."""
    rows = _rows(
        db,
        """
        SELECT s.*, coalesce(n.articles, 0) AS article_count
        FROM sources s
        LEFT JOIN (SELECT source_id, count(*) AS articles FROM articles GROUP BY source_id) n
          ON n.source_id = s.id
        ORDER BY (s.error_count > 0 OR s.last_status = 'error') DESC, coalesce(s.title, s.url)
        """,
    )
    return [
        SourceHealth(
            id=row["id"],
            url=row["url"],
            kind=row["kind"],
            title=row["title"],
            last_fetched_at=row["last_fetched_at"],
            last_success_at=row["last_success_at"],
            last_status=row["last_status"],
            last_http_status=row["last_http_status"],
            last_error=row["last_error"],
            error_count=row["error_count"] or 0,
            next_fetch_at=row["next_fetch_at"],
            disabled_reason=row["disabled_reason"],
            article_count=row["article_count"],
        )
        for row in rows
    ]


def source_options(db: sqlite_utils.Database) -> list[SourceOption]:
    """Sources for a filter's select box."""
    return [
        SourceOption(id=row["id"], label=row["title"] or row["url"])
        for row in _rows(db, "SELECT id, title, url FROM sources ORDER BY coalesce(title, url)")
    ]


# --- search ----------------------------------------------------------------------------

_WORD = re.compile(r"\w+\*?")


def fts_query(text: str) -> str | None:
    """The user's words as an FTS5 query that cannot be a syntax error, or None if no words.

    Each word is quoted, so ``AND``, ``NEAR``, ``-``, ``:``, quotes and parentheses are
    searched as text (or dropped, being no words) instead of parsed as operators.
    A trailing ``*`` keeps its meaning: a prefix search.
    """
    terms = []
    for word in _WORD.findall(text):
        prefix = word.endswith("*")
        word = word.rstrip("*")
        terms.append(f'"{word}"' + ("*" if prefix else ""))
    return " ".join(terms) if terms else None


def search_articles(db: sqlite_utils.Database, text: str, *, limit: int = 50) -> list[ArticleHit]:
    """Articles containing every word of ``text`` (title or body), best match first.

    Any input is accepted; no words gives an empty list.
    """
    query = fts_query(text)
    if query is None:
        return []
    rows = _rows(
        db,
        """
        SELECT a.id, a.title, a.url, a.published_at, so.title AS source_title,
               snippet(articles_fts, 1, char(2), char(3), '…', 16) AS snippet
        FROM articles_fts
        JOIN articles a ON a.id = articles_fts.rowid
        LEFT JOIN sources so ON so.id = a.source_id
        WHERE articles_fts MATCH ? AND a.duplicate_of IS NULL
        ORDER BY articles_fts.rank
        LIMIT ?
        """,
        (query, limit),
    )
    return [
        ArticleHit(
            id=row["id"],
            title=row["title"],
            url=row["url"],
            published_at=row["published_at"],
            source_title=row["source_title"],
            snippet=row["snippet"] or "",
        )
        for row in rows
    ]


def snippet_html(snippet: str) -> str:
    """An FTS snippet as HTML: all text escaped, only the hit markers become <mark>."""
    return html.escape(snippet).replace("\x02", "<mark>").replace("\x03", "</mark>")


def search_companies(
    db: sqlite_utils.Database, text: str, *, limit: int = 20, cutoff: float = 70.0
) -> list[CompanyHit]:
    """Companies whose name, any alias or ticker matches ``text``, fuzzily (rapidfuzz).

    Exact matches (case-folded) score 100 and come first; then the best fuzzy score,
    ties broken by how often the company is mentioned.
    """
    needle = " ".join(text.split()).casefold()
    if not needle:
        return []
    owners, choices = _company_forms(db)
    best: dict[int, tuple[float, str]] = {}
    # Exact forms first: WRatio also gives 100 to partial matches, which could crowd them out.
    for index, choice in enumerate(choices):
        if choice == needle:
            best.setdefault(owners[index][0], (100.0, owners[index][1]))
    for choice, score, index in process.extract(
        needle, choices, scorer=fuzz.WRatio, limit=limit * 5, score_cutoff=cutoff
    ):
        company_id, form = owners[index]
        score = 100.0 if choice == needle else min(float(score), 99.0)
        if company_id not in best or score > best[company_id][0]:
            best[company_id] = (score, form)
    if not best:
        return []
    info = {
        row["id"]: row
        for row in _rows(
            db,
            f"SELECT id, name, ticker, mention_count FROM companies WHERE id IN ({','.join('?' * len(best))})",
            list(best),
        )
    }
    hits = [
        CompanyHit(
            id=cid,
            name=info[cid]["name"],
            ticker=info[cid]["ticker"],
            matched=form,
            score=score,
            mention_count=info[cid]["mention_count"] or 0,
        )
        for cid, (score, form) in best.items()
        if cid in info
    ]
    hits.sort(key=lambda h: (-h.score, -h.mention_count, h.name))
    return hits[:limit]


_Forms = tuple[list[tuple[int, str]], list[str]]
_FORMS_CACHE: weakref.WeakKeyDictionary[sqlite_utils.Database, tuple[tuple[int, int], _Forms]] = (
    weakref.WeakKeyDictionary()
)
_FORMS_LOCK = threading.Lock()


def _company_forms(db: sqlite_utils.Database) -> _Forms:
    """(company id, name/alias/ticker) of every shown company, and each form case-folded.

    Kept per database object until the data changes (``PRAGMA data_version`` moves
    when another connection commits; ``total_changes`` when this one writes), so
    repeated searches skip the reload.
    """
    version = (db.conn.execute("PRAGMA data_version").fetchone()[0], db.conn.total_changes)
    with _FORMS_LOCK:
        cached = _FORMS_CACHE.get(db)
    if cached is not None and cached[0] == version:
        return cached[1]
    live = _LIVE_COMPANY.format(c="c")
    forms = list(
        dict.fromkeys(
            db.conn.execute(
                f"""
                SELECT c.id, c.name FROM companies c WHERE {live}
                UNION ALL
                SELECT a.company_id, a.surface FROM aliases a
                WHERE a.company_id NOT IN {_HIDDEN_COMPANIES}
                UNION ALL
                SELECT c.id, c.ticker FROM companies c WHERE c.ticker IS NOT NULL AND c.ticker != '' AND {live}
                """
            ).fetchall()
        )
    )
    folded = [form.casefold() for _, form in forms]
    with _FORMS_LOCK:
        _FORMS_CACHE[db] = (version, (forms, folded))
    return forms, folded


# --- companies -------------------------------------------------------------------------


def company(db: sqlite_utils.Database, company_id: int) -> CompanyDetail:
    """A company with its aliases; a merged-away id leads to the company it became.

    Raises NotFound for an unknown id.
    """
    requested = company_id
    seen: set[int] = set()
    while True:
        rows = _rows(db, "SELECT * FROM companies WHERE id = ?", (company_id,))
        if not rows:
            raise NotFound(f"company {requested}: no such company")
        row = rows[0]
        if row["merged_into"] is None or row["merged_into"] in seen:
            break
        seen.add(company_id)
        company_id = row["merged_into"]
    aliases = tuple(
        r["surface"]
        for r in _rows(db, "SELECT surface FROM aliases WHERE company_id = ? ORDER BY surface", (company_id,))
        if r["surface"] != row["name"]
    )
    return CompanyDetail(
        id=row["id"],
        name=row["name"],
        key=row["key"],
        ticker=row["ticker"],
        kind=row["kind"] or "company",
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        mention_count=row["mention_count"] or 0,
        article_count=row["article_count"] or 0,
        aliases=aliases,
        requested_id=requested,
    )


def company_options(db: sqlite_utils.Database, *, limit: int = 300) -> list[CompanyHit]:
    """The most mentioned companies, for a select box before the user types a name."""
    rows = _rows(
        db,
        f"SELECT id, name, ticker, mention_count FROM companies c WHERE {_LIVE_COMPANY.format(c='c')}"
        " ORDER BY mention_count DESC, name LIMIT ?",
        (limit,),
    )
    return [
        CompanyHit(
            id=r["id"], name=r["name"], ticker=r["ticker"], matched=r["name"], score=0.0,
            mention_count=r["mention_count"] or 0,
        )
        for r in rows
    ]


def organisation_options(db: sqlite_utils.Database, *, limit: int = 300) -> list[CompanyRow]:
    """Organisations stored as relation parties (universities, agencies...), most seen first: for curation."""
    return [
        CompanyRow(**r)
        for r in _rows(
            db,
            "SELECT id, name, ticker, mention_count, article_count, first_seen, last_seen, kind FROM companies"
            " WHERE merged_into IS NULL AND kind = 'other_org' ORDER BY article_count DESC, name LIMIT ?",
            (limit,),
        )
    ]


def company_mentions_over_time(
    db: sqlite_utils.Database, company_id: int, *, period: str = "week"
) -> list[PeriodCount]:
    """How many articles mention the company per week (or ``"month"``), oldest first."""
    bucket = _period_start(period, col="a.published_at")
    rows = _rows(
        db,
        f"""
        SELECT {bucket} AS period, count(DISTINCT m.article_id) AS n
        FROM mentions m JOIN articles a ON a.id = m.article_id
        WHERE m.company_id = ? AND a.published_at IS NOT NULL AND a.duplicate_of IS NULL
        GROUP BY period ORDER BY period
        """,
        (company_id,),
    )
    return [PeriodCount(period=r["period"], count=r["n"]) for r in rows]


def company_relations(
    db: sqlite_utils.Database, company_id: int, *, limit: int = 1000
) -> dict[str, list[RelationRow]]:
    """The company's relations grouped by type (in RELATION_TYPES order), most articles first.

    At most ``limit`` in all, the best attested: a hub company can have thousands.
    """
    relations = find_relations(db, RelationFilter(company_id=company_id), limit=limit, order="article_count")
    grouped: dict[str, list[RelationRow]] = {}
    for kind in (*RELATION_TYPES, *sorted({r.type for r in relations} - set(RELATION_TYPES))):
        members = [r for r in relations if r.type == kind]
        if members:
            grouped[kind] = members
    return grouped


def company_people(db: sqlite_utils.Database, company_id: int) -> list[PersonRow]:
    """People named with a role at the company, most cited first."""
    rows = _rows(
        db,
        """
        SELECT p.name, r.title, count(DISTINCT r.article_id) AS n
        FROM roles r JOIN people p ON p.id = r.person_id
        WHERE r.company_id = ?
        GROUP BY p.id, r.title ORDER BY n DESC, p.name LIMIT 100
        """,
        (company_id,),
    )
    return [PersonRow(name=r["name"], title=r["title"], article_count=r["n"]) for r in rows]


def company_products(db: sqlite_utils.Database, company_id: int) -> list[ProductRow]:
    """Products the text says belong to the company, most cited first."""
    rows = _rows(
        db,
        """
        SELECT p.name, p.first_seen, p.last_seen,
               (SELECT count(*) FROM product_mentions pm WHERE pm.product_id = p.id) AS n
        FROM products p WHERE p.company_id = ?
        ORDER BY n DESC, p.name LIMIT 100
        """,
        (company_id,),
    )
    return [
        ProductRow(name=r["name"], first_seen=r["first_seen"], last_seen=r["last_seen"], article_count=r["n"])
        for r in rows
    ]


def company_articles(db: sqlite_utils.Database, company_id: int, *, limit: int = 20) -> list[ArticleRow]:
    """The newest articles mentioning the company."""
    rows = _rows(
        db,
        """
        SELECT a.id, a.title, a.url, a.published_at, so.title AS source_title
        FROM articles a LEFT JOIN sources so ON so.id = a.source_id
        WHERE a.id IN (SELECT article_id FROM mentions WHERE company_id = ?)
          AND a.duplicate_of IS NULL
        ORDER BY a.published_at DESC, a.id DESC LIMIT ?
        """,
        (company_id, limit),
    )
    return [ArticleRow(**r) for r in rows]


def companies_for_filter(db: sqlite_utils.Database, flt: RelationFilter, *, limit: int = 5000) -> list[CompanyRow]:
    """The companies on either side of the filter's relations, most mentioned first."""
    return companies_of(db, find_relations(db, flt, limit=limit))


def companies_of(db: sqlite_utils.Database, relations: Iterable[RelationRow]) -> list[CompanyRow]:
    """The companies on either side of ``relations``, most mentioned first."""
    return companies_by_id(db, {id_ for r in relations for id_ in (r.source_id, r.target_id)})


def companies_by_id(db: sqlite_utils.Database, ids: Iterable[int]) -> list[CompanyRow]:
    """These companies, most mentioned first; unknown ids are left out."""
    wanted = sorted(set(ids))
    out: list[CompanyRow] = []
    for start in range(0, len(wanted), 500):  # SQLite limits the number of parameters
        chunk = wanted[start : start + 500]
        out.extend(
            CompanyRow(**r)
            for r in _rows(
                db,
                "SELECT id, name, ticker, mention_count, article_count, first_seen, last_seen,"
                " coalesce(kind, 'company') AS kind"
                f" FROM companies WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        )
    out.sort(key=lambda c: (-(c.mention_count or 0), c.name))
    return out


# --- relations -------------------------------------------------------------------------

#: Columns a caller may sort find_relations by.
RELATION_ORDER = {
    "last_seen": "r.last_seen DESC, r.id DESC",
    "first_seen": "r.first_seen ASC, r.id ASC",
    "article_count": "r.article_count DESC, r.last_seen DESC",
    "confidence": "coalesce(r.confidence, 1.0) DESC, r.last_seen DESC",
}


def find_relations(
    db: sqlite_utils.Database, flt: RelationFilter = RelationFilter(), *, limit: int = 500, order: str = "last_seen"
) -> list[RelationRow]:
    """Relations matching the filter, newest first (or by ``order``), at most ``limit``."""
    if order not in RELATION_ORDER:
        raise ValueError(f"order must be one of {', '.join(RELATION_ORDER)}, not {order!r}")
    where, params = _relation_where(flt)
    params["limit"] = limit
    rows = _rows(db, f"{_RELATION_SELECT} WHERE {where} ORDER BY {RELATION_ORDER[order]} LIMIT :limit", params)
    return [_relation(row) for row in rows]


def count_relations(db: sqlite_utils.Database, flt: RelationFilter = RelationFilter()) -> int:
    """How many relations match the filter (for captions, without reading them)."""
    where, params = _relation_where(flt)
    return int(_scalar(db, f"SELECT count(*) FROM relations r WHERE {where}", params))


def _relation_where(flt: RelationFilter) -> tuple[str, dict[str, Any]]:
    """The SQL condition for a filter, with named parameters (values never enter the SQL)."""
    where = [_RELATION_SHOWN]
    params: dict[str, Any] = {}
    if flt.statuses:
        where.append(f"r.status IN ({','.join(f':st{i}' for i in range(len(flt.statuses)))})")
        params.update({f"st{i}": s for i, s in enumerate(flt.statuses)})
    elif not flt.include_rejected:
        where.append("r.status != 'rejected'")
    if flt.types:
        where.append(f"r.type IN ({','.join(f':ty{i}' for i in range(len(flt.types)))})")
        params.update({f"ty{i}": t for i, t in enumerate(flt.types)})
    if flt.company_id is not None:
        where.append(
            "r.id IN (SELECT id FROM relations WHERE source_id = :company"
            " UNION SELECT id FROM relations WHERE target_id = :company)"
        )
        params["company"] = flt.company_id
    if flt.since:
        where.append("r.last_seen >= :since")
        params["since"] = flt.since
    if flt.until:
        # first_seen is a timestamp: "on or before the day" is "before the next day"
        where.append("r.first_seen < date(:until, '+1 day')")
        params["until"] = flt.until
    if flt.min_confidence > 0:
        where.append("coalesce(r.confidence, 1.0) >= :conf")
        params["conf"] = flt.min_confidence
    if flt.source_id is not None:
        where.append(
            "r.id IN (SELECT e.relation_id FROM evidence e JOIN articles a ON a.id = e.article_id"
            " WHERE a.source_id = :source)"
        )
        params["source"] = flt.source_id
    return " AND ".join(where), params


def relations_among(db: sqlite_utils.Database, ids: Iterable[int], *, limit: int = 200) -> list[RelationRow]:
    """Shown relations whose two companies are both among ``ids``, best attested first."""
    wanted = sorted(set(ids))[:500]
    if len(wanted) < 2:
        return []
    marks = ",".join("?" * len(wanted))
    rows = _rows(
        db,
        f"""{_RELATION_SELECT}
        WHERE r.source_id IN ({marks}) AND r.target_id IN ({marks})
          AND r.status != 'rejected' AND {_RELATION_SHOWN}
        ORDER BY r.article_count DESC, r.id LIMIT ?""",
        [*wanted, *wanted, limit],
    )
    return [_relation(row) for row in rows]


def relation(db: sqlite_utils.Database, relation_id: int) -> RelationRow:
    """One relation by id, whatever its status; NotFound if there is none."""
    rows = _rows(db, f"{_RELATION_SELECT} WHERE r.id = ?", (relation_id,))
    if not rows:
        raise NotFound(f"relation {relation_id}: no such relation")
    return _relation(rows[0])


def relation_evidence(db: sqlite_utils.Database, relation_id: int, *, limit: int = 50) -> list[EvidenceRow]:
    """The sentences stating a relation, newest article first."""
    rows = _rows(
        db,
        f"{_EVIDENCE_SELECT} WHERE e.relation_id = ? ORDER BY a.published_at DESC, e.id DESC LIMIT ?",
        (relation_id, limit),
    )
    return [_evidence(row) for row in rows]


# --- articles --------------------------------------------------------------------------


def article(db: sqlite_utils.Database, article_id: int) -> ArticleDetail:
    """An article with its source, the companies it names and the relations it states."""
    rows = _rows(
        db,
        """
        SELECT a.*, so.title AS source_title, so.url AS source_url
        FROM articles a LEFT JOIN sources so ON so.id = a.source_id WHERE a.id = ?
        """,
        (article_id,),
    )
    if not rows:
        raise NotFound(f"article {article_id}: no such article")
    row = rows[0]
    text = row["text"] or row["summary"] or ""
    mentions = tuple(
        MentionSpan(company_id=m["company_id"], name=m["name"], surface=m["surface"], start=m["start"], end=m["end"])
        for m in _rows(
            db,
            """
            SELECT m.company_id, coalesce(live.name, c.name) AS name, m.surface, m.start, m."end"
            FROM mentions m JOIN companies c ON c.id = m.company_id
            LEFT JOIN companies live ON live.id = c.merged_into
            WHERE m.article_id = ? AND c.kind != 'not_company'
            ORDER BY m.start
            """,
            (article_id,),
        )
    )
    relations = tuple(
        _relation(r)
        for r in _rows(
            db,
            f"""{_RELATION_SELECT}
            WHERE r.id IN (SELECT relation_id FROM evidence WHERE article_id = ?)
              AND r.status != 'rejected' AND {_RELATION_SHOWN}
            ORDER BY r.type, s.name""",
            (article_id,),
        )
    )
    return ArticleDetail(
        id=row["id"],
        title=row["title"],
        url=row["url"],
        published_at=row["published_at"],
        author=row["author"],
        source_id=row["source_id"],
        source_title=row["source_title"],
        source_url=row["source_url"],
        text=text,
        document=document_text(row["title"], text),
        mentions=mentions,
        relations=relations,
    )


def highlight_mentions(text: str, mentions: Iterable[MentionSpan]) -> str:
    """``text`` as HTML with each mention in a <mark>; everything from the text is escaped.

    Offsets outside the text, or overlapping an earlier mention, are skipped rather
    than trusted: the text may have changed since extraction. Paragraph breaks
    become <br>.
    """
    out: list[str] = []
    position = 0
    for span in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if span.start < position or span.end > len(text) or span.start >= span.end:
            continue
        out.append(html.escape(text[position : span.start]))
        out.append(
            f'<mark title="{html.escape(span.name, quote=True)}">{html.escape(text[span.start : span.end])}</mark>'
        )
        position = span.end
    out.append(html.escape(text[position:]))
    return "".join(out).replace("\n", "<br>\n")
