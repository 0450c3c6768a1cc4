"""Canonical URLs: the identity of an article across feeds, pages and runs.

Two links that a reader would call "the same article" should give the same string,
so the tracking decorations that newsletters and social sites add are removed and the
parts of a URL that are case-insensitive or redundant are normalised. Everything else
(path case, other query parameters and their order) is kept: sites do use them.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from kb.sources import DEFAULT_PORTS, folded_netloc

log = logging.getLogger(__name__)

#: Query parameters that only track the click; removed from every http(s) URL.
#: ``utm_*`` covers Google Analytics campaign tags (utm_source, utm_medium, utm_campaign,
#: utm_term, utm_content, utm_id...). The others are click ids: fbclid (Facebook),
#: gclid/dclid/gbraid/wbraid (Google Ads), msclkid (Microsoft Ads), yclid (Yandex),
#: mc_cid/mc_eid (Mailchimp), igshid (Instagram), _hsenc/_hsmi (HubSpot), mkt_tok (Marketo).
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
    }
)
TRACKING_PREFIXES = ("utm_",)



def is_tracking_param(name: str) -> bool:
    """Whether a query parameter only tracks the click (see ``TRACKING_PARAMS``)."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonicalize_url(url: str, *, base: str | None = None) -> str:
    """The canonical form of ``url``, resolved against ``base`` when it is relative.

    For http(s): scheme and host lower-cased, default port, fragment and tracking
    parameters dropped, an empty path becomes ``/``; other query parameters keep their
    order and spelling. Other schemes (``file:``, ``tag:``, ``urn:``...) only lose the
    fragment and surrounding whitespace. A URL that cannot be split is returned stripped,
    never raised on: feeds carry all kinds of junk in their links.
    """
    url = url.strip()
    if base:
        try:
            url = urljoin(base.strip(), url)
        except ValueError as e:  # e.g. an invalid IPv6 literal in base
            log.debug("cannot resolve %r against %r: %s", url, base, e)
    try:
        parts = urlsplit(url)
    except ValueError as e:
        log.debug("cannot split URL %r: %s", url, e)
        return url
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))
    query = parts.query
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(is_tracking_param(k) for k, _ in pairs):
        # Re-encoded only when something was removed, so that an untouched query keeps its
        # original spelling (%20 vs +, bare keys) and matches the link as others write it.
        query = urlencode([(k, v) for k, v in pairs if not is_tracking_param(k)])
    return urlunsplit((scheme, folded_netloc(parts, scheme), parts.path or "/", query, ""))


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an absolute http(s) URL with a host (something we could fetch)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in DEFAULT_PORTS and bool(parts.hostname)
