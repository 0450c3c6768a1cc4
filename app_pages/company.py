"""Company: who it is, how often it is in the news, and its relations, people and products."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import PAGES, cached, day, md, page_url, party, query_int
from kb import graph, query
from kb.errors import NotFound
from kb.records import UNDIRECTED_TYPES

company_id = query_int("id")
if company_id is None:
    st.title("Company")
    name = st.text_input("Find a company", placeholder="name, alias or ticker")
    options = cached(query.search_companies, name, limit=20) if name.strip() else cached(query.company_options, limit=20)
    if not options:
        st.info("No company matches." if name.strip() else "No companies yet.")
    for hit in options:
        st.page_link(PAGES["company"], label=md(hit.name), query_params={"id": str(hit.id)}, icon=":material/business:")
    st.stop()

try:
    detail = cached(query.company, company_id)
except NotFound as e:
    st.error(str(e))
    st.stop()

st.title(md(detail.name))
facts = []
if detail.ticker:
    facts.append(f"Ticker **{md(detail.ticker)}**")
if detail.aliases:
    facts.append("Also written " + ", ".join(f"“{md(a)}”" for a in detail.aliases))
if detail.requested_id != detail.id:
    facts.append(f"(company {detail.requested_id} was merged into this one)")
if detail.kind == "other_org":
    facts.append("An **organisation** (a government body, university, agency…), not a company: kept for its relations")
elif detail.kind != "company":
    facts.append(f"Marked as **{detail.kind.replace('_', ' ')}**")
st.markdown(" · ".join(facts) or "No aliases or ticker known.")

c1, c2, c3, c4 = st.columns(4)
c1.metric("Mentions", f"{detail.mention_count:,}")
c2.metric("Articles", f"{detail.article_count:,}")
c3.metric("First seen", day(detail.first_seen))
c4.metric("Last seen", day(detail.last_seen))

timeline, network = st.columns([1, 1], gap="large")
with timeline:
    st.subheader("Mentions over time")
    span_days = (pd.Timestamp(detail.last_seen) - pd.Timestamp(detail.first_seen)).days if detail.first_seen and detail.last_seen else 0
    period = "month" if span_days > 180 else "week"  # weekly bars over years are too thin to see
    series = cached(query.company_mentions_over_time, detail.id, period=period)
    if series:
        frame = pd.DataFrame({period: pd.to_datetime([p.period for p in series]), "articles": [p.count for p in series]})
        st.bar_chart(frame, x=period, y="articles", height=260)
    else:
        st.caption("No dated mentions.")
with network:
    st.subheader("Network")
    ego = cached(graph.ego_graph, detail.id)
    if ego.number_of_edges():
        st.plotly_chart(cached(graph.ego_figure, detail.id), key="ego")
    else:
        st.caption("No relations yet.")

st.subheader("Relations")
grouped = cached(query.company_relations, detail.id)
if not grouped:
    st.caption("No relations found for this company.")
for rtype, relations in grouped.items():
    st.markdown(f"**{rtype.capitalize()}** ({len(relations)})")
    rows = []
    for rel in relations:
        outgoing = rel.source_id == detail.id
        counterpart_id = rel.target_id if outgoing else rel.source_id
        if rtype in UNDIRECTED_TYPES:
            role = "with"
        else:
            role = {
                ("investment", True): "invests in", ("investment", False): "investor",
                ("acquisition", True): "acquires", ("acquisition", False): "acquirer",
                ("supplier", True): "supplies", ("supplier", False): "supplier",
            }.get((rtype, outgoing), "→" if outgoing else "←")
        rows.append(
            {
                "role": role,
                "counterpart": party(rel.target_name, rel.target_kind) if outgoing else party(rel.source_name, rel.source_kind),
                "first seen": day(rel.first_seen),
                "last seen": day(rel.last_seen),
                "articles": rel.article_count,
                "confidence": rel.confidence,
                "status": rel.status,
                "open": page_url("company", id=counterpart_id),
                "evidence": page_url("relations", relation=rel.id),
            }
        )
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        column_config={
            "open": st.column_config.LinkColumn("company", display_text="open"),
            "evidence": st.column_config.LinkColumn("evidence", display_text="evidence"),
            "confidence": st.column_config.ProgressColumn("confidence", min_value=0.0, max_value=1.0, format="%.2f"),
        },
        key=f"rel_{rtype}",
    )

people_col, products_col = st.columns(2, gap="large")
with people_col:
    st.subheader("People")
    people = cached(query.company_people, detail.id)
    if people:
        st.dataframe(
            pd.DataFrame([{"name": p.name, "title": p.title, "articles": p.article_count} for p in people]),
            hide_index=True,
        )
    else:
        st.caption("No people named with a role here.")
with products_col:
    st.subheader("Products")
    products = cached(query.company_products, detail.id)
    if products:
        st.dataframe(
            pd.DataFrame(
                [
                    {"product": p.name, "first seen": day(p.first_seen), "last seen": day(p.last_seen), "articles": p.article_count}
                    for p in products
                ]
            ),
            hide_index=True,
        )
    else:
        st.caption("No products attributed to this company.")

st.subheader("Recent articles")
for item in cached(query.company_articles, detail.id, limit=15):
    st.page_link(
        PAGES["article"],
        label=f"{md(item.title or 'Untitled')} · {day(item.published_at)} · {md(item.source_title or '')}",
        query_params={"id": str(item.id)},
        icon=":material/article:",
    )
