"""Search: companies by any name, alias or ticker (fuzzy), and articles by their words (FTS5)."""

from __future__ import annotations

import streamlit as st

from app_pages.common import PAGES, cached, day, md
from kb import query

st.title("Search")
text = st.text_input(
    "Search companies and articles",
    value=st.query_params.get("q", ""),
    placeholder='e.g. Nvidia, "cloud deal", acqui*',
    key="search_text",
)
if text:
    st.query_params["q"] = text

if not text.strip():
    st.caption("Type a company name (misspellings are fine) or words from an article. Any characters are accepted.")
    st.stop()

companies_col, articles_col = st.columns([1, 2], gap="large")

with companies_col:
    hits = cached(query.search_companies, text, limit=15)
    st.subheader(f"Companies ({len(hits)})")
    if not hits:
        st.caption("No company matches.")
    for hit in hits:
        label = hit.name + (f" ({hit.ticker})" if hit.ticker else "")
        st.page_link(PAGES["company"], label=md(label), query_params={"id": str(hit.id)}, icon=":material/business:")
        note = f"{hit.mention_count} mention(s)"
        if hit.matched != hit.name:
            note = f"matched “{hit.matched}” · " + note
        st.caption(note)

with articles_col:
    articles = cached(query.search_articles, text, limit=50)
    st.subheader(f"Articles ({len(articles)}{'+' if len(articles) == 50 else ''})")
    if not articles:
        st.caption("No article contains all of these words.")
    for item in articles:
        with st.container(border=True):
            st.page_link(
                PAGES["article"], label=md(item.title or "Untitled"), query_params={"id": str(item.id)}, icon=":material/article:"
            )
            st.caption(f"{day(item.published_at)} · {md(item.source_title or 'unknown source')}")
            # snippet_html escapes the article text; only the hit markers become <mark>
            st.html(f'<div class="newskb-snippet">{query.snippet_html(item.snippet)}</div>')
