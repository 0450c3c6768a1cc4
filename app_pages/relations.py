"""Relations: every relation for the filter in a sortable table; pick a row to read its evidence."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import (
    PAGES,
    cached,
    day,
    describe_filter,
    filter_sidebar,
    md,
    page_url,
    party,
    query_int,
    safe_url,
)
from kb import query
from kb.errors import NotFound
from kb.records import UNDIRECTED_TYPES

LIMIT = 1000

st.title("Relations")
flt = filter_sidebar("relations")
order = st.segmented_control(
    "Order", list(query.RELATION_ORDER), default="last_seen", format_func=lambda o: o.replace("_", " "), key="order"
) or "last_seen"
relations = cached(query.find_relations, flt, limit=LIMIT, order=order)
total = len(relations) if len(relations) < LIMIT else cached(query.count_relations, flt)
shown = f"{total:,} relation(s)" + (f", the first {LIMIT:,} shown" if total > LIMIT else "")
st.caption(f"{shown}: {describe_filter(flt)}. Click a column to sort, a row to read its evidence.")

wanted = query_int("relation")
event = st.dataframe(
    pd.DataFrame(
        [
            {
                "type": r.type,
                "source": party(r.source_name, r.source_kind),
                "target": party(r.target_name, r.target_kind),
                "first seen": day(r.first_seen),
                "last seen": day(r.last_seen),
                "articles": r.article_count,
                "confidence": r.confidence,
                "status": r.status,
            }
            for r in relations
        ],
        columns=["type", "source", "target", "first seen", "last seen", "articles", "confidence", "status"],
    ),
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    column_config={
        "confidence": st.column_config.ProgressColumn("confidence", min_value=0.0, max_value=1.0, format="%.2f")
    },
    key="relations_table",
)

selected: query.RelationRow | None = None
rows = event.selection.rows if event is not None and hasattr(event, "selection") else []
if rows:
    selected = relations[rows[0]]
elif wanted is not None:
    try:
        selected = cached(query.relation, wanted)
    except NotFound as e:
        st.warning(str(e))
elif relations:
    selected = relations[0]

if selected is not None:
    arrow = "—" if selected.type in UNDIRECTED_TYPES else "→"
    st.subheader("Evidence")
    st.markdown(
        f"**{md(party(selected.source_name, selected.source_kind))}** {arrow} "
        f"**{md(party(selected.target_name, selected.target_kind))}** · `{selected.type}` · "
        f"{selected.article_count} article(s) · status {selected.status}"
    )
    links = st.columns(3)
    links[0].page_link(PAGES["company"], label=md(selected.source_name), query_params={"id": str(selected.source_id)}, icon=":material/business:")
    links[1].page_link(PAGES["company"], label=md(selected.target_name), query_params={"id": str(selected.target_id)}, icon=":material/business:")
    links[2].page_link(PAGES["curation"], label="Confirm or reject", query_params={"relation": str(selected.id)}, icon=":material/edit:")
    evidence = cached(query.relation_evidence, selected.id)
    if not evidence:
        st.caption("No evidence sentence stored (a relation added by hand).")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "sentence": e.sentence,
                    "article": e.article_title or "Untitled",
                    "date": day(e.published_at),
                    "source": e.source_title,
                    "confidence": e.confidence,
                    "terms": ", ".join(f"{k}: {v}" for k, v in e.attributes.items()),
                    "open": page_url("article", id=e.article_id),
                    "original": safe_url(e.article_url),
                }
                for e in evidence
            ],
            columns=["sentence", "article", "date", "source", "confidence", "terms", "open", "original"],
        ),
        hide_index=True,
        column_config={
            "sentence": st.column_config.TextColumn("sentence", width="large"),
            "open": st.column_config.LinkColumn("article page", display_text="open"),
            "original": st.column_config.LinkColumn("link", display_text="original ↗"),
        },
        key="evidence_table",
    )
