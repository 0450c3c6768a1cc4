"""A company name's identity: the one folding extraction, storage and curation compare by.

"Oracle Corp.", "Oracle Corporation", "ORACLE" and "Oracle’s" are one company. The folding
follows the evaluation scorer (../shared/eval/score.py), so what it counts as one company is
one company here, in the extractor's grouping and in the knowledge base's rows alike.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Trailing words that name a legal form, not a company: folded out of keys. The list of the
#: scorer plus a few common forms. cleanco's full list is not used on purpose: it also folds
#: "UK", "EU", "AS", "PT" or "Private", merging "Vodafone UK" into "Vodafone" — see
#: docs/design-notes.md, "Knowledge base".
LEGAL_SUFFIXES = frozenset(
    {
        "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited",
        "llc", "plc", "ag", "sa", "nv", "gmbh", "se", "lp", "llp", "holdings", "holding",
        "group", "bv", "ab", "asa", "oyj", "spa", "srl", "pte", "pty", "kk", "pvt", "ltda",
        "kgaa", "kg", "sas", "sarl", "bhd", "sdn", "oy", "aps", "as",
    }
)  # fmt: skip
#: Left dangling once a suffix is gone: "Wells Fargo & Co" → "wells fargo".
_CONNECTORS = frozenset({"&", "and", "+"})
_LEADING_THE = re.compile(r"^the\s+")
_POSSESSIVE = re.compile(r"'s?$")
_PUNCTUATION = re.compile(r"[^\w&+ ]+")


@lru_cache(maxsize=65536)
def company_key(name: str) -> str:
    """The identity of a company name: case, possessive, punctuation, "the", legal suffix folded.

    "Oracle Corp.", "Oracle Corporation", "ORACLE" and "Oracle’s" all give "oracle";
    "Fresenius SE & Co." gives "fresenius". A suffix is kept when it is the whole name
    ("Group" stays "group"). Empty for a name that is only punctuation.
    """
    text = unicodedata.normalize("NFKC", name).replace("\u2019", "'").replace("\u2018", "'")
    text = _LEADING_THE.sub("", text.casefold().strip())
    text = _POSSESSIVE.sub("", text)
    tokens = _PUNCTUATION.sub(" ", text).split()
    while len(tokens) > 1 and tokens[-1] in LEGAL_SUFFIXES:
        tokens.pop()
        while len(tokens) > 1 and tokens[-1] in _CONNECTORS:
            tokens.pop()
    return " ".join(tokens)
