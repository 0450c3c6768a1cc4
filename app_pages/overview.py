"""Overview: how big the knowledge base is, what is new, and whether ingest is healthy."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import PAGES, cached, day, md, party, type_bar_chart, when
from kb import query
from kb.records import UNDIRECTED_TYPES

st.title("Overview")

counts = cached(query.counts)
cols = st.columns(4)
cols[0].metric("Articles", f"{counts.articles:,}")
cols[1].metric("Sources", f"{counts.sources:,}")
cols[2].metric("Companies", f"{counts.companies:,}")
cols[3].metric("Relations", f"{counts.relations:,}")
type_cols = st.columns(len(counts.relations_by_type))
for col, (rtype, n) in zip(type_cols, counts.relations_by_type.items(), strict=True):
    col.metric(rtype.capitalize(), f"{n:,}")

left, right = st.columns([3, 2], gap="large")

with left:
    weeks = cached(query.relations_over_time, period="week", count=26)
    # A feed that covers years (or has been quiet) leaves few bars in 26 weeks: show months then.
    period = "week" if len({w.week for w in weeks}) >= 3 else "month"
    series = weeks if period == "week" else cached(query.relations_over_time, period="month", count=120)
    st.subheader(f"Relations per {period}")
    if series:
        frame = pd.DataFrame([{period: w.week, "type": w.type, "relations": w.count} for w in series])
        st.altair_chart(type_bar_chart(frame, x=period, y="relations"), width="stretch")
    else:
        st.info("No relations yet: run an ingest (Sources page) or `newskb ingest`.")

    st.subheader("Latest relations")
    feed = cached(query.latest_relations, limit=12)
    if not feed:
        st.caption("Nothing yet.")
    for item in feed:
        rel = item.relation
        arrow = "—" if rel.type in UNDIRECTED_TYPES else "→"
        with st.container(border=True):
            st.markdown(
                f"**{md(party(rel.source_name, rel.source_kind))}** {arrow} **{md(party(rel.target_name, rel.target_kind))}** · `{rel.type}` · "
                f"last seen {day(rel.last_seen)} · {rel.article_count} article(s)"
            )
            if item.evidence is not None:
                st.markdown(f"> {md(item.evidence.sentence)}")
                st.page_link(
                    PAGES["article"],
                    label=f"{md(item.evidence.article_title or 'Untitled')} ({day(item.evidence.published_at)})",
                    query_params={"id": str(item.evidence.article_id)},
                    icon=":material/article:",
                )

with right:
    st.subheader("Ingest health")
    run, failing = cached(query.ingest_health)
    if run is None:
        st.info("No ingest has run yet.")
    else:
        st.markdown(
            f"Last run **{run.status or 'unknown'}**, started {when(run.started_at)}, "
            f"finished {when(run.finished_at) if run.finished_at else 'not finished'}."
        )
        c1, c2, c3 = st.columns(3)
        c1.metric("Sources fetched", run.sources_ok + run.sources_not_modified)
        c2.metric("Failed", run.sources_failed)
        c3.metric("New articles", run.articles_new)
    if failing:
        st.markdown(f"**{len(failing)} failing source(s)**")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "source": s.title or s.url,
                        "errors in a row": s.error_count,
                        "last error": s.last_error,
                        "last fetched": day(s.last_fetched_at),
                    }
                    for s in failing
                ]
            ),
            hide_index=True,
        )
    else:
        st.success("Every source fetched fine last time.")
    st.page_link(PAGES["sources"], label="Manage sources", icon=":material/rss_feed:")
