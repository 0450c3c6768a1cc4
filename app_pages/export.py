"""Export: the current filter's relations and companies (CSV, JSON) and graph (GraphML, JSON)."""

from __future__ import annotations

import streamlit as st

from app_pages.common import cached, describe_filter, filter_sidebar
from kb import export

st.title("Export")
flt = filter_sidebar("export")
files = cached(export.export_filter, flt)
st.caption(f"{files.relations} relation(s) and {files.companies} compan(ies): {describe_filter(flt)}.")

relations_col, companies_col, graph_col = st.columns(3, gap="large")
with relations_col:
    st.subheader("Relations")
    st.download_button("relations.csv", files.relations_csv, "relations.csv", "text/csv", key="rel_csv")
    st.download_button("relations.json", files.relations_json, "relations.json", "application/json", key="rel_json")
with companies_col:
    st.subheader("Companies")
    st.download_button("companies.csv", files.companies_csv, "companies.csv", "text/csv", key="co_csv")
    st.download_button("companies.json", files.companies_json, "companies.json", "application/json", key="co_json")
with graph_col:
    st.subheader("Graph")
    st.download_button("graph.graphml", files.graph_graphml, "graph.graphml", "application/graphml+xml", key="g_ml")
    st.download_button("graph.json", files.graph_json, "graph.json", "application/json", key="g_json")
    st.caption("GraphML opens in Gephi and yEd; the JSON is networkx node-link data.")
