"""The newskb explorer: a Streamlit router over the pages in app_pages/.

    streamlit run app.py -- --db data/newskb.sqlite      (or: newskb app)

The database is ``--db`` after ``--``, else NEWSKB_DB, else the configuration file.
The pages only call kb/ and ingest/ functions; see app_pages/common.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # AppTest and `streamlit run` from elsewhere
    sys.path.insert(0, str(ROOT))

from app_pages import common  # noqa: E402
from kb.errors import NewskbError  # noqa: E402

st.set_page_config(page_title="newskb explorer", page_icon=":material/newspaper:", layout="wide")

pages = {
    "Explore": [
        st.Page(common.PAGES["overview"], title="Overview", icon=":material/home:", url_path="overview", default=True),
        st.Page(common.PAGES["search"], title="Search", icon=":material/search:", url_path="search"),
        st.Page(common.PAGES["company"], title="Company", icon=":material/business:", url_path="company"),
        st.Page(common.PAGES["relations"], title="Relations", icon=":material/link:", url_path="relations"),
        st.Page(common.PAGES["network"], title="Network", icon=":material/hub:", url_path="network"),
        st.Page(common.PAGES["article"], title="Article", icon=":material/article:", url_path="article"),
    ],
    "Manage": [
        st.Page(common.PAGES["sources"], title="Sources", icon=":material/rss_feed:", url_path="sources"),
        st.Page(common.PAGES["curation"], title="Curation", icon=":material/edit:", url_path="curation"),
        st.Page(common.PAGES["export"], title="Export", icon=":material/download:", url_path="export"),
    ],
}
page = st.navigation(pages)

try:
    common.reader()
except NewskbError as e:
    common.show_error(e)
    st.stop()

st.sidebar.caption(f"Database: `{common.db_path()}`")
page.run()
