"""kb.export and kb.graph: what the Export and Network pages hand out."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest

from kb import export, graph, query
from kb.query import RelationFilter, RelationRow


def test_export_filter_relations_csv_has_header_and_one_row_per_relation(sample_db):
    files = export.export_filter(sample_db, RelationFilter(types=("investment",)))
    rows = list(csv.DictReader(io.StringIO(files.relations_csv)))
    assert files.relations == 2
    assert {(r["source_name"], r["target_name"]) for r in rows} == {("Microsoft", "OpenAI"), ("Amazon", "Anthropic")}
    assert list(rows[0]) == list(export.RELATION_FIELDS)


def test_export_filter_relations_json_matches_csv(sample_db):
    files = export.export_filter(sample_db, RelationFilter(types=("acquisition",)))
    data = json.loads(files.relations_json)
    assert [(d["type"], d["source_name"], d["target_name"], d["article_count"]) for d in data] == [
        ("acquisition", "Microsoft", "Acme Robotics", 1)
    ]


def test_export_filter_companies_are_both_sides(sample_db):
    files = export.export_filter(sample_db, RelationFilter(types=("supplier",)))
    names = {c["name"] for c in json.loads(files.companies_json)}
    assert names == {"Nvidia", "xAI", "Oracle"}
    assert {r["name"] for r in csv.DictReader(io.StringIO(files.companies_csv))} == names
    assert files.companies == 3


def test_export_filter_graphml_reads_back_with_networkx(sample_db, sample_kb):
    files = export.export_filter(sample_db, RelationFilter())
    back = nx.read_graphml(io.BytesIO(files.graph_graphml.encode()))
    assert back.number_of_edges() == 8
    names = {d["name"] for _, d in back.nodes(data=True)}
    assert "Oracle" in names and "Reuters" not in names
    types = sorted(d["type"] for _, _, d in back.edges(data=True))
    assert types.count("partnership") == 2


def test_export_filter_graph_json_reads_back_with_networkx(sample_db):
    files = export.export_filter(sample_db, RelationFilter(types=("partnership",)))
    back = nx.node_link_graph(json.loads(files.graph_json), edges="edges")
    assert sorted(back.nodes[n]["name"] for n in back.nodes) == ["Nvidia", "OpenAI", "Oracle"]
    assert all(d["directed"] is False for _, _, d in back.edges(data=True))


def test_export_filter_empty_filter_result_gives_headers_only(sample_db):
    files = export.export_filter(sample_db, RelationFilter(min_confidence=0.99))
    assert files.relations == 0
    assert files.relations_csv.strip() == ",".join(export.RELATION_FIELDS)
    assert json.loads(files.relations_json) == []
    assert nx.read_graphml(io.BytesIO(files.graph_graphml.encode())).number_of_nodes() == 0


def test_relations_csv_defuses_formulas_in_names():
    row = RelationRow(1, "partnership", 1, "=HYPERLINK(\"http://x\")", 2, "@evil", None, None, 1, 0.5, "auto")
    parsed = list(csv.DictReader(io.StringIO(export.relations_csv([row]))))[0]
    assert parsed["source_name"] == "'=HYPERLINK(\"http://x\")"
    assert parsed["target_name"] == "'@evil"


def test_build_graph_keeps_two_types_between_one_pair():
    rows = [
        RelationRow(1, "partnership", 1, "A", 2, "B", "2026-01-01", "2026-01-02", 1, 0.9, "auto"),
        RelationRow(2, "supplier", 2, "B", 1, "A", None, None, 1, None, "added"),
    ]
    g = graph.build_graph(rows)
    assert g.number_of_nodes() == 2 and g.number_of_edges() == 2
    assert g.edges[2, 1, 2]["directed"] is True
    assert "confidence" not in g.edges[2, 1, 2]  # GraphML has no null


def test_ego_graph_has_the_company_its_counterparts_and_links_among_them(sample_db, sample_kb):
    g = graph.ego_graph(sample_db, sample_kb.companies["OpenAI"])
    names = {d["name"] for _, d in g.nodes(data=True)}
    assert names == {"OpenAI", "Oracle", "Microsoft", "xAI"}
    # Microsoft–Oracle is rejected, so it is not drawn between the counterparts
    assert {(g.nodes[u]["name"], g.nodes[v]["name"]) for u, v in g.edges()} == {
        ("OpenAI", "Oracle"),
        ("Microsoft", "OpenAI"),
        ("OpenAI", "xAI"),
    }


def test_ego_graph_limit_keeps_the_best_attested_relations_of_the_company(sample_db, sample_kb):
    openai = sample_kb.companies["OpenAI"]
    best = max(
        (r for rels in query.company_relations(sample_db, openai).values() for r in rels),
        key=lambda r: r.article_count,
    )
    g = graph.ego_graph(sample_db, openai, limit=1)
    assert [key for _, _, key in g.edges(keys=True)] == [best.id]


def test_network_figure_has_a_trace_per_type_and_escapes_names(sample_db):
    rows = [RelationRow(1, "partnership", 1, "<script>x</script>", 2, "B", None, None, 1, 0.9, "auto")]
    figure = graph.network_figure(graph.build_graph(rows))
    names = [t.name for t in figure.data]
    assert "partnership" in names
    node_trace = figure.data[-1]
    assert "&lt;script&gt;x&lt;/script&gt;" in node_trace.text
    assert all("<script>" not in str(t.text) for t in figure.data)


def test_network_figure_sizes_nodes_by_mentions(sample_db):
    g = graph.filter_graph(sample_db, RelationFilter())
    figure = graph.network_figure(g)
    node_trace = figure.data[-1]
    sizes = dict(zip(node_trace.text, node_trace.marker.size, strict=True))
    assert sizes["Oracle"] > sizes["Acme Robotics"]


def test_network_figure_of_empty_graph_has_no_traces():
    assert graph.network_figure(nx.MultiDiGraph()).data == ()


@pytest.mark.parametrize("name", export.EXPORT_FILES)
def test_export_file_is_the_same_file_export_filter_builds(sample_db, name):
    flt = RelationFilter(types=("partnership", "supplier"))
    bundle = export.export_filter(sample_db, flt)
    attribute = name.replace(".", "_")
    assert export.export_file(sample_db, flt, name) == getattr(bundle, attribute)


def test_export_file_unknown_name_is_refused(sample_db):
    with pytest.raises(ValueError, match="unknown export"):
        export.export_file(sample_db, RelationFilter(), "../etc/passwd")
