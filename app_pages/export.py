"""Export: the current filter's relations and companies (CSV, JSON) and graph (GraphML, JSON)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from app_pages.common import cached, db_path, describe_filter, filter_sidebar
from kb import export, query
from kb.query import Reader, RelationFilter

#: At most this many relations (the newest) go into one export.
LIMIT = 50_000
MIME = {"csv": "text/csv", "json": "application/json", "graphml": "application/graphml+xml"}

st.title("Export")
flt = filter_sidebar("export")
total = cached(query.count_relations, flt)
st.caption(
    f"{total:,} relation(s): {describe_filter(flt)}."
    + (f" Exports hold the newest {LIMIT:,}." if total > LIMIT else "")
)


def _builder(flt: RelationFilter, name: str) -> Callable[[], str]:
    """Build the file when its button is clicked, not on every page load (GraphML of 50k edges takes seconds).

    Streamlit runs the builder on a thread of its own: it gets a connection of its own, closed after.
    """
    path = db_path()

    def build() -> str:
        own = Reader(path)
        try:
            return export.export_file(own.db(), flt, name, limit=LIMIT)
        finally:
            own.close()

    return build


columns = dict(zip(("Relations", "Companies", "Graph"), st.columns(3, gap="large"), strict=True))
for heading, names in (
    ("Relations", ("relations.csv", "relations.json")),
    ("Companies", ("companies.csv", "companies.json")),
    ("Graph", ("graph.graphml", "graph.json")),
):
    with columns[heading]:
        st.subheader(heading)
        for name in names:
            st.download_button(
                name,
                _builder(flt, name),
                file_name=name,
                mime=MIME[name.rsplit(".", 1)[1]],
                key=f"download_{name}",
                icon=":material/download:",
            )
columns["Graph"].caption("GraphML opens in Gephi and yEd; the JSON is networkx node-link data.")
