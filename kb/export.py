"""What the explorer's Export page (and scripts) download for a filter.

Relations and companies as CSV and JSON; the graph as GraphML (Gephi, yEd, networkx)
and as networkx node-link JSON. Every function returns text, so the caller decides
where it goes (a download button, a file, stdout).

Names come from news text: a CSV cell that starts with ``=``, ``+``, ``-``, ``@`` or a
control character is prefixed with ``'`` so a spreadsheet shows it instead of
running it as a formula (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
import sqlite_utils

from kb import query
from kb.graph import build_graph
from kb.query import CompanyRow, RelationFilter, RelationRow

RELATION_FIELDS = (
    "id",
    "type",
    "source_id",
    "source_name",
    "target_id",
    "target_name",
    "source_kind",
    "target_kind",
    "first_seen",
    "last_seen",
    "article_count",
    "confidence",
    "status",
)
COMPANY_FIELDS = ("id", "name", "kind", "ticker", "mention_count", "article_count", "first_seen", "last_seen")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class ExportFiles:
    """Every export of one filter, as text; ``relations`` says how many rows they hold."""

    relations: int
    companies: int
    relations_csv: str
    relations_json: str
    companies_csv: str
    companies_json: str
    graph_graphml: str
    graph_json: str


def export_filter(db: sqlite_utils.Database, flt: RelationFilter, *, limit: int = 50_000) -> ExportFiles:
    """All exports of the filter's relations (at most ``limit``, newest first) and their companies."""
    relations = query.find_relations(db, flt, limit=limit)
    companies = query.companies_of(db, relations)
    graph = build_graph(relations, {c.id: c for c in companies})
    return ExportFiles(
        relations=len(relations),
        companies=len(companies),
        relations_csv=relations_csv(relations),
        relations_json=relations_json(relations),
        companies_csv=companies_csv(companies),
        companies_json=companies_json(companies),
        graph_graphml=graph_graphml(graph),
        graph_json=graph_json(graph),
    )


#: The files the Export page offers, by download name.
EXPORT_FILES = ("relations.csv", "relations.json", "companies.csv", "companies.json", "graph.graphml", "graph.json")


def export_file(db: sqlite_utils.Database, flt: RelationFilter, name: str, *, limit: int = 50_000) -> str:
    """One of EXPORT_FILES for the filter: only what that file needs is built (GraphML is slow)."""
    if name not in EXPORT_FILES:
        raise ValueError(f"unknown export {name!r}; one of {', '.join(EXPORT_FILES)}")
    relations = query.find_relations(db, flt, limit=limit)
    if name == "relations.csv":
        return relations_csv(relations)
    if name == "relations.json":
        return relations_json(relations)
    companies = query.companies_of(db, relations)
    if name == "companies.csv":
        return companies_csv(companies)
    if name == "companies.json":
        return companies_json(companies)
    graph = build_graph(relations, {c.id: c for c in companies})
    return graph_graphml(graph) if name == "graph.graphml" else graph_json(graph)


def relations_csv(relations: Iterable[RelationRow]) -> str:
    """One row per relation, with both companies' ids and names."""
    return _csv(RELATION_FIELDS, (_fields(r, RELATION_FIELDS) for r in relations))


def relations_json(relations: Iterable[RelationRow]) -> str:
    """A JSON list of relation objects (the CSV's columns as keys)."""
    # no indent: the C encoder is only used without one, and it is ~10x faster on 50k rows
    return json.dumps([_fields(r, RELATION_FIELDS) for r in relations], ensure_ascii=False)


def companies_csv(companies: Iterable[CompanyRow]) -> str:
    return _csv(COMPANY_FIELDS, (_fields(c, COMPANY_FIELDS) for c in companies))


def companies_json(companies: Iterable[CompanyRow]) -> str:
    return json.dumps([_fields(c, COMPANY_FIELDS) for c in companies], ensure_ascii=False)


def _fields(row: object, names: Sequence[str]) -> dict[str, object]:
    return {name: getattr(row, name) for name in names}


def graph_graphml(graph: nx.MultiDiGraph) -> str:
    """GraphML: node ids are company ids, with ``name``, ``mentions`` and ``ticker`` attributes."""
    return "\n".join(nx.generate_graphml(graph, encoding="utf-8", prettyprint=True)) + "\n"


def graph_json(graph: nx.MultiDiGraph) -> str:
    """networkx node-link JSON: ``nx.node_link_graph(json.loads(text), edges="edges")`` reads it back."""
    return json.dumps(nx.node_link_data(graph, edges="edges"), ensure_ascii=False)


def _csv(fields: Sequence[str], rows: Iterable[dict[str, object]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fields), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
