"""Curation: correct what the extractor got wrong. Every action is logged and survives re-extraction."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st
from sqlite_utils import Database

from app_pages.common import cached, company_picker, day, md, query_int, reader, show_error, writer
from kb import query
from kb.curation import (
    RelationStatus,
    add_relation,
    curation_log,
    mark_company,
    mark_not_company,
    mark_organisation,
    merge_companies,
    rename_company,
    set_relation_status,
)
from kb.errors import NewskbError, NotFound
from kb.query import RelationFilter
from kb.records import RELATION_TYPES


def apply(action: Callable[[Database], object], done: str) -> None:
    """Run one curation action in its own write transaction; show its error, else ``done``."""
    try:
        with writer() as db:
            action(db)
    except NewskbError as e:
        show_error(e)
    else:
        st.success(done)


st.title("Curation")
st.caption("Changes are stored in the curation log and replayed after `newskb reextract`.")

merge_tab, rename_tab, not_company_tab, organisation_tab, relation_tab, add_tab, log_tab = st.tabs(
    ["Merge", "Rename", "Not a company", "Organisations", "Confirm / reject", "Add a relation", "Log"],
    # a link from a relation ("Confirm or reject") opens its tab
    default="Confirm / reject" if query_int("relation") is not None else None,
)

with merge_tab:
    st.markdown("Merge two companies that are one: the second one's aliases, mentions and relations move to the first.")
    keep = company_picker("Keep", key="merge_keep")
    drop = company_picker("Merge into it", key="merge_drop")
    if st.button("Merge", key="merge", disabled=keep is None or drop is None):
        apply(lambda db: merge_companies(db, keep, drop), "Merged.")  # type: ignore[arg-type]

with rename_tab:
    company_id = company_picker("Company", key="rename")
    new_name = st.text_input("New name", key="rename_name")
    if st.button("Rename", key="rename_go", disabled=company_id is None or not new_name.strip()):
        apply(lambda db: rename_company(db, company_id, new_name.strip()), f"Renamed to {md(new_name.strip())}.")  # type: ignore[arg-type]

with not_company_tab:
    st.markdown("A product, a person, a regulator, a news outlet…: hide it and its relations everywhere.")
    company_id = company_picker("Entity", key="not_company")
    if st.button("Mark as not a company", key="not_company_go", disabled=company_id is None):
        apply(lambda db: mark_not_company(db, company_id), "Marked as not a company.")  # type: ignore[arg-type]

with organisation_tab:
    st.markdown(
        "Universities, agencies and other organisations stored as parties of relations. "
        "One that is a company after all can be marked as one, or merged into the company it is."
    )
    organisations = cached(query.organisation_options)
    if not organisations:
        st.caption("No organisations stored.")
    else:
        by_id = {o.id: o for o in organisations}
        org_id = st.selectbox(
            "Organisation", list(by_id), key="org_pick",
            format_func=lambda i: f"{by_id[i].name} · {by_id[i].article_count} article(s) · #{i}",
        )
        if st.button("Mark as a company", key="org_company"):
            apply(lambda db: mark_company(db, org_id), f"Marked {md(by_id[org_id].name)} as a company.")
        into = company_picker("Or merge it into the company", key="org_merge")
        if st.button("Merge", key="org_merge_go", disabled=into is None):
            apply(lambda db: merge_companies(db, into, org_id), "Merged.")  # type: ignore[arg-type]

    st.divider()
    st.markdown("A company that is a university, agency or public body: it keeps the relations an organisation can have.")
    company_id = company_picker("Company", key="to_org")
    if st.button("Mark as an organisation", key="to_org_go", disabled=company_id is None):
        apply(lambda db: mark_organisation(db, company_id), "Marked as an organisation.")  # type: ignore[arg-type]

with relation_tab:
    wanted = query_int("relation")
    relation: query.RelationRow | None = None
    if wanted is not None:
        try:
            relation = cached(query.relation, wanted)
        except NotFound as e:
            st.warning(str(e))
    company_id = company_picker("Company", key="status_company")
    if company_id is not None:
        options = cached(query.find_relations, RelationFilter(company_id=company_id, include_rejected=True), limit=300)
        if options:
            labels = {
                r.id: f"{r.source_name} —{r.type}→ {r.target_name} ({r.status}, {r.article_count} article(s))"
                for r in options
            }
            chosen = st.selectbox("Relation", list(labels), format_func=labels.__getitem__, key="status_relation")
            relation = next(r for r in options if r.id == chosen)
        else:
            st.caption("This company has no relations.")
    if relation is not None:
        st.markdown(
            f"**{md(relation.source_name)}** —{relation.type}→ **{md(relation.target_name)}** · "
            f"now **{relation.status}** · seen {day(relation.first_seen)} to {day(relation.last_seen)}"
        )
        for item in cached(query.relation_evidence, relation.id, limit=5):
            st.markdown(f"> {md(item.sentence)}")
        c1, c2 = st.columns(2)
        choices: tuple[tuple[Any, str, RelationStatus], ...] = ((c1, "Confirm", "confirmed"), (c2, "Reject", "rejected"))
        for col, label, status in choices:
            if col.button(label, key=f"status_{status}"):
                apply(partial(set_relation_status, relation_id=relation.id, status=status), f"Relation {relation.id} {status}.")

with add_tab, st.form("add_relation"):
    st.markdown("Add a relation the extractor missed. Unknown names become companies.")
    rtype = st.selectbox("Type", RELATION_TYPES, key="add_type")
    c1, c2 = st.columns(2)
    source = c1.text_input("Source company (investor, acquirer, supplier…)", key="add_source")
    target = c2.text_input("Target company", key="add_target")
    evidence = st.text_area("Evidence sentence (optional)", key="add_evidence")
    article = st.number_input("Article id (optional)", min_value=0, step=1, value=0, key="add_article")
    if st.form_submit_button("Add relation"):
        if not source.strip() or not target.strip():
            st.error("Give both companies.")
        else:
            try:
                with writer() as db:
                    relation_id = add_relation(
                        db,
                        type=rtype,
                        source=source,
                        target=target,
                        evidence=evidence.strip() or None,
                        article_id=int(article) or None,
                    )
            except NewskbError as e:
                show_error(e)
            else:
                st.success(f"Added relation {relation_id}.")

with log_tab:
    entries = curation_log(reader().db())
    if entries:
        st.dataframe(
            pd.DataFrame(
                [{"at": e.at.isoformat(), "action": e.action, "details": str(e.payload)} for e in reversed(entries)]
            ),
            hide_index=True,
        )
    else:
        st.caption("No curation yet.")
