"""The figures a deal sentence states: amount and currency, stake, date (``deal_terms``).

Amounts are read as news writes them: "$13 billion", "€300m", "NOK 1.6 billion". The
three-letter ISO 4217 codes come from Babel's CLDR data (the currencies in use in some
territory), so "SEK 900 million" is an amount in Swedish kronor everywhere in newskb: a deal's
figure for kb.relations, and never a company named "SEK" for kb.companies (``opens_an_amount``).
"""

from __future__ import annotations

import bisect
import re
from functools import cache
from typing import Any

from babel.core import get_global
from babel.numbers import get_territory_currencies
from spacy.tokens import Doc, Span, Token

from kb.lexicon import word_class
from kb.nlp import per_document

__all__ = ["currency_codes", "deal_terms", "opens_an_amount", "parse_amount"]

_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6, "billion": 1e9,
          "bn": 1e9, "b": 1e9, "bln": 1e9, "trillion": 1e12, "tn": 1e12, "t": 1e12}
#: Symbols and words for the currencies news names without a code.
_NAMED = {"$": "USD", "us$": "USD", "dollars": "USD", "dollar": "USD", "€": "EUR", "euros": "EUR", "euro": "EUR",
          "£": "GBP", "pounds": "GBP", "¥": "JPY", "yen": "JPY", "yuan": "CNY", "rmb": "CNY", "rupees": "INR",
          "₹": "INR", "francs": "CHF", "c$": "CAD", "a$": "AUD", "hk$": "HKD", "s$": "SGD", "won": "KRW",
          "kronor": "SEK", "kroner": "NOK", "krone": "DKK", "rubles": "RUB", "reais": "BRL", "rand": "ZAR"}
_SCALES = "|".join(sorted(_SCALE, key=len, reverse=True))
_SYMBOL = r"(hk\$|us\$|c\$|a\$|s\$|[$€£¥₹])"
_WORDS = "|".join(sorted((w for w in _NAMED if w.isalpha()), key=len, reverse=True))
_AMOUNT = re.compile(
    rf"(?i)(?:{_SYMBOL}|\b([a-z]{{3}})\s?)?(\d[\d,]*(?:\.\d+)?)\s*({_SCALES})?\b\s*({_WORDS}|[a-z]{{3}}\b)?"
)
#: Words after a number that make it an amount rather than a year or a count: "SEK 900 million".
_AMOUNT_SCALES = frozenset(w for w in _SCALE if len(w) > 1)


@cache
def currency_codes() -> frozenset[str]:
    """The ISO 4217 codes of currencies in use in some territory today (CLDR via Babel)."""
    territories = get_global("territory_currencies")
    return frozenset(code for territory in territories for code in get_territory_currencies(territory))


def _currency(symbol: str | None, code_before: str | None, word_after: str | None) -> str | None:
    for candidate in (symbol, word_after, code_before):
        if not candidate:
            continue
        folded = candidate.lower()
        if folded in _NAMED:
            return _NAMED[folded]
        if candidate.upper() in currency_codes() and (candidate.isupper() or folded in {"usd", "eur", "gbp"}):
            return candidate.upper()
    return None


def parse_amount(text: str) -> tuple[float, str] | None:
    """ "$13 billion" -> (13e9, "USD"), "NOK 1.6 billion" -> (1.6e9, "NOK"); None when no currency is stated."""
    for match in _AMOUNT.finditer(text.replace("\u00a0", " ")):
        symbol, code_before, number, scale, word_after = match.groups()
        currency = _currency(symbol, code_before, word_after)
        if currency is not None:
            value = float(number.replace(",", "")) * _SCALE.get((scale or "").lower(), 1.0)
            return value, currency
    return None


def opens_an_amount(token: Token) -> bool:
    """Is the token a currency code before an amount ("SEK 900 million", "NOK 1.6bn")? Then it is no name.

    A year or a count after a code-like name ("AMD 2024 roadmap") is not an amount: the number
    must carry a scale word, a decimal point or thousands separators.
    """
    if not (token.is_upper and token.text in currency_codes()) or token.i + 1 >= len(token.doc):
        return False
    number = token.doc[token.i + 1]
    if not number.like_num:
        return False
    after = token.doc[token.i + 2].lower_ if token.i + 2 < len(token.doc) else ""
    return after in _AMOUNT_SCALES or "." in number.text or "," in number.text \
        or bool(re.fullmatch(r"\d+(?:\.\d+)?(?:bn|mn|m|b|k)", number.text.lower()))


# --- a sentence's terms ----------------------------------------------------------------------

_STAKE_WORDS = word_class("stake_words")


@per_document
def _entity_index(doc: Doc) -> tuple[list[int], list[Span]]:
    ents = list(doc.ents)
    return [e.start for e in ents], ents


def _sentence_ents(sent: Span) -> list[Span]:
    """The sentence's entities; ``Span.ents`` scans the whole document, so index it once per doc."""
    starts, ents = _entity_index(sent.doc)
    return ents[bisect.bisect_left(starts, sent.start):bisect.bisect_left(starts, sent.end)]


def _amount_text(ent: Span) -> str:
    """The entity's text with a currency code NER left outside it: "NOK 1.6 billion" is tagged CARDINAL."""
    doc = ent.doc
    if ent.start > 0 and opens_an_amount(doc[ent.start - 1]):
        return doc[ent.start - 1:ent.end].text
    if ent.label_ == "CARDINAL":
        after = doc[ent.end] if ent.end < len(doc) else None
        # "3 billion HKD": a code after the number
        return f"{ent.text} {after.text}" if after is not None and after.is_upper and len(after) == 3 else ""
    return ent.text


@per_document
def _terms_read(doc: Doc) -> dict[tuple[int, int], dict[str, Any]]:
    """The terms read so far in this document, per span."""
    return {}


def deal_terms(sent: Span) -> dict[str, Any]:
    """Amount and currency, stake % and date stated in the sentence (first of each).

    Each relation of a sentence asks for them, so they are read once per span of a document
    (a fresh dict each time: callers may keep or change it).
    """
    known = _terms_read(sent.doc)
    key = (sent.start, sent.end)
    if key not in known:
        known[key] = _read_terms(sent)
    return dict(known[key])


def _read_terms(sent: Span) -> dict[str, Any]:
    terms: dict[str, Any] = {}
    for ent in _sentence_ents(sent):
        if ent.label_ in ("MONEY", "CARDINAL") and "amount" not in terms:
            parsed = parse_amount(_amount_text(ent))
            if parsed:
                terms["amount"], terms["currency"] = parsed
        elif ent.label_ == "PERCENT" and "stake" not in terms:
            nearby = {t.lower_ for t in sent.doc[ent.end:min(ent.end + 4, sent.end)]}
            if nearby & _STAKE_WORDS:
                number = re.search(r"\d+(?:\.\d+)?", ent.text)
                if number:
                    terms["stake"] = float(number.group())
        elif ent.label_ == "DATE" and "date" not in terms:
            terms["date"] = ent.text
    if "amount" not in terms:
        # NER tags no number at all in "bought Chess for NOK 1.6 billion": a code opening an amount
        # says it ("its AMD 2024 roadmap" is no amount)
        doc = sent.doc
        code = next((t for t in sent if opens_an_amount(t)), None)
        parsed = parse_amount(doc[code.i:min(code.i + 3, sent.end)].text) if code is not None else None
        if parsed:
            terms["amount"], terms["currency"] = parsed
    return terms
