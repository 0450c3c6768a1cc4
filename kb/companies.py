"""Company recognition: gazetteer, cleaning, document-level consistency, aliases.

Raw NER is a start, not an answer: it tags Oracle as PERSON and OpenAI as GPE, returns
"Oracle’s" and "Oracle marks" as names and calls "AI" an organisation. Here:

* a gazetteer (pytickersymbols, ``data/companies.jsonl``, the knowledge base's companies)
  matched by a SpanRuler (``newskb_company_ruler``) adds what NER misses;
* every candidate is cleaned (possessives, trailing verbs, leading descriptors, line breaks)
  and checked against ``data/not_companies.txt`` and ``data/other_orgs.toml``;
* a name accepted as a company once is a company everywhere in the document, whatever
  label NER gave it there (a PhraseMatcher built per document from the accepted names);
* acronym definitions ("Contemporary Amperex Technology Co (CATL)") and tickers
  ("(NASDAQ: TSLA)") become aliases; legal suffixes are folded (cleanco) so
  "Oracle Corporation" and "Oracle" are one company;
* products and platforms owned by a company ("Microsoft’s Azure AI platform") and people
  with their roles ("Sam Altman, CEO of OpenAI") are kept apart.

The resolver writes ``doc.spans["newskb_companies"]`` (label = canonical name),
``doc.spans["newskb_other_orgs"]`` (governments, universities, agencies: never companies, but
parties that kb.relations may relate to one) and plain data under ``doc.user_data["newskb"]``.
"""

from __future__ import annotations

import json
import logging
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from cleanco import basename
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from kb.deal_terms import opens_an_amount
from kb.lexicon import word_class
from kb.names import LEGAL_SUFFIXES, company_key
from kb.nlp import BOILERPLATE_KEY, per_document
from kb.people import opens_as_person
from kb.places import is_demonym, is_real_place, place_names

log = logging.getLogger(__name__)

GAZETTEER_KEY = "newskb_gazetteer"
COMPANIES_KEY = "newskb_companies"
PRODUCTS_KEY = "newskb_products"
#: Occurrences of other organisations (label = the name as ``other_orgs`` gives it), for kb.relations.
OTHER_ORGS_KEY = "newskb_other_orgs"
RESULT_KEY = "newskb"

#: Words that may follow a company's short name in its full name without making it another
#: company: "Arrowhead" is "Arrowhead Pharmaceuticals". Investment-firm words (Capital,
#: Ventures, Partners) are deliberately absent: "Google Ventures" is not Google.
GENERIC_TAIL = frozenset(
    "pharmaceuticals pharmaceutical pharma therapeutics technologies technology tech systems motors motor "
    "airlines airways energy networks software labs laboratories biosciences bioscience biotherapeutics "
    "sciences communications semiconductor semiconductors electronics entertainment industries brands "
    "foods healthcare health medical biotech biologics oncology robotics automotive platforms financial "
    "international worldwide global solutions services interactive games studios mobile digital "
    "computing computer aerospace devices diagnostics genomics materials chemicals resources "
    "petroleum oil gas power motor cars electric surgical tech gold mining minerals metals".split()
)
_ENTITY_LABELS = {"ORG", "PERSON", "GPE", "NORP", "PRODUCT", "FAC", "WORK_OF_ART", "LOC", "EVENT", "LAW"}
_EXCHANGES = ["NASDAQ", "Nasdaq", "NYSE", "OTC", "OTCQX", "OTCQB", "TSX", "TSXV", "LSE", "ASX", "HKEX", "SEHK",
              "SSE", "SZSE", "TYO", "TSE", "KRX", "BSE", "NSE", "FRA", "ETR", "XETRA", "Euronext", "AMEX", "NYSEAMERICAN",
              "CSE", "SIX", "BIT", "EPA", "AMS", "BME", "OMX", "NasdaqGS", "NasdaqGM", "NasdaqCM", "NYSEArca"]
_PRODUCT_HEADS = word_class("product_heads")
TITLE_WORDS = word_class("title_words")
_ROLE_CORE = word_class("role_core")


# --- names --------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def display_name(name: str, *, keep_firm: bool = True) -> str:
    """A name as shown: legal suffix removed ("Oracle Corporation" -> "Oracle").

    A partners' firm keeps its "& Co" ("Pauling & Co."), unless ``keep_firm`` is false: the
    gazetteer's short forms are the names as written without it ("Merck & Co." -> "Merck").
    """
    name = _SENTENCE_STOP.sub("", name.strip().strip(",;:"))
    cleaned = basename(name).strip().rstrip(",")
    if not cleaned or not company_key(cleaned):
        return name
    if not keep_firm:
        return cleaned
    partners = _DANGLING_CONNECTOR.sub("", cleaned)  # cleanco leaves "Sears, Roebuck and"
    firm = _PARTNERS_FIRM.match(name[len(partners):]) if name.startswith(partners) else None
    if firm and partners.split()[-1].lower().rstrip(".") not in LEGAL_SUFFIXES:
        return partners + firm.group(1)  # "Pauling & Co. Ltd" -> "Pauling & Co.", not "Pauling"
    return cleaned


#: The sentence's full stop the tokenizer glued to a closing initial: "rivals are Marisa and C & A."
_SENTENCE_STOP = re.compile(r"(?<=[&\s][A-Z])\.$")
#: "& Co" after a partners' names is part of the firm's name ("Littlejohn & Co", "Levi Strauss & Co."),
#: not a legal form as in "Fresenius SE & Co. KGaA"; the scorer keeps the "&" too.
_PARTNERS_FIRM = re.compile(r"^(,?\s*(?:&|\+|and)\s*(?:Co\.?|Company)(?![\w-]))")
_DANGLING_CONNECTOR = re.compile(r",?\s*(?:&|\+|\band)$")


# --- data files -----------------------------------------------------------------------------


def _data_text(name: str) -> str:
    return resources.files("kb").joinpath(f"data/{name}").read_text(encoding="utf-8")


@cache
def not_companies() -> frozenset[str]:
    lines = (line.strip() for line in _data_text("not_companies.txt").splitlines())
    return frozenset(company_key(line) for line in lines if line and not line.startswith("#"))


@cache
def heading_words() -> frozenset[str]:
    """Words that open section headings ("History", "Partnerships"): see ``data/heading_words.txt``."""
    lines = (line.strip() for line in _data_text("heading_words.txt").splitlines())
    return frozenset(line.casefold() for line in lines if line and not line.startswith("#"))


@cache
def business_subject_verbs() -> dict[tuple[str, str], bool]:
    """(lemma, voice) -> whether the object must be an amount: see ``data/business_subject_verbs.txt``."""
    out: dict[tuple[str, str], bool] = {}
    for line in _data_text("business_subject_verbs.txt").splitlines():
        words = line.split()
        if words and not line.startswith("#"):
            out[(words[0], words[1])] = words[2:] == ["money"]
    return out


@dataclass(frozen=True, slots=True)
class OtherOrgRules:
    words: frozenset[str]
    prefixes: tuple[str, ...]
    names: frozenset[str]
    non_party_words: frozenset[str] = frozenset()
    non_party_names: frozenset[str] = frozenset()
    head_words: frozenset[str] = frozenset()
    outlets: frozenset[str] = frozenset()

    def match(self, name: str) -> bool:
        """Is ``name`` a government, regulator, university, exchange or outlet?"""
        if company_key(name) in self.names or any(name.startswith(p) for p in self.prefixes):
            return True
        words = re.findall(r"[\w.]+", name.casefold())
        if len(words) > 1 and words[-1].rstrip(".") in _CORPORATE_TAILS:
            words = words[-1:]  # "Foundation Capital", "Summit Partners", "Hirslanden Private Hospital Group"
        # "the Qi Standard" is a standard, "Standard Life Aberdeen" a business
        return any(word in self.words for word in words) or bool(words) and words[-1] in self.head_words

    def can_be_party(self, name: str) -> bool:
        """May the other organisation ``name`` be a party to a relation (kb.relations)?

        An institution acts ("partnered with Harvard University", "won a contract from the
        Department of Health"); an outlet, an exchange, an index or a programme is only
        named ("according to Reuters", "listed on Nasdaq", "the CHIPS Act").
        """
        if company_key(name) in self.non_party_names:
            return False
        words = [word.rstrip(".") for word in re.findall(r"[\w.]+", name.casefold())]
        return not any(word in self.non_party_words for word in words) and not (words and words[-1] in self.head_words)

    def is_outlet(self, name: str) -> bool:
        """Is ``name`` a news outlet: cited as a source, but a media business when it deals?"""
        return company_key(name) in self.outlets


#: Last words that make a name a business whatever an institution word inside it says.
_CORPORATE_TAILS = word_class("corporate_tails")


@cache
def other_org_rules() -> OtherOrgRules:
    data = tomllib.loads(_data_text("other_orgs.toml"))
    # outlets, exchanges, regulators, indices and programmes, by name
    institutions = tomllib.loads(_data_text("outlets_and_institutions.toml"))
    never, outlets = data["non_parties"], data["outlets"]
    names = [*data["names"], *never["names"], *outlets["names"], *(name for group in institutions.values() for name in group)]
    non_party_names = [*never["names"], *(name for group in never["groups"] for name in institutions[group])]
    outlet_names = [*outlets["names"], *(name for group in outlets["groups"] for name in institutions[group])]
    return OtherOrgRules(
        words=frozenset(w.casefold() for w in [*data["words"], *never["words"]]),
        prefixes=tuple(data["prefixes"]),
        names=frozenset(company_key(n) for n in names),
        non_party_words=frozenset(w.casefold() for w in never["words"]),
        head_words=frozenset(w.casefold() for w in never["head_words"]),
        non_party_names=frozenset(company_key(n) for n in non_party_names),
        outlets=frozenset(company_key(n) for n in outlet_names),
    )


@cache
def curated_companies() -> tuple[dict[str, Any], ...]:
    """The well-known companies newskb ships: a hand-kept list (mostly private companies no
    ticker list has) and a broad world list; ``"ambiguous": true`` marks common-word names."""
    return _jsonl_rows("companies.jsonl", "companies_world.jsonl")


@cache
def curated_products() -> tuple[dict[str, Any], ...]:
    """Products and brands with their owners; ambiguous (common-word) brands are left out, as a
    product label there would hide the word's other meanings."""
    return tuple(row for row in _jsonl_rows("products.jsonl", "products_world.jsonl") if not row.get("ambiguous"))


def _jsonl_rows(*names: str) -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(line) for name in names for line in _data_text(name).splitlines() if line.strip())


@cache
def listed_companies() -> tuple[tuple[str, str | None], ...]:
    """(name, ticker) of the index members pytickersymbols knows."""
    from pytickersymbols import PyTickerSymbols

    rows = []
    for stock in PyTickerSymbols().get_all_stocks():
        rows.append((str(stock["name"]), stock.get("symbol")))
    return tuple(rows)


# --- the ruler ----------------------------------------------------------------------------


def gazetteer_patterns(
    nlp: Language, *, known_companies: Iterable[dict[str, Any]] = ()
) -> list[dict[str, Any]]:
    """SpanRuler patterns: label COMPANY (or COMPANY_WEAK for common words), PRODUCT, TICKER.

    A single-word listed name that is also an English word ("Target", "Visa", "Block") is
    weak: it counts only where NER also sees an entity there.
    """
    common = _common_words(nlp)
    patterns: list[dict[str, Any]] = []
    seen: set[str] = set()

    def add(surface: str, canonical: str, *, strong: bool, listed: bool = False) -> None:
        surface = surface.strip()
        if len(surface) < 2 or surface in seen or company_key(surface) in not_companies():
            return
        seen.add(surface)
        words = surface.split()
        weak = not strong or (listed and len(words) == 1 and surface.lower() in common)
        patterns.append({"label": "COMPANY_WEAK" if weak else "COMPANY", "pattern": surface, "id": canonical})

    rules = other_org_rules()
    for row in known_companies:
        if rules.is_outlet(row["name"]):
            continue  # a company of the knowledge base once it dealt, but cited far more often ("according to Reuters")
        for surface in [row["name"], *row.get("aliases", [])]:
            add(surface, row["name"], strong=True)
    for row in curated_companies():
        for surface in [row["name"], *row.get("aliases", [])]:
            add(surface, row["name"], strong=not row.get("ambiguous"))
    for row in curated_products():
        if row["name"] not in seen:
            seen.add(row["name"])
            patterns.append({"label": "PRODUCT", "pattern": row["name"], "id": row.get("owner") or ""})
    for name, _ticker in listed_companies():
        short = display_name(name, keep_firm=False)
        add(short, short, strong=len(short) > 3 or short.isupper(), listed=True)
        if name != short:
            add(name, short, strong=True, listed=True)
    patterns.append(
        {"label": "TICKER", "pattern": [{"ORTH": "("}, {"ORTH": {"IN": _EXCHANGES}}, {"ORTH": {"IN": [":", "-"]}, "OP": "?"},
                                        {"TEXT": {"REGEX": r"^[A-Z0-9][A-Z0-9.\-]{0,9}$"}}, {"ORTH": ")"}]}
    )
    return patterns


def _common_words(nlp: Language, parts: tuple[str, ...] = ("noun", "verb", "adj", "adv")) -> frozenset[str]:
    """English words (WordNet's index as shipped with the lemmatizer), when the model has it."""
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return frozenset()
    index = lookups.get_table("lemma_index")
    return frozenset(w for pos in parts for w in index.get(pos, []))


@Language.factory(
    "newskb_company_ruler",
    default_config={"known_companies": []},
    assigns=["doc.spans"],
)
def make_company_ruler(nlp: Language, name: str, known_companies: list[dict[str, Any]]) -> SpanRuler:
    """A SpanRuler over the gazetteer: case-sensitive phrase patterns, built once per pipeline."""
    ruler = SpanRuler(nlp, name=name, spans_key=GAZETTEER_KEY, phrase_matcher_attr="ORTH", validate=False)
    ruler.add_patterns(gazetteer_patterns(nlp, known_companies=known_companies))
    return ruler


# --- the resolver -----------------------------------------------------------------------------


@dataclass
class _Candidate:
    start: int
    end: int
    kind: str  #: company | weak | product | maybe (another NER label) | org (NER ORG)
    canonical: str | None = None  #: from the gazetteer
    owner: str | None = None  #: products


@Language.factory(
    "newskb_company_resolver",
    assigns=["doc.spans"],
    requires=["doc.spans"],
)
def make_company_resolver(nlp: Language, name: str) -> CompanyResolver:
    return CompanyResolver(nlp)


class CompanyResolver:
    """One canonical entity per company in the document, with mentions, products and people."""

    def __init__(self, nlp: Language) -> None:
        self.vocab = nlp.vocab
        self.common_words = _common_words(nlp)
        # words that are verbs or adjectives too ("punch", "spirit"): WordNet's nouns hold places ("france")
        self.not_only_nouns = _common_words(nlp, ("verb", "adj"))
        place_names()  # the GeoNames lists load here, once, rather than on the first document
        from kb.relations import rival_frame_verbs, trigger_lexicon

        lexicon = trigger_lexicon()
        # relations of a deal between two businesses, either way round: "acquire", "sell", "invest", "partner"
        deal_types = {"acquisition", "investment", "partnership"}
        self.trigger_words = frozenset(w for w, entries in lexicon.by_lemma.items()
                                       if any(e[0] in deal_types | {"competitor"} or not e[1] for e in entries))
        self.deal_words = frozenset(w for w, entries in lexicon.by_lemma.items()
                                    if any(e[0] in deal_types for e in entries))
        # phrasal verbs of the lexicon, as (verb, particle): "taken over by", "bought out", "teamed up with"
        self.phrasal_triggers = frozenset(
            (words[0], words[1]) for phrase, rel_type, _inverse in lexicon.phrases
            if rel_type in deal_types and len(words := phrase.split()) == 2 and words[1] in _PARTICLES)
        # what a company battles or holds off is a business too: "Lockheed Martin battles SpaceX" (issue #4)
        frame_verbs = [tuple(v.split()) for v in rival_frame_verbs()]
        self.deal_words |= {v[0] for v in frame_verbs if len(v) == 1}
        self.phrasal_triggers |= {(v[0], v[1]) for v in frame_verbs if len(v) == 2}

    def __call__(self, doc: Doc) -> Doc:
        skip = _boilerplate_tokens(doc)
        heading = _heading_tokens(doc)
        tickers: dict[int, str] = {}  # token index where a company ends -> ticker
        excluded: set[int] = set(skip) | _medium_tokens(doc)
        candidates: list[_Candidate] = []
        gaz_spans = doc.spans[GAZETTEER_KEY] if GAZETTEER_KEY in doc.spans else []
        for span in gaz_spans:
            if span.label_ == "TICKER":
                tickers[span.start] = span[-2].text
                excluded.update(range(span.start, span.end))
        for span in gaz_spans:
            if span.label_ == "TICKER" or excluded.intersection(range(span.start, span.end)):
                continue
            kind = {"COMPANY": "company", "COMPANY_WEAK": "weak", "PRODUCT": "product"}[span.label_]
            candidates.append(
                _Candidate(span.start, span.end, kind, canonical=span.id_ if kind != "product" else None,
                           owner=span.id_ or None if kind == "product" else None)
            )
        known_bounds = {(c.start, c.end) for c in candidates if c.kind in {"company", "weak"}}
        pieces = [(ent.label_, name, possessor) for ent in _ents(doc) if ent.label_ in _ENTITY_LABELS
                  for part, possessor in _clean_entity(ent) for name in _split_at_known(part, known_bounds)]
        votes: dict[str, Counter[str]] = defaultdict(Counter)
        for label, part, _possessor in pieces:
            votes[part.text][label] += 1
        # words of full person names ("Bhavish Aggarwal"), not of "Xilinx’s" tagged PERSON, nor of a
        # name NER alone calls a person ("Loot Drop continued developing games": no given name)
        common = self.common_words
        person_words = {t.text for ent in _ents(doc) if _full_personal_name(ent, common) for t in ent if t.is_alpha}
        org_parts: list[Span] = []
        for label, part, possessor in pieces:
            if excluded.intersection(range(part.start, part.end)):
                continue
            if any(t.text in {"-", "–", "/"} and (part.start, t.i) in known_bounds and (t.i + 1, part.end) in known_bounds
                   for t in part):
                continue  # "General Electric-Safran": two known companies joined, each its own mention
            kind = _entity_kind(label, part, votes[part.text], person_words, common)
            if possessor and kind == "org" and label != "ORG":
                kind = "maybe"
            candidates.append(_Candidate(part.start, part.end, kind))
            if label == "ORG":
                org_parts.append(part)
        # "the old Carlton & United Breweries plant": a gazetteer word inside a longer name (an other
        # organisation's, "Southern Cross University", is read in _resolve)
        candidates = [c for c in candidates if not (c.kind in {"company", "weak"} and any(
            _inner_part(c, part) for part in org_parts))]
        taken = {t for c in candidates for t in range(c.start, c.end)} | excluded
        # a one-word "person" that is bought, invested in or partnered with is a company ("a stake in Yager")
        ner_other = {t.i for ent in _ents(doc) if ent.label_ not in {"ORG", "PRODUCT", "FAC", "WORK_OF_ART", "NORP", "GPE"}
                     and not (ent.label_ == "PERSON" and len(ent) == 1) for t in ent}
        # CamelCase names NER skips ("IndiGo", "XAnge", "ReAssure") are company-like on their own
        for token in _tokens(doc):
            if token.i not in taken and _is_camel(token.text) and token.pos_ in {"PROPN", "NOUN"}:
                candidates.append(_Candidate(token.i, token.i + 1, "org"))
                taken.add(token.i)
        # capitalised names closed by a legal suffix that NER skipped ("Employers Mutual Limited")
        for start, end in _suffixed_names(doc, taken):
            candidates.append(_Candidate(start, end, "org"))
            taken.update(range(start, end))
        arguments = [(_after_heading(doc, start, end), end)
                     for start, end in _trigger_arguments(doc, self.trigger_words, self.common_words,
                                                          phrasal=self.phrasal_triggers)]
        maybe_at = {(c.start, c.end): c for c in candidates if c.kind == "maybe"}
        # places stay places, and "Elon Musk" stays a person even as "Elon Musk's venture"
        # (a one-word "place" that is no real place, "a stake in Splunk", "acquired Oasis", is a
        # company; a person's possessive, "Elon Musk's venture", is not)
        gpe_tokens = {t.i for ent in _ents(doc) if ent.label_ in {"GPE", "LOC"} and (len(ent) > 1 or _place_word(ent.text, common))
                      or ent.label_ == "PERSON" and len(ent) > 1 and ent.root.dep_ == "poss" for t in ent}
        for start, end in arguments:
            if (start, end) in maybe_at and not gpe_tokens.intersection(range(start, end)) \
                    and not (doc[start].ent_type_ == "PERSON" and _given_and_surname(doc[start:end])
                             and _invests(doc[start:end])):
                # "a stake in X" with X tagged PERSON or PRODUCT (but "Geoff Entress invested in Zulily")
                maybe_at[(start, end)].kind = "org"
            elif not taken.intersection(range(start, end)) and not ner_other.intersection(range(start, end)) \
                    and not _written_as_place(doc[start:end]):  # a dateline: "SANTANDER, SPAIN, June 17"
                candidates.append(_Candidate(start, end, "org"))
            elif (inner := _shorter_ner_name(doc, candidates, start, end)) is not None \
                    and not (ner_other | gpe_tokens).intersection(range(start, end)):
                inner.start, inner.end = start, end  # "the TWG Motorsports group": NER tagged "TWG"
        argument_tokens = {i for start, end in arguments for i in range(start, end)}
        # A "maybe" (NER said PERSON, GPE, FAC...) the document shows to be a business becomes a
        # candidate; its tokens count as evidence in _resolve, as a relation argument's do.
        ner_products = frozenset((part.start, part.end) for label, part, _possessor in pieces if label == "PRODUCT")
        for form in _business_maybes(doc, candidates, tickers=tickers, arguments=argument_tokens, common=common,
                                     products=ner_products):
            for c in candidates:
                if (c.kind == "maybe" or c.kind == "product" and (c.start, c.end) in ner_products) \
                        and doc[c.start:c.end].text == form:
                    c.kind = "org"
                    argument_tokens.update(range(c.start, c.end))
        # A name said once ("European subsidiaries of Midway") is kept when that mention carries evidence
        # (a modifier, "its Unified Security Posture platform", still needs more).
        for c in candidates:
            span = doc[c.start:c.end]
            held = span.root.dep_ == "poss" and span.root.head.lemma_.lower() in _HELD_BY_BUSINESS  # "Marmoset's clients"
            if c.kind == "org" and not c.canonical and span.root.dep_ == "compound" \
                    and span.root.head.lemma_.lower() in _BUSINESS_PARTS and span.root.head.i >= span.end:
                argument_tokens.update(range(c.start, c.end))  # "the Radio Rentals chain", "TD Auto Finance corporate offices"
            elif c.kind == "org" and not c.canonical and span.root.dep_ not in {"compound", "nmod", "amod", "npadvmod"} \
                    and not _not_a_business(span, common=common, arguments=set()) \
                    and (held or _occurrence_evidence(span, tickers=tickers, arguments=argument_tokens, common=common)):
                argument_tokens.update(range(c.start, c.end))
        # A name coordinated with two or more companies is one of them: "partners include Concentric
        # Network, EarthLink, Excite and FastNet" (NER said PERSON, GPE or nothing for some items).
        _promote(candidates, _listed_with_companies(doc, candidates, taken=taken, evidenced=argument_tokens,
                                                    gpe_tokens=gpe_tokens, common=common,
                                                    not_only_nouns=self.not_only_nouns), argument_tokens)
        # The names a company lists as its rivals or clients are companies: "PocketBell's main
        # competitor was EasyCall", "Miracle Mart competed with the likes of Zellers, Woolco and Kmart".
        _promote(candidates, _rivals_and_clients(doc, candidates, taken=taken, evidenced=argument_tokens,
                                                 gpe_tokens=gpe_tokens, common=common), argument_tokens)
        # A name NER missed, or a one-word name it called PERSON or GPE, the subject of a verb whose subject is a
        # business ("Versive launched with $1.3 million in seed funding", "Boxed was financed by ..."),
        # is a company unless it is part of a person's full name in the text.
        _promote(candidates, _business_subjects(doc, candidates, taken=taken, person_words=person_words,
                                                gpe_tokens=gpe_tokens, common=common), argument_tokens)
        # A subject the text goes on to call "it" or "the company" in a business role: "Monarch manages
        # $4.9 billion in assets. It bought Oneida Limited in 2006."
        _promote(candidates, _referred_subjects(doc, candidates, taken=taken, person_words=person_words,
                                                gpe_tokens=gpe_tokens, common=common, trigger_words=self.trigger_words),
                 argument_tokens)
        _promote(candidates, _relation_clause_subjects(doc, candidates, taken=taken, person_words=person_words,
                                                       gpe_tokens=gpe_tokens, common=common,
                                                       trigger_words=self.trigger_words), argument_tokens)
        # A name in the object slot of a deal verb whose subject is a company: "Wesfarmers merged Total West
        # and Gascoyne Trading Company", "sold these businesses to FilmOn", "its sister company, Coast".
        _promote(candidates, _trigger_objects(doc, candidates, taken=taken, gpe_tokens=gpe_tokens, common=common,
                                              deal_words=self.deal_words, phrasal=self.phrasal_triggers),
                 argument_tokens)
        # A proper-noun run NER left untagged is a company when an occurrence says so: "SBS was a major
        # supplier", "Bank PHB, the Nigerian lender", "clients of Amritt", "the department store Selfridges".
        # (a CamelCase word taken alone above may open such a run: "MidOcean Partners was formed")
        camel = {c.start for c in candidates if c.kind == "org" and c.end - c.start == 1 and not doc[c.start].ent_type_
                 and _is_camel(doc[c.start].text)}
        for start, end in _untagged_business_names(doc, taken=taken - camel, person_words=person_words,
                                                   gpe_tokens=gpe_tokens, tickers=tickers, common=common):
            candidates = [c for c in candidates if not (c.start in camel and start <= c.start < end)]
            candidates.append(_Candidate(start, end, "org"))
            taken.update(range(start, end))
            argument_tokens.update(range(start, end))
        # People named with a role ("Cyril Chiche, Lydia's CEO") are people, and so is their last name.
        # A part of their name alone later ("Chiche said", "Giovanni") is the person too, whatever NER
        # said; a gazetteer company sharing the word ("Ferrero") is not touched.
        role_words: set[str] = set()
        company_starts = {c.start for c in candidates if c.kind in {"company", "weak", "org"}}
        for c in candidates:
            if c.kind in {"org", "maybe"} and (_has_role(doc, c.start, c.end) or _named_as_founder(doc[c.start:c.end])
                                               or _described_as_someone(doc[c.start:c.end], company_starts)):
                c.kind = "person"
                person_words.update(t.text for t in doc[c.start:c.end])
                if c.end - c.start > 1:
                    role_words.update(t.text for t in doc[c.start:c.end])
        # "Chiche and Antoine Porte launched Lydia": a given name and a surname joined to a person is a person
        businesses = {i for c in candidates if c.kind in {"company", "weak", "org"}
                      and not (c.end - c.start == 1 and doc[c.start].text in role_words) for i in range(c.start, c.end)}
        people = {t.text for t in doc if t.text in person_words and t.i not in businesses}
        for c in candidates:
            if c.kind in {"org", "maybe"} and not c.canonical and _joined_to_person(doc[c.start:c.end], people):
                c.kind = "person"
        candidates = [c for c in candidates if c.kind != "person" and not (
            c.kind in {"org", "maybe"} and c.end - c.start == 1 and doc[c.start].text in person_words
            and not votes[doc[c.start].text]["ORG"] > votes[doc[c.start].text]["PERSON"]) and not (
            c.kind in {"org", "maybe"} and all(t.text in role_words for t in doc[c.start:c.end]))]
        doc.spans[COMPANIES_KEY], doc.spans[PRODUCTS_KEY], doc.spans[OTHER_ORGS_KEY] = [], [], []
        result = _resolve(doc, candidates, tickers=tickers, excluded=excluded, heading=heading, common=self.common_words,
                          arguments=argument_tokens)
        doc.user_data[RESULT_KEY] = result["data"]
        doc.spans[COMPANIES_KEY] = result["mentions"]
        doc.spans[PRODUCTS_KEY] = result["products"]
        doc.spans[OTHER_ORGS_KEY] = result["other_orgs"]
        return doc


def _inner_part(cand: _Candidate, part: Span) -> bool:
    """Is a gazetteer match only a word inside the longer name NER tagged around it?

    "the old Carlton & United Breweries plant" holds "United": the known name is a word of
    another name, not a mention of that company. A name opening the span stays its own
    ("Google Cloud", "Amazon Web Services"): units and products are named after their owner.
    """
    return part.start < cand.start and cand.end <= part.end


def _split_at_known(part: Span, known_bounds: set[tuple[int, int]]) -> list[Span]:
    """An NER span that joins two names with "and" or "&", as two names.

    "Kroger and Walmart", "Procter & Gamble and Walmart", "Panasonic and Pentax": NER reads
    two names as one; when one side is a company the gazetteer knows by itself, or the two
    sides read as two names of a list (``_listed_pair``), the "and" is a list's, not the name's.
    A name the gazetteer knows whole ("Marks and Spencer") stays.
    """
    if (part.start, part.end) in known_bounds:
        return [part]
    doc = part.doc
    for token in part[1:-1]:
        if token.lower_ in {"and", "&"} and ((part.start, token.i) in known_bounds or (token.i + 1, part.end) in known_bounds
                                             or _listed_pair(doc[part.start:token.i], doc[token.i + 1:part.end])):
            return [*_split_at_known(doc[part.start:token.i], known_bounds), *_split_at_known(doc[token.i + 1:part.end], known_bounds)]
        if token.lower_ == "for" and _client_after_for(doc[part.start:token.i], doc[token.i + 1:part.end], known_bounds):
            return [*_split_at_known(doc[part.start:token.i], known_bounds), *_split_at_known(doc[token.i + 1:part.end], known_bounds)]
    return [part]


def _client_after_for(left: Span, right: Span, known_bounds: set[tuple[int, int]]) -> bool:
    """Is "for" inside an NER span the client's, "Horse Life 2 for Neko Entertainment", not a name's?

    The name after "for" is a company by itself (known, or closed by a company word); the name
    before it is no institution named for a cause ("Center for Automotive Research").
    """
    if not left or not right:
        return False
    company = (right.start, right.end) in known_bounds or len(right) >= 2 and right[-1].lower_.rstrip(".") in COMPANY_WORDS
    return company and left[-1].lower_ not in _CAUSE_HEADS and not other_org_rules().match(left.text)


#: Heads of bodies named for a cause: "Center for Automotive Research Group" keeps its "for".
_CAUSE_HEADS = word_class("cause_heads")


def _listed_pair(left: Span, right: Span) -> bool:
    """Do the two sides of an "and" read as two names of a list rather than one firm's name?

    Two names with the same head word ("Equator Coffee & Intelligentsia Coffee", "NorthLink
    Ferries and Pentland Ferries"), the same opening word ("Horse Life and Horse Life 2"), or a
    numbered title before the "and" ("Deadpool 2 and Free Guy"), or a name closed by a company
    word before another name of two words ("Yucaipa Companies and Presidential Life"). A firm named after its
    partners has one word a side ("Procter & Gamble", "Johnson & Johnson", "Wells and Young's").
    """
    if len(left) < 2 or not right or not left[-1].text[:1].isalnum() or not right[0].text[:1].isupper():
        return False
    if left[-1].like_num:
        return True
    if len(right) < 2:
        return False
    if left[-1].lower_ in COMPANY_WORDS | {"companies"} and right[-1].lower_.rstrip(".") not in LEGAL_SUFFIXES \
            and not other_org_rules().match(left.text):
        # "Yucaipa Companies and Presidential Life"; "State Street Bank and Trust Company" and
        # "Ministry of Heavy Industries & Public Enterprises" are one
        return True
    return left[-1].lower_ == right[-1].lower_ or left[0].lower_ == right[0].lower_


#: Nouns a business owns whose possessor or "of" object is therefore a business: "Dalton Maag's
#: larger clients", "shareholders of Rubicon". Roles ("France's president", "Smith's partner")
#: are left out: people and countries have them too.
_HELD_BY_BUSINESS = word_class("held_by_business")
#: Nouns before a name that say a business follows: "the department store Selfridges", "discount chain Value City".
_TRADE_NOUNS = word_class("trade_nouns")


#: Nouns for parts of a business that a name before them owns: "the Radio Rentals chain", "Ace Hotel locations".
_BUSINESS_PARTS = word_class("business_parts")


def _business_maybes(doc: Doc, candidates: list[_Candidate], *, tickers: dict[int, str], arguments: set[int],
                     common: frozenset[str], products: frozenset[tuple[int, int]] = frozenset()) -> set[str]:
    """Forms of "maybe" names (NER PERSON, GPE, FAC, NORP, PRODUCT...) that the document shows to be businesses.

    "Duke Street, the UK based private equity firm", "Dalton Maag's larger clients", "the
    department store Selfridges", "Spar and Londis" (listed with a known company). Every
    occurrence of the form counts, tagged or not ("Jet.com said" is PERSON; "paying $3
    billion for Jet.com, the online retailer" is untagged). Places stay places: a name ever
    written "in X" or "X, <place>" is not promoted; nor is a person with a role (handled by
    the caller) or a full personal name on a relation argument alone. ``products`` are the
    bounds of NER PRODUCT entities ("the American companies Ferrara and Fannie May").
    """
    maybes = [c for c in candidates if c.kind == "maybe" or c.kind == "product" and (c.start, c.end) in products]
    if not maybes:
        return set()
    labels = _entity_labels(doc)
    known = {i for c in candidates if c.kind == "company" for i in range(c.start, c.end)}
    first: dict[str, _Candidate] = {}
    for cand in maybes:
        first.setdefault(doc[cand.start:cand.end].text, cand)
    out: set[str] = set()
    for form, cand in first.items():
        occurrences = list(_occurrences(doc, doc[cand.start:cand.end]))
        if any(_written_as_place(span) or _names_an_offering(span) for span in occurrences):
            continue  # a place, or a project or product: "the HIFL project", "the HIFL system"
        span = doc[cand.start:cand.end]
        label = labels.get(span.start, "")
        if label == "NORP" and len(span) == 1 and span.text.lower() in common \
                or label == "GPE" and len(span) == 1 and _place_word(span.text, common):
            if any(_bought(span) or _called_a_business(span.root) for span in occurrences):
                out.add(form)  # "Cisco acquiring Monsoon", "Bonanza and Ponderosa were separate companies"
            continue  # "Georgia", "Chinese": the place or people, whatever else the verb
        if label == "LOC" or span[-1].text in _PRODUCT_NAME_WORDS:
            continue  # "North America", "the Middle East", "Oracle Cloud"
        # a full personal or place name is not promoted on being a relation argument alone
        # ("led by David Ellison", "buy AMD's chip, the Instinct MI450")
        named = label == "GPE" and len(span) > 1 or label == "PERSON" and _personal_name(span, common)
        # a "person" NER alone says is one ("Crew Cuts") is read as a subject or a modifier too
        guessed = label == "PERSON" and len(span) > 1 and not named
        if _common_words_only(span, common):
            # "Duke Street, the private equity firm", but not "Product Purchasing" in a list of departments
            if any(_apposed_business(span) or _after_trade_noun(span) or _called_a_business(span.root)
                   or guessed and _acts_as_business(span) for span in occurrences):
                out.add(form)
            continue
        for span in occurrences:
            if named and _invests(span):
                continue  # people invest as firms do: "investors such as Sequoia Capital, Accel and Peter Thiel"
            if _maybe_evidence(span, label=label, tickers=tickers, arguments=set() if named else arguments,
                               common=common) or any(t.i in known for t in span.root.conjuncts) \
                    or guessed and _acts_as_business(span) \
                    or label == "PERSON" and len(span) == 1 and _names_business_part(span) \
                    and not is_real_place(span.text):  # "The Beaconsfield store": where it stands
                out.add(form)  # "convenience shop formats used by Spar and Londis"
                break
    return out


def _business_subjects(doc: Doc, candidates: list[_Candidate], *, taken: set[int], person_words: set[str],
                       gpe_tokens: set[int], common: frozenset[str]) -> Iterator[tuple[int, int]]:
    """Bounds of names that are the subject of a business verb: "Aujas was founded in 2008".

    Only NER "maybes" (PERSON, GPE, NORP...) and untagged proper nouns are read; a word of a full
    personal name ("Kaplan" after "Robert Kaplan") or a dictionary word left untagged ("Get") is not.
    """
    verbs = business_subject_verbs()
    maybes = {c.start for c in candidates if c.kind == "maybe" and c.end - c.start == 1}
    # a name NER calls ORG that has no evidence yet earns it the same way: "Catalyst expanded its mills"
    for cand in candidates:
        span = doc[cand.start:cand.end]
        if cand.kind == "org" and cand.canonical is None and span.root.dep_ in {"nsubj", "nsubjpass"} \
                and _subject_of_business_verb(span.root, verbs):
            yield cand.start, cand.end
    for token in _tokens(doc):
        if token.i not in maybes and (token.i in taken or token.pos_ != "PROPN" or not token.is_alpha
                                      or not token.text[:1].isupper()):
            continue
        start = token.i  # with the capitalised words before it: "Green Tomato Cars", "Hoare Lea"
        while start > 0 and doc[start - 1].dep_ in {"compound", "amod"} and doc[start - 1].head.i == token.i \
                and doc[start - 1].text[:1].isupper() and start - 1 not in taken:
            start -= 1
        if doc[start].is_sent_start and doc[start].lower_ in heading_words() and start < token.i:
            start += 1  # "History Green Tomato Cars was founded": a heading glued on
        if any(c.dep_ == "compound" and c.i < start and not c.is_lower for c in token.children):
            continue  # part of a longer name: "Noble Roman's" (a lowercase word, "Investment history Versive", is not)
        if start == token.i and token.i not in maybes and token.text.lower() in common:
            continue  # an untagged dictionary word: "Get", "Cars"
        span = doc[start:token.i + 1]
        if token.text in person_words or token.i in gpe_tokens or not _subject_of_business_verb(token, verbs):
            continue
        if any(_written_as_place(s) for s in _occurrences(doc, span)):
            continue
        yield span.start, span.end


#: Nouns a passage uses, after "the", for the company it is about: "Bellin opened ... In 2007, the company became".
_SELF_NOUNS = word_class("self_nouns")


def _referred_subjects(doc: Doc, candidates: list[_Candidate], *, taken: set[int], person_words: set[str],
                       gpe_tokens: set[int], common: frozenset[str],
                       trigger_words: frozenset[str]) -> Iterator[tuple[int, int]]:
    """Bounds of clause subjects the text goes on to refer to as a business.

    A passage about a small company names it once as a subject and then says "it", "its" or
    "the company": "Monarch manages $4.9 billion in assets. It bought Oneida Limited in 2006",
    "Bellin opened a clinic in Denmark, Wisconsin. In 2007, the company became the official
    partner of the Green Bay Packers". The reference is business evidence when it is "the
    company" (or another trade noun), "it" as the subject of a business or relation verb ("It
    bought", "it was sold to"), or "its" owning a business part ("its ninth store"). Only an
    untagged name or a one-word NER "maybe" is read, and only up to the end of the next sentence,
    with no other named subject in between; person words and places stay out.
    """
    verbs = business_subject_verbs()
    maybes = {c.start for c in candidates if c.kind == "maybe" and c.end - c.start == 1}
    subjects = {i for c in candidates for i in range(c.start, c.end) if doc[c.start:c.end].root.dep_ in {"nsubj", "nsubjpass"}}
    for sent, span in _main_subject_names(doc, candidates, taken=taken, maybes=maybes, person_words=person_words,
                                          gpe_tokens=gpe_tokens, common=common):
        window_end = doc[sent.end].sent.end if sent.end < len(doc) else sent.end  # to the end of the next sentence
        for ref in doc[span.end:window_end]:
            if ref.i in subjects or ref.dep_ in {"nsubj", "nsubjpass"} and ref.pos_ == "PROPN":
                break  # another named subject: the references after it are its own
            if _refers_as_business(ref, verbs=verbs, trigger_words=trigger_words):
                yield span.start, span.end
                break


#: Verbs of saying: their subject reports a relation rather than being a party to it.
_SPEECH_VERBS = word_class("speech_verbs")


def _relation_clause_subjects(doc: Doc, candidates: list[_Candidate], *, taken: set[int], person_words: set[str],
                              gpe_tokens: set[int], common: frozenset[str],
                              trigger_words: frozenset[str]) -> Iterator[tuple[int, int]]:
    """Bounds of main-clause subjects whose clause relates them to a company: "Ring of Fire has done
    feature film work for Warner Bros.", "Enigma works with Fortune 500 companies, including PayPal".

    The trigger may sit anywhere in the clause, not only on the subject's own verb; the clause must name
    a company besides the subject. Only names NER left untagged, one-word names it called
    something other than a person, and longer names it called neither a place nor a person's full
    name ("Shoppers Fair" as a work of art) are read; the subject of a verb of saying is a speaker.
    """
    labels = _entity_labels(doc)
    maybes = {c.start for c in candidates if c.kind in {"maybe", "product"} and c.end - c.start == 1
              and labels.get(c.start) not in {None, "PERSON"}}
    known = {i for c in candidates if c.kind in {"company", "weak", "org"} for i in range(c.start, c.end)}
    for sent, span in _main_subject_names(doc, candidates, taken=taken, maybes=maybes, person_words=person_words,
                                          gpe_tokens=gpe_tokens, common=common):
        if sent.root.lemma_.lower() in _SPEECH_VERBS:
            continue  # "Ganesh Moorthy, president of Microchip, said both Microchip and Microsemi ..."
        if _relates_to_company(sent, span, known=known, trigger_words=trigger_words):
            yield span.start, span.end
    # a longer name NER called something else, when no person's: "Shoppers Fair reached an agreement with
    # Borman's Inc.", "Freehand joined forces with Blink Films"
    for cand in candidates:
        span = doc[cand.start:cand.end]
        sent = span.sent
        if cand.kind != "maybe" or len(span) < 2 or span.root.head != sent.root \
                or span.root.dep_ not in {"nsubj", "nsubjpass"} or sent.root.lemma_.lower() in _SPEECH_VERBS:
            continue
        label = labels.get(cand.start, "")
        if label in {"GPE", "LOC", "NORP"} or label == "PERSON" and _personal_name(span, common) \
                or person_words.intersection(t.text for t in span) or any(t.lower_ in {"and", "or"} for t in span):
            continue  # places, people, and two names NER ran together ("Oasis and Coast were acquired")
        if _relates_to_company(sent, span, known=known, trigger_words=trigger_words):
            yield span.start, span.end


def _relates_to_company(sent: Span, span: Span, *, known: set[int], trigger_words: frozenset[str]) -> bool:
    """Does the clause of a sentence's main verb hold a relation word and a company besides the name?"""
    clause = [t for t in sent.root.subtree if not span.start <= t.i < span.end]
    return any(t.lemma_.lower() in trigger_words and t.pos_ in {"NOUN", "VERB"} for t in clause) \
        and bool(known.intersection(t.i for t in clause))


#: Prepositions whose object is the other party of a deal verb: "sold to", "bought from", "merged with".
_OBJECT_PREPS = frozenset({"to", "from", "with", "by", "into"})
#: Nouns for a company's kin: a name in apposition to "its sister company" or "a rival" is a business.
_KIN_NOUNS = word_class("kin_nouns")
#: NER labels a name in a deal verb's object may carry and still be read as a company.
_OBJECT_LABELS = frozenset({"", "PERSON", "GPE", "LOC", "NORP", "FAC", "WORK_OF_ART", "PRODUCT"})


def _trigger_objects(doc: Doc, candidates: list[_Candidate], *, taken: set[int], gpe_tokens: set[int],
                     common: frozenset[str], deal_words: frozenset[str],
                     phrasal: frozenset[tuple[str, str]]) -> Iterator[tuple[int, int]]:
    """Bounds of names in the object slots of a deal verb whose subject is a company.

    "Wesfarmers merged Total West and Gascoyne Trading Company", "Regent sold these businesses
    to FilmOn", "Endemol took over Fairfax Media", "Karen Millen acquired the assets of its
    sister company, Coast": what a company buys, sells to, merges or partners with is a
    business, whatever NER said (nothing, a place, a work, a product). The slots are the direct
    and dative objects, the objects of "to", "from", "with", "by" and "into", and a name in
    apposition to a kin noun there ("its sister company, Coast"). Full personal names (the
    buyer may be a person), places written as places, gazetteer products, places and names made
    of dictionary words stay out, except beside a kin noun ("its sister company, Coast").
    """
    labels = _entity_labels(doc)
    companies = {i for c in candidates if c.kind in {"company", "weak", "org"} for i in range(c.start, c.end)}
    loose = {i for c in candidates if c.kind in {"maybe", "product"} and not c.owner for i in range(c.start, c.end)}
    gazetteer_products = _gazetteer_product_tokens(doc)
    for verb in _tokens(doc):
        lemma = verb.lemma_.lower()
        if verb.pos_ != "VERB" or lemma not in deal_words and not any(
                c.dep_ == "prt" and (lemma, c.lower_) in phrasal for c in verb.children):
            continue  # "acquired", "took over"
        subject = _clause_subject(verb)
        if subject is None or subject.i not in companies:
            continue
        for token, kin in _object_slots(verb):
            bounds = _object_name(token)
            if bounds is None:
                continue
            start, end = bounds
            span = doc[start:end]
            if companies.issuperset(range(start, end)) or any(i in taken and i not in loose for i in range(start, end)):
                continue  # known already, or part of another name
            span_labels = {labels.get(i, "") for i in range(start, end)}
            if not span_labels <= _OBJECT_LABELS or gazetteer_products.intersection(range(start, end)):
                continue
            if "PERSON" in span_labels and _personal_name(span, common) and span[-1].lower_ not in COMPANY_WORDS:
                continue  # "sold the label to Richard Branson"
            named = "PERSON" in span_labels and len(span) > 1  # "sold the unit to Mosaic Fashions": a name, not "Sales"
            if not kin and (_common_words_only(span, common) and not named or gpe_tokens.issuperset(range(start, end))):
                continue  # "merged with Sales", "sold to Northern Ireland"
            if any(_written_as_place(s) for s in _occurrences(doc, span)):
                continue
            yield start, end


def _gazetteer_product_tokens(doc: Doc) -> set[int]:
    """Tokens of the products the gazetteer matched: no name there is read as a company."""
    if GAZETTEER_KEY not in doc.spans:
        return set()
    return {i for span in doc.spans[GAZETTEER_KEY] if span.label_ == "PRODUCT" for i in range(span.start, span.end)}


def _object_slots(verb: Token) -> Iterator[tuple[Token, bool]]:
    """The heads of a deal verb's objects, and the names apposed to a kin noun there (marked True)."""
    heads: list[Token] = []
    for child in verb.children:
        if child.dep_ in {"dobj", "dative"}:
            heads.append(child)
        elif child.dep_ in {"prep", "agent"} and child.lower_ in _OBJECT_PREPS:
            heads += [g for g in child.children if g.dep_ == "pobj"]
    for head in heads:
        for item in (head, *head.conjuncts):
            yield item, False
            # "the assets of its sister company, Coast": a name apposed to a kin noun, or to the object's "of" noun
            nouns = [item, *(g for c in item.children if c.dep_ == "prep" and c.lower_ == "of"
                             for g in c.children if g.dep_ == "pobj")]
            yield from ((a, True) for noun in nouns if noun.is_lower and noun.lemma_.lower() in _KIN_NOUNS
                        for a in noun.children if a.dep_ == "appos")


def _object_name(token: Token) -> tuple[int, int] | None:
    """Bounds of the capitalised name a token ends, its capitalised modifiers and joining words included:
    "Clinique La Colline", "Fairfax Media" (NER may tag the last word a common noun)."""
    if not token.text[:1].isupper() or not token.is_alpha or token.is_sent_start:
        return None
    doc = token.doc
    start = token.i
    while start > 0 and doc[start - 1].head.i == token.i and doc[start - 1].dep_ in {"compound", "nmod", "amod"} \
            and (doc[start - 1].text[:1].isupper() or doc[start - 1].lower_ in _NAME_JOINERS):
        start -= 1
    start = _numbered_start(doc, start, token)
    while start < token.i and not doc[start].text[:1].isupper():
        start += 1
    if token.pos_ != "PROPN" and not (start < token.i and doc[start].pos_ == "PROPN"):
        return None  # "acquired Media": a capitalised noun alone is no name
    return start, token.i + 1


def _main_subject_names(doc: Doc, candidates: list[_Candidate], *, taken: set[int], maybes: set[int],
                        person_words: set[str], gpe_tokens: set[int],
                        common: frozenset[str]) -> Iterator[tuple[Span, Span]]:
    """Each sentence whose main verb's subject is a name that may be an unrecognised company, with that name.

    Tokens taken or in a candidate other than a "maybe" or a product are blocked, except the
    ``maybes`` (one-word candidates the caller chooses to read); ``_subject_name`` reads the name.
    """
    blocked = taken | {i for c in candidates if c.kind not in {"maybe", "product"} for i in range(c.start, c.end)}
    for sent in doc.sents:
        token = next((t for t in sent.root.children if t.dep_ in {"nsubj", "nsubjpass"}), None)
        span = _subject_name(token, blocked=blocked, maybes=maybes, person_words=person_words, gpe_tokens=gpe_tokens,
                             common=common) if token is not None else None
        if span is not None:
            yield sent, span


def _subject_name(token: Token, *, blocked: set[int], maybes: set[int], person_words: set[str], gpe_tokens: set[int],
                  common: frozenset[str]) -> Span | None:
    """The proper name a subject token ends, if it may be an unrecognised company: "Loot Drop", "Alfdex".

    The capitalised compounds before it are part of the name, a heading glued onto the sentence
    is not ("History Media Dreams was set up"). A name inside a known candidate, a one-word
    dictionary word NER left untagged ("Gold"), a word of a personal name and a place are not read.
    """
    doc = token.doc
    if token.pos_ != "PROPN" or not token.text[:1].isupper() or not token.is_alpha:
        return None
    if token.i in blocked and token.i not in maybes or token.text in person_words or token.i in gpe_tokens:
        return None
    start = token.i
    while token.i not in maybes and start > token.sent.start and doc[start - 1].dep_ == "compound" \
            and doc[start - 1].head.i == token.i and doc[start - 1].text[:1].isupper() and start - 1 not in blocked:
        start -= 1
    if any(c.dep_ == "compound" and c.i < start and not c.is_lower for c in token.children):
        return None  # part of a longer name
    if start - 2 not in blocked:
        start = _numbered_start(doc, start, token)
    start = _after_heading(doc, start, token.i + 1)
    if token.i not in maybes and token.lower_ in common:
        return None  # a name NER left untagged that ends in a dictionary word: "Gold", "Loot Drop"
    span = doc[start:token.i + 1]
    if any(_written_as_place(s) for s in _occurrences(doc, span)):
        return None
    return span


def _refers_as_business(token: Token, *, verbs: dict[tuple[str, str], bool], trigger_words: frozenset[str]) -> bool:
    """Is the token "the company", "it" doing business ("It bought ...") or "its" owning a business part?"""
    if token.lower_ == "its":
        return token.dep_ == "poss" and token.head.lemma_.lower() in _HELD_BY_BUSINESS
    if token.lower_ == "it":
        if token.dep_ not in {"nsubj", "nsubjpass"} or token.head.pos_ != "VERB":
            return False
        # with the verbs coordinated to its own: "It went public in 1991 and was acquired by The Learning Company"
        shared = [v for v in token.head.conjuncts if v.pos_ == "VERB" and not any(
            c.dep_ in {"nsubj", "nsubjpass"} for c in v.children)]
        return _subject_of_business_verb(token, verbs) or any(
            v.lemma_.lower() in trigger_words or (v.lemma_.lower(), "active") in verbs for v in (token.head, *shared))
    return token.lemma_.lower() in _SELF_NOUNS and token.dep_ in {"nsubj", "nsubjpass", "poss"} and token.tag_ == "NN" \
        and any(c.lower_ == "the" and c.dep_ == "det" for c in token.children)


def _untagged_runs(doc: Doc, taken: set[int]) -> Iterator[tuple[int, int]]:
    """Bounds of runs of capitalised proper nouns NER gave no label: "Bank PHB", "CIK Telecom".

    A section heading glued onto the first sentence ("Clients Elastic Path has ...") is cut off.
    """
    def name_word(token: Token) -> bool:
        return token.i not in taken and not token.ent_type_ and token.pos_ == "PROPN" and token.text[:1].isupper() \
            and (token.is_alpha or token.text in _LIST_GLUE)

    start = 0
    while start < len(doc):
        if not (name_word(doc[start]) and doc[start].is_alpha):
            start += 1
            continue
        end = start + 1
        while end < len(doc) and name_word(doc[end]) and not doc[end].is_sent_start:
            end += 1
        if doc[end - 1].text not in _LIST_GLUE:
            yield _after_heading(doc, start, end), end
        start = end


def _after_heading(doc: Doc, start: int, end: int) -> int:
    """Where a name starts once a heading glued onto its sentence is cut off: "Funding Rocketium raised ..."."""
    first = start
    while end - first > 1 and doc[first].lower_ in heading_words() and doc[first].text[:1].isupper() \
            and (doc[first].is_sent_start or first > 0 and doc[first - 1].is_sent_start):
        first += 1
    return first


def _untagged_business_names(doc: Doc, *, taken: set[int], person_words: set[str], gpe_tokens: set[int],
                             tickers: dict[int, str], common: frozenset[str]) -> Iterator[tuple[int, int]]:
    """Bounds of untagged proper-noun runs that an occurrence shows to be a business.

    The evidence is the one NER-tagged names are held to, read without relation arguments:
    a business noun as attribute or apposition ("CIK Telecom is a telecommunications
    provider", "Bank PHB, the Nigerian lender"), a trade noun before it ("the department
    store Selfridges"), a legal suffix after it, or a business part it owns ("clients of
    Amritt"). Dictionary-word runs ("Customer Care") need the apposition or trade noun;
    places, words of personal names and headings stay out.
    """
    concepts = _concept_acronyms(doc)
    for start, end in _untagged_runs(doc, taken):
        span = doc[start:end]
        if person_words.intersection(t.text for t in span) or gpe_tokens.intersection(range(start, end)):
            continue
        if start - 1 in taken or end in taken or start > 0 and doc[start - 1].text in _LIST_GLUE \
                or span[-1].lower_.rstrip(".") in _CLOSING_SUFFIXES and len(span) == 1:
            continue  # the tail of a known name: "PowerCo SE", "In-Q-Tel"
        if start > 1 and doc[start - 1].text == "(" and start - 2 in taken and len(span) == 1 and span[0].is_upper:
            continue  # an acronym a tagged name defines, "the Research Corporation of ... (RCUH)": read with that name
        if span.text in concepts or len(span) == 1 and span.text[:-1].isupper() and span.text.endswith("s"):
            continue  # a class of businesses: "managed service providers (MSPs)", "OEMs"
        if sum(1 for t in span.sent if t.text == ";") >= 2 or _not_a_business(span, common=common, arguments=set()):
            continue  # a category in a list: "measures in Logistics; Customer Care and Aftersales; ..."
        root = span.root
        if root.head.i != root.i and start <= root.head.i < end or root.dep_ in {"compound", "nmod", "amod"}:
            continue  # part of a longer phrase: "Lucky Mobile SIM cards"
        occurrences = list(_occurrences(doc, span))
        if any(_written_as_place(s) or _names_an_offering(s) for s in occurrences):
            continue
        if _common_words_only(span, common) or len(span) == 1 and _singular(span[0].lower_) in common:
            if any(_apposed_business(s) or _after_trade_noun(s) or _called_a_business(s.root) for s in occurrences):
                yield start, end  # "the department store Selfridges"; not "Clients Teams which have used ..."
            continue
        if any(_untagged_evidence(s, tickers=tickers, common=common) for s in occurrences):
            yield start, end


def _untagged_evidence(span: Span, *, tickers: dict[int, str], common: frozenset[str]) -> bool:
    """Evidence at one occurrence of an untagged name: a business noun, a trade noun or a part it owns."""
    root = span.root
    held = root.dep_ == "poss" and root.head.lemma_.lower() in _HELD_BY_BUSINESS  # "Marmoset's clients"
    of_held = root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lemma_.lower() in _HELD_BY_BUSINESS
    return held or of_held or _after_trade_noun(span) or _apposed_business(span) \
        or _occurrence_evidence(span, tickers=tickers, arguments=set(), common=common)


def _subject_of_business_verb(token: Token, verbs: dict[tuple[str, str], bool]) -> bool:
    """ "Aujas was founded", "Rocketium raised $1.1M": the token is the subject of a verb of the lexicon."""
    if token.dep_ not in {"nsubj", "nsubjpass"}:
        return False
    verb = token.head
    key = (verb.lemma_.lower(), "passive" if token.dep_ == "nsubjpass" else "active")
    if verb.pos_ != "VERB" or key not in verbs:
        return False
    # "raised $1.1M", not "raised concerns"
    return not verbs[key] or any(t.ent_type_ == "MONEY" for c in verb.children if c.dep_ == "dobj" for t in c.subtree)


#: How many companies a list must hold before its other items are read as companies too.
_LIST_COMPANIES = 2
#: How many names NER or the gazetteer vouch for (and at least half the items) a list must hold to
#: vouch for its dictionary words.
_VOUCHING_LIST = 3
#: Words that open a list of examples after a noun: "retailers including X", "networks such as X".
_EXAMPLE_OPENERS = frozenset({"including", "include", "includes", "included", "as", "like", ":"})


#: Plural nouns whose examples are businesses: "clients", "retailers".
_LISTING_PARTY_NOUNS = word_class("listing_party_nouns")
#: Of nouns that announce a list, those whose examples are never people: "firms including ..., Russell
#: Athletic", "stores such as ... Lane Crawford". Investors, partners and clients may be people.
_IMPERSONAL_LIST_NOUNS = word_class("impersonal_list_nouns")


def _announced_by_party_noun(first: Token, *, nouns: frozenset[str] = _LISTING_PARTY_NOUNS) -> bool:
    """Whether the list opening at ``first`` gives examples of a plural business noun.

    "formed partnerships with major retailers including Equinox Fitness, Boots UK, Selfridges",
    "clients that include Old Navy, Yahoo!", "cable networks such as HGTV": the noun is read on
    the surface, a few words before the list, as the parser hangs long lists anywhere. ``nouns``
    are the plural nouns that count (their lemmas).
    """
    doc = first.doc
    i = first.i - 1
    if i >= 0 and doc[i].lower_ == "the":
        i -= 1
    if i < 0 or doc[i].lower_ not in _EXAMPLE_OPENERS:
        return False
    verb = doc[i]
    if verb.pos_ in {"VERB", "AUX"} and verb.lemma_.lower() == "include":
        # the listing verb's subject: "Distributors for Screen Door's films have included X"
        # (through a relative pronoun: "an initial roster of clients that include X")
        subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subject is not None and subject.tag_ == "WDT" and verb.dep_ == "relcl":
            subject = verb.head
        if subject is not None and subject.tag_ in {"NNS", "NNPS"}:
            return subject.lemma_.lower() in nouns
    # "networks such as", "clients that include", "Companies that Eniac has invested in include"
    for token in reversed(doc[max(first.sent.start, i - 8):i]):
        if token.pos_ in {"NOUN", "PROPN"} and token.tag_ in {"NNS", "NNPS"}:
            return token.lemma_.lower() in nouns or token.lower_.rstrip("s") in nouns
        if token.is_punct and token.text != "’":
            return False
    return False


def _listed_with_companies(doc: Doc, candidates: list[_Candidate], *, taken: set[int], evidenced: set[int],
                           gpe_tokens: set[int], common: frozenset[str],
                           not_only_nouns: frozenset[str]) -> Iterator[tuple[int, int]]:
    """Bounds of names listed with companies: "Concentric Network, EarthLink, Excite, FastNet".

    A list of businesses ("clients include Asos, Next and Zalando", "partners include Concentric
    Network, EarthLink, Excite") is homogeneous; the items NER missed, or called PERSON or GPE,
    are businesses as well. The list is read on the surface (names between commas and a final
    "and"), as the parser often breaks long lists into appositions and modifiers. The companies
    that anchor it are gazetteer names or names with evidence of their own. Places ("France")
    and full personal names ("Peter Thiel") stay out: investors and markets are listed with
    companies too.
    """
    anchors = {(c.start, c.end) for c in candidates
               if c.kind in {"company", "weak"} or c.kind == "org" and evidenced.intersection(range(c.start, c.end))}
    ner_orgs = {(c.start, c.end) for c in candidates if c.kind == "org"}
    if not anchors and not ner_orgs:
        return
    labels = _entity_labels(doc)
    for items in surface_lists(doc):
        held = sum(1 for item in items if item in anchors)
        named = sum(1 for item in items if item in anchors | ner_orgs)
        # "firms including Kimberly Clark, ..., Russell Athletic": a list of things no person is
        # names brands that merely look like people's names
        impersonal = _announced_by_party_noun(doc[items[0][0]], nouns=_IMPERSONAL_LIST_NOUNS)
        announced = impersonal or _announced_by_party_noun(doc[items[0][0]])
        # a list the text calls one of businesses, or held mostly by companies, vouches for its
        # dictionary words too: "Other partners include ..., EarthLink, Excite, FastNet", "Enterprise Inns, Punch, Spirit"
        # (one of them a known or evidenced company: NER calls file formats ORG, "JPG, PDF, PNG, DOCX")
        vouched = announced or held and named >= _VOUCHING_LIST and 2 * named >= len(items)
        if held < _LIST_COMPANIES and not (announced and named) and not vouched:
            continue
        for start, end in items:
            span = doc[start:end]
            span_labels = {labels.get(i, "") for i in range(start, end)}
            word = len(span) == 1 and span.text.lower() in common
            if (start, end) in anchors or gpe_tokens.intersection(range(start, end)) and not (
                    vouched and word and span.text.lower() in not_only_nouns):
                continue  # "Evian, France, Lacoste": the country (but "Enterprise Inns, Punch, Spirit")
            if span_labels & _NOT_LISTED_LABELS and not (announced and word and span_labels == {"PRODUCT"}) \
                    or not any(t.is_alpha and len(t) > 1 for t in span):
                continue  # "History On 17 October 1996", "Zune HD", "L.C." (but "networks including HGTV, Discovery")
            if "PERSON" in span_labels and _personal_name(span, common) and not impersonal:
                continue  # "Sequoia, Accel and Peter Thiel"
            if span_labels == {""} and word and not vouched:
                continue  # an untagged dictionary word ("Excite") may be a heading or a category
            if taken.intersection(range(start, end)) and not any((c.start, c.end) == (start, end) for c in candidates):
                continue  # part of a longer name
            if any(_written_as_place(s) for s in _occurrences(doc, span)):
                continue
            yield start, end


#: Words that name a company's rivals or clients; the names they list are businesses.
_COUNTERPART_NOUNS = word_class("counterpart_nouns")
#: Verbs whose objects are a company's rivals or customers: "competes with", "supplies ... to", "is used by",
#: "has been compared to" (a company is compared with its rivals).
_COUNTERPART_VERBS = {"compete": {"with", "against"}, "vie": {"with", "against"}, "supply": {"to"},
                      "sell": {"to"}, "use": {"by"}, "compare": {"to", "with"}}
#: Of those, the verbs read in the passive only: "is used by X", "China Live has been compared to Eataly".
_PASSIVE_COUNTERPART_VERBS = frozenset({"use", "compare"})
#: Verbs that list what their subject is: "its competitors are X and Y", "clients include X". The copula is
#: grammar, so it is added here rather than to the shared class (kb.relations leaves it out).
_LISTING_VERBS = word_class("listing_verbs") | {"be"}
#: Prepositions after a counterpart noun that open its list: "rivals such as", "competition from".
_COUNTERPART_PREPS = frozenset({"as", "like", "including", "from", "to", "of", "with", "against", "among"})


def _rivals_and_clients(doc: Doc, candidates: list[_Candidate], *, taken: set[int], evidenced: set[int],
                        gpe_tokens: set[int], common: frozenset[str]) -> Iterator[tuple[int, int]]:
    """Bounds of names a company lists as its rivals or clients.

    "PocketBell's main competitor was EasyCall", "Miracle Mart competed with the likes of
    Zellers, Woolco and Kmart", "Inkling has been used by companies such as Taco Bell": what a
    business competes with or sells to is a business. The list's owner (the possessor of
    "competitors", the subject of "competed") must be a company or "it"; the names are read on
    the parse, the list head and its conjuncts. NER often calls a rival a product ("EasyCall");
    the gazetteer's products, places and full personal names stay out.
    """
    companies = {i for c in candidates if c.kind in {"company", "weak", "org"} for i in range(c.start, c.end)}
    labels = _entity_labels(doc)
    gazetteer_products = _gazetteer_product_tokens(doc)
    anchors = {i for c in candidates if c.kind in {"company", "weak"} for i in range(c.start, c.end)} | evidenced
    for token in _tokens(doc):
        owner, heads = _counterpart_list(token)
        if owner is None or not heads:
            continue
        items = [bounds for head in heads for item in [head, *head.conjuncts] if (bounds := _proper_name(item))]
        if owner.i in companies or owner.lower_ in {"it", "its"} or _self_reference(owner):
            pass  # "The chain's main competition is Rosati's Pizza, Nancy's Pizza, and Home Run Inn"
        elif (owner_bounds := _proper_name(owner)) and any(anchors.issuperset(range(*b)) for b in items):
            items.append(owner_bounds)  # "Lightbox faced competition from Netflix": a company's rival is one
        else:
            continue
        for start, end in items:
            span = doc[start:end]
            span_labels = {labels.get(i, "") for i in range(start, end)}
            if companies.issuperset(range(start, end)) and evidenced.issuperset(range(start, end)):
                continue
            if gpe_tokens.intersection(range(start, end)) or span_labels & (_NOT_LISTED_LABELS - {"PRODUCT"}) \
                    or gazetteer_products.intersection(range(start, end)):
                continue
            if "PERSON" in span_labels and _personal_name(span, common):
                continue  # "competed with Richard Branson"
            if span_labels == {""} and span.text.lower() in common:
                continue
            if taken.intersection(range(start, end)) and not any((c.start, c.end) == (start, end) for c in candidates):
                continue  # part of a longer name
            if any(_written_as_place(s) for s in _occurrences(doc, span)):
                continue
            yield start, end


def _self_reference(token: Token) -> bool:
    """Is a word the passage's name for its own company: "the chain", "the company's"?"""
    return token.lemma_.lower() in _SELF_NOUNS and token.tag_ == "NN" \
        and any(c.dep_ == "det" and c.lower_ == "the" for c in token.children)


def _counterpart_list(token: Token) -> tuple[Token | None, list[Token]]:
    """The owner of the list of rivals or clients this word opens, and the list's heads."""
    lemma = token.lemma_.lower()
    heads: list[Token] = []
    owner: Token | None = None
    if token.pos_ == "NOUN" and (lemma in _COUNTERPART_NOUNS or token.lower_ in _COUNTERPART_NOUNS):
        # "PocketBell's main competitor", "Crew Cuts clients"
        owner = next((c for c in token.children if c.dep_ == "poss" or c.dep_ == "compound" and c.pos_ == "PROPN"), None)
        verb = token.head
        if token.dep_ == "nsubj" and verb.lemma_.lower() in _LISTING_VERBS:
            heads += [c for c in verb.children if c.dep_ in {"attr", "dobj"}]  # "its competitors are X"
        heads += [g for c in token.children if c.dep_ == "prep" and c.lower_ in _COUNTERPART_PREPS
                  for g in c.children if g.dep_ == "pobj"]  # "rivals such as X", "competition from X"
        if owner is None and token.dep_ in {"dobj", "attr", "pobj"}:
            owner = _clause_subject(token)  # "Lightbox faced competition from X", "became a competitor to X"
    elif token.pos_ == "VERB" and lemma in _COUNTERPART_VERBS:
        preps = _COUNTERPART_VERBS[lemma]
        if (lemma in _PASSIVE_COUNTERPART_VERBS) != any(c.dep_ == "auxpass" for c in token.children):
            return None, []  # "is used by X", not "uses X"
        heads += [g for c in token.children if c.dep_ in {"prep", "agent"} and c.lower_ in preps
                  for g in c.children if g.dep_ == "pobj"]
        owner = _clause_subject(token)
    out: list[Token] = []
    for head in heads:  # "the likes of X", "companies such as X": the names stand under the noun
        inner = [g for c in head.children if c.dep_ == "prep" and c.lower_ in {"of", "as", "like", "including"}
                 for g in c.children if g.dep_ == "pobj"]
        out += inner if head.pos_ == "NOUN" and inner else [head]
    return owner, out


def _clause_subject(token: Token) -> Token | None:
    """The subject of the clause a word stands in, through coordinated verbs ("operated ... and competed")."""
    verb = token
    while verb.dep_ not in {"ROOT", "conj"} and verb.pos_ not in {"VERB", "AUX"} and verb.head != verb:
        verb = verb.head
    while True:
        subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        # "Weston Bakeries reentered the market, becoming a major competitor to X"
        if subject is not None or verb.dep_ not in {"conj", "advcl", "xcomp"} or verb.head == verb:
            return subject
        verb = verb.head


def _proper_name(token: Token) -> tuple[int, int] | None:
    """Bounds of the capitalised name a token ends: "Lojas Renner", "Taco Bell"."""
    if token.pos_ != "PROPN" or not token.text[:1].isupper():
        return None
    start = token.i
    doc = token.doc
    while start > 0 and doc[start - 1].head == token and doc[start - 1].dep_ in {"compound", "nmod"} \
            and _is_name_token(doc[start - 1]) and doc[start - 1].text not in _LIST_GLUE:
        start -= 1
    return _numbered_start(doc, start, token), token.i + 1


def _numbered_start(doc: Doc, start: int, token: Token) -> int:
    """Where a name starts once a capitalised word and its number before it are taken in: "Number 9 Films".

    The parser hangs the number on the word before it ("Number" <- "9"), so a walk along the
    name's own modifiers stops at the number: "produced by Number 9 Films" gave "Films".
    """
    if start >= 2 and doc[start - 1].like_num and doc[start - 1].is_digit and doc[start - 1].head.i == start - 2 \
            and doc[start - 2].head == token and doc[start - 2].dep_ in {"compound", "nmod"} \
            and doc[start - 2].is_title and doc[start - 2].is_alpha and "\n" not in doc[start - 2].whitespace_:
        return start - 2
    return start


_LIST_GLUE = frozenset({"&", "+", "-"})
#: NER labels that keep a list item out: amounts, dates, places, works and products ("Zune HD").
_NOT_LISTED_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "LOC",
                                "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE"})
_LIST_SEPARATORS = frozenset({",", "and", "or"})
_LIST_BREAKS = frozenset({";", "(", ")", ":", ".", "!", "?"})


def surface_lists(doc: Doc, *, sents: Iterable[Span] | None = None) -> Iterator[list[tuple[int, int]]]:
    """Runs of three or more capitalised names separated by commas and a closing "and"/"or", per sentence."""
    for sent in doc.sents if sents is None else sents:
        items: list[tuple[int, int]] = []
        segment: list[Token] = []
        for token in [*sent, None]:
            if token is not None and token.text not in _LIST_SEPARATORS | _LIST_BREAKS:
                segment.append(token)
                continue
            if segment:
                name = _whole_name(segment)
                if name is not None:
                    items.append(name)
                else:
                    if len(items) >= 3:
                        yield items
                    opening = _trailing_name(segment)
                    items = [opening] if opening is not None else []
            segment = []
            if token is None or token.text in _LIST_BREAKS:
                if len(items) >= 3:
                    yield items
                items = []


def _is_name_token(token: Token) -> bool:
    return token.text[:1].isupper() or token.text in _LIST_GLUE or token.like_num


def _whole_name(segment: list[Token]) -> tuple[int, int] | None:
    """The segment when it is a name of up to five words: "Juno Online Services", "Dick’s
    Sporting Goods" (a possessive inside), "the Sundance Channel" (the article left out)."""
    if len(segment) > 1 and segment[0].lower_ == "the":
        segment = segment[1:]
    if not segment or len(segment) > 5 or not all(_is_name_token(t) or t.tag_ == "POS" and t.i > segment[0].i
                                                  for t in segment) \
            or not segment[0].text[:1].isupper() or segment[0].pos_ not in {"PROPN", "NOUN", "ADJ", "X"} \
            or segment[-1].tag_ == "POS":
        return None
    return segment[0].i, segment[-1].i + 1


def _trailing_name(segment: list[Token]) -> tuple[int, int] | None:
    """The name that ends a segment and opens a list: "include AT&T WorldNet Service"."""
    start = len(segment)
    while start > 0 and _is_name_token(segment[start - 1]) and len(segment) - start < 5:
        start -= 1
    while start < len(segment) and not segment[start].text[:1].isupper():
        start += 1
    return _whole_name(segment[start:]) if start < len(segment) else None


def _shorter_ner_name(doc: Doc, candidates: list[_Candidate], start: int, end: int) -> _Candidate | None:
    """The one NER name strictly inside a relation argument's proper-noun phrase, if nothing else is there.

    "Andretti Global, one of the racing teams in the TWG Motorsports group": NER tags "TWG",
    the parse reads "TWG Motorsports"; the longer name is the business. Gazetteer names keep
    their bounds, and so does a name written elsewhere without the other words ("AOP was
    acquired ... the AOP Connect platform") or an offering's ("the AOP Connect platform").
    """
    inside = [c for c in candidates if c.start < end and start < c.end]
    if len(inside) != 1:
        return None
    cand = inside[0]
    if cand.kind != "org" or cand.canonical or not (start <= cand.start and cand.end <= end) \
            or (cand.start, cand.end) == (start, end) or _names_an_offering(doc[start:end]):
        return None
    longer = {span.start for span in _occurrences(doc, doc[start:end])}
    offset = cand.start - start
    if any(span.start - offset not in longer for span in _occurrences(doc, doc[cand.start:cand.end])):
        return None
    return cand


def _names_an_offering(span: Span) -> bool:
    """ "the HIFL project", "the Talis library system": the name modifies a project or offering noun."""
    root = span.root
    return root.dep_ in {"compound", "nmod"} and root.head.i >= span.end \
        and root.head.lemma_.lower() in _OFFERING_HEADS | {"project", "programme", "program", "initiative"}


def _occurrences(doc: Doc, span: Span) -> Iterator[Span]:
    """Every place in the document where the span's words occur again, the span included."""
    words = [t.text for t in span]
    for i in _word_positions(doc).get(words[0], ()):
        if [t.text for t in doc[i:i + len(words)]] == words:
            yield doc[i:i + len(words)]


@per_document
def _word_positions(doc: Doc) -> dict[str, list[int]]:
    """Where each word of the document occurs: the rules look up every name's occurrences, so
    scanning the whole document for each would cost candidates x tokens."""
    positions: dict[str, list[int]] = {}
    for token in _tokens(doc):
        positions.setdefault(token.text, []).append(token.i)
    return positions


@per_document
def _ner(doc: Doc) -> tuple[tuple[Span, ...], dict[int, str]]:
    """NER's entities and each entity token's label, made once per document (``Doc.ents``
    builds every Span anew on each read; the company rules read but never set them)."""
    ents = tuple(doc.ents)
    return ents, {t.i: ent.label_ for ent in ents for t in ent}


def _ents(doc: Doc) -> tuple[Span, ...]:
    return _ner(doc)[0]


def _entity_labels(doc: Doc) -> dict[int, str]:
    """Token index -> NER label of the entity it is in (read only)."""
    return _ner(doc)[1]


@per_document
def _tokens(doc: Doc) -> list[Token]:
    """The document's tokens, made once: a dozen rules walk the whole document, and iterating a
    Doc builds every Token object anew."""
    return list(doc)


@cache
def _acquisition_verbs() -> frozenset[str]:
    from kb.relations import trigger_lexicon

    return frozenset(w for w, entries in trigger_lexicon().by_lemma.items()
                     if any(rel_type == "acquisition" and not inverse for rel_type, inverse in entries))


def _bought(span: Span) -> bool:
    """ "acquired Meridian", "Monsoon was bought by Cisco": the thing acquired. Places and peoples are not bought."""
    root = span.root
    return root.dep_ in {"dobj", "nsubjpass"} and root.head.pos_ == "VERB" \
        and root.head.lemma_.lower() in _acquisition_verbs()


def _maybe_evidence(span: Span, *, label: str, tickers: dict[int, str], arguments: set[int],
                    common: frozenset[str]) -> bool:
    """Evidence at one occurrence that a name NER gave another label is a business."""
    root = span.root
    head = root.head
    outside = head.i != root.i and not (span.start <= head.i < span.end)
    place = label in {"GPE", "LOC", "NORP"}
    if outside and root.dep_ == "poss":
        return head.lemma_.lower() in _HELD_BY_BUSINESS  # "Dalton Maag's clients", not "Smith's partner"
    if outside and root.dep_ == "pobj" and head.lower_ in {"of", "at"} and place:
        return False  # "the president of France"
    if outside and root.dep_ in {"compound", "nmod", "amod"} and place:
        return False  # "a Dallas firm", "the Chinese company": a place or people qualify the business
    if _after_trade_noun(span):
        return True
    return _occurrence_evidence(span, tickers=tickers, arguments=arguments, common=common) or _apposed_business(span)


def _acts_as_business(span: Span) -> bool:
    """Is a name the subject of a business verb, or the owner named before a business's part?

    "Loot Drop continued developing games", "Crew Cuts clients include: Chase, Comcast", "the
    Home Run Inn chain". Read only for names NER calls people without a given name: "Richard
    Branson launched" or "the Richard Branson brand" say nothing of the kind.
    """
    return _subject_of_business_verb(span.root, business_subject_verbs()) or _names_business_part(span)


def _names_business_part(span: Span) -> bool:
    """Is a name the owner written before a business's part or trade: "the Home Run Inn chain", "Kwik
    Save supermarkets", "the Metz breweries"? A person's name is rarely put there ("the Bush
    administration", "the Smith family" are no business parts)."""
    root = span.root
    head = root.head
    return root.dep_ == "compound" and head.i >= span.end and head.is_lower \
        and head.lemma_.lower() in _HELD_BY_BUSINESS | _BUSINESS_PARTS | _TRADE_NOUNS


def _after_trade_noun(span: Span) -> bool:
    """ "the department store Selfridges", "discount chain Value City": a trade noun right before the name."""
    root = span.root
    near = [root.head, *root.children] if root.dep_ in {"compound", "appos", "nmod"} else list(root.children)
    return any(t.i < span.start and t.dep_ in {"compound", "appos", "nmod", "ROOT", "nsubj", "dobj", "pobj"}
               and t.is_lower and t.lemma_.lower() in _TRADE_NOUNS for t in near)


def _apposed_business(span: Span) -> bool:
    """ "Duke Street, the UK based mid-market private equity firm, acquired ...": read on the
    surface, as the parser often makes the apposition a clause of its own."""
    doc = span.doc
    if span.end + 2 >= len(doc) or doc[span.end].text != "," or doc[span.end + 1].lower_ not in {"the", "a", "an"}:
        return False
    for token in doc[span.end + 2:span.end + 14]:
        if token.text in {",", ".", ";", "(", ")"}:
            return doc[token.i - 1].lemma_.lower() in _BUSINESS_NOUNS
    return False


def _place_word(text: str, common: frozenset[str]) -> bool:
    """Is a one-word name NER calls GPE or LOC a place rather than a company it mistook for one?

    A dictionary word is read as a place only when it is a real one or a people's name ("Phoenix",
    "Midwest", "American"): "Oasis", "Freehand" and "Ponderosa" are words NER took for places, and
    may be companies on evidence. A word no dictionary holds ("Splunk") was never vetoed here.
    """
    return text.lower() in common and (is_real_place(text) or is_demonym(text))


def _written_as_place(span: Span) -> bool:
    """ "based in Meridian", "Bellin in Denmark, Wisconsin": a place at this occurrence."""
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    if before is not None and before.lower_ in {"in", "near", "across", "throughout", "outside"} \
            and before.head.lemma_.lower() not in {"invest", "stake", "interest", "investment", "share", "holding"}:
        return True
    nxt = doc[span.end:span.end + 2]
    # "Bellin in Denmark, Wisconsin"; a dateline, "NEW YORK, July 1, 2021"
    return len(nxt) == 2 and nxt[0].text == "," and nxt[1].ent_type_ in {"GPE", "LOC", "DATE"}


def _promote(candidates: list[_Candidate], spans: Iterable[tuple[int, int]], evidenced: set[int]) -> None:
    """Make each (start, end) an "org" candidate, adding it when NER proposed nothing there.

    The spans are computed from ``candidates`` first (a list, not a lazy iterator, is
    passed), so adding to it here cannot change what they found.
    """
    for start, end in list(spans):
        found = next((c for c in candidates if (c.start, c.end) == (start, end)), None)
        if found is None:
            candidates.append(_Candidate(start, end, "org"))
        else:
            found.kind = "org"
        evidenced.update(range(start, end))


#: A name ending in one of these is a company whatever label NER gave it ("InnoCare Pharma").
COMPANY_WORDS = frozenset(
    "inc incorporated corp corporation ltd limited llc plc ag gmbh co company holdings group "
    "pharma pharmaceuticals therapeutics biotherapeutics biosciences technologies systems motors airlines "
    "capital ventures partners bank bancorp financial labs laboratories cyber mobility robotics semiconductor "
    "semiconductors software networks energy airways studios entertainment brands foods telecom "
    "communications electronics industries logistics insurance securities investments aerospace "
    "sciences management".split()
)


#: Last words of trading names in film, drink, boats and transport: "Artio Films", "Wychwood Brewery",
#: "Lancer Yachts" (NER often says PERSON). Kept apart from COMPANY_WORDS, which also vouches for
#: names NER already calls ORG.
_TRADE_TAILS = word_class("trade_tails")


def _full_personal_name(ent: Span, common: frozenset[str]) -> bool:
    """Is a PERSON entity a person's full name, whose words stay a person's later in the text?

    "Bhavish Aggarwal", "Geoff Entress": two title-case words or more. When the first word is a
    dictionary word that is no given name ("Loot Drop", "Crew Cuts", "Rare Earth"), the label is
    NER's guess from the capitals alone, and the words are left free for business evidence.
    """
    if ent.label_ != "PERSON" or sum(1 for t in ent if t.is_alpha and t.is_title) < 2:
        return False
    last = ent[-1].lower_.rstrip(".")
    if last in COMPANY_WORDS or last in _TRADE_TAILS:
        return False  # "Ola Electric Mobility": a company word closes no person's name
    return _personal_name(ent, common)


def _given_and_surname(span: Span) -> bool:
    """A person's name by its own shape: a given name or a title, then one or two capitalised
    words that close no company name. "Geoff Entress", "Sir Percival Perry"; not "Richard
    Shops Ltd" nor "Lancer Yachts"."""
    words = [t for t in span if t.is_alpha or t.text.endswith(".")]
    last = span[-1].lower_
    return 2 <= len(words) == len(span) <= 4 and all(t.text[:1].isupper() for t in span) \
        and opens_as_person([t.text for t in span]) and last not in COMPANY_WORDS and last not in _TRADE_TAILS


def _joined_to_person(span: Span, person_words: set[str]) -> bool:
    """Is a name with a person's shape ("Antoine Porte") coordinated with a word of a person's name
    that is no business here ("Chiche", after "Cyril Chiche")? People are listed with people."""
    if not _given_and_surname(span):
        return False
    root = span.root
    doc = span.doc
    # read on the surface too: the parser often makes "Chiche and" a modifier of "Porte"
    before = span.start >= 2 and doc[span.start - 1].lower_ in {"and", "&"} and doc[span.start - 2].text in person_words
    after = span.end + 1 < len(doc) and doc[span.end].lower_ in {"and", "&"} and doc[span.end + 1].text in person_words
    return before or after or any(t.text in person_words for t in root.conjuncts)


#: Words of investing, which people do as well as businesses: "Geoff Entress invested in Zulily",
#: "backed by Mark Cuban", "investors included Mark Cuban".
_INVESTING_WORDS = word_class("investing_words")
_SHARE_NOUNS = word_class("share_nouns")
#: Plural class nouns ("Companies such as Acme compete", "Rivals include"): a class of businesses,
#: never one, whatever rule proposed the capitalised word at the start of a sentence.
_CLASS_PLURALS = frozenset(
    noun[:-1] + "ies" if noun.endswith("y") else noun + "es" if noun.endswith(("s", "x", "ch", "sh")) else noun + "s"
    for noun in word_class("party_nouns") | word_class("reference_nouns")
)


def first_conjunct(token: Token) -> Token:
    """The first item of the coordination a token is in ("Spar" for "Londis" in "Spar and Londis"), which
    carries the list's dependency; the token itself when it is no conjunct."""
    while token.dep_ == "conj" and token.head != token:
        token = token.head
    return token


def _invests(span: Span) -> bool:
    """Is a name the investor of an investing word: its subject, its "by"/"from" object, an
    example of it ("backers such as Peter Thiel") or an item that "investors include"? Buying and selling are read as a business's acts, so a
    given name there ("Karen Millen acquired Coast", "sold Douglas Elliman") is left alone."""
    root = first_conjunct(span.root)
    head = root.head
    if root.dep_ == "pobj" and head.lower_ in {"by", "from"}:
        head = head.head
    elif root.dep_ == "pobj" and head.lower_ in {"as", "like", "including"}:
        head = head.head  # examples of a noun: "investors such as Sequoia Capital, Accel and Peter Thiel"
    elif root.dep_ in {"dobj", "attr"} and head.lemma_.lower() == "include":
        head = next((c for c in head.children if c.dep_ == "nsubj"), head)
    elif root.dep_ not in {"nsubj", "appos"}:
        return False
    # "Elon Musk bought a stake in Tesla": buying shares is investing, which people do
    return head.lemma_.lower() in _INVESTING_WORDS or any(
        c.dep_ == "dobj" and c.lemma_.lower() in _SHARE_NOUNS for c in head.children)


def _personal_name(span: Span, common: frozenset[str]) -> bool:
    """A name of two words or more read as a person's: it opens with a given name or a title
    ("Richard Branson", "Sir Percival Perry"), or with a word that is neither a given name nor a
    dictionary word ("Bhavish Aggarwal"). "Cloud Foundry", "Addition Elle" are not."""
    if len(span) < 2:
        return False
    # a dictionary word first ("Crew", "Loot", "Cloud") that is no given name makes NER's PERSON a guess
    return opens_as_person([t.text for t in span]) or not (span[0].is_alpha and span[0].lower_ in common)


def _entity_kind(label: str, part: Span, votes: Counter[str], person_words: set[str], common: frozenset[str]) -> str:
    """How much an NER entity looks like a company: org (yes), product, or maybe (only if seen elsewhere)."""
    last = part[-1].lower_.rstrip(".")
    if len(part) > 1 and (last in COMPANY_WORDS or last in _TRADE_TAILS) and part[0].text[:1].isupper():
        return "org"
    if label == "ORG":
        return "org"
    if label == "PRODUCT":
        return "org" if votes["ORG"] else "product"
    text = part.text
    single = len(part) == 1
    if label in {"PERSON", "GPE", "NORP", "FAC", "WORK_OF_ART"} and single and text not in person_words \
            and text.lower() not in common and text[:1].isupper() and label != "GPE" \
            and (sum(votes.values()) >= 2 or len(votes) >= 2) and votes["GPE"] + votes["NORP"] < sum(votes.values()):
        # NER is unsure: one name, several labels or a "person" never given a first name
        return "org"
    return "maybe"


_CAMEL = re.compile(r"^[A-Za-z][a-z]+[A-Z][A-Za-z]*$|^[A-Z][a-z]+[A-Z]{2,}$")


#: Legal suffixes that close a company's name on their own ("Group", "Holdings", "Company" also close
#: phrases like "the Group"): "Employers Mutual Limited", "Pauling & Co.".
_CLOSING_SUFFIXES = frozenset("inc incorporated corp corporation ltd limited llc plc gmbh ag nv bv spa srl pty "
                              "llp lp".split())


def _suffixed_names(doc: Doc, taken: set[int]) -> Iterator[tuple[int, int]]:
    """Title-case proper-noun runs ending in a legal suffix, outside any other candidate."""
    for token in _tokens(doc):
        if token.i in taken or token.lower_.rstrip(".") not in _CLOSING_SUFFIXES or not token.text[:1].isupper():
            continue
        start = token.i
        while start > 0 and start - 1 not in taken and "\n" not in doc[start - 1].text_with_ws and (
                doc[start - 1].pos_ == "PROPN" and doc[start - 1].text[:1].isupper() or doc[start - 1].text in {"&", "and"}):
            start -= 1
        while start < token.i and doc[start].text in {"&", "and"}:
            start += 1
        if start < token.i:
            yield start, token.i + 1


def _is_camel(text: str) -> bool:
    """ "IndiGo", "ReAssure", "FintechOS": an inner capital after lower case, as brand names have."""
    return len(text) >= 4 and bool(_CAMEL.match(text))


def _named_as_founder(span: Span) -> bool:
    """ "founded in 2017 by Teodor Blidarus and Sergiu Negut", "led by David Ellison" (PERSON): people."""
    if not 2 <= len(span) <= 3 or not all(t.is_alpha and t.text[:1].isupper() for t in span):
        return False
    root = first_conjunct(span.root)
    if root.dep_ != "pobj" or root.head.lower_ != "by":
        return False
    verb = root.head.head.lemma_.lower()
    if verb in {"found", "co-found", "cofound", "establish", "start"}:
        return True
    # "Paramount, led by David Ellison": a person only when NER agrees ("a round led by Sequoia Capital")
    return verb in {"lead", "head", "run", "chair"} and all(t.ent_type_ == "PERSON" for t in span)


#: "principal analyst Craig Le Clair", "managing partner Jane Doe": a qualified role before a name.
_ROLE_QUALIFIERS = word_class("role_qualifiers")


def _described_as_someone(span: Span, company_starts: set[int]) -> bool:
    """Is a name with a person's shape followed by "who" or by "of" and a company: "replacing Dean
    McLeod (who previously worked at the Lord Nelson Brewery Hotel)", "director was Chris Huggett, who
    designed the Wasp", "a cold tweet to Keith Rabois of Khosla Ventures"?

    Companies get "who" too ("Hyperic (who developed a tool ...)"), so the name must open with a
    given name or a title and close no company name (_given_and_surname).
    """
    doc = span.doc
    i = span.end
    if i + 1 < len(doc) and doc[i].lower_ == "of" and i + 1 in company_starts:
        return _given_and_surname(span)  # a person at a company
    if i < len(doc) and doc[i].text in {",", "("}:
        i += 1
    return i < len(doc) and doc[i].lower_ == "who" and _given_and_surname(span)


def _has_role(doc: Doc, start: int, end: int) -> bool:
    """ "Name, CEO of ..." / "Name, Lydia's co-founder" / "CEO Name": a person, not a company."""
    if end - start < 2 and not (start > 0 and doc[start - 1].lower_ in _ROLE_CORE):
        return False
    if start > 0 and doc[start - 1].lower_ in _ROLE_CORE and (doc[start - 1].lower_ not in {"partner", "analyst"}
                                                               or start > 1 and doc[start - 2].lower_ in _ROLE_QUALIFIERS):
        return all(t.pos_ == "PROPN" for t in doc[start:end])
    if end < len(doc) and doc[end].text == ",":
        window = doc[end + 1:min(end + 6, len(doc))]
        for token in window:
            if token.lower_ in {"whose", "which", "where"}:
                return False  # "Auris Health, whose CEO is ...": the name has the role, it is not a person
            if token.lower_ in _ROLE_CORE and token.lower_ not in {"partner", "analyst", "head"}:
                return True
            if token.i == end + 1 and token.lower_ in {"partner", "analyst"} and end + 2 < len(doc) \
                    and doc[end + 2].lower_ in {"at", "with"}:
                return True  # "Garrett Stoerger, partner at Verdant Partners"
            if token.pos_ in {"VERB", "AUX"} or token.text in {",", "."}:
                return False
    return False


#: Particles of phrasal relation verbs: "taken over", "bought out", "snapped up".
_PARTICLES = frozenset({"over", "out", "up"})
#: Nouns whose list after "include" names companies: "Dalton Maag's larger clients include AT&T".
_PARTY_LIST_NOUNS = word_class("include_list_nouns")


#: Nouns that, as the object of a light verb, make its subject a party: "X signed a deal", "X has customers like Y".
_DEAL_NOUNS = _PARTY_LIST_NOUNS | word_class("deal_nouns")


def _trigger_arguments(doc: Doc, trigger_words: frozenset[str], common: frozenset[str], *,
                       phrasal: frozenset[tuple[str, str]] = frozenset()) -> Iterator[tuple[int, int]]:
    """Proper-noun phrases that are arguments of a relation word: "Hayter was bought by Toro".

    NER misses many small companies; when a capitalised name is the subject or object of
    "acquire", "partner", "invest"..., it is a company far more often than not. Phrasal verbs
    of the lexicon count ("Rubicon was taken over by Mosaic Fashions"), and so do the list
    after "clients include", both sides of "X became part of Y", and the parties of a deal
    noun after a light verb ("Shady Acres signed a production deal with Universal").
    """
    for token in _tokens(doc):
        if token.pos_ not in {"VERB", "NOUN", "AUX"}:
            continue
        lemma = token.lemma_.lower()
        if lemma == "include" and any(c.dep_ == "nsubj" and c.lemma_.lower() in _PARTY_LIST_NOUNS for c in token.children):
            args: Iterable[Token] = (a for c in token.children if c.dep_ in {"dobj", "attr"} for a in (c, *c.conjuncts))
        elif lemma == "part" and token.dep_ == "attr" and token.head.lemma_ in {"be", "become"} \
                and any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children):
            # "Churchill became part of the new Direct Line Group": both sides are businesses
            args = (a for c in (*token.head.children, *(g for p in token.children if p.lower_ == "of" for g in p.children))
                    if c.dep_ in {"nsubj", "pobj"} for a in (c, *c.conjuncts))
        elif token.pos_ == "NOUN" and lemma in _DEAL_NOUNS and lemma not in trigger_words:
            # "Hengstler has various prominent customers like Siemens", "Shady Acres signed a production deal"
            args = (a for a in _direct_arguments(token) if token.dep_ in {"dobj", "pobj"})
        elif lemma in trigger_words and token.pos_ != "AUX" or any(
                c.dep_ == "prt" and (lemma, c.lower_) in phrasal for c in token.children):
            args = _arguments(token)
        else:
            continue
        for arg in args:
            if not (arg.text[:1].isupper() or arg.text[:1].isdigit() and arg.pos_ == "PROPN"):
                continue
            if arg.pos_ != "PROPN" and (arg.pos_ != "NOUN" or arg.lower_ in common or arg.is_upper and len(arg) < 3):
                continue  # "Splunk" is tagged NOUN; "Company" is not a name
            start, end = arg.i, arg.i + 1
            while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].dep_ in {"compound", "nmod", "amod"} \
                    and doc[start - 1].text[:1].isupper() and "\n" not in doc[start - 1].whitespace_:
                start -= 1
            start = _numbered_start(doc, start, arg)
            while end < len(doc) and (doc[end].text in {"&", "+"} or doc[end].pos_ == "PROPN" and doc[end].head.i == arg.i
                                      and doc[end].text[:1].isupper()) and end < arg.i + 4:
                end += 1
            if doc[end - 1].text in {"&", "+"}:
                end -= 1
            if doc[start].is_sent_start and end - start == 1 and doc[start].lower_ in _COMMON_SENT_START:
                continue
            yield start, end


_COMMON_SENT_START = frozenset({"the", "it", "they", "this", "its", "their"})


def _arguments(token: Token) -> Iterator[Token]:
    for arg in _direct_arguments(token):
        yield arg
        if arg.is_lower:
            # "acquired the DVD manufacturer Technicolor", "bought by the company, Toro"
            yield from (c for c in arg.children if c.dep_ in {"appos", "compound"} and c.pos_ == "PROPN")


#: Verbs whose object, a relation noun, makes their subject a party: "X formed partnerships", "X has had partners".
_LIGHT_VERBS = word_class("light_verbs")


def _direct_arguments(token: Token) -> Iterator[Token]:
    for child in token.children:
        if child.dep_ in {"nsubj", "nsubjpass", "dobj", "poss", "compound", "attr"}:
            yield child
            yield from (c for c in child.conjuncts)
        elif child.dep_ in {"prep", "agent"}:
            for grand in child.children:
                if grand.dep_ == "pobj":
                    yield grand
                    yield from grand.conjuncts
    if token.tag_ == "VBG" and token.dep_ in {"acl", "pcomp", "advcl"} and token.i > 0 \
            and token.doc[token.i - 1].pos_ == "PROPN" and token.doc[token.i - 1].head is not token:
        yield token.doc[token.i - 1]  # "on the eve of Cisco acquiring Monsoon"
    if token.pos_ == "VERB" and token.dep_ == "conj" and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in token.children):
        # "Siteimprove expanded into Japan and acquired Marketing Lion": the first verb's subject
        yield from (c for c in token.head.children if c.dep_ == "nsubj")
    if token.dep_ == "pobj" and token.head.lower_ == "among":
        # "counts Uber, Xerox and CrowdStrike among its customers", "X was among the investors"
        yield from (a for c in token.head.head.children if c.dep_ in {"dobj", "nsubj", "nsubjpass"}
                    for a in (c, *c.conjuncts))
    verb, dep = token.head, token.dep_
    if dep == "pobj" and verb.lower_ == "of" and verb.head.dep_ == "dobj":
        verb, dep = verb.head.head, "dobj"  # "announced a number of partnerships"
    elif dep == "pobj" and verb.lower_ in {"into", "in"}:
        verb = verb.head  # "entered into an agreement"
    if token.pos_ == "NOUN" and dep in {"dobj", "pobj"} and verb.lemma_.lower() in _LIGHT_VERBS:
        # "Zaggora has formed partnerships with ...", "Impark entered into an agreement to be acquired"
        yield from (c for c in verb.children if c.dep_ == "nsubj")
    elif token.pos_ == "NOUN" and dep == "dobj" and verb.pos_ == "VERB":
        # any verb acting on a relation noun, when NER left its subject untagged: "Hupac took a 25% stake in
        # Crossrail", "Alfdex initiated its deliveries to John Deere" (not "Harrison welcomed the investment")
        yield from (c for c in verb.children if c.dep_ == "nsubj" and not c.ent_type_)
    if token.dep_ in {"compound", "amod"}:
        yield token.head
    if token.dep_ in {"relcl", "acl"}:
        yield token.head
    if token.dep_ == "appos" or token.dep_ == "attr":
        yield token.head


#: Verbs after which "on X" names a medium: "follow Ripcord on LinkedIn", "wrote on Twitter".
_MEDIUM_VERBS = word_class("medium_verbs")


def _medium_tokens(doc: Doc) -> set[int]:
    """Names used as a medium ("can be followed on Facebook, Instagram, LinkedIn"): not business mentions."""
    out: set[int] = set()
    for token in _tokens(doc):
        if token.lower_ != "on" or token.head.lemma_.lower() not in _MEDIUM_VERBS:
            continue
        for obj in token.children:
            if obj.dep_ == "pobj" and obj.text[:1].isupper():
                for name in (obj, *obj.conjuncts):
                    out.update(t.i for t in name.subtree if t.text[:1].isupper() and t.pos_ == "PROPN")
    return out


def _boilerplate_tokens(doc: Doc) -> set[int]:
    ranges = doc.user_data.get(BOILERPLATE_KEY) or []
    out: set[int] = set()
    for start, end in ranges:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            out.update(range(span.start, span.end))
    return out


def _heading_tokens(doc: Doc) -> set[int]:
    """Tokens of title-case lines (headlines, headings): NER guesses wildly there."""
    out: set[int] = set()
    line: list[int] = []

    def close() -> None:
        words = [doc[i] for i in line if doc[i].is_alpha]
        if len(words) >= 3:
            capital = sum(1 for t in words if t.text[0].isupper() or t.is_stop and len(t) <= 4)
            if capital / len(words) >= 0.85 and doc[line[-1]].text[-1:] not in {".", "!", "?"}:
                out.update(line)
        line.clear()

    for token in _tokens(doc):
        if "\n" in token.text:
            close()
        elif not token.is_space:
            line.append(token.i)
    if line:
        close()
    return out


_TITLE_START = word_class("title_start")
#: "existing backers CNP Assurances", "its rival Raytheon", "the chipmaker Xilinx": the noun says company
_PARTY_NOUNS = word_class("party_nouns")
_MODIFIER_DEPS = {"compound", "nmod", "amod", "npadvmod", "appos"}  #: roles that say little on their own
_CURRENCY_CODES = {"USD", "EUR", "GBP", "JPY", "CNY", "CHF", "CAD", "AUD", "INR", "KRW", "HKD", "SGD"}
_NATIONALITIES = {"chinese", "american", "japanese"}
_STRIP_LEADING = {"the", "a", "an", "its", "their", "his", "her", "our"} | _NATIONALITIES


#: Job titles written as capitals; inside an entity they end the company's name: "Clearpath CTO Ryan Gariepy".
_ROLE_ACRONYMS = word_class("role_acronyms")

#: Lower-case words that join two names inside one NER span: "Cunard or P & O" ("for" and "of" stay: "Office
#: for Information Technology").
_JOINING_WORDS = frozenset({"to", "or", "via"})
#: Lower-case words that open a clause or an aside after a name inside one NER span: "Lucky Stores when
#: Lucky decided", "Broadspectrum alongside Visionstream".
_CLAUSE_WORDS = frozenset({"when", "while", "whereas", "alongside", "after", "before", "since", "until", "because",
                           "although", "though", "whilst", "unlike"})


#: Legal forms that end a registered name, whatever comes before them ("McDonald's Corporation");
#: not "Group" or "Holdings", which also end the names of units ("Microsoft's Gaming Group").
_LEGAL_FORMS = LEGAL_SUFFIXES - {"group", "holdings", "holding"}


def _clean_entity(ent: Span) -> Iterator[tuple[Span, bool]]:
    """The usable parts of an NER entity: cut at line breaks, bullets and possessives; trimmed."""
    doc = ent.doc
    pieces: list[tuple[int, int, bool]] = []
    start = ent.start
    # "Sears, Roebuck and Co.": the partners of a firm are listed with commas inside its name
    partners_firm = len(ent) <= 7 and len(ent) > 3 and ent[-2].lower_ in {"and", "&"} \
        and ent[-1].lower_.rstrip(".") in {"co", "company"}
    # "McDonald's Corporation", "Macy's, Inc.": a possessive before the legal form is part of the name
    registered_possessive = ent[-1].lower_.rstrip(".") in _LEGAL_FORMS
    for token in ent:
        if token.text == "at" and token.i > start:
            start = token.i + 1  # "Business Development at Deepgram"
            continue
        if token.text == "The" and token.i > start and doc[token.i - 1].is_alpha and doc[token.i - 1].lower_ not in _NAME_JOINERS:
            pieces.append((start, token.i, False))  # "Optimal Energy The Joule": a name, then a product's
            start = token.i
            continue
        if token.text == "on" and token.i > start and doc[token.i - 1].text != "-":
            pieces.append((start, token.i, False))  # "Ocean Networks on HIFL": the name, then what it works on
            start = ent.end
            break
        if token.i > start and (token.text in _JOINING_WORDS or token.text in _CLAUSE_WORDS
                                or token.is_lower and token.pos_ == "VERB"):
            pieces.append((start, token.i, False))  # "Azamara to Sycamore Partners", "Rubicon purchased Enserve Group"
            start = token.i + 1
            continue
        if token.i > start and token.text in _ROLE_ACRONYMS and token.i + 1 < ent.end and doc[token.i + 1].is_title:
            pieces.append((start, token.i, False))  # "Clearpath CTO Ryan Gariepy": the company, then a person
            start = ent.end
            break
        if token.i > start and opens_an_amount(token):
            pieces.append((start, token.i, False))  # "Rieber for SEK 900 million": the name, then a price
            start = ent.end
            break
        if token.text == "," and partners_firm:
            continue
        if registered_possessive and token.i > start and (token.tag_ == "POS" or token.text in {"'s", "’s"}) \
                and not is_real_place(doc[start:token.i].text) \
                and all(t.is_title or t.is_punct or t.lower_.rstrip(".") in _LEGAL_FORMS for t in doc[token.i + 1:ent.end]):
            continue  # but "China's Contemporary Amperex Technology Co.": the place is not in the name
        if "\n" in token.text or token.is_space or token.text in {"•", "|", "—", "–"} or token.tag_ == "POS" \
                or token.text in {"'s", "’s", "'", "’", ":", ";", ",", "(", ")", "[", "]", "/", "\"", "“", "”"}:
            if token.i > start:
                pieces.append((start, token.i, token.tag_ == "POS" or token.text in {"'s", "’s"}))
            start = token.i + 1
    if start < ent.end:
        pieces.append((start, ent.end, False))
    for s, e, possessor in pieces:
        # "American Stock Transfer & Trust Company": a nationality opening a registered name stays
        registered = e - s > 2 and (doc[e - 1].lower_.rstrip(".") in LEGAL_SUFFIXES
                                    or e < len(doc) - 1 and doc[e].text == "," and doc[e + 1].lower_.rstrip(".") in LEGAL_SUFFIXES)
        while s < e and (doc[s].is_punct or doc[s].lower_ in _STRIP_LEADING and not (registered and doc[s].lower_ in _NATIONALITIES)
                         or doc[s].is_lower and doc[s].pos_ != "PROPN"):
            s += 1
        if e - s > 1 and doc[s].is_sent_start and _describes_the_business(doc[s].lower_):
            s += 1  # "Chipmaker AMD is buying ZT Systems": a description, capitalised by the sentence start
        if _glued_heading(doc, s, e):
            s += 1  # "History Detroit Media Partnership": a section heading glued on its paragraph
        while e > s and (doc[e - 1].is_punct and doc[e - 1].text not in {".", "&", "+"} or doc[e - 1].is_lower
                         and doc[e - 1].pos_ in {"VERB", "AUX", "ADP", "CCONJ", "DET", "PRON", "NOUN", "ADV", "PART"}):
            e -= 1
        if e > s and doc[e - 1].text == "." and (e - s == 1 or len(doc[e - 2].text) > 3 and doc[e - 2].text.lower() not in LEGAL_SUFFIXES):
            e -= 1
        if e > s:
            yield doc[s:e], possessor


#: Nouns that describe a business and never open its name: "Startup Mistral", "Retailer Target".
_BUSINESS_DESCRIPTIONS = word_class("business_descriptions")


def _describes_the_business(word: str) -> bool:
    """Is the lowercased word a description of a business ("chipmaker", "startup"), not a name's first word?"""
    return word.endswith("maker") and len(word) > 5 or word in _BUSINESS_DESCRIPTIONS


def _glued_heading(doc: Doc, start: int, end: int) -> bool:
    """Does the entity open with a section-heading word before a capitalised name, at a sentence start?

    The heading may have two words, the first left out of the entity: "Services Retail JAX Tyres
    & Auto sells tyres", as ``_after_heading`` reads it.
    """
    if end - start < 2 or not doc[start + 1].text[:1].isupper():
        return False
    at_start = start == 0 or doc[start].is_sent_start or "\n" in doc[start - 1].text_with_ws \
        or bool(doc[start - 1].is_sent_start) and doc[start - 1].is_title
    return at_start and doc[start].is_title and doc[start].lower_ in heading_words()


def _is_rejected(span: Span) -> bool:
    if opens_an_amount(span[0]):
        return True  # "for NOK 1.6 billion": a currency, whatever the parse made of it
    if len(span) == 1 and span[0].lower_ in _CLASS_PLURALS:
        return True
    text = span.text
    key = company_key(text)
    if not key or len(key) < 2 or key in not_companies():
        return True
    if key.replace(" ", "").isdigit() or not any(ch.isalpha() for ch in text):
        return True
    if text[0].islower() and not any(ch.isupper() for ch in text[1:]):
        return True
    if span[0].lower_ in _TITLE_START:
        return True  # "VP Partnerships", "Chief Executive Officer Ralph Mupita"
    if all(t.ent_type_ in {"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL"} for t in span):
        return True
    if _MODEL_CODE.match(text):
        return True  # "QSE-5 batteries", "MORAb-202", "ISO9001:2015": a model or a standard
    if len(span) == 1 and span.root.dep_ in {"prep", "agent", "mark", "cc"}:
        return True  # "Via the United Launch Alliance, ...": a capitalised preposition
    doc = span.doc
    if span[0].text in _UNITS and span.start > 0 and doc[span.start - 1].like_num:
        return True  # "the 140 MW Jacksonville solar installation": a measure, then a place
    return False


#: Letters, then a hyphen or colon and a number: model codes and standards, not companies.
_MODEL_CODE = re.compile(r"^[A-Za-z]{1,8}\d*[-:]\d+(?:[.:]\d+)*[A-Za-z]{0,3}$")
#: Units written after a number: "140 MW", "5 GWh", "740 km".
_UNITS = frozenset("MW GW kW MWh GWh kWh TWh MWp GWp km mi kg bbl boe Mt kt".split())


def _resolve(
    doc: Doc, candidates: list[_Candidate], *, tickers: dict[int, str], excluded: set[int], heading: set[int],
    common: frozenset[str] = frozenset(), arguments: set[int] | None = None,
) -> dict[str, Any]:
    rules = other_org_rules()
    other_orgs: dict[str, str] = {}
    org_spans: list[Span] = []
    product_names: dict[str, str | None] = {}
    accepted: list[_Candidate] = []
    ner_org_tokens = {t.i for ent in _ents(doc) if ent.label_ == "ORG" for t in ent}
    surface_counts = Counter(t.text for t in _tokens(doc) if t.text[:1].isupper())
    lowercase_words = {t.text for t in _tokens(doc) if t.is_lower}
    strong_forms: dict[str, str | None] = {}  # surface -> canonical hint

    # A listed product is no product where it opens a longer name that is a party to a deal ("acquired
    # Clinique La Colline", not Clinique), or is that party while the text never names its owner
    # ("partnered with AllStream and Clio").
    party_names = [(c.start, c.end) for c in candidates if c.kind == "org" and arguments
                   and arguments.issuperset(range(c.start, c.end))]
    party_products = [c for c in candidates if c.kind == "product" and any(
        start == c.start and (end > c.end or end == c.end and c.owner and c.owner not in doc.text)
        for start, end in party_names)]
    for cand in candidates:
        if cand.kind == "product" and cand not in party_products:
            product_names.setdefault(doc[cand.start:cand.end].text, cand.owner)
    org_names = _other_org_names(doc, candidates, rules)
    org_acronyms = _other_org_acronyms(doc, org_names)
    for start, end, _name in org_acronyms:
        org_spans.append(doc[start:end])
        other_orgs.setdefault(company_key(doc[start:end].text), doc[start:end].text)
    acronym_of = {company_key(doc[start:end].text): name for start, end, name in org_acronyms}
    for cand in candidates:
        if cand.kind == "weak" and not ner_org_tokens.intersection(range(cand.start, cand.end)):
            end = _company_words_after(doc, cand.end, blocked=ner_org_tokens)
            if end > cand.end:  # "Earlybird Venture Capital's Digital East Fund": a longer name NER missed
                cand.end, cand.kind, cand.canonical = end, "org", None
    for cand in candidates:
        span = doc[cand.start:cand.end]
        text = span.text
        if cand.kind in {"product", "maybe"}:
            continue
        if cand.kind in {"company", "weak"} and any(
                start <= cand.start and cand.end <= end and end - start > len(span) for start, end in org_names):
            continue  # "University of Southern California", "Bill & Melinda Gates Foundation": not Southern, not Gates
        if _is_rejected(span):
            continue
        if _before_state_code(span) and span.end not in tickers:
            continue  # "Aurora, CO", "Bridgewater (NJ)": a place, even when a company bears the name
        if cand.kind in {"company", "weak"} and _inside_person_name(span):
            continue  # "chief executive officer Dana Hyatt": a surname, though a hotel group bears it
        if _names_an_index(span) or _after_name_particle(span):
            continue  # "the MSCI United Kingdom Small Cap Index", "the da Vinci surgical systems"
        if (rules.match(text) or company_key(text) in acronym_of) and cand.kind != "company":
            other_orgs.setdefault(company_key(text), text)
            org_spans.append(span)
            continue
        if cand.kind == "weak" and not ner_org_tokens.intersection(range(span.start, span.end)):
            continue  # "Next", "Aurora", "Dana": listed names that are words need NER to say ORG
        if cand.kind == "org" and len(span) == 1 and span[0].lower_ in common and span[0].text[1:].islower() \
                and (surface_counts[text] <= 1 or span[0].lower_ in lowercase_words) and span.start not in (arguments or ()):
            continue  # "Purchaser", "Notices", "Defense": a capitalised word once, not a name
        if cand.kind == "org" and cand.canonical is None and span.root.dep_ in _MODIFIER_DEPS \
                and surface_counts[span[0].text] <= 1 and span.start not in (arguments or ()) \
                and span[-1].lower_ not in COMPANY_WORDS and span.root.head.lemma_.lower() not in _PARTY_NOUNS:
            continue  # named once, only as a modifier ("MAM software", "TWG Motorsports group"): no evidence
        if cand.kind == "org" and sum(1 for t in span if t.like_num or t.is_currency or t.text.upper() in _CURRENCY_CODES) * 2 >= len(span) \
                and (span.start not in (arguments or ()) or any(t.is_currency or t.text.upper() in _CURRENCY_CODES for t in span)):
            continue  # "USD 85.00", but a deal's party is a name: "a game funded by Channel 4"
        if text in product_names and cand.kind == "org":
            continue
        if cand.kind == "org" and set(range(span.start, span.end)) <= heading:
            cand.kind = "heading"  # a guess from a title-case line: needs support elsewhere
        accepted.append(cand)
        if cand.kind in {"company", "weak", "org"}:
            strong_forms.setdefault(text, cand.canonical)

    # A name NER tagged only in a headline is kept when the body (or the gazetteer) confirms it.
    body_forms = {doc[c.start:c.end].text for c in accepted if c.kind != "heading"}
    accepted = [c for c in accepted if c.kind != "heading" or doc[c.start:c.end].text in body_forms]
    # A name only NER proposes must earn company status by evidence somewhere in the document.
    evidenced = _evidenced_forms(doc, accepted, candidates, tickers=tickers, arguments=arguments or set(),
                                 common=common)
    accepted = [c for c in accepted if c.kind != "org" or c.canonical or doc[c.start:c.end].text in evidenced]
    # "Aller Media bought Dagbladet" (NER: "Media"): a name always written after the same word starts there.
    _extend_to_constant_word(doc, accepted, blocked=excluded | heading, common=common)
    # "GLS buys Golden State Overnight" (NER: "Golden State") beside "Golden State Overnight Delivery Service Inc"
    _extend_to_written_name(doc, accepted)
    # "Ring of Fire has done feature film work" (read: "Ring"): an "of" and a name that is no place
    _extend_over_of(doc, accepted, blocked=excluded | heading)

    # Acronym definitions: "Contemporary Amperex Technology Co (CATL)" -> CATL is an alias.
    acronyms: dict[str, str] = {}
    defined: dict[str, str | None] = {}  #: acronym -> the gazetteer name of the long form it is defined for
    for cand in list(accepted):
        end = cand.end
        if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")":
            acro = doc[end + 1]
            if acro.is_upper or (acro.text[:1].isupper() and len(acro.text) <= 6 and acro.is_alpha):
                if _looks_like_acronym(acro.text, doc[cand.start:cand.end].text) and acro.text not in product_names:
                    acronyms[acro.text] = doc[cand.start:cand.end].text
                    defined[acro.text] = cand.canonical
                    strong_forms.setdefault(acro.text, cand.canonical)
                    accepted.append(_Candidate(end + 1, end + 2, "org", cand.canonical))
    # "GLS, or General Logistics Systems, has bought ...": the second name is an alias.
    starts = {c.start: c for c in accepted}
    for cand in list(accepted):
        end = cand.end
        if end + 2 < len(doc) and doc[end].text == "," and doc[end + 1].lower_ == "or" and end + 2 in starts:
            other = starts[end + 2]
            if other.end < len(doc) and doc[other.end].text in {",", ")"}:
                acronyms[doc[cand.start:cand.end].text] = doc[other.start:other.end].text
    # 'Medusa Merger Corporation ("Purchaser")': a role the text defines for a company is that company.
    # (A defined name, "Enterprises UK Ltd. ('Malvern')", is a name of its own and stays apart, even when it
    # is a dictionary word: the role must be one of the parties' roles in a deal.)
    accepted_forms = {doc[c.start:c.end].text for c in accepted}
    for cand in list(accepted):
        term = _defined_term(doc, cand.end)
        if term is not None and term.text in accepted_forms and term.text != doc[cand.start:cand.end].text \
                and term.text.lower() in _DEFINED_ROLES:
            acronyms.setdefault(term.text, doc[cand.start:cand.end].text)
    # Document-level consistency: every occurrence of an accepted name is a mention.
    matcher = PhraseMatcher(doc.vocab, attr="ORTH")
    forms: dict[str, Span] = {}
    for c in accepted:
        forms.setdefault(doc[c.start:c.end].text, doc[c.start:c.end])
    for form, span in forms.items():
        matcher.add(form, [Doc(doc.vocab, words=[t.text for t in span])])
    spans: list[Span] = []
    for _match_id, start, end in matcher(doc):
        if excluded.intersection(range(start, end)):
            continue
        spans.append(doc[start:end])
    for c in accepted:
        spans.append(doc[c.start:c.end])
    # Products win over company readings of the same tokens, unless the gazetteer says company.
    product_spans = [doc[c.start:c.end] for c in candidates if c.kind == "product" and c not in party_products]
    product_spans += list(_owned_products(doc, spans, product_names))
    # Brands and platforms named like companies: "Paqui tortilla chips", "brands such as Oreo"
    gazetteer_forms = {doc[c.start:c.end].text for c in candidates if c.canonical}
    brand_forms = {s.text for s in spans if s.text not in gazetteer_forms and _reads_as_brand(s)}
    product_spans += [s for s in spans if s.text in brand_forms]
    for form in brand_forms:
        product_names.setdefault(form, None)
    product_spans = filter_spans([p for p in product_spans if not _is_rejected(p)])
    product_tokens = {t.i for p in product_spans for t in p}
    canonical_hint = {doc[c.start:c.end].text: c.canonical for c in accepted if c.canonical}
    spans = [s for s in spans if not (product_tokens.intersection(range(s.start, s.end)) and s.text not in canonical_hint)]
    mentions = filter_spans(spans)

    # Group mentions into companies.
    groups: dict[str, list[Span]] = defaultdict(list)
    key_of: dict[str, str] = {}
    # a mention that is a gazetteer name plus a legal suffix takes the gazetteer's canonical name
    gazetteer_hint = {}
    for c in candidates:
        if c.canonical and c.kind in {"company", "weak"}:
            gazetteer_hint[company_key(doc[c.start:c.end].text)] = c.canonical
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    # "Universal Press Syndicate (UPS)": what the text defines an acronym as beats what the gazetteer
    # knows it as (United Parcel Service)
    for defined_form, long_canonical in defined.items():
        if long_canonical:
            canonical_hint[defined_form] = long_canonical
        else:
            canonical_hint.pop(defined_form, None)
            gazetteer_hint.pop(company_key(defined_form), None)
    for span in mentions:
        text = span.text
        hint = canonical_hint.get(text) or gazetteer_hint.get(company_key(text))
        if hint:
            canonical_hint.setdefault(text, hint)
        key = company_key(hint) if hint else company_key(text)
        key_of[span.text] = key
        groups[key].append(span)
    for short_form, long_form in _code_aliases(mentions, tickers, acronyms).items():
        acronyms.setdefault(short_form, long_form)
    for short_form, long_form in acronyms.items():
        acro_key = find(key_of.get(short_form, company_key(short_form)))
        long_key = find(key_of.get(long_form, company_key(long_form)))
        if acro_key != long_key and acro_key in groups and long_key in groups:
            parent[acro_key] = long_key
            groups[long_key].extend(groups.pop(acro_key))
    # "Arrowhead" is "Arrowhead Pharmaceuticals" when the rest of the longer name is generic.
    keys = sorted(groups, key=len)
    merged: dict[str, str] = {}
    for short in keys:
        for long in keys:
            if long == short or len(long) < len(short) or long.split()[0] != short.split()[0] or long in merged:
                continue
            # "Arrowhead" / "Arrowhead Pharmaceuticals", "Microchip Tech" / "Microchip Technology"
            short_rest, long_rest = short.split()[1:], long.split()[1:]
            if long_rest and all(w in GENERIC_TAIL or w in LEGAL_SUFFIXES for w in short_rest + long_rest) \
                    and not _called_a_unit(groups[long]):
                hinted = any(canonical_hint.get(s.text) for s in groups[short])
                if not hinted or not any(canonical_hint.get(s.text) for s in groups[long]):
                    merged[short] = long
                    break
        if short in merged or any(canonical_hint.get(s.text) or len(s) > len(short.split()) for s in groups[short]):
            continue  # known to the gazetteer, or named in full with its suffix ("OLX Group")
        # a short form no gazetteer knows, and one longer name it opens: "TWG" / "TWG Motorsports"
        # (a known short form, "Duke Energy" / "Duke Energy Florida", is the parent, kept apart)
        longer = [k for k in keys if k != short and k not in merged and k.startswith(short + " ")]
        # "Golden State" / "Golden State Overnight" / "Golden State Overnight Delivery Service": one chain
        if longer and all(k.startswith(longer[0]) for k in longer):
            longer = longer[:1]
        if len(longer) == 1 and not _regional_arm(groups[longer[0]], len(short.split())) \
                and all(t.text[:1].isupper() or not t.is_alpha or t.lower_ in _NAME_JOINERS for t in groups[longer[0]][0]):
            merged[short] = longer[0]
    for short, long in merged.items():
        target = long
        while target in merged:
            target = merged[target]
        groups[target].extend(groups.pop(short))

    # A company named only inside product names ("Microsoft Azure", "Oracle Cloud") is not reported.
    for key in [k for k, group in groups.items() if all(_inside_product_name(s) for s in group)]:
        groups.pop(key)

    companies: list[dict[str, Any]] = []
    mention_spans: list[Span] = []
    for group in groups.values():
        group.sort(key=lambda s: s.start)
        surfaces = [s.text for s in group]
        hint = next((canonical_hint[s] for s in surfaces if s in canonical_hint), None)
        name = _choose_name(surfaces, hint, acronyms)
        ticker = next((tickers[s.end] for s in group if s.end in tickers), None)
        aliases = sorted({s for s in surfaces if s != name} | ({ticker} if ticker else set()))
        companies.append({"name": name, "aliases": aliases, "ticker": ticker, "first": group[0].start})
        for s in group:
            mention_spans.append(Span(doc, s.start, s.end, label=name))
    companies.sort(key=lambda c: c["first"])
    company_names = {company_key(s.text): s.label_ for s in mention_spans}

    products = []
    product_out: list[Span] = []
    for p in product_spans:
        owner = product_names.get(p.text) or _possessor(p, company_names)
        products.append({"name": p.text, "owner": owner, "start": p.start_char, "end": p.end_char})
        product_out.append(Span(doc, p.start, p.end, label=owner or ""))
    # Other organisations named by NER (governments, regulators, outlets): kept apart.
    for ent in _ents(doc):
        if ent.label_ == "ORG" and company_key(ent.text) not in company_names and rules.match(ent.text):
            other_orgs.setdefault(company_key(ent.text), ent.text)
            org_spans.append(ent)
    parties = {k: v for k, v in other_orgs.items() if k not in company_names and rules.can_be_party(v)}
    for key, name in acronym_of.items():  # "the DGCA" stands for the Directorate General of Civil Aviation
        if key in parties and company_key(name) in parties:
            parties[key] = parties[company_key(name)]
        else:
            parties.pop(key, None)
    org_mentions = _other_org_mentions(doc, org_spans, parties, taken=[*mention_spans, *product_out], excluded=excluded)
    people = _people(doc, mention_spans, excluded)
    data = {
        "companies": [{k: v for k, v in c.items() if k != "first"} for c in companies],
        "products": _dedupe_products(products),
        "people": people,
        "other_orgs": sorted(other_orgs.values()),
    }
    return {"data": data, "mentions": sorted(mention_spans, key=lambda s: s.start), "products": product_out,
            "other_orgs": org_mentions}


def _other_org_names(doc: Doc, candidates: list[_Candidate], rules: OtherOrgRules) -> list[tuple[int, int]]:
    """(start, end) of the names NER gives that are other organisations' ("Arizona State University").

    A list NER ran together ("Microsoft and the University of Washington") is not one name.
    """
    out = []
    for cand in candidates:
        span = doc[cand.start:cand.end]
        if cand.kind == "org" and rules.match(span.text) and not any(t.lower_ in {"and", ",", "with"} for t in span):
            out.append((cand.start, cand.end))
    return out


def _other_org_acronyms(doc: Doc, org_names: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """(start, end, full name) of acronyms the text defines for other organisations.

    "the Directorate General of Civil Aviation (DGCA)" and "by the NHIAA (New Hampshire
    Interscholastic Athletic Association)": the acronym names the organisation, not a company.
    """
    out = []
    for start, end in org_names:
        name = doc[start:end].text
        if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")":
            acro = doc[end + 1]
        elif start >= 2 and end < len(doc) and doc[start - 1].text == "(" and doc[end].text == ")":
            acro = doc[start - 2]
        else:
            continue
        if acro.is_upper and acro.is_alpha and len(acro) >= 2 and _looks_like_acronym(acro.text, name):
            out.append((acro.i, acro.i + 1, name))
    return out


def _other_org_mentions(doc: Doc, found: list[Span], names: dict[str, str], *, taken: list[Span],
                        excluded: set[int]) -> list[Span]:
    """Every occurrence of the other organisations that may be parties, labelled as ``other_orgs`` names them.

    As for companies, a form found once is the organisation wherever it recurs ("the
    University of Sheffield ... the University of Sheffield's intellectual property").
    Tokens of a company or product mention, and boilerplate, are never an organisation's.
    """
    blocked = set(excluded) | {t for s in taken for t in range(s.start, s.end)}
    found = [span for span in found if company_key(span.text) in names]
    matcher = PhraseMatcher(doc.vocab, attr="ORTH")
    for span in found:
        matcher.add(span.text, [Doc(doc.vocab, words=[t.text for t in span])])
    spans = [doc[start:end] for _match_id, start, end in matcher(doc)] + found
    spans = [s for s in spans if not blocked.intersection(range(s.start, s.end))]
    return [Span(doc, s.start, s.end, label=names[company_key(s.text)]) for s in filter_spans(spans)]


#: Deps of a name word on the word it modifies: "Aller Media", "Little Big Man".
_NAME_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod"})
#: How many words a name may gain on the left.
_MAX_LEFT_WORDS = 2


def _extend_to_constant_word(doc: Doc, accepted: list[_Candidate], *, blocked: set[int], common: frozenset[str]) -> None:
    """Move the start of NER-only names left over a capitalised word that precedes every occurrence.

    NER often drops a name's first word: "Aller Media bought Dagbladet" gives "Media",
    "Purolator Courier Ltd. was sold" gives "Courier Ltd.", "acquiring ... agency Little Big
    Man" gives "Big Man". A name never written without the same capitalised word before it
    is longer than NER said. The word must be attached to the name by the parser and be a name
    word: no dictionary word, or one not at a sentence start somewhere (where "Rival" and "Big",
    or a heading, "Television Productions CollinsAve", are capitalised anyway); it is in no
    other entity or candidate ("Dutch", "Google") and no role or heading word. Gazetteer names
    are left as they are.
    """
    inside = {i for c in accepted for i in range(c.start, c.end)}
    by_form: dict[str, list[_Candidate]] = defaultdict(list)
    for cand in accepted:
        if cand.kind == "org" and not cand.canonical:
            by_form[doc[cand.start:cand.end].text].append(cand)
    for form, group in by_form.items():
        starts = [span.start for span in _occurrences(doc, doc[group[0].start:group[0].end])]
        size = group[0].end - group[0].start
        for _ in range(_MAX_LEFT_WORDS):
            if not starts or any(s == 0 or doc[s].is_sent_start for s in starts):
                break
            words = [doc[s - 1] for s in starts]
            if len({w.text for w in words}) != 1 or not all(_left_name_word(w, inside | blocked) for w in words) \
                    or _describes_the_business(words[0].lower_):
                break  # "Chipmaker AMD": a description, not the name's first word
            if any(w.ent_type_ and doc[s].ent_iob_ != "I" for w, s in zip(words, starts, strict=True)):
                break  # the word is an entity of its own ("World" in "World's Finest Shows")
            if not any((not _opens_sentence(w) or not {w.lower_, _singular(w.lower_)} & common)
                       and w.dep_ in _NAME_MODIFIER_DEPS
                       and s <= w.head.i < s + size for w, s in zip(words, starts, strict=True)):
                break
            starts = [s - 1 for s in starts]
            size += 1
            for cand in group:
                cand.start -= 1
        if size > group[0].end - group[0].start:
            log.debug("name %r extended to %r", form, doc[group[0].start:group[0].end].text)


def _company_words_after(doc: Doc, end: int, *, blocked: set[int]) -> int:
    """Where a name ends once the capitalised company words after it are taken in: "Earlybird Venture Capital".

    A listed name that is a dictionary word ("Earlybird") counts only where NER tags it; followed by
    company words it is the start of a longer name that says company by itself.
    """
    stop = min(end + 3, len(doc))
    while end < stop and end not in blocked and doc[end].is_title \
            and {doc[end].lower_.rstrip("."), doc[end].lower_ + "s"} & COMPANY_WORDS:
        end += 1
    return end


def _extend_to_written_name(doc: Doc, accepted: list[_Candidate]) -> None:
    """Move the end of NER-only names right over the word that follows every occurrence, when a longer name
    of the document goes on with that word.

    "GLS buys Golden State Overnight" gives "Golden State", while the text also names "Golden State
    Overnight Delivery Service Inc": a short form never written alone is a cut, not a name of its own.
    ("Arrowhead" written alone once stays "Arrowhead", merged with "Arrowhead Pharmaceuticals" later.)
    """
    longer = [doc[c.start:c.end] for c in accepted if c.kind in {"org", "company", "weak"}]
    by_form: dict[str, list[_Candidate]] = defaultdict(list)
    for cand in accepted:
        if cand.kind == "org" and not cand.canonical:
            by_form[doc[cand.start:cand.end].text].append(cand)
    for form, group in by_form.items():
        words = form.split()
        ends = [span.end for span in _occurrences(doc, doc[group[0].start:group[0].end])]
        while ends and all(e < len(doc) for e in ends):
            following = {doc[e].text for e in ends}
            word = next(iter(following))
            if len(following) != 1 or not word[:1].isupper() or not any(
                    [t.text for t in span[:len(words) + 1]] == [*words, word] for span in longer):
                break
            words.append(word)
            ends = [e + 1 for e in ends]
            for cand in group:
                cand.end += 1


def _extend_over_of(doc: Doc, accepted: list[_Candidate], *, blocked: set[int]) -> None:
    """Move the end of NER-only names right over "of" and the capitalised name the parser hangs on it.

    "Ring of Fire has done feature film work" and "the partners of Best of X" gave "Ring" and
    "Best": the "of" name is in no entity or candidate of its own. A place ("Wright Company of
    Garwood", "Toyota of Europe"), an organisation ("Managing Partners of ETF Securities"), a
    person or a date after "of" says where or whose, not the name; nor does one after a plural
    ("Notices of Guaranteed Delivery").
    """
    inside = {i for c in accepted for i in range(c.start, c.end)} | blocked
    for cand in accepted:
        end = cand.end
        if cand.kind != "org" or cand.canonical or end + 1 >= len(doc) or doc[end].lower_ != "of" \
                or doc[end].head.i != end - 1 or doc[end - 1].tag_ in {"NNS", "NNPS"} \
                or "\n" in doc[end - 1].whitespace_ + doc[end].whitespace_:
            continue
        tail = end + 1
        while tail < len(doc) and tail < end + 3 and doc[tail].text[:1].isupper() and doc[tail].is_alpha \
                and tail not in inside and doc[tail].ent_type_ in _OF_NAME_LABELS:
            tail += 1
        if tail > end + 1 and any(doc[i].head.i == end and doc[i].dep_ == "pobj" for i in range(end + 1, tail)) \
                and not (tail < len(doc) and doc[tail].text[:1].isupper() and doc[tail].is_alpha):
            cand.end = tail


#: Entity labels a name after "of" may carry and still belong to the name before it.
_OF_NAME_LABELS = frozenset({"", "WORK_OF_ART"})


def _opens_sentence(token: Token) -> bool:
    """Is the word capitalised only for standing first, perhaps after a heading ("Television Productions X")?"""
    return all(t.text[:1].isupper() for t in token.doc[token.sent.start:token.i + 1])


def _left_name_word(token: Token, blocked: set[int]) -> bool:
    """Can this word open the name after it? "Aller", "TS", "Little"; not "The", "CEO", "Dutch", "History"."""
    if token.i in blocked or "\n" in token.whitespace_ or token.ent_type_ not in {"", "ORG"}:
        return False
    lower = token.lower_
    if lower in _STRIP_LEADING - _NATIONALITIES or lower in TITLE_WORDS or lower in _TITLE_START:
        return False
    if lower.rstrip(".") in COMPANY_WORDS or lower.rstrip(".") in LEGAL_SUFFIXES:
        return False  # the end of another name: "First Premier Bank MasterCard"
    if token.is_sent_start and lower in heading_words():
        return False
    return token.is_alpha and token.text[:1].isupper() and token.pos_ in {"PROPN", "NOUN", "ADJ"}


#: Nouns that say the name next to them is a business: "the startup X", "X, a maker of ...".
_BUSINESS_NOUNS = _PARTY_NOUNS | word_class("business_nouns")
#: Words whose possessor or "of" object is a business: "X's shareholders", "CEO of X".
_OWNED_BY_BUSINESS = _ROLE_CORE | word_class("owned_by_business")


def _evidenced_forms(
    doc: Doc, accepted: list[_Candidate], candidates: list[_Candidate], *, tickers: dict[int, str],
    arguments: set[int], common: frozenset[str],
) -> set[str]:
    """Forms of NER-only names that may stand as companies.

    Vetoed whatever else is said: concept acronyms, sectors ("Defense markets"), departments
    in job titles, places ("Carlstadt, NJ"). A proper name of its own passes on NER's word;
    a dictionary-word name ("Research") needs evidence somewhere in the document: a corporate
    word or legal suffix, a ticker, being an argument of a relation word, a business noun
    beside it, a role or share it owns, or a company it is listed with.
    """
    out: set[str] = set()
    concepts = _concept_acronyms(doc)
    known = {i for c in candidates if c.canonical and c.kind in {"company", "weak"} for i in range(c.start, c.end)}
    ner_only = [c for c in accepted if c.kind == "org" and not c.canonical]
    vetoed = set(concepts)
    for cand in ner_only:
        span = doc[cand.start:cand.end]
        if span.text not in vetoed and _not_a_business(span, common=common, arguments=arguments, known=known):
            vetoed.add(span.text)
    for cand in ner_only:
        span = doc[cand.start:cand.end]
        if span.text in out or span.text in vetoed:
            continue
        if not _needs_evidence(span, common):
            out.add(span.text)  # a proper name of its own ("Rayonier", "NeueHouse"): NER's word is enough
        elif _occurrence_evidence(span, tickers=tickers, arguments=arguments, common=common) or _extends_known(span, known):
            out.add(span.text)
    # a name listed with a company is one: "backers Lux Capital, Mithril and NaviMed"
    company_tokens = known | {i for c in accepted if doc[c.start:c.end].text in out for i in range(c.start, c.end)}
    for cand in ner_only:
        span = doc[cand.start:cand.end]
        if span.text not in out and span.text not in vetoed and any(t.i in company_tokens for t in span.root.conjuncts):
            out.add(span.text)
    return out


#: Nouns a sector or a department modifies: "the Defense and Aerospace markets", "its Health and Food business".
_SECTOR_HEADS = word_class("sector_heads")
#: Nouns for what a company offers: a name in apposition to one, or listed before one, is an offering.
_OFFERING_HEADS = word_class("offering_heads")
#: Words of a job title before a department: "Vice President, Global Purchasing", "head of Research".
_TITLE_BEFORE = word_class("title_before")


def _not_a_business(span: Span, *, common: frozenset[str], arguments: set[int], known: set[int] | None = None) -> bool:
    """A sector, a department in a job title, or a place ("Carlstadt, NJ"), though NER said ORG."""
    doc = span.doc
    root = span.root
    last = span[-1].lower_.rstrip(".")
    if span.start > 0 and doc[span.start - 1].lower_ in _POSSESSIVE_DETERMINERS \
            and not (root.dep_ in _MODIFIER_DEPS and (_business_noun(root.head) or root.head.lemma_.lower() in _BUSINESS_PARTS)):
        return True  # "as its Skyactiv Technologies show": the company's own line (not "its Jio subsidiary",
        # "their Radio Rentals chain")
    if last in LEGAL_SUFFIXES or last in COMPANY_WORDS and len(span) > 1 and not _needs_evidence(span, common):
        return False  # "Kestrel Systems", but not "Defense and Aerospace"
    if root.dep_ in {"compound", "nmod", "amod"} and root.head.is_lower and root.head.lemma_.lower() in _SECTOR_HEADS \
            or root.head.lower_ in {"and", ","} and root.head.head.lemma_.lower() in _SECTOR_HEADS:
        return True
    first = first_conjunct(root)
    if first is not root and first.dep_ in {"compound", "nmod", "amod"} and first.head.is_lower \
            and first.head.lemma_.lower() in _SECTOR_HEADS | _OFFERING_HEADS:
        return True  # "its Transmission, Power Grid and Digital Solutions segments"
    if any(c.dep_ == "appos" and c.is_lower and c.lemma_.lower() in _OFFERING_HEADS for c in root.children) \
            and not arguments.intersection(range(span.start, span.end)):
        return True  # "CompassOne, its security platform", but "Convesio buys Growmatik, a marketing platform"
    if sum(1 for t in root.conjuncts if t.ent_type_ in {"GPE", "LOC"} and not (span.start <= t.i < span.end)
           and t.i not in (known or ())) >= 2:
        return True  # listed with places: "Oʻahu, Kauaʻi, Lānaʻi and Molokaʻi" (not known companies NER
        # took for places: "games for RockYou, Electronic Arts, Ubisoft, Mogol, and Zynga")
    if _common_words_only(span, common):
        before = [t.lower_ for t in doc[max(0, span.start - 3):span.start] if t.is_alpha and t.lower_ not in {"of", "for", "and"}]
        if before and before[-1] in _TITLE_BEFORE:
            return True
        if span.start > 0 and doc[span.start - 1].lower_ in {"a", "an"} and root.dep_ not in _MODIFIER_DEPS:
            return True  # "operates as a Virtual Research Organization" (not "a Johnson & Johnson company")
        if _list_item(span):
            return True
    return _before_state_code(span)


#: Words that open a common noun phrase, not a name: "its Data Centers", "their Super-Core Infrastructure strategy".
_POSSESSIVE_DETERMINERS = frozenset("its their our his her your my".split())


#: Last words of the names of stock indices: "FTSE4Good Index Series", "MSCI World Index".
_INDEX_WORDS = frozenset({"Index", "Indices", "Indexes"})


def _names_an_index(span: Span) -> bool:
    """ "MSCI" in "the MSCI United Kingdom Small Cap Index": the provider's name opens an index's name."""
    doc = span.doc
    for token in doc[span.end:min(span.end + 6, len(doc))]:
        if token.text in _INDEX_WORDS:
            return True
        if not (token.text[:1].isupper() or token.like_num) or token.is_sent_start:
            return False
    return False


#: Lower-case particles that open a person's name: "da Vinci", "van Gogh", "de Gaulle".
_NAME_PARTICLES = frozenset({"da", "de", "di", "van", "von", "der", "du", "del", "le", "la"})


def _after_name_particle(span: Span) -> bool:
    """ "the da Vinci robotic systems": a particle opens the name, so "Vinci" alone is not the name
    (but "Banco de Sabadell" keeps "Sabadell" as part of a longer name before it)."""
    doc = span.doc
    if span.start == 0 or doc[span.start - 1].text not in _NAME_PARTICLES:
        return False
    return span.start < 2 or not doc[span.start - 2].text[:1].isupper()


def _inside_person_name(span: Span) -> bool:
    """ "Dana Hyatt": a known company's name as the surname of a person NER names in full."""
    return any(ent.label_ == "PERSON" and ent.start < span.start and span.end <= ent.end
               and all(t.is_alpha and t.is_title for t in ent) for ent in _ents(span.doc))


#: US state and Canadian province codes: "Aurora, CO" and "Carlstadt (NJ)" are places.
_STATE_CODES = frozenset(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK "
    "OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC ON QC BC AB MB SK NS NB NL PE".split()
)


def _before_state_code(span: Span) -> bool:
    doc = span.doc
    nxt = doc[span.end:span.end + 3]
    return len(nxt) >= 3 and nxt[0].text in {",", "("} and nxt[1].text in _STATE_CODES \
        and (nxt[2].is_punct or nxt[2].is_space)


#: Last words of names that are places, departments or pages of a company, not companies.
_NOT_BUSINESS_TAILS = word_class("not_business_tails")


def _extends_known(span: Span, known: set[int]) -> bool:
    """ "Coca-Cola Bottlers", "Verizon Wireless": a known company's name extended is a business of its own."""
    return span[0].i in known and span[-1].i not in known and span[-1].lower_ not in _NOT_BUSINESS_TAILS


def _common_words_only(span: Span, common: frozenset[str]) -> bool:
    """ "Customer Care", "Health and Food", "Research": a name made of dictionary words only."""
    # plurals count in a phrase ("Data Centers") but not alone: "Sears" is no plural of "sear"
    return bool(common) and all(t.lower_ in common or t.is_stop or t.is_punct
                                or len(span) > 1 and _singular(t.lower_) in common for t in span)


def _singular(word: str) -> str:
    """ "centers" -> "center", "capabilities" -> "capability": WordNet's index holds base forms only."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _needs_evidence(span: Span, common: frozenset[str]) -> bool:
    """ "Research", "Debt", "Health and Food": one dictionary word, or dictionary words joined by "and".

    Multi-word names of dictionary words ("Apex Digital", "Record TV") are often real
    businesses, so only these two shapes must show evidence beyond NER's label.
    """
    if not _common_words_only(span, common):
        return False
    return len(span) == 1 or any(t.lower_ == "and" for t in span)


def _list_item(span: Span) -> bool:
    """ "measures in Logistics; Customer Care and Aftersales; Global Purchasing and Manufacturing Services": an
    item of a list separated by semicolons names a function or a category, not a business."""
    sent = span.sent
    return len(span) > 1 and sum(1 for t in sent if t.text == ";") >= 2 and any(
        t.text == ";" for t in span.doc[max(sent.start, span.start - 4):min(sent.end, span.end + 2)])


def _concept_acronyms(doc: Doc) -> set[str]:
    """Acronyms the text defines after lower-case words: "return on investment (ROI)", "joint venture (JV)"."""
    out: set[str] = set()
    for i in _word_positions(doc).get("(", ()):
        if i + 2 >= len(doc) or doc[i + 2].text != ")":
            continue
        token = doc[i]
        acro = doc[i + 1].text
        if not (2 <= len(acro) <= 6 and acro[:1].isupper()):
            continue
        words = [t for t in doc[max(0, token.i - len(acro) - 2):token.i] if t.is_alpha]
        if len(words) >= 2 and all(t.is_lower for t in words[-min(len(words), len(acro)):]) \
                and _looks_like_acronym(acro, " ".join(t.text for t in words[-len(acro):])):
            out.add(acro)
    return out


def _occurrence_evidence(span: Span, *, tickers: dict[int, str], arguments: set[int],
                         common: frozenset[str] = frozenset()) -> bool:
    doc = span.doc
    if span.end in tickers or arguments.intersection(range(span.start, span.end)):
        return True
    last = span[-1].lower_.rstrip(".")
    if len(span) > 1 and (last in LEGAL_SUFFIXES or last in COMPANY_WORDS):
        return True
    after = doc[span.end:span.end + 2]
    if any(t.lower_.rstrip(".") in LEGAL_SUFFIXES and t.text[:1].isupper() for t in after if t.text != ","):
        return True  # "Acme, Inc."
    root = span.root
    head = root.head
    if head.i != root.i and not (span.start <= head.i < span.end):
        if root.dep_ in {"compound", "appos", "nmod", "amod", "attr", "conj"} and head.lemma_.lower() in _BUSINESS_NOUNS:
            return True  # "the startup X", "X, the chipmaker"
        if root.dep_ == "poss" and head.lemma_.lower() in _OWNED_BY_BUSINESS:
            return True  # "X's chief executive", "X's shareholders"
        if root.dep_ == "pobj" and head.lower_ in {"of", "at"} and head.head.lemma_.lower() in _OWNED_BY_BUSINESS:
            return True  # "CEO of X", "shares of X"
    for child in root.children:
        if child.dep_ in {"appos", "compound", "amod", "attr"} and not (span.start <= child.i < span.end) \
                and _business_noun(child):
            return True  # "X, a Boston-based maker of ...", "startup X", "X, one of the biggest producers"
    if _called_a_business(root):
        return True  # "X is Europe's biggest hospital operator"
    if root.dep_ in {"nsubj", "nsubjpass", "dobj"} and _named_as_business(head):
        return True  # "Maven was announced as the exclusive car sharing partner"
    first = first_conjunct(root)
    if first.dep_ == "pobj" and first.head.lower_ in {"as", "including", "like", "among"}:
        anchor = first.head.head
        if anchor.lower_ == "such":
            anchor = anchor.head
        if anchor.lemma_.lower() in _BUSINESS_NOUNS:
            return True  # "backers such as X, Y and Z"
    if first.dep_ in {"appos", "compound"} and first.head.lemma_.lower() in _BUSINESS_NOUNS:
        return True  # "the American companies Ferrara and Fannie May"
    return False


def _called_a_business(token: Token) -> bool:
    """Is the name the subject of "be" with a business noun as its attribute?

    "CIK Telecom is a telecommunications provider"; also when the name is a later item of the
    subject ("Bonanza and Ponderosa were separate companies") or "be" is conjoined to the
    subject's verb ("Spinnaker pioneered the market and was the first company to ..."). A
    copula that says so is evidence as strong as an apposition, so it vouches for dictionary
    words as well ("Shipyard is partners with the Sea Dog Brewing Company").
    """
    subject = first_conjunct(token)
    if subject.dep_ not in {"nsubj", "nsubjpass"}:
        return False
    verb = subject.head
    # "... and was the first company": a conjoined copula with no subject of its own shares this one
    copulas = [verb, *(c for c in verb.children if c.dep_ == "conj" and c.lemma_ == "be"
                       and not any(g.dep_ in {"nsubj", "nsubjpass", "expl"} for g in c.children))]
    return any(v.lemma_ == "be" and any(c.dep_ == "attr" and _business_noun(c) and not _owned_segment(c) for c in v.children)
               for v in copulas)


def _owned_segment(noun: Token) -> bool:
    """ "Space is Lockheed's third-biggest business": a sector noun a company owns names its segment."""
    return noun.lemma_.lower() in _SECTOR_HEADS and any(c.dep_ == "poss" for c in noun.children)


def _named_as_business(verb: Token) -> bool:
    """ "was announced as the exclusive partner", "selected X as its supplier": the "as" object is a business noun."""
    return verb.pos_ in {"VERB", "AUX"} and any(
        c.dep_ == "prep" and c.lower_ == "as" and any(g.dep_ == "pobj" and _business_noun(g) for g in c.children)
        for c in verb.children)


def _business_noun(token: Token) -> bool:
    if token.lemma_.lower() in _BUSINESS_NOUNS:
        return True
    if token.lower_ == "one":  # "one of the world's biggest producers"
        return any(g.lemma_.lower() in _BUSINESS_NOUNS for c in token.children if c.lower_ == "of" for g in c.children)
    return False


#: Lower-case words inside a company's full name: "National Bank of Canada", "Banco de Sabadell".
_NAME_JOINERS = frozenset({"of", "de", "and", "&", "du", "des", "del", "la", "di"})


#: "the tech division of Walmart": nouns that make a name a part of another company.
_UNIT_NOUNS = word_class("group_nouns") - {"parent", "owner", "sister"}


def _called_a_unit(group: list[Span]) -> bool:
    """Does the text call the name a unit of a company, or owned by one, just after it: "Walmart Labs (the tech
    division of Walmart, Inc.)", "TBC Digital, a holding company owned 80% by TBC Bank Group"?

    Then "Walmart Labs" is a business unit acting as a company of its own, not a fuller form of "Walmart".
    """
    for span in group:
        doc = span.doc
        stop = min(span.end + 8, span.sent.end - 1)
        if any(doc[i].lemma_.lower() in _UNIT_NOUNS and doc[i + 1].lower_ == "of" for i in range(span.end, stop)):
            return True
        if any(doc[i].lower_ in {"owned", "controlled"} and any(t.lower_ == "by" for t in doc[i + 1:min(i + 4, stop + 1)])
               for i in range(span.end, stop)):
            return True  # "TBC Digital, a holding company owned 80% by TBC Bank Group"
    return False


def _regional_arm(group: list[Span], prefix_words: int) -> bool:
    """ "OLX Uzbekistan", "TBC Bank Georgia": a place after the shared name makes a regional arm, not an alias."""
    if not group:
        return False
    places = {t.text for ent in _ents(group[0].doc) if ent.label_ in {"GPE", "NORP", "LOC"} for t in ent}
    # "National Bank of Canada" names the bank itself, not its Canadian arm
    return any(t.text in places and t.nbor(-1).lower_ != "of" for span in group for t in span[prefix_words:])


_QUOTES = frozenset({'"', "“", "”", "'", "‘", "’"})
#: Roles a filing defines for a party: 'Medusa Merger Corporation ("Purchaser")'.
_DEFINED_ROLES = word_class("defined_roles")


def _defined_term(doc: Doc, end: int) -> Span | None:
    """The term a bracket defines right after a name, 'X ("Purchaser")', past a legal suffix and a ticker."""
    while end < len(doc) and (doc[end].lower_.rstrip(".") in LEGAL_SUFFIXES or doc[end].text in {",", "."}):
        end += 1
    if end < len(doc) and doc[end].text == "(" and doc[end + 1:end + 2].text in {"NYSE", "NASDAQ", "Nasdaq"}:
        close = next((t.i for t in doc[end:min(end + 8, len(doc))] if t.text == ")"), None)
        end = close + 1 if close is not None else end  # "Novartis AG (NYSE: NVS) ("Novartis")"
    if end + 4 < len(doc) and doc[end].text == "(" and doc[end + 1].text in _QUOTES:
        close = next((t.i for t in doc[end + 2:min(end + 7, len(doc))] if t.text in _QUOTES), None)
        if close is not None and close > end + 2 and close + 1 < len(doc) and doc[close + 1].text == ")":
            return doc[end + 2:close]
    return None


def _code_aliases(mentions: list[Span], tickers: dict[int, str], acronyms: dict[str, str]) -> dict[str, str]:
    """Short codes used alone for a company named in full elsewhere in the text: alias -> full form.

    "QuantumScape Corporation (NYSE: QS) ... QS expects payments": a ticker used as a name;
    "Astellas Pharma Inc. (ALPMY, ALPMY)": a code in brackets after the name (not "(now part of IBM)");
    "Orient Overseas Container Line Co. ... OOCL controls 2.8%": the initials of the full name
    (with its legal suffix: "Ocean Networks, Inc." is "ONI").
    """
    if not mentions:
        return {}
    doc = mentions[0].doc
    forms = {s.text for s in mentions}
    codes = {f for f in forms if f.isupper() and f.isalpha() and 2 <= len(f) <= 6 and f not in acronyms}
    out: dict[str, str] = {}
    for span in mentions:
        end = span.end  # past a legal suffix: "QuantumScape Corporation (NYSE: QS)"
        while end < len(doc) and end < span.end + 3 and (doc[end].lower_.rstrip(".") in LEGAL_SUFFIXES
                                                         or doc[end].text in {",", "."}):
            end += 1
        ticker = tickers.get(end) or tickers.get(span.end)
        if ticker in codes and ticker != span.text:
            out.setdefault(ticker, span.text)
        if end < len(doc) and doc[end].text == "(":  # "(ALPMY, ALPMY)", "(NYSE American: UEC)"
            for token in doc[end + 1:min(end + 7, len(doc))]:
                if token.text == ")":
                    break
                if token.text in codes and token.text != span.text and token.nbor(-1).text in {"(", ":", ","}:
                    out.setdefault(token.text, span.text)
                    break
    for span in mentions:
        words = [t for t in span if t.is_alpha and t.text[:1].isupper()]
        if len(words) < 2 or span.text in codes:
            continue
        initials = "".join(t.text[0] for t in words)
        nxt = doc[span.end:span.end + 2]
        suffix = next((t.text[0].upper() for t in nxt if t.text != "," and t.lower_.rstrip(".") in LEGAL_SUFFIXES), "")
        for code in codes:
            if len(code) >= 3 and code not in out and code in {initials, initials + suffix}:
                out[code] = span.text
    return out


def _looks_like_acronym(acro: str, name: str) -> bool:
    letters = [w[0].upper() for w in re.findall(r"[A-Za-z][\w-]*", name)]
    initials = "".join(letters)
    acro_u = acro.upper()
    if acro_u == initials or initials.startswith(acro_u) or acro_u.startswith(initials):
        return True
    # subsequence of the name's capitals, starting with its first letter: CATL in Contemporary Amperex Technology
    caps = [ch for ch in name if ch.isupper()]
    it = iter(caps)
    return bool(caps) and acro_u[0] == caps[0] and all(ch in it for ch in acro_u)


def _choose_name(surfaces: list[str], hint: str | None, acronyms: dict[str, str]) -> str:
    # The gazetteer's name wins only where the text writes it, or its web address: "Amazon.com" is
    # Amazon, but a company the text names as before its renaming keeps that name ("Raytheon", not RTX).
    if hint and any(company_key(s) == company_key(hint) or _web_address_of(s, hint) for s in surfaces):
        return hint
    counts = Counter(display_name(s) for s in surfaces if s not in acronyms)
    if not counts:
        return surfaces[0]
    # The full form as first written, without legal suffix: "Tesla Inc" -> "Tesla".
    return max(counts, key=lambda s: (len(s.split()) > 1 or counts[s] > 1, counts[s], len(s)))


#: "Amazon.com", "Indeed.com", "Boots.co.uk": a company's own web address used as its name.
_WEB_SUFFIX = re.compile(r"\.(?:com|net|co\.uk|co|io)$", re.IGNORECASE)


def _web_address_of(surface: str, name: str) -> bool:
    """Is ``surface`` the company ``name`` followed by a web domain ending ("Amazon.com" for Amazon)?"""
    match = _WEB_SUFFIX.search(surface)
    return match is not None and surface[:match.start()].casefold() == name.casefold()


#: Nouns a brand, not a company, modifies: "Nutella spread", "WooCommerce hosting platform".
_BRAND_HEADS = word_class("brand_heads")
_BRAND_LISTS = word_class("brand_lists")


def _reads_as_brand(span: Span) -> bool:
    """A name that modifies a brand noun, or is listed under "brands such as ...": a product."""
    root = span.root
    head = root.head
    if root.dep_ in {"compound", "nmod", "amod"} and head.lemma_.lower() in _BRAND_HEADS and head.i >= span.end:
        return True
    if any(c.dep_ in {"appos", "conj"} and c.is_lower and c.lemma_.lower() in _BRAND_HEADS and 0 < c.i - span.end <= 6
           and any(d.dep_ == "det" for d in c.children) for c in root.children):
        return True  # "Arnott’s, the Australian cookie brand" (parsed as apposition or as a conjunct)
    token = first_conjunct(root)
    if token.dep_ == "pobj" and token.head.lower_ in {"as", "including", "like"}:
        anchor = token.head.head
        if anchor.lower_ == "such":
            anchor = anchor.head
        return anchor.lemma_.lower() in _BRAND_LISTS | _BRAND_HEADS  # "snacks such as Oreo, Cadbury"
    if token.dep_ == "dobj" and token.head.lemma_ == "include":
        # "The brands being sold include Blue Band, Becel, Country Crock and Flora"
        return any(c.dep_ in {"nsubj", "nsubjpass"} and c.lemma_.lower() in _BRAND_LISTS for c in token.head.children)
    return False


def _owned_products(doc: Doc, company_spans: list[Span], product_names: dict[str, str | None]) -> Iterator[Span]:
    """Proper-noun phrases a company possesses: "Microsoft’s Azure AI platform" -> Azure AI."""
    for span in company_spans:
        end = span.end
        if end >= len(doc) or doc[end].tag_ != "POS" and doc[end].text not in {"'s", "’s"}:
            continue
        head = span.root.head
        if head.i < end or head.i - end > 6:
            continue
        tokens = [t for t in doc[end + 1:head.i + 1]]
        propn = [t for t in tokens if t.pos_ == "PROPN" and t.ent_type_ not in {"NORP", "GPE", "DATE"}]
        if not propn or not (head.lower_ in _PRODUCT_HEADS or head.pos_ == "PROPN"):
            continue
        first, last = propn[0].i, propn[-1].i + 1
        if doc[first].is_title or doc[first].text[:1].isupper():
            candidate = doc[first:last]
            if candidate.text not in product_names and head.lower_ in _PRODUCT_HEADS:
                product_names[candidate.text] = span.text
                yield candidate
            elif candidate.text in product_names:
                yield candidate


def _inside_product_name(span: Span) -> bool:
    """ "Microsoft" in "Microsoft Azure": the company's name opens a platform's name.

    Only platform words count: "Airbus A320neo" still names Airbus, the maker, as gold does.
    """
    doc = span.doc
    return span.end < len(doc) and doc[span.end].text in _PRODUCT_NAME_WORDS and doc[span.end].pos_ == "PROPN"


#: Capitalised words that turn a company's name into a product's: "Oracle Cloud", "IBM Watson".
_PRODUCT_NAME_WORDS = word_class("product_name_words")


def _possessor(span: Span, company_names: dict[str, str]) -> str | None:
    doc = span.doc
    if span.start >= 2 and doc[span.start - 1].text in {"'s", "’s"}:
        key = company_key(doc[span.start - 2].text)
        return company_names.get(key)
    return None


def _dedupe_products(products: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for p in products:
        prev = out.get(p["name"])
        if prev is None or (prev["owner"] is None and p["owner"]):
            out[p["name"]] = p
    return list(out.values())


def _people(doc: Doc, mentions: list[Span], excluded: set[int]) -> list[dict[str, Any]]:
    """People NER finds, with a title and company from the words around them."""
    company_at = {t: s.label_ for s in mentions for t in range(s.start, s.end)}
    people: dict[str, dict[str, Any]] = {}
    for ent in _ents(doc):
        if ent.label_ != "PERSON" or any(t.i in company_at or t.i in excluded for t in ent) or "\n" in ent.text:
            continue
        name = ent.text.strip()
        if name.endswith(("'s", "’s")):
            name = name[:-2]
        if len(name.split()) < 2 and name in people:
            continue
        title, company = _role_after(doc, ent, company_at) or _role_before(doc, ent, company_at) or (None, None)
        prev = people.get(name)
        if prev is None or (prev["title"] is None and title):
            people[name] = {"name": name, "title": title, "company": company}
    # "Altman" alone is the "Sam Altman" named earlier.
    full = [p for p in people if len(p.split()) > 1]
    for short in [p for p in people if len(p.split()) == 1]:
        if any(f.split()[-1] == short for f in full):
            people.pop(short)
    return list(people.values())


def _role_after(doc: Doc, ent: Span, company_at: dict[int, str]) -> tuple[str | None, str | None] | None:
    """ "Sam Altman, CEO of OpenAI" / "Sam Fahmy, Ripcord CEO" """
    i = ent.end
    if i >= len(doc) or doc[i].text != ",":
        return None
    j = i + 1
    words: list[str] = []
    company = None
    while j < len(doc) and j < i + 8:
        token = doc[j]
        if j in company_at:
            company = company_at[j]
            while j < len(doc) and j in company_at:
                j += 1
            if j < len(doc) and doc[j].text in {"'s", "’s"}:
                j += 1
            continue
        if token.lower_ in TITLE_WORDS or token.lower_ in {"of", "at", "for", "and", "&", "the"} or token.is_title and token.lower_.rstrip("s") in TITLE_WORDS:
            words.append(token.text)
            j += 1
            continue
        break
    while words and words[-1].lower() in {"of", "at", "for", "and", "&", "the"}:
        words.pop()
    if not any(w.lower() in _ROLE_CORE for w in words):
        return None
    return " ".join(words), company


def _role_before(doc: Doc, ent: Span, company_at: dict[int, str]) -> tuple[str | None, str | None] | None:
    """ "OpenAI CEO Sam Altman" / "Microsoft's chief executive Satya Nadella" """
    j = ent.start - 1
    words: list[str] = []
    while j >= 0 and (doc[j].lower_ in TITLE_WORDS or doc[j].lower_ in {"and", "&"} and words):
        words.insert(0, doc[j].text)
        j -= 1
    if not words or not any(w.lower() in _ROLE_CORE for w in words):
        return None
    if j >= 0 and doc[j].text in {"'s", "’s"}:
        j -= 1
    company = company_at.get(j)
    return " ".join(words), company
