"""What every explorer page shares: the database, cached reads, the relation filter,
and the few helpers that keep untrusted news text from being read as markup.

Pages call kb/ functions through ``cached(...)``; they hold no SQL. Writes (curation,
sources, ingest) go through ``writer()``, and ``clear_caches()`` runs after each one.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import altair as alt
import pandas as pd
import sqlite_utils
import streamlit as st

from kb import export, graph, query
from kb.config import load_settings
from kb.db import open_db
from kb.errors import NewskbError
from kb.graph import TYPE_COLOURS
from kb.query import Reader, RelationFilter
from kb.records import RELATION_TYPES, party_label

#: How long a cached read is reused. An ingest running in another process shows up
#: after at most this long; curation and ingest started here clear the cache at once.
CACHE_TTL_SECONDS = 60

T = TypeVar("T")
_CACHEABLE_MODULES = {m.__name__: m for m in (query, graph, export)}

PAGES = {
    "overview": "app_pages/overview.py",
    "search": "app_pages/search.py",
    "company": "app_pages/company.py",
    "relations": "app_pages/relations.py",
    "network": "app_pages/network.py",
    "article": "app_pages/article.py",
    "sources": "app_pages/sources.py",
    "curation": "app_pages/curation.py",
    "export": "app_pages/export.py",
}


def resolve_db_path(argv: list[str], env: dict[str, str] | os._Environ[str]) -> Path:
    """``--db PATH`` after ``--`` on the streamlit command line, else NEWSKB_DB, else the config."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db")
    parser.add_argument("--config")
    args, _ = parser.parse_known_args(argv)
    if args.db:
        return Path(args.db)
    return load_settings(args.config, env).db_path


def db_path() -> Path:
    """The explorer's database; read on each run (cheap), so tests can point it elsewhere."""
    return resolve_db_path(sys.argv[1:], os.environ)


@st.cache_resource(show_spinner=False)
def _reader(path: str) -> Reader:
    return Reader(path)


def reader() -> Reader:
    return _reader(str(db_path()))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False, max_entries=2000)
def _call(path: str, module: str, name: str, args: tuple[Any, ...], kwargs: tuple[tuple[str, Any], ...]) -> Any:
    function = getattr(_CACHEABLE_MODULES[module], name)
    return function(_reader(path).db(), *args, **dict(kwargs))


def cached(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(db, *args, **kwargs)`` for a kb.query/graph/export function, cached for a minute."""
    if function.__module__ not in _CACHEABLE_MODULES:
        raise ValueError(f"{function.__module__}.{function.__name__} is not a read function")
    result: T = _call(str(db_path()), function.__module__, function.__name__, args, tuple(sorted(kwargs.items())))
    return result


def clear_caches() -> None:
    """Forget every cached read: after an ingest or a curation the data has changed."""
    _call.clear()


@contextmanager
def writer() -> Iterator[sqlite_utils.Database]:
    """A short-lived writing connection for one user action; caches are cleared after it."""
    db = open_db(db_path())
    try:
        yield db
    finally:
        db.close()
        clear_caches()


def flash(kind: str, text: str) -> None:
    """Show ``text`` (success, info or warning) after the rerun that makes the page show new data."""
    st.session_state.setdefault("_flash", []).append((kind, text))


def show_flashes() -> None:
    for kind, text in st.session_state.pop("_flash", []):
        getattr(st, kind)(text)


def show_error(error: NewskbError | Exception) -> None:
    st.error(str(error).splitlines()[0] if str(error) else type(error).__name__)


# --- untrusted text ---------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&\"'])")


def party(name: str, kind: str) -> str:
    """A relation party's name, marked when its row is an organisation (agency, university)."""
    return party_label(name, kind == "other_org")


def md(text: object) -> str:
    """Text from an article or a feed, safe inside st.markdown: every markup character escaped.

    Streamlit's markdown reads links, images, LaTeX ($), colour directives (:red[...]) and
    emoji shortcodes; a backslash before each ASCII punctuation mark turns them all off.
    """
    return _MD_SPECIAL.sub(r"\\\1", str(text or "")).replace("\n", " ")


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None: a feed can carry javascript: or data: links."""
    if url and re.match(r"^https?://", url, re.IGNORECASE) and not any(c in url for c in "\r\n\t "):
        return url
    return None


def day(timestamp: str | None) -> str:
    return timestamp[:10] if timestamp else "—"


def when(timestamp: str | None) -> str:
    """A stored UTC timestamp to the minute, for people: 2026-03-09 12:00 UTC."""
    if not timestamp:
        return "—"
    return timestamp[:16].replace("T", " ") + (" UTC" if len(timestamp) > 10 else "")


def page_url(page: str, **params: object) -> str:
    """A relative link to an explorer page, for link columns in tables."""
    path = page
    if params:
        path += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return path


def query_int(name: str) -> int | None:
    value = st.query_params.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


# --- the relation filter shared by Relations, Network and Export -------------------------

_FILTER_KEY = "relation_filter"


def current_filter() -> RelationFilter:
    value = st.session_state.get(_FILTER_KEY)
    return value if isinstance(value, RelationFilter) else RelationFilter()


def filter_sidebar(page: str) -> RelationFilter:
    """Draw the relation filter in the sidebar and return it; kept in the session across pages."""
    flt = current_filter()
    bar = st.sidebar
    bar.header("Filter")
    types = bar.multiselect(
        "Relation types", RELATION_TYPES, default=list(flt.types), key=f"{page}_types", placeholder="All types"
    )
    company_id = company_picker(
        "Company",
        key=f"{page}_company",
        container=bar,
        value=_company_name(flt.company_id),
        default=flt.company_id,
        placeholder="Any company",
    )
    col1, col2 = bar.columns(2)
    since = col1.date_input("Seen since", value=_to_date(flt.since), key=f"{page}_since", format="YYYY-MM-DD")
    until = col2.date_input("Seen until", value=_to_date(flt.until), key=f"{page}_until", format="YYYY-MM-DD")
    min_confidence = bar.slider(
        "Minimum confidence", 0.0, 1.0, value=float(flt.min_confidence), step=0.05, key=f"{page}_conf"
    )
    sources = {o.id: o.label for o in cached(query.source_options)}
    source_ids: list[int | None] = [None, *sources]
    source_id = bar.selectbox(
        "News source",
        source_ids,
        index=source_ids.index(flt.source_id) if flt.source_id in source_ids else 0,
        format_func=lambda s: "All sources" if s is None else sources[s],
        key=f"{page}_source",
    )
    new = RelationFilter(
        types=tuple(types),
        company_id=company_id,
        since=since.isoformat() if isinstance(since, date) else None,
        until=until.isoformat() if isinstance(until, date) else None,
        min_confidence=float(min_confidence),
        source_id=source_id,
    )
    st.session_state[_FILTER_KEY] = new
    return new


def _company_name(company_id: int | None) -> str:
    if company_id is None:
        return ""
    try:
        return cached(query.company, company_id).name
    except NewskbError:
        return ""


def _hit_label(hit: query.CompanyHit) -> str:
    label = hit.name
    if hit.ticker:
        label += f" ({hit.ticker})"
    if hit.matched != hit.name:
        label += f" — as “{hit.matched}”"
    return label


def _to_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def describe_filter(flt: RelationFilter) -> str:
    """The filter in words, for captions; the company and source names are escaped (they come from the news)."""
    parts = [", ".join(flt.types) if flt.types else "all types"]
    if flt.company_id is not None:
        parts.append(f"involving {md(_company_name(flt.company_id))}")
    if flt.since or flt.until:
        parts.append(f"seen {flt.since or '…'} to {flt.until or '…'}")
    if flt.min_confidence > 0:
        parts.append(f"confidence ≥ {flt.min_confidence:.2f}")
    if flt.source_id is not None:
        labels = {o.id: o.label for o in cached(query.source_options)}
        parts.append(f"from {md(labels.get(flt.source_id, flt.source_id))}")
    return "; ".join(parts)


def type_bar_chart(frame: pd.DataFrame, *, x: str, y: str) -> alt.Chart:
    """Stacked bars per period coloured by relation type, in the Network page's colours."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            # weeks as labels, not a time axis: one week would otherwise stretch across the chart
            x=alt.X(f"{x}:O", title=f"{x} of", axis=alt.Axis(labelAngle=-45)),
            y=alt.Y(f"sum({y}):Q", title=y),
            color=alt.Color(
                "type:N",
                scale=alt.Scale(domain=list(TYPE_COLOURS), range=list(TYPE_COLOURS.values())),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[alt.Tooltip(f"{x}:O", title=f"{x} of"), "type:N", alt.Tooltip(f"{y}:Q")],
        )
        .properties(height=280)
    )


def company_picker(
    label: str,
    *,
    key: str,
    container: Any = None,
    value: str = "",
    default: int | None = None,
    placeholder: str = "name, alias or ticker",
) -> int | None:
    """A company chosen by typing any of its names: text box, then the fuzzy matches.

    ``default`` is preselected when it is among the matches (a filter kept across pages).
    """
    where = container or st
    text = where.text_input(label, value=value, key=f"{key}_text", placeholder=placeholder)
    if not text.strip():
        return None
    hits = cached(query.search_companies, text, limit=10)
    if not hits:
        where.caption("No company matches that name.")
        return None
    labels = {h.id: f"{_hit_label(h)} · #{h.id}" for h in hits}
    ids = list(labels)
    choice: int | None = where.selectbox(
        f"{label}: matches",
        ids,
        index=ids.index(default) if default in labels else 0,
        format_func=labels.__getitem__,
        key=f"{key}_pick",
    )
    return choice
