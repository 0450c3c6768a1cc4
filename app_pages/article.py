"""Article: the text with its companies highlighted, and the relations it states."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import PAGES, cached, day, md, page_url, party, query_int, safe_url
from kb import query
from kb.errors import NotFound

article_id = query_int("id")
if article_id is None:
    st.title("Article")
    st.caption("Open an article from Search, a Company page or a relation's evidence.")
    st.page_link(PAGES["search"], label="Search articles", icon=":material/search:")
    st.stop()

try:
    detail = cached(query.article, article_id)
except NotFound as e:
    st.error(str(e))
    st.stop()

# Titles and text come from the web: md() escapes markdown, highlight_mentions escapes HTML.
st.title(md(detail.title or "Untitled"))
meta = [f"article #{detail.id}", day(detail.published_at)]
if detail.source_title or detail.source_url:
    meta.append(md(detail.source_title or detail.source_url))
if detail.author:
    meta.append(f"by {md(detail.author)}")
st.caption(" · ".join(meta))
url = safe_url(detail.url)
if url:
    st.link_button("Read the original ↗", url)
else:
    st.caption(f"Location: {md(detail.url)}")

text_col, side_col = st.columns([3, 2], gap="large")
with text_col:
    st.subheader("Text")
    names = sorted({m.name for m in detail.mentions})
    st.caption(f"{len(detail.mentions)} mention(s) of {len(names)} compan{'y' if len(names) == 1 else 'ies'} highlighted.")
    st.html(
        "<style>.newskb-article mark{background:#FFF3B0;padding:0 2px;border-radius:3px}"
        ".newskb-article{line-height:1.6;font-size:1rem}</style>"
        f'<div class="newskb-article">{query.highlight_mentions(detail.document, detail.mentions)}</div>'
    )
with side_col:
    st.subheader("Companies")
    seen: set[int] = set()
    for mention in detail.mentions:
        if mention.company_id in seen:
            continue
        seen.add(mention.company_id)
        st.page_link(PAGES["company"], label=md(mention.name), query_params={"id": str(mention.company_id)}, icon=":material/business:")
    if not seen:
        st.caption("No company recognised.")
    st.subheader("Relations in this article")
    if detail.relations:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "type": r.type,
                        "source": party(r.source_name, r.source_kind),
                        "target": party(r.target_name, r.target_kind),
                        "confidence": r.confidence,
                        "evidence": page_url("relations", relation=r.id),
                    }
                    for r in detail.relations
                ]
            ),
            hide_index=True,
            column_config={"evidence": st.column_config.LinkColumn("evidence", display_text="evidence")},
        )
    else:
        st.caption("No relation found in this article.")
