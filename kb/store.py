"""Extraction → rows: entity resolution across articles, aggregates, evidence, re-extraction.

An ``Extraction`` is a pure function of one article's text; this module is where articles
meet. Each company the extractor names is resolved to one ``companies`` row — by the key of
any surface form already known as an alias, else by the company key, else a new row — so
"Oracle Corp." in one article and "Oracle" in another are the same company, and a company
merged by curation keeps absorbing its old names.

Storing an article replaces everything it contributed before (mentions, evidence, roles,
product mentions) and recomputes only the aggregates it touched, so storing is idempotent
and re-extraction never duplicates anything. Curated state lives apart: relations whose
status is not ``auto`` survive losing their evidence, curated evidence rows are never
replaced by the extractor, and ``kb.curation.replay_curation`` re-applies the log.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import threading
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import sqlite_utils

from kb.config import Settings
from kb.db import to_timestamp, utcnow
from kb.errors import ConfigError, NotFound
from kb.names import company_key
from kb.records import ORGANISATION_SIDES, RELATION_TYPES, UNDIRECTED_TYPES, Extraction, KnownCompany

if TYPE_CHECKING:
    from kb.extract import Extractor

__all__ = [
    "ExtractStats",
    "ProgressCallback",
    "curated_keys",
    "curated_organisations",
    "ensure_relation",
    "extract_articles",
    "find_company",
    "known_companies",
    "live_company",
    "parse_since",
    "reextract_articles",
    "refresh_aggregates",
    "rejected_names",
    "resolve_company",
    "select_articles",
    "store_extraction",
    "write_transaction",
]

log = logging.getLogger(__name__)

#: Rows bound per ``IN (...)`` list: far below SQLite's variable limit.
_CHUNK = 500

ProgressCallback = Callable[[int, int], None]
"""Called with (articles done, articles selected) after each stored batch."""


def _fold(name: str) -> str:
    """Key for people and products: case and spacing folded, nothing else."""
    text = unicodedata.normalize("NFKC", name).replace("\u2019", "'").casefold()
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class ExtractStats:
    """What one ``extract_articles`` call stored."""

    articles: int = 0  #: articles extracted and stored
    mentions: int = 0  #: company mentions stored
    relations: int = 0  #: relation statements (evidence rows) stored
    products: int = 0  #: product mentions stored
    people: int = 0  #: person roles stored
    missing: int = 0  #: articles deleted while the batch was extracted: skipped
    replayed: int = 0  #: curation actions re-applied afterwards (``reextract_articles``)

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__slots__}


class _ExtractorLike(Protocol):
    def extract_many(
        self,
        items: Iterable[tuple[int, str | None, str]],
        *,
        batch_size: int | None = ...,
        n_process: int | None = ...,
    ) -> Iterator[tuple[int, Extraction]]: ...


# --- transactions -----------------------------------------------------------------------


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """One write transaction, taken with BEGIN IMMEDIATE; a savepoint when one is open.

    IMMEDIATE takes the write lock up front: a deferred transaction that reads first and
    writes later fails at once with "database is locked" when another connection (ingest,
    the explorer's curation) committed in between, whatever the busy timeout.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if db.conn.in_transaction:
            db.conn.rollback()
        raise
    db.conn.commit()


# --- reading the KB for the extractor ---------------------------------------------------


def known_companies(db: sqlite_utils.Database) -> list[KnownCompany]:
    """Every live company (kind company, not merged) with its aliases: the extractor's gazetteer.

    Most mentioned first. Aliases include names that curation merged into the company, so
    the extractor names "Facebook" as "Meta" once a user merged them.
    """
    aliases: dict[int, list[str]] = {}
    for row in db.query(
        "select a.company_id, a.surface from aliases a join companies c on c.id = a.company_id"
        " where c.kind = 'company' and c.merged_into is null order by a.id"
    ):
        aliases.setdefault(row["company_id"], []).append(row["surface"])
    result = []
    for row in db.query(
        "select id, name, ticker from companies where kind = 'company' and merged_into is null"
        " order by mention_count desc, name"
    ):
        surfaces = tuple(dict.fromkeys(s for s in aliases.get(row["id"], ()) if s != row["name"]))
        result.append(KnownCompany(name=row["name"], aliases=surfaces, ticker=row["ticker"]))
    return result


def rejected_names(db: sqlite_utils.Database) -> list[str]:
    """Names and aliases curated as not a company.

    ``store_extraction`` drops these names whatever the extractor says (the extractor itself
    does not read this list: its own output stays independent of one database's curation).
    """
    names: dict[str, None] = {}
    for row in db.query(
        "select c.name, a.surface from companies c left join aliases a on a.company_id = c.id"
        " where c.kind = 'not_company' order by c.id, a.id"
    ):
        names[row["name"]] = None
        if row["surface"]:
            names[row["surface"]] = None
    return list(names)


# --- entity resolution ------------------------------------------------------------------


def live_company(db: sqlite_utils.Database, company_id: int) -> dict[str, Any] | None:
    """The company row that ``company_id`` now lives on as, following merges."""
    seen = set()
    while company_id not in seen:
        seen.add(company_id)
        rows = list(db.query("select * from companies where id = ?", [company_id]))
        if not rows:
            return None
        if rows[0]["merged_into"] is None:
            return rows[0]
        company_id = rows[0]["merged_into"]
    return None  # a merge cycle: cannot be produced by kb.curation, refuse to guess


def find_company(db: sqlite_utils.Database, *names: str) -> dict[str, Any] | None:
    """The live company row any of ``names`` resolves to: alias keys first, then company keys."""
    keys = [k for k in dict.fromkeys(company_key(n) for n in names) if k]
    for table in ("aliases", "companies"):
        column = "company_id" if table == "aliases" else "id"
        for key in keys:
            rows = list(db.query(f"select {column} as id from {table} where key = ?", [key]))
            if rows:
                return live_company(db, rows[0]["id"])
    return None


def resolve_company(
    db: sqlite_utils.Database,
    name: str,
    *,
    aliases: Iterable[str] = (),
    ticker: str | None = None,
    kind: str = "company",
    pinned: Collection[str] = (),
) -> dict[str, Any] | None:
    """The live row for ``name`` (creating it, of ``kind``, when new), with ``aliases`` recorded.

    None when the name has no key (only punctuation). A row of kind ``not_company`` is
    returned as such: callers drop it. ``kind="other_org"`` is for a government, university
    or agency that is a party of a relation: it never turns a company row into one, but a row
    first stored as an organisation becomes a company once the extractor calls it one, unless
    its key is ``pinned`` (a person marked it an organisation: ``curated_organisations``).
    """
    aliases = tuple(a for a in aliases if a and a.strip())
    key = company_key(name)
    if not key:
        return None
    company = find_company(db, name, *aliases)
    if company is None:
        cursor = db.conn.execute(
            "insert into companies (key, name, ticker, kind) values (?, ?, ?, ?)",
            [key, name.strip(), ticker, kind],
        )
        company = live_company(db, int(cursor.lastrowid or 0))
        assert company is not None
    else:
        changes: dict[str, Any] = {}
        if ticker and not company["ticker"]:
            changes["ticker"] = ticker
        if kind == "company" and company["kind"] == "other_org" and company["key"] not in pinned:
            changes["kind"] = "company"
        if changes:
            db.table("companies").update(company["id"], changes)
            company = {**company, **changes}
    _add_aliases(db, company["id"], (name, *aliases))
    return company


def _add_aliases(db: sqlite_utils.Database, company_id: int, surfaces: Iterable[str]) -> None:
    """Record surface forms for a company; a key already taken keeps its first company."""
    rows = []
    for surface in surfaces:
        key = company_key(surface)
        if key:
            rows.append({"key": key, "surface": surface.strip(), "company_id": company_id})
    if rows:
        _insert_rows(db, "aliases", rows, ignore=True)


# --- storing one article ----------------------------------------------------------------


def store_extraction(
    db: sqlite_utils.Database, article_id: int, extraction: Extraction, *, extractor_version: str
) -> None:
    """Replace what ``article_id`` contributed to the KB with ``extraction``, in one transaction.

    Idempotent: storing the same extraction twice leaves the same rows. Names curated as not
    a company are dropped; a relation between two names that resolve to one company is
    dropped. Raises NotFound when the article does not exist.
    """
    touched = _Touched()
    with write_transaction(db):
        _store(db, article_id, extraction, extractor_version=extractor_version, touched=touched,
               pinned=curated_organisations(db))
        _settle(db, touched)


@dataclass(slots=True)
class _Touched:
    """Rows whose aggregates to recompute, and rows that may have lost their last support.

    Collected over a batch of articles and settled once: a company named in every article
    of a batch has its counts recomputed once, not once per article.
    """

    refresh: dict[str, set[int]] = dataclasses.field(
        default_factory=lambda: {"companies": set(), "relations": set(), "products": set()}
    )
    orphans: dict[str, set[int]] = dataclasses.field(
        default_factory=lambda: {"companies": set(), "products": set(), "people": set()}
    )


def _settle(db: sqlite_utils.Database, touched: _Touched) -> None:
    """Recompute the batch's aggregates, then delete what lost its last support."""
    refresh_aggregates(
        db,
        company_ids=touched.refresh["companies"],
        relation_ids=touched.refresh["relations"],
        product_ids=touched.refresh["products"],
    )
    _collect_garbage(
        db,
        company_ids=touched.orphans["companies"],
        product_ids=touched.orphans["products"],
        person_ids=touched.orphans["people"],
    )


def _store(
    db: sqlite_utils.Database,
    article_id: int,
    extraction: Extraction,
    *,
    extractor_version: str,
    touched: _Touched,
    pinned: frozenset[str],
) -> dict[str, int]:
    """Store one article's extraction; ``pinned`` is ``curated_organisations(db)``, read once per batch."""
    if not list(db.query("select 1 from articles where id = ?", [article_id])):
        raise NotFound(f"article {article_id} does not exist")
    old = _article_footprint(db, article_id)
    old_surfaces = db.execute(
        "select distinct company_id, surface from mentions where article_id = ?", [article_id]
    ).fetchall()
    _forget_article(db, article_id)
    _prune_aliases(db, old_surfaces)

    ids: dict[str, int | None] = {}
    curated_orgs: dict[str, int] = {}  #: names the extractor calls companies that a person marked organisations

    def company_id(name: str, aliases: Iterable[str] = (), ticker: str | None = None) -> int | None:
        if name not in ids or aliases or ticker:
            row = resolve_company(db, name, aliases=aliases, ticker=ticker, pinned=pinned)
            ids[name] = row["id"] if row and row["kind"] == "company" else None
            if row and row["kind"] == "other_org":
                curated_orgs[name] = row["id"]
        return ids[name]

    for company in extraction.companies:
        company_id(company.name, company.aliases, company.ticker)

    org_ids: dict[str, int | None] = {}

    def organisation_id(name: str) -> int | None:
        """A relation's party that is a university or agency (``Relation.org_side``), not a company."""
        if name not in org_ids:
            row = resolve_company(db, name, kind="other_org")
            org_ids[name] = row["id"] if row and row["kind"] in ("company", "other_org") else None
        return org_ids[name]

    mentions = []
    for mention in extraction.mentions:
        cid = company_id(mention.company)
        if cid is not None:
            mentions.append(
                {"article_id": article_id, "company_id": cid, "surface": mention.surface,
                 "start": mention.start, "end": mention.end}
            )  # fmt: skip
    _insert_rows(db, "mentions", mentions)

    evidence: dict[tuple[int, int], dict[str, Any]] = {}
    unknown_types = 0
    for relation in extraction.relations:
        if relation.type not in RELATION_TYPES:
            unknown_types += 1
            continue
        source = organisation_id(relation.source) if relation.org_side == "source" else company_id(relation.source)
        target = organisation_id(relation.target) if relation.org_side == "target" else company_id(relation.target)
        if relation.org_side is None:
            # a party curated as an organisation stays one, on the side an organisation can take
            sides = ORGANISATION_SIDES.get(relation.type, ())
            if source is None and "source" in sides and target is not None:
                source = curated_orgs.get(relation.source)
            elif target is None and "target" in sides and source is not None:
                target = curated_orgs.get(relation.target)
        if source is None or target is None or source == target:
            continue
        relation_id = ensure_relation(db, relation.type, source, target)
        row = {
            "relation_id": relation_id, "article_id": article_id, "sentence": relation.sentence,
            "start": relation.start, "end": relation.end, "confidence": relation.confidence,
            "attributes": json.dumps(relation.terms.as_dict()) if relation.terms.as_dict() else None,
        }  # fmt: skip
        previous = evidence.get((relation_id, relation.start))
        if previous is None or relation.confidence > previous["confidence"]:
            evidence[(relation_id, relation.start)] = row
    if unknown_types:
        log.warning("article %s: %d relations of unknown types skipped", article_id, unknown_types)
    # ignore: a curated evidence row may already hold this (relation, article, start)
    _insert_rows(db, "evidence", list(evidence.values()), ignore=True)

    roles: dict[tuple[int, int | None, str | None], dict[str, Any]] = {}
    for person in extraction.people:
        key = _fold(person.name)
        if not key:
            continue
        person_id = _get_or_create(db, "people", key, {"name": person.name.strip()})
        cid = company_id(person.company) if person.company else None
        title = person.title.strip() if person.title else None
        roles[(person_id, cid, title)] = {
            "person_id": person_id, "company_id": cid, "title": title, "article_id": article_id
        }  # fmt: skip
    _insert_rows(db, "roles", list(roles.values()), ignore=True)

    product_ids: set[int] = set()
    for product in extraction.products:
        key = _fold(product.name)
        if not key:
            continue
        owner = company_id(product.owner) if product.owner else None
        product_id = _get_or_create(db, "products", key, {"name": product.name.strip(), "company_id": owner})
        if owner is not None:
            db.execute(
                "update products set company_id = ? where id = ? and company_id is null", [owner, product_id]
            )
        product_ids.add(product_id)
    _insert_rows(
        db,
        "product_mentions",
        [{"product_id": p, "article_id": article_id} for p in sorted(product_ids)],
        ignore=True,
    )

    new = _article_footprint(db, article_id)
    for name in ("companies", "relations", "products"):
        touched.refresh[name] |= old[name] | new[name]
    # Also every company named: one listed without any mention or relation must not linger.
    touched.orphans["companies"] |= old["companies"] | {i for i in (*ids.values(), *org_ids.values()) if i is not None}
    touched.orphans["products"] |= old["products"]
    touched.orphans["people"] |= old["people"]
    db.execute(
        "update articles set extracted_at = ?, extractor_version = ?, needs_extraction = 0 where id = ?",
        [utcnow(), extractor_version, article_id],
    )
    return {
        "mentions": len(mentions),
        "relations": len(evidence),
        "products": len(product_ids),
        "people": len(roles),
    }


def ensure_relation(db: sqlite_utils.Database, type: str, source_id: int, target_id: int) -> int:
    """Get or create the (type, source, target) row; undirected types store the lower id first."""
    if type in UNDIRECTED_TYPES and source_id > target_id:
        source_id, target_id = target_id, source_id
    rows = list(
        db.query(
            "select id from relations where type = ? and source_id = ? and target_id = ?",
            [type, source_id, target_id],
        )
    )
    if rows:
        return int(rows[0]["id"])
    cursor = db.conn.execute(
        "insert into relations (type, source_id, target_id, status, article_count) values (?, ?, ?, 'auto', 0)",
        [type, source_id, target_id],
    )
    return int(cursor.lastrowid or 0)


def _get_or_create(db: sqlite_utils.Database, table: str, key: str, values: dict[str, Any]) -> int:
    """The id of the row with this unique ``key``, inserting it with ``values`` when missing."""
    row = db.execute(f"select id from {table} where key = ?", [key]).fetchone()
    if row is not None:
        return int(row[0])
    columns = ["key", *values]
    cursor = db.conn.execute(
        f"insert into {table} ({', '.join(columns)}) values ({', '.join('?' * len(columns))})",
        [key, *values.values()],
    )
    return int(cursor.lastrowid or 0)


def _insert_rows(
    db: sqlite_utils.Database, table: str, rows: list[dict[str, Any]], *, ignore: bool = False
) -> None:
    """Insert rows of one shape with executemany.

    Storing an article writes a handful of rows into each of five tables; sqlite-utils'
    insert_all introspects the table on every call, which was half the time spent storing
    (benchmarks/store_bench.py). The tables and columns here are our own schema's.
    """
    if not rows:
        return
    columns = list(rows[0])
    sql = (
        f"insert {'or ignore ' if ignore else ''}into {table} ({', '.join(columns)})"
        f" values ({', '.join('?' * len(columns))})"
    )
    db.conn.executemany(sql, [[row[c] for c in columns] for row in rows])


def _article_footprint(db: sqlite_utils.Database, article_id: int) -> dict[str, set[int]]:
    """The rows an article's extractor output points at: what its re-storing may change."""

    def ids(sql: str) -> set[int]:
        return {row["id"] for row in db.query(sql, [article_id]) if row["id"] is not None}

    companies = ids("select distinct company_id as id from mentions where article_id = ?")
    companies |= ids("select distinct company_id as id from roles where article_id = ?")
    relations = ids("select distinct relation_id as id from evidence where article_id = ? and curated = 0")
    for chunk in _chunks(sorted(relations)):
        marks = ",".join("?" * len(chunk))
        for row in db.query(f"select source_id, target_id from relations where id in ({marks})", chunk):
            companies |= {row["source_id"], row["target_id"]}
    products = ids("select product_id as id from product_mentions where article_id = ?")
    for chunk in _chunks(sorted(products)):
        marks = ",".join("?" * len(chunk))
        companies |= {
            row["company_id"]
            for row in db.query(f"select company_id from products where id in ({marks})", chunk)
            if row["company_id"] is not None
        }
    people = ids("select distinct person_id as id from roles where article_id = ?")
    return {"companies": companies, "relations": relations, "products": products, "people": people}


def _forget_article(db: sqlite_utils.Database, article_id: int) -> None:
    """Delete what the extractor stored for an article; curated evidence stays."""
    db.table("mentions").delete_where("article_id = ?", [article_id])
    db.table("evidence").delete_where("article_id = ? and curated = 0", [article_id])
    db.table("roles").delete_where("article_id = ?", [article_id])
    db.table("product_mentions").delete_where("article_id = ?", [article_id])


def _chunks(values: Sequence[int]) -> Iterator[list[int]]:
    for i in range(0, len(values), _CHUNK):
        yield list(values[i : i + _CHUNK])


_SEEN = "coalesce(a.published_at, a.fetched_at)"


def refresh_aggregates(
    db: sqlite_utils.Database,
    *,
    company_ids: Iterable[int] = (),
    relation_ids: Iterable[int] = (),
    product_ids: Iterable[int] = (),
) -> None:
    """Recompute counts and first/last seen of the given rows from mentions and evidence.

    "Seen" is the article's published_at (its fetch time when it has none). A relation with
    no evidence left is deleted unless curated (status other than ``auto``); a curated one
    keeps its dates and confidence.
    """
    for chunk in _chunks(sorted(set(company_ids))):
        marks = ",".join("?" * len(chunk))
        db.execute(
            f"""update companies set
              mention_count = (select count(*) from mentions m where m.company_id = companies.id),
              article_count = (select count(distinct m.article_id) from mentions m where m.company_id = companies.id),
              first_seen = (select min({_SEEN}) from mentions m join articles a on a.id = m.article_id
                            where m.company_id = companies.id),
              last_seen = (select max({_SEEN}) from mentions m join articles a on a.id = m.article_id
                           where m.company_id = companies.id)
            where id in ({marks})""",
            chunk,
        )
        # An organisation has no mentions of its own: it is seen where a relation names it.
        party_evidence = (
            "from evidence e join relations r on r.id = e.relation_id join articles a on a.id = e.article_id"
            " where companies.id in (r.source_id, r.target_id)"
        )
        db.execute(
            f"""update companies set
              article_count = (select count(distinct e.article_id) {party_evidence}),
              first_seen = (select min({_SEEN}) {party_evidence}),
              last_seen = (select max({_SEEN}) {party_evidence})
            where id in ({marks}) and kind = 'other_org'""",
            chunk,
        )
    for chunk in _chunks(sorted(set(relation_ids))):
        marks = ",".join("?" * len(chunk))
        db.execute(
            f"delete from relations where id in ({marks}) and status = 'auto'"
            " and not exists (select 1 from evidence e where e.relation_id = relations.id)",
            chunk,
        )
        db.execute(
            f"""update relations set
              article_count = (select count(distinct e.article_id) from evidence e where e.relation_id = relations.id),
              first_seen = coalesce((select min({_SEEN}) from evidence e join articles a on a.id = e.article_id
                                     where e.relation_id = relations.id), first_seen),
              last_seen = coalesce((select max({_SEEN}) from evidence e join articles a on a.id = e.article_id
                                    where e.relation_id = relations.id), last_seen),
              confidence = coalesce((select max(e.confidence) from evidence e where e.relation_id = relations.id),
                                    confidence)
            where id in ({marks})""",
            chunk,
        )
    for chunk in _chunks(sorted(set(product_ids))):
        marks = ",".join("?" * len(chunk))
        db.execute(
            f"""update products set
              first_seen = (select min({_SEEN}) from product_mentions pm join articles a on a.id = pm.article_id
                            where pm.product_id = products.id),
              last_seen = (select max({_SEEN}) from product_mentions pm join articles a on a.id = pm.article_id
                           where pm.product_id = products.id)
            where id in ({marks})""",
            chunk,
        )


def _collect_garbage(
    db: sqlite_utils.Database,
    *,
    company_ids: Iterable[int],
    product_ids: Iterable[int],
    person_ids: Iterable[int],
) -> None:
    """Delete rows an article alone had created and no longer supports.

    A company goes when nothing points at it (mentions, relations, roles, products, merged
    names) and no curation names it: re-extraction must not leave "AI" behind once the
    extractor stops calling it a company, but must keep what a person curated.
    """
    curated = curated_keys(db)
    for chunk in _chunks(sorted(set(company_ids))):
        marks = ",".join("?" * len(chunk))
        rows = db.query(
            f"""select id, key from companies c where id in ({marks})
              and kind in ('company', 'other_org') and merged_into is null
              and not exists (select 1 from mentions where company_id = c.id)
              and not exists (select 1 from relations where source_id = c.id or target_id = c.id)
              and not exists (select 1 from roles where company_id = c.id)
              and not exists (select 1 from products where company_id = c.id)
              and not exists (select 1 from companies d where d.merged_into = c.id)""",
            chunk,
        )
        doomed = [row["id"] for row in rows if row["key"] not in curated]
        if doomed:
            marks = ",".join("?" * len(doomed))
            db.execute(f"delete from aliases where company_id in ({marks})", doomed)
            db.execute(f"delete from companies where id in ({marks})", doomed)
    for chunk in _chunks(sorted(set(product_ids))):
        marks = ",".join("?" * len(chunk))
        db.execute(
            f"delete from products where id in ({marks})"
            " and not exists (select 1 from product_mentions where product_id = products.id)",
            chunk,
        )
    for chunk in _chunks(sorted(set(person_ids))):
        marks = ",".join("?" * len(chunk))
        db.execute(
            f"delete from people where id in ({marks}) and not exists (select 1 from roles where person_id = people.id)",
            chunk,
        )


def _prune_aliases(db: sqlite_utils.Database, surfaces: Iterable[tuple[int, str]]) -> None:
    """Drop the aliases that only the article being re-stored supported.

    ``surfaces`` are the (company, surface) pairs of the article's previous mentions. An
    alias stays while it is the company's key or display name, the key of a company merged
    into it, or the key of a surface another stored mention of it uses. Without this, a
    wrong alias from an older extractor ("Sky" as a name of Fox) would keep resolving that
    name to the wrong company after re-extraction. Most surfaces fold to the company's own
    key, so the mentions are read only for the rare real alias.
    """
    candidates: dict[int, set[str]] = {}
    for company_id, surface in surfaces:
        candidates.setdefault(company_id, set()).add(company_key(surface))
    for company_id, keys in candidates.items():
        row = db.execute("select key, name, kind from companies where id = ?", [company_id]).fetchone()
        if row is None or row[2] != "company":
            continue
        keys -= {row[0], company_key(row[1])}
        marks = ",".join("?" * len(keys))
        aliases = {
            key: alias_id
            for alias_id, key in db.execute(
                f"select id, key from aliases where company_id = ? and key in ({marks})", [company_id, *keys]
            )
        }
        if not aliases:
            continue
        supported = {
            key for (key,) in db.execute("select key from companies where merged_into = ?", [company_id])
        }
        supported |= {
            company_key(surface)
            for (surface,) in db.execute(
                "select distinct surface from mentions where company_id = ?", [company_id]
            )
        }
        stale = [alias_id for key, alias_id in aliases.items() if key not in supported]
        if stale:
            db.execute(f"delete from aliases where id in ({','.join('?' * len(stale))})", stale)


def curated_organisations(db: sqlite_utils.Database) -> frozenset[str]:
    """Keys of rows a person last marked an organisation (``kb.curation.mark_organisation``):
    the extractor calling such a name a company does not make it one again."""
    kinds: dict[str, str] = {}
    for row in db.query("select action, payload from curation where action in ('organisation', 'company') order by id"):
        kinds[json.loads(row["payload"])["key"]] = row["action"]
    return frozenset(key for key, action in kinds.items() if action == "organisation")


def curated_keys(db: sqlite_utils.Database) -> set[str]:
    """Company keys that some curation action names: never garbage-collected."""
    keys: set[str] = set()
    for row in db.query("select payload from curation"):
        payload = json.loads(row["payload"])
        for field in ("key", "keep", "drop", "source", "target"):
            value = payload.get(field)
            if isinstance(value, str):
                keys.add(company_key(value))
    return keys


# --- extracting many articles -----------------------------------------------------------


def parse_since(value: str) -> str:
    """A --since DATE ("2025-01-31" or ISO 8601) as a stored timestamp; ConfigError otherwise."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as e:
        raise ConfigError(f"invalid date {value!r}: use YYYY-MM-DD or ISO 8601") from e
    return to_timestamp(moment)  # naive means UTC there too


def select_articles(
    db: sqlite_utils.Database,
    *,
    article_ids: Sequence[int] | None = None,
    since: str | None = None,
    all: bool = False,
    outdated_for: str | None = None,
) -> list[int]:
    """Ids of the articles to extract, oldest first; duplicates of another article never.

    Default: those marked needs_extraction. ``article_ids``: exactly those. ``all``: every
    article. ``since``: published (or fetched, when undated) at or after that date.
    ``outdated_for``: also those extracted by another extractor version than this one.
    """
    where = ["duplicate_of is null"]
    params: list[Any] = []
    if article_ids is not None:
        ids = sorted({int(i) for i in article_ids})
        if not ids:
            return []
        found: list[int] = []
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            found += [
                row["id"]
                for row in db.query(
                    f"select id from articles where id in ({marks}) and duplicate_of is null", chunk
                )
            ]
        return sorted(found)
    if since is not None:
        where.append("coalesce(published_at, fetched_at) >= ?")
        params.append(parse_since(since))
    if not all and since is None:
        if outdated_for is not None:
            where.append("(needs_extraction = 1 or extractor_version is null or extractor_version != ?)")
            params.append(outdated_for)
        else:
            where.append("needs_extraction = 1")
    sql = (
        f"select id from articles where {' and '.join(where)} order by coalesce(published_at, fetched_at), id"
    )
    return [row["id"] for row in db.query(sql, params)]


def extract_articles(
    db: sqlite_utils.Database,
    *,
    settings: Settings,
    article_ids: Sequence[int] | None = None,
    since: str | None = None,
    all: bool = False,
    outdated: bool = False,
    extractor: Extractor | _ExtractorLike | None = None,
    extractor_version: str | None = None,
    progress: ProgressCallback | None = None,
) -> ExtractStats:
    """Extract and store articles, one transaction per batch; see ``select_articles`` for which.

    The Extractor is built with ``known_companies(db)`` unless given, so a company seen in
    earlier articles is recognised in later ones. ``extractor_version`` defaults to the
    extractor's ``version`` attribute, else ``kb.extract.EXTRACTOR_VERSION``. A failure
    loses only the batch in progress: earlier batches are committed.
    """
    version = extractor_version or getattr(extractor, "version", None)
    if extractor is None or version is None:
        from kb import extract as extract_module  # spaCy is heavy: only loaded to extract

        version = version or extract_module.EXTRACTOR_VERSION
        if extractor is None:
            extractor = _shared_extractor(db, settings)
    ids = select_articles(
        db, article_ids=article_ids, since=since, all=all, outdated_for=version if outdated else None
    )
    _forget_duplicates(db, article_ids, extractor_version=str(version))
    total = len(ids)
    if not total:
        return ExtractStats()
    batch_size = max(1, settings.extract.batch_size)
    counts = {"articles": 0, "mentions": 0, "relations": 0, "products": 0, "people": 0, "missing": 0}
    pending: list[tuple[int, Extraction]] = []

    def flush() -> None:
        touched = _Touched()
        with write_transaction(db):
            pinned = curated_organisations(db)
            for article_id, extraction in pending:
                if not list(db.query("select 1 from articles where id = ?", [article_id])):
                    counts["missing"] += 1
                    continue
                stored = _store(db, article_id, extraction, extractor_version=str(version), touched=touched,
                                pinned=pinned)
                counts["articles"] += 1
                for name, value in stored.items():
                    counts[name] += value
            _settle(db, touched)
        pending.clear()
        if progress is not None:
            progress(counts["articles"] + counts["missing"], total)

    results = extractor.extract_many(
        _article_texts(db, ids), batch_size=batch_size, n_process=settings.extract.n_process
    )
    for article_id, extraction in results:
        pending.append((article_id, extraction))
        if len(pending) >= batch_size:
            flush()
    if pending:
        flush()
    if counts["missing"]:
        log.warning("%d articles were deleted while being extracted: skipped", counts["missing"])
    log.info(
        "extracted %d articles: %d mentions, %d relation statements",
        counts["articles"],
        counts["mentions"],
        counts["relations"],
    )
    return ExtractStats(**counts)


#: Rebuild the shared Extractor once the KB has this many more companies than it was built
#: with (as a fraction, plus a floor): ingest calls extract_articles once per source, and a
#: new gazetteer costs a pipeline build (seconds with thousands of companies).
_REBUILD_GROWTH = 0.1
_REBUILD_FLOOR = 10
_extractors: dict[tuple[object, str], tuple[int, Extractor]] = {}
_extractors_lock = threading.Lock()


def _shared_extractor(db: sqlite_utils.Database, settings: Settings) -> Extractor:
    """An Extractor whose gazetteer holds the KB's companies, reused while the KB grows little.

    Companies seen in earlier articles help recognise them later; rebuilding for every
    source would cost more than the extraction itself once the KB is large.
    """
    from kb.extract import Extractor

    path = (
        next((row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"), "")
        or f"memory:{id(db)}"
    )
    key = (settings.extract, path)
    live = db.execute(
        "select count(*) from companies where kind = 'company' and merged_into is null"
    ).fetchone()[0]
    with _extractors_lock:
        cached = _extractors.get(key)
        if cached is not None and live < cached[0] * (1 + _REBUILD_GROWTH) + _REBUILD_FLOOR:
            return cached[1]
        extractor = Extractor(settings.extract, known_companies=known_companies(db))
        _extractors[key] = (live, extractor)
        log.debug("extractor built with %d known companies", live)
        return extractor


def _forget_duplicates(
    db: sqlite_utils.Database, article_ids: Sequence[int] | None, *, extractor_version: str
) -> None:
    """Clear what was stored for articles that have since become duplicates of another.

    A duplicate is never extracted (its original is), but one extracted before ingest
    found the original would otherwise count every mention twice.
    """
    sql = """select a.id from articles a where a.duplicate_of is not null and (
        exists (select 1 from mentions where article_id = a.id)
        or exists (select 1 from evidence where article_id = a.id and curated = 0)
        or exists (select 1 from roles where article_id = a.id)
        or exists (select 1 from product_mentions where article_id = a.id))"""
    found = [row["id"] for row in db.query(sql)]
    if article_ids is not None:
        found = sorted(set(found) & {int(i) for i in article_ids})
    if not found:
        return
    touched = _Touched()
    with write_transaction(db):
        for article_id in found:
            _store(db, article_id, Extraction(), extractor_version=extractor_version, touched=touched,
                   pinned=frozenset())  # nothing is stored, so nothing is resolved
        _settle(db, touched)
    log.info("cleared the extraction of %d articles that are now duplicates", len(found))


def _article_texts(db: sqlite_utils.Database, ids: Sequence[int]) -> Iterator[tuple[int, str | None, str]]:
    """(id, title, text) for the extractor, read a chunk at a time so memory stays flat."""
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        rows = {
            row["id"]: row
            for row in db.query(f"select id, title, text from articles where id in ({marks})", chunk)
        }
        for article_id in chunk:
            row = rows.get(article_id)
            if row is not None:
                yield article_id, row["title"], row["text"] or ""


def reextract_articles(
    db: sqlite_utils.Database,
    *,
    settings: Settings,
    since: str | None = None,
    all: bool = False,
    extractor: Extractor | _ExtractorLike | None = None,
    extractor_version: str | None = None,
    progress: ProgressCallback | None = None,
) -> ExtractStats:
    """``newskb reextract``: re-run extraction, then replay the curation log over the result.

    Default: articles never extracted, changed, or extracted by another extractor version.
    ``all``: every article; ``since``: those published since that date.
    """
    from kb.curation import replay_curation  # curation builds on this module

    stats = extract_articles(
        db, settings=settings, since=since, all=all, outdated=True, extractor=extractor,
        extractor_version=extractor_version, progress=progress,
    )  # fmt: skip
    return replace(stats, replayed=replay_curation(db))
