"""The company network for a filter, as a networkx graph and as a plotly figure.

Nodes are companies (sized by mentions), edges are relations (coloured by type).
A pair of companies can be linked by several types at once, so the graph is a
``MultiDiGraph``; undirected types keep the stored order (lower id first) and carry
``directed=False``. The figure is plotly rather than pyvis: it renders inside the
page without an iframe or a CDN (the explorer must work offline), is deterministic
for a given seed, and names are shown as text, never as HTML.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping

import networkx as nx
import plotly.graph_objects as go
import sqlite_utils

from kb import query
from kb.query import CompanyRow, RelationFilter, RelationRow
from kb.records import RELATION_TYPES, UNDIRECTED_TYPES

#: One colour per relation type, readable on white and distinct for common colour blindness.
TYPE_COLOURS = {
    "partnership": "#0072B2",
    "investment": "#E69F00",
    "acquisition": "#D55E00",
    "supplier": "#009E73",
    "competitor": "#CC79A7",
}
_OTHER_COLOUR = "#777777"


def build_graph(relations: Iterable[RelationRow], companies: Mapping[int, CompanyRow] | None = None) -> nx.MultiDiGraph:
    """A graph of these relations; ``companies`` adds ticker and mention counts to nodes."""
    graph = nx.MultiDiGraph()
    companies = companies or {}
    for rel in relations:
        for node_id, name, kind in (
            (rel.source_id, rel.source_name, rel.source_kind),
            (rel.target_id, rel.target_name, rel.target_kind),
        ):
            if node_id not in graph:
                info = companies.get(node_id)
                attrs: dict[str, object] = {"name": name, "kind": kind, "mentions": info.mention_count if info else 0}
                if info and info.ticker:
                    attrs["ticker"] = info.ticker
                graph.add_node(node_id, **attrs)
        edge: dict[str, object] = {
            "relation_id": rel.id,
            "type": rel.type,
            "directed": rel.type not in UNDIRECTED_TYPES,
            "article_count": rel.article_count,
            "status": rel.status,
        }
        # GraphML has no null: leave out what is unknown
        for name, value in (("first_seen", rel.first_seen), ("last_seen", rel.last_seen), ("confidence", rel.confidence)):
            if value is not None:
                edge[name] = value
        graph.add_edge(rel.source_id, rel.target_id, key=rel.id, **edge)
    return graph


def filter_graph(db: sqlite_utils.Database, flt: RelationFilter, *, limit: int = 500) -> nx.MultiDiGraph:
    """The graph of the filter's relations (the ``limit`` most recent)."""
    relations = query.find_relations(db, flt, limit=limit)
    return build_graph(relations, _companies(db, relations))


def ego_graph(db: sqlite_utils.Database, company_id: int, *, limit: int = 60) -> nx.MultiDiGraph:
    """The company, its counterparts (the ``limit`` best attested relations) and the links among them."""
    own = query.find_relations(db, RelationFilter(company_id=company_id), limit=limit, order="article_count")
    neighbours = {r.source_id for r in own} | {r.target_id for r in own}
    own_ids = {r.id for r in own}
    between = [r for r in query.relations_among(db, neighbours - {company_id}, limit=limit) if r.id not in own_ids]
    relations = own + between
    return build_graph(relations, _companies(db, relations))


def _companies(db: sqlite_utils.Database, relations: list[RelationRow]) -> dict[int, CompanyRow]:
    return {c.id: c for c in query.companies_of(db, relations)}


def network_figure(graph: nx.MultiDiGraph, *, seed: int = 7, highlight: int | None = None) -> go.Figure:
    """The graph drawn with a spring layout: one edge trace per type, node size ~ √mentions."""
    figure = go.Figure()
    if graph.number_of_nodes() == 0:
        figure.update_layout(height=200, xaxis_visible=False, yaxis_visible=False)
        return figure
    # Spring layout over a simple undirected view; weight by how many relations link a pair.
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    for u, v in graph.edges():
        simple.add_edge(u, v, weight=simple.get_edge_data(u, v, {"weight": 0})["weight"] + 1)
    pos = layout(simple, seed=seed)
    types = [*RELATION_TYPES, *sorted({d["type"] for _, _, d in graph.edges(data=True)} - set(RELATION_TYPES))]
    for rtype in types:
        edges = [(u, v, d) for u, v, d in graph.edges(data=True) if d["type"] == rtype]
        if not edges:
            continue
        colour = TYPE_COLOURS.get(rtype, _OTHER_COLOUR)
        xs: list[float | None] = []
        ys: list[float | None] = []
        mid_x, mid_y, mid_text = [], [], []
        for u, v, d in edges:
            xs += [pos[u][0], pos[v][0], None]
            ys += [pos[u][1], pos[v][1], None]
            mid_x.append((pos[u][0] + pos[v][0]) / 2)
            mid_y.append((pos[u][1] + pos[v][1]) / 2)
            arrow = "→" if d["directed"] else "—"
            mid_text.append(
                f"{_text(graph.nodes[u]['name'])} {arrow} {_text(graph.nodes[v]['name'])}<br>"
                f"{rtype}, {d['article_count']} article(s)"
            )
        figure.add_trace(
            go.Scatter(x=xs, y=ys, mode="lines", line={"width": 2, "color": colour}, name=rtype,
                       legendgroup=rtype, hoverinfo="skip")
        )
        figure.add_trace(
            go.Scatter(x=mid_x, y=mid_y, mode="markers", marker={"size": 6, "color": colour, "symbol": "diamond"},
                       text=mid_text, hovertemplate="%{text}<extra></extra>", legendgroup=rtype, showlegend=False)
        )
    nodes = list(graph.nodes(data=True))
    sizes = [10 + 4 * math.sqrt(max(d.get("mentions", 0), 0)) for _, d in nodes]
    top = max(sizes)
    sizes = [min(s, 60) if top > 60 else s for s in sizes]
    labels = [_text(d["name"]) for _, d in nodes]
    figure.add_trace(
        go.Scatter(
            x=[pos[n][0] for n, _ in nodes],
            y=[pos[n][1] for n, _ in nodes],
            mode="markers+text" if len(nodes) <= 80 else "markers",
            marker={
                "size": sizes,
                "color": ["#FFD54F" if n == highlight else "#ECEFF1" for n, _ in nodes],
                # an organisation (agency, university) is a square: a party, not a company
                "symbol": ["square" if d.get("kind") == "other_org" else "circle" for _, d in nodes],
                "line": {"width": 1.5, "color": "#37474F"},
            },
            text=labels,
            textposition="top center",
            customdata=[[n, d.get("mentions", 0)] for n, d in nodes],
            hovertemplate="%{text}<br>%{customdata[1]} mention(s)<extra></extra>",
            name="companies",
            showlegend=False,
        )
    )
    figure.update_layout(
        height=640,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        xaxis={"visible": False},
        yaxis={"visible": False},
        legend={"orientation": "h", "y": -0.02},
        plot_bgcolor="white",
        dragmode="pan",
    )
    return figure


def layout(simple: nx.Graph, *, seed: int = 7) -> dict[object, tuple[float, float]]:
    """Positions: each connected component laid out alone, then packed in rows, biggest first.

    A spring layout costs O(n²) per iteration; laying out components apart keeps a filter's
    many small pairs cheap (and from drifting around the big component), and the result
    is the same for the same graph and seed.
    """
    components = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(map(str, c))))
    row_width = max(2.0 * math.sqrt(len(components[0])), 6.0) if components else 6.0
    pos: dict[object, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for component in components:
        size = max(math.sqrt(len(component)), 1.0)  # the side of the component's box
        if len(component) == 1:
            local = {next(iter(component)): (0.0, 0.0)}
        elif len(component) <= 4:  # a pair, a path or a star: a circle shows it as well as a spring
            circle = nx.circular_layout(sorted(component, key=str), scale=size / 2)
            local = {node: (float(p[0]), float(p[1])) for node, p in circle.items()}
        else:
            sub = simple.subgraph(sorted(component, key=str))
            iterations = 50 if len(component) < 150 else 30
            local = {
                node: (float(p[0]), float(p[1]))
                for node, p in nx.spring_layout(sub, seed=seed, iterations=iterations, scale=size / 2).items()
            }
        if x > 0 and x + size > row_width:
            x, y, row_height = 0.0, y - row_height - 0.6, 0.0
        for node, (px, py) in local.items():
            pos[node] = (x + size / 2 + px, y - size / 2 + py)
        x += size + 0.6
        row_height = max(row_height, size)
    return pos


def _text(value: object) -> str:
    """Plotly renders a few HTML tags in labels and hovers: show names as text."""
    return html.escape(str(value), quote=False)


def filter_figure(db: sqlite_utils.Database, flt: RelationFilter, *, limit: int = 500) -> go.Figure:
    """The Network page's figure: ``network_figure`` of ``filter_graph``."""
    return network_figure(filter_graph(db, flt, limit=limit))


def ego_figure(db: sqlite_utils.Database, company_id: int, *, limit: int = 60) -> go.Figure:
    """The Company page's figure: the ego network, the company itself highlighted."""
    return network_figure(ego_graph(db, company_id, limit=limit), highlight=company_id)
