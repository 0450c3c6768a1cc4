"""Human corrections to the knowledge base, kept as a log that survives re-extraction.

Every action is recorded in the ``curation`` table (at, action, payload JSON) and applied
in the same transaction. Payloads name companies by their stable keys
(``company_key``), never only by row ids, because re-extraction may delete and
recreate rows; ``replay_curation`` re-applies the whole log in order after
``newskb reextract``. Applying an action twice gives the same rows, so replaying is safe.

Actions and payloads:

    merge           {"keep": key, "drop": key, "keep_name", "drop_name"}
    rename          {"key": key, "name": new name, "old_name"}
    not_company     {"key": key, "name"}
    company         {"key": key, "name"}   (an organisation that is a company after all)
    organisation    {"key": key, "name"}   (a company that is a university, agency... after all)
    relation_status {"type", "source": key, "target": key, "status": confirmed|rejected}
    add_relation    {"type", "source": name, "target": name, "evidence", "article_id", "article_url"}
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlite_utils

from kb.db import utcnow
from kb.errors import CurationError, NotFound
from kb.names import company_key
from kb.records import ORGANISATION_SIDES, RELATION_TYPES, UNDIRECTED_TYPES, document_text
from kb.store import (
    ensure_relation,
    find_company,
    live_company,
    refresh_aggregates,
    resolve_company,
    write_transaction,
)

__all__ = [
    "CURATED_CONFIDENCE",
    "CurationEntry",
    "RelationStatus",
    "add_relation",
    "curation_log",
    "mark_company",
    "mark_not_company",
    "mark_organisation",
    "merge_companies",
    "rename_company",
    "replay_curation",
    "set_relation_status",
]

log = logging.getLogger(__name__)

RelationStatus = Literal["confirmed", "rejected"]
#: Kinds of row that are relation parties (a company, or an organisation: university, agency...).
_PARTY_KINDS = ("company", "other_org")


def _mergeable(keep_kind: str, drop_kind: str) -> bool:
    """Two companies, two organisations, or an organisation into a company (whose relations a company
    may all take; not the other way round: an organisation is never bought)."""
    return keep_kind in _PARTY_KINDS and drop_kind in _PARTY_KINDS and (keep_kind, drop_kind) != ("other_org", "company")
#: Confidence given to evidence a person added.
CURATED_CONFIDENCE = 1.0


@dataclass(frozen=True, slots=True)
class CurationEntry:
    """One recorded curation action."""

    id: int
    at: datetime  #: UTC
    action: str  #: merge | rename | not_company | company | organisation | relation_status | add_relation
    payload: dict[str, Any]


# --- public actions: validate by id, record by key, apply -------------------------------


def merge_companies(db: sqlite_utils.Database, keep_id: int, drop_id: int) -> None:
    """Merge ``drop_id`` into ``keep_id``: its aliases, mentions, relations, roles and products follow.

    Relations that become the same (type, source, target) are merged, keeping their
    evidence and any curated status; a relation between the two becomes a self-relation
    and is deleted. The dropped row stays as a tombstone (``merged_into``), so its name
    keeps resolving to the kept company.
    """
    with write_transaction(db):
        keep, drop = _company(db, keep_id), _company(db, drop_id)
        if keep["id"] == drop["id"]:
            raise CurationError(f"company {keep_id} and company {drop_id} are already one company")
        for row in (keep, drop):
            if row["kind"] not in _PARTY_KINDS:
                raise CurationError(f"{row['name']!r} is marked {row['kind']}: it cannot be merged")
        if not _mergeable(keep["kind"], drop["kind"]):
            raise CurationError(
                f"{drop['name']!r} is a company and {keep['name']!r} an organisation: keep the company,"
                " or mark the organisation as a company first"
            )
        payload = {
            "keep": keep["key"],
            "drop": drop["key"],
            "keep_name": keep["name"],
            "drop_name": drop["name"],
        }
        _record_and_apply(db, "merge", payload)


def rename_company(db: sqlite_utils.Database, company_id: int, new_name: str) -> None:
    """Give a company a new display name; its key (its identity) and old names stay as aliases.

    Raises CurationError when the new name already belongs to another company: that is a
    merge, not a rename.
    """
    with write_transaction(db):
        company = _company(db, company_id)
        if not company_key(new_name):
            raise CurationError(f"{new_name!r} is not a usable company name")
        payload = {"key": company["key"], "name": new_name.strip(), "old_name": company["name"]}
        _record_and_apply(db, "rename", payload)


def mark_not_company(db: sqlite_utils.Database, company_id: int) -> None:
    """Mark a name as not a company: its mentions and relations go, and extraction drops it from now on.

    The row and its aliases stay (kind ``not_company``): ``store_extraction`` resolves the
    name to that row and drops it, whatever the extractor says (``kb.store.rejected_names``
    lists them).
    """
    with write_transaction(db):
        company = _company(db, company_id)
        payload = {"key": company["key"], "name": company["name"]}
        _record_and_apply(db, "not_company", payload)


def mark_company(db: sqlite_utils.Database, company_id: int) -> None:
    """Say an organisation (a university, agency...) is a company after all.

    Its relations stay; from now on the extractor knows the name as a company (it joins the
    gazetteer that ``kb.store.known_companies`` gives it), so ``newskb reextract`` finds its
    mentions too.
    """
    with write_transaction(db):
        company = _company(db, company_id)
        if company["kind"] != "other_org":
            raise CurationError(f"{company['name']!r} is marked {company['kind']}, not an organisation")
        _record_and_apply(db, "company", {"key": company["key"], "name": company["name"]})


def mark_organisation(db: sqlite_utils.Database, company_id: int) -> None:
    """Say a company is an organisation (a university, agency, public body) after all.

    It keeps the relations an organisation can take part in (``ORGANISATION_SIDES``: a partner,
    a supplier's customer, an investor); the others go, and so do its mentions. Later
    extraction keeps it an organisation whatever the extractor calls it.
    """
    with write_transaction(db):
        company = _company(db, company_id)
        if company["kind"] != "company":
            raise CurationError(f"{company['name']!r} is marked {company['kind']}, not a company")
        _record_and_apply(db, "organisation", {"key": company["key"], "name": company["name"]})


def set_relation_status(db: sqlite_utils.Database, relation_id: int, status: RelationStatus) -> None:
    """Confirm or reject a relation. Either way it survives losing its evidence on re-extraction;
    a rejected one stays hidden even when the extractor finds it again."""
    if status not in ("confirmed", "rejected"):
        raise CurationError(f"relation status must be confirmed or rejected, not {status!r}")
    with write_transaction(db):
        rows = list(
            db.query(
                "select r.type, s.key as source, t.key as target from relations r"
                " join companies s on s.id = r.source_id join companies t on t.id = r.target_id where r.id = ?",
                [relation_id],
            )
        )
        if not rows:
            raise NotFound(f"relation {relation_id} does not exist")
        payload = {**rows[0], "status": status}
        _record_and_apply(db, "relation_status", payload)


def add_relation(
    db: sqlite_utils.Database,
    *,
    type: str,
    source: str,
    target: str,
    evidence: str | None = None,
    article_id: int | None = None,
) -> int:
    """Add a relation the extractor missed, between companies named as a person writes them.

    Unknown names become companies. ``evidence`` is stored as curated evidence (offsets
    found in the article's text when it is there). Returns the relation's id.
    """
    with write_transaction(db):
        payload: dict[str, Any] = {
            "type": type,
            "source": source.strip(),
            "target": target.strip(),
            "evidence": evidence,
        }
        if article_id is not None:
            article = list(db.query("select id, url from articles where id = ?", [article_id]))
            if not article:
                raise NotFound(f"article {article_id} does not exist")
            payload["article_id"], payload["article_url"] = article[0]["id"], article[0]["url"]
        return int(_record_and_apply(db, "add_relation", payload))


def curation_log(db: sqlite_utils.Database) -> list[CurationEntry]:
    """Every curation action, oldest first."""
    return [
        CurationEntry(
            id=row["id"],
            at=datetime.fromisoformat(row["at"]),
            action=row["action"],
            payload=json.loads(row["payload"]),
        )
        for row in db.query("select id, at, action, payload from curation order by id")
    ]


def replay_curation(db: sqlite_utils.Database) -> int:
    """Re-apply the whole curation log in order, in one transaction; returns how many applied.

    An action whose companies no longer exist is skipped (one warning with the count):
    the log is kept, so it applies again once they reappear.
    """
    applied = skipped = 0
    with write_transaction(db):
        for entry in curation_log(db):
            if _apply(db, entry.action, entry.payload, strict=False) is None:
                skipped += 1
                log.debug("curation %d (%s) skipped: %s", entry.id, entry.action, entry.payload)
            else:
                applied += 1
    if skipped:
        log.warning("%d curation actions could not be replayed: their companies are gone", skipped)
    return applied


# --- recording and applying -------------------------------------------------------------


def _record_and_apply(db: sqlite_utils.Database, action: str, payload: dict[str, Any]) -> int | bool:
    """Log a user's action and apply it; CurationError when it cannot apply (nothing is kept then)."""
    db.table("curation").insert(
        {"at": utcnow(), "action": action, "payload": json.dumps(payload, ensure_ascii=False)}
    )
    result = _apply(db, action, payload, strict=True)
    assert result is not None  # strict: a failure raises instead
    return result


def _company(db: sqlite_utils.Database, company_id: int) -> dict[str, Any]:
    rows = list(db.query("select * from companies where id = ?", [company_id]))
    if not rows:
        raise NotFound(f"company {company_id} does not exist")
    if rows[0]["merged_into"] is not None:
        raise CurationError(
            f"company {company_id} ({rows[0]['name']!r}) was merged into company {rows[0]['merged_into']}"
        )
    return rows[0]


def _by_key(db: sqlite_utils.Database, key: str) -> dict[str, Any] | None:
    """The live company a stored key names: the company key first, then an alias key."""
    rows = list(db.query("select id from companies where key = ?", [key]))
    if rows:
        return live_company(db, rows[0]["id"])
    return find_company(db, key)


class _Skip(Exception):
    """An action that cannot apply; raised as CurationError when strict, skipped when replaying."""


def _apply(
    db: sqlite_utils.Database, action: str, payload: dict[str, Any], *, strict: bool
) -> int | bool | None:
    """Apply one action; None when it could not (only when not ``strict``: replaying).

    Each action runs in a savepoint, so one that is skipped half-way (a company created,
    then the other found to be "not a company") leaves nothing behind.
    """
    handler = _HANDLERS.get(action)
    try:
        if handler is None:
            raise _Skip(f"unknown curation action {action!r}")
        with db.atomic():
            return handler(db, payload)
    except _Skip as e:
        if strict:
            raise CurationError(str(e)) from None
        return None


def _apply_merge(db: sqlite_utils.Database, payload: dict[str, Any]) -> bool:
    keep, drop = _by_key(db, payload["keep"]), _by_key(db, payload["drop"])
    if keep is None or drop is None:
        raise _Skip(
            f"cannot merge {payload['drop_name']!r} into {payload['keep_name']!r}: one of them is gone"
        )
    if keep["id"] == drop["id"]:
        return True  # already merged (replay)
    if not _mergeable(keep["kind"], drop["kind"]):
        raise _Skip(
            f"cannot merge {payload['drop_name']!r} into {payload['keep_name']!r}: not both companies"
        )
    k, d = keep["id"], drop["id"]
    db.execute("update aliases set company_id = ? where company_id = ?", [k, d])
    db.table("aliases").insert({"key": drop["key"], "surface": drop["name"], "company_id": k}, ignore=True)
    db.execute("update mentions set company_id = ? where company_id = ?", [k, d])
    db.execute("update or ignore roles set company_id = ? where company_id = ?", [k, d])
    db.execute("delete from roles where company_id = ?", [d])
    db.execute("update products set company_id = ? where company_id = ?", [k, d])
    touched = set()
    for relation in list(db.query("select * from relations where source_id = ? or target_id = ?", [d, d])):
        source = k if relation["source_id"] == d else relation["source_id"]
        target = k if relation["target_id"] == d else relation["target_id"]
        if source == target:  # a relation between the two merged names
            db.execute("delete from evidence where relation_id = ?", [relation["id"]])
            db.execute("delete from relations where id = ?", [relation["id"]])
            continue
        if relation["type"] in UNDIRECTED_TYPES and source > target:
            source, target = target, source
        same = list(
            db.query(
                "select id, status from relations where type = ? and source_id = ? and target_id = ?",
                [relation["type"], source, target],
            )
        )
        if same:
            into = same[0]
            db.execute(
                "update or ignore evidence set relation_id = ? where relation_id = ?",
                [into["id"], relation["id"]],
            )
            db.execute("delete from evidence where relation_id = ?", [relation["id"]])
            if into["status"] == "auto" and relation["status"] != "auto":
                db.execute("update relations set status = ? where id = ?", [relation["status"], into["id"]])
            db.execute("delete from relations where id = ?", [relation["id"]])
            touched.add(into["id"])
        else:
            db.execute(
                "update relations set source_id = ?, target_id = ? where id = ?",
                [source, target, relation["id"]],
            )
            touched.add(relation["id"])
    db.execute("update companies set merged_into = ? where merged_into = ?", [k, d])
    db.execute("update companies set merged_into = ? where id = ?", [k, d])
    if drop["ticker"] and not keep["ticker"]:
        db.execute("update companies set ticker = ? where id = ?", [drop["ticker"], k])
    refresh_aggregates(db, company_ids={k, d}, relation_ids=touched)
    return True


def _apply_rename(db: sqlite_utils.Database, payload: dict[str, Any]) -> bool:
    company = _by_key(db, payload["key"])
    if company is None:
        raise _Skip(f"cannot rename {payload['old_name']!r}: it is gone")
    other = find_company(db, payload["name"])
    if other is not None and other["id"] != company["id"]:
        raise _Skip(
            f"{payload['name']!r} is already company {other['id']}: merge the two instead of renaming"
        )
    db.execute("update companies set name = ? where id = ?", [payload["name"], company["id"]])
    db.table("aliases").insert(
        {
            "key": company_key(payload["name"]),
            "surface": payload["name"],
            "company_id": company["id"],
        },
        ignore=True,
    )
    return True


def _apply_not_company(db: sqlite_utils.Database, payload: dict[str, Any]) -> bool:
    company = _by_key(db, payload["key"])
    if company is None:
        raise _Skip(f"cannot mark {payload['name']!r}: it is gone")
    c = company["id"]
    db.execute("update companies set kind = 'not_company' where id = ?", [c])
    db.execute(
        "delete from evidence where relation_id in (select id from relations where source_id = ? or target_id = ?)",
        [c, c],
    )
    db.execute("delete from relations where source_id = ? or target_id = ?", [c, c])
    db.execute("delete from mentions where company_id = ?", [c])
    db.execute("update roles set company_id = null where company_id = ?", [c])
    db.execute("update products set company_id = null where company_id = ?", [c])
    refresh_aggregates(db, company_ids={c})
    return True


def _apply_company(db: sqlite_utils.Database, payload: dict[str, Any]) -> bool:
    company = _by_key(db, payload["key"])
    if company is None or company["kind"] not in _PARTY_KINDS:
        raise _Skip(f"cannot mark {payload['name']!r} as a company: it is gone or marked not a company")
    # Its counts stay those of an organisation (from relation evidence) until re-extraction finds mentions.
    db.execute("update companies set kind = 'company' where id = ?", [company["id"]])
    return True


def _apply_organisation(db: sqlite_utils.Database, payload: dict[str, Any]) -> bool:
    company = _by_key(db, payload["key"])
    if company is None or company["kind"] not in _PARTY_KINDS:
        raise _Skip(f"cannot mark {payload['name']!r} as an organisation: it is gone or marked not a company")
    c = company["id"]
    db.execute("update companies set kind = 'other_org' where id = ?", [c])
    relations = db.query(
        "select r.id, r.type, r.source_id, o.kind as other_kind from relations r"
        " join companies o on o.id = (case when r.source_id = ? then r.target_id else r.source_id end)"
        " where ? in (r.source_id, r.target_id)",
        [c, c],
    )
    untakeable = [
        r["id"] for r in relations
        if ("source" if r["source_id"] == c else "target") not in ORGANISATION_SIDES.get(r["type"], ())
        or r["other_kind"] == "other_org"
    ]  # fmt: skip
    if untakeable:
        marks = ",".join("?" * len(untakeable))
        db.execute(f"delete from evidence where relation_id in ({marks})", untakeable)
        db.execute(f"delete from relations where id in ({marks})", untakeable)
    db.execute("delete from mentions where company_id = ?", [c])
    refresh_aggregates(db, company_ids={c})
    return True


def _apply_relation_status(db: sqlite_utils.Database, payload: dict[str, Any]) -> int:
    source, target = _by_key(db, payload["source"]), _by_key(db, payload["target"])
    if source is None or target is None:
        raise _Skip(
            f"cannot set {payload['type']} {payload['source']!r}–{payload['target']!r}: a company is gone"
        )
    if source["kind"] != "company" or target["kind"] != "company" or source["id"] == target["id"]:
        raise _Skip(
            f"cannot set {payload['type']} {payload['source']!r}–{payload['target']!r}: not two companies"
        )
    relation_id = ensure_relation(db, payload["type"], source["id"], target["id"])
    db.execute("update relations set status = ? where id = ?", [payload["status"], relation_id])
    refresh_aggregates(db, relation_ids={relation_id})
    return relation_id


def _apply_add_relation(db: sqlite_utils.Database, payload: dict[str, Any]) -> int:
    if payload["type"] not in RELATION_TYPES:
        raise _Skip(f"unknown relation type {payload['type']!r}: use one of {', '.join(RELATION_TYPES)}")
    source, target = resolve_company(db, payload["source"]), resolve_company(db, payload["target"])
    for name, row in ((payload["source"], source), (payload["target"], target)):
        if row is None:
            raise _Skip(f"{name!r} is not a usable company name")
        if row["kind"] != "company":
            raise _Skip(f"{name!r} is marked {row['kind']}")
    assert source is not None and target is not None
    if source["id"] == target["id"]:
        raise _Skip(f"{payload['source']!r} and {payload['target']!r} are the same company")
    low, high = sorted((source["id"], target["id"]))
    pair = [low, high] if payload["type"] in UNDIRECTED_TYPES else [source["id"], target["id"]]
    existing = list(
        db.query(
            "select status from relations where type = ? and source_id = ? and target_id = ?",
            [payload["type"], *pair],
        )
    )
    # Adding what the extractor already found confirms it; otherwise the relation is "added".
    status = existing[0]["status"] if existing else "rejected"
    new_status = {"auto": "confirmed", "rejected": "added"}.get(status, status)
    relation_id = ensure_relation(db, payload["type"], source["id"], target["id"])
    db.execute("update relations set status = ? where id = ?", [new_status, relation_id])
    if payload.get("evidence"):
        _add_evidence(db, relation_id, payload)
    refresh_aggregates(db, relation_ids={relation_id})
    return relation_id


def _add_evidence(db: sqlite_utils.Database, relation_id: int, payload: dict[str, Any]) -> None:
    """Curated evidence, once: located in the article's text when it quotes it."""
    sentence = payload["evidence"].strip()
    article = None
    if payload.get("article_url"):
        article = next(
            iter(db.query("select id, title, text from articles where url = ?", [payload["article_url"]])),
            None,
        )
    if article is None and payload.get("article_id") is not None:
        article = next(
            iter(db.query("select id, title, text from articles where id = ?", [payload["article_id"]])), None
        )
    article_id = article["id"] if article else None
    if list(
        db.query(
            "select 1 from evidence where relation_id = ? and article_id is ? and sentence = ? and curated = 1",
            [relation_id, article_id, sentence],
        )
    ):
        return
    start = end = None
    if article is not None:
        found = document_text(article["title"], article["text"] or "").find(sentence)
        if found >= 0:
            start, end = found, found + len(sentence)
    db.table("evidence").insert(
        {"relation_id": relation_id, "article_id": article_id, "sentence": sentence, "start": start, "end": end,
         "confidence": CURATED_CONFIDENCE, "attributes": None, "curated": 1},
        ignore=True,
    )  # fmt: skip


_HANDLERS = {
    "merge": _apply_merge,
    "company": _apply_company,
    "organisation": _apply_organisation,
    "rename": _apply_rename,
    "not_company": _apply_not_company,
    "relation_status": _apply_relation_status,
    "add_relation": _apply_add_relation,
}
