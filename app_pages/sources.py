"""Sources: the health of every feed, page and folder; add, import, fetch now, disable, remove."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import cached, clear_caches, db_path, flash, md, show_error, show_flashes, when, writer
from ingest.opml import import_opml
from ingest.run import SourceOutcome, run_ingest
from kb import query
from kb.config import load_settings
from kb.errors import NewskbError
from kb.sources import add_source, disable_source, enable_source, remove_source

st.title("Sources")

show_flashes()
health = cached(query.source_health)
failing = sum(1 for s in health if s.failing)
st.caption(f"{len(health)} source(s), {failing} failing, {sum(1 for s in health if not s.enabled)} disabled.")
st.dataframe(
    pd.DataFrame(
        [
            {
                "source": s.title or s.url,
                "kind": s.kind,
                "status": ("disabled" if not s.enabled else s.last_status or "never fetched"),
                "HTTP": s.last_http_status,
                "last fetch": when(s.last_fetched_at),
                "next fetch": (when(s.next_fetch_at) if s.next_fetch_at else "now") if s.enabled else "—",
                "errors in a row": s.error_count,
                "last error": s.last_error or s.disabled_reason or "",
                "articles": s.article_count,
                "url": s.url,
            }
            for s in health
        ],
        columns=["source", "kind", "status", "HTTP", "last fetch", "next fetch", "errors in a row", "last error", "articles", "url"],
    ),
    hide_index=True,
    key="sources_table",
)

add_col, import_col = st.columns(2, gap="large")
with add_col, st.form("add_source", clear_on_submit=True):
    st.subheader("Add a source")
    target = st.text_input("Feed URL (or a page URL, or a local path)", key="add_url")
    as_page = st.checkbox("It is a single article page, not a feed", key="add_page")
    if st.form_submit_button("Add source") and target.strip():
        try:
            with writer() as db:
                source, created = add_source(db, target.strip(), page=as_page)
        except NewskbError as e:
            show_error(e)
        else:
            if created:
                flash("success", f"Added {source.kind} source {md(source.url)}; it is due now.")
            else:
                flash("info", f"{md(source.url)} is already a source.")
            st.rerun()
with import_col, st.form("import_opml"):
    st.subheader("Import OPML")
    upload = st.file_uploader("OPML file", type=["opml", "xml"], key="opml_file")
    if st.form_submit_button("Import") and upload is not None:
        try:
            with writer() as db:
                done = import_opml(db, upload.getvalue(), origin=upload.name)
        except NewskbError as e:
            show_error(e)
        else:
            flash(
                "success",
                f"{md(upload.name)}: {done.added} added, {done.already_present} already present, "
                f"{len(done.skipped)} skipped.",
            )
            for _, problem in done.skipped[:20]:
                flash("warning", md(problem))
            st.rerun()

st.subheader("Fetch now")
st.caption("Fetches every due source (or all enabled sources), stores new articles and extracts them.")
everything = st.checkbox("Fetch all enabled sources, due or not", key="fetch_all")
if st.button("Run an ingest now", type="primary", key="run_ingest"):
    settings = load_settings().replace(db_path=db_path())
    only = [s.id for s in health if s.enabled] if everything else None
    with st.status("Ingesting…", expanded=True) as status:
        bar = st.progress(0.0, text="Looking for due sources")

        class _Progress:
            """Moves the bar as each source finishes (ingest.run.RunObserver)."""

            total = 0
            done = 0

            def started(self, total: int) -> None:
                self.total = total
                bar.progress(0.0 if total else 1.0, text=f"{total} source(s) to fetch")

            def source_done(self, outcome: SourceOutcome) -> None:
                self.done += 1
                label = outcome.source.title or outcome.source.url
                bar.progress(min(self.done / max(self.total, 1), 1.0), text=f"{self.done}/{self.total}: {label}")
                if outcome.status == "error":
                    st.write(f"{md(label)}: {md(outcome.error)}")

            def close(self) -> None:
                bar.progress(1.0, text=f"{self.done}/{self.total} source(s) done")

        try:
            summary = run_ingest(settings, observer=_Progress(), only=only)
        except NewskbError as e:
            status.update(label="Ingest did not run", state="error")
            show_error(e)
        else:
            clear_caches()
            label = (
                f"Ingest {summary.status}: {summary.articles_new} new, {summary.articles_updated} updated, "
                f"{summary.sources_failed} source(s) failed"
            )
            status.update(label=label, state="complete" if summary.status == "ok" else "error")
            # Run the page again so the table above shows the new health; keep the summary for it.
            flash("success" if summary.status == "ok" else "warning", label)
            st.rerun()

st.subheader("Disable, enable or remove")
if health:
    labels = {s.id: f"{s.title or s.url} ({'enabled' if s.enabled else 'disabled'})" for s in health}
    chosen = st.selectbox("Source", list(labels), format_func=labels.__getitem__, key="manage_source")
    b1, b2, b3 = st.columns(3)
    confirm = b3.checkbox("Yes, remove it (its articles stay)", key="confirm_remove")
    try:
        if b1.button("Disable", key="disable"):
            with writer() as db:
                disable_source(db, chosen, reason="disabled in the explorer")
            st.rerun()
        if b2.button("Enable", key="enable"):
            with writer() as db:
                enable_source(db, chosen)
            st.rerun()
        if b3.button("Remove", key="remove", disabled=not confirm):
            with writer() as db:
                remove_source(db, chosen)
            st.rerun()
    except NewskbError as e:
        show_error(e)
else:
    st.caption("No sources yet.")
