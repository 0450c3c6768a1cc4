"""Network: companies and their relations for the current filter."""

from __future__ import annotations

import streamlit as st

from app_pages.common import cached, describe_filter, filter_sidebar, md
from kb import graph

st.title("Network")
flt = filter_sidebar("network")
limit = st.sidebar.slider("Most recent relations drawn", 50, 1000, 300, step=50, key="network_limit")
network = cached(graph.filter_graph, flt, limit=limit)
st.caption(
    f"{network.number_of_nodes()} companies, {network.number_of_edges()} relations: {describe_filter(flt)}. "
    "Node size follows mentions; colour follows the relation type. Drag to pan, scroll to zoom."
)
if network.number_of_edges() == 0:
    st.info("No relation matches this filter.")
    st.stop()
st.plotly_chart(cached(graph.filter_figure, flt, limit=limit), key="network")
top = sorted(network.nodes(data=True), key=lambda n: -n[1].get("mentions", 0))[:10]
st.markdown("**Most mentioned here:** " + ", ".join(md(d["name"]) for _, d in top))
