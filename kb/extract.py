"""Text -> ``Extraction``: companies, mentions, products, people and relations.

The whole extraction runs inside the spaCy pipeline (see ``kb.nlp``), whose last component
leaves plain data in ``doc.user_data``; that data crosses process boundaries with
``n_process`` and is turned into frozen records here. Same text and gazetteer, same output.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO, TypeVar

from spacy.language import Language
from spacy.tokens import Doc

from kb.config import ExtractSettings
from kb.errors import ParseError
from kb.records import (
    Company,
    DealTerms,
    Extraction,
    KnownCompany,
    Mention,
    PersonRole,
    Product,
    Relation,
    document_text,
)

log = logging.getLogger(__name__)

#: Stored per article; bump whenever the output for the same text can change.
EXTRACTOR_VERSION = "2026.11.25-12"
#: Longer documents are cut: spaCy's parser needs ~1 GB per 100k characters; news is shorter.
MAX_CHARS = 100_000

K = TypeVar("K")


class Extractor:
    """Extracts companies and their relations from news text with one reusable pipeline."""

    def __init__(self, settings: ExtractSettings | None = None, *, known_companies: Iterable[KnownCompany] = ()) -> None:
        from kb.nlp import get_pipeline

        self.settings = settings or ExtractSettings()
        self.nlp: Language = get_pipeline(self.settings.model, known_companies=known_companies)

    def extract(self, text: str, *, title: str | None = None) -> Extraction:
        """One document; offsets refer to ``document_text(title, text)``."""
        return to_extraction(self.nlp(_prepare(document_text(title, text or ""))))

    def extract_many(
        self,
        items: Iterable[tuple[K, str | None, str]],
        *,
        batch_size: int | None = None,
        n_process: int | None = None,
    ) -> Iterator[tuple[K, Extraction]]:
        """(key, title, text) items in, (key, Extraction) out, in the same order.

        With ``n_process`` > 1 on a platform that can fork, each worker runs ``nlp.pipe`` on a
        batch and sends back only the small Extraction records: spaCy's own ``n_process`` ships
        whole Docs back to this process, which then becomes the bottleneck (1.17x with two
        processes against 1.5x for a raw model on the same machine).
        """
        size = batch_size or self.settings.batch_size
        procs = n_process or self.settings.n_process
        pairs = ((_prepare(document_text(title, text or "")), key) for key, title, text in items)
        if procs > 1 and "fork" in multiprocessing.get_all_start_methods():
            yield from _extract_forked(self.nlp, pairs, batch_size=size, n_process=procs)
            return
        for doc, key in self.nlp.pipe(pairs, as_tuples=True, batch_size=size, n_process=procs):
            yield key, to_extraction(doc)


_FORKED_NLP: Language | None = None  #: the pipeline forked workers inherit (set just before forking)


def _extract_forked(
    nlp: Language, pairs: Iterable[tuple[str, K]], *, batch_size: int, n_process: int
) -> Iterator[tuple[K, Extraction]]:
    global _FORKED_NLP
    _FORKED_NLP = nlp
    with multiprocessing.get_context("fork").Pool(n_process) as pool:
        for results in pool.imap(_extract_batch, _batches(pairs, batch_size)):
            yield from results


def _batches(pairs: Iterable[tuple[str, K]], size: int) -> Iterator[list[tuple[str, K]]]:
    batch: list[tuple[str, K]] = []
    for pair in pairs:
        batch.append(pair)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _extract_batch(batch: list[tuple[str, K]]) -> list[tuple[K, Extraction]]:
    """Runs in a forked worker: the whole pipeline, then only records travel back."""
    assert _FORKED_NLP is not None
    return [(key, to_extraction(doc)) for doc, key in _FORKED_NLP.pipe(batch, as_tuples=True, batch_size=len(batch))]


def _prepare(text: str) -> str:
    if len(text) > MAX_CHARS:
        log.warning("document of %d characters cut to %d for extraction", len(text), MAX_CHARS)
        return text[:MAX_CHARS]
    return text


def to_extraction(doc: Doc) -> Extraction:
    """The pipeline's plain result as records."""
    data: dict[str, Any] = doc.user_data.get("newskb") or {}
    companies = [
        Company(name=c["name"], aliases=tuple(c.get("aliases", ())), ticker=c.get("ticker"))
        for c in data.get("companies", [])
    ]
    # A relation may name a company no company rule listed ("changed its name to MyEdu"): every
    # company party of a relation is one of the article's companies.
    # An outlet that deals (kb.relations) is such a party, and no longer an other organisation.
    named = {c.name for c in companies}
    for r in data.get("relations", []):
        for side in ("source", "target"):
            if r.get("org_side") != side and r[side] not in named:
                named.add(r[side])
                companies.append(Company(name=r[side]))
    return Extraction(
        companies=tuple(companies),
        mentions=tuple(Mention(**m) for m in data.get("mentions", [])),
        relations=tuple(
            Relation(
                type=r["type"],
                source=r["source"],
                target=r["target"],
                sentence=r["sentence"],
                start=r["start"],
                end=r["end"],
                confidence=r["confidence"],
                terms=DealTerms(**r.get("terms", {})),
                org_side=r.get("org_side"),
            )
            for r in data.get("relations", [])
        ),
        products=tuple(Product(**p) for p in data.get("products", [])),
        people=tuple(PersonRole(**p) for p in data.get("people", [])),
        other_orgs=tuple(name for name in data.get("other_orgs", ()) if name not in named),
    )


def prediction(doc_id: str, extraction: Extraction) -> dict[str, Any]:
    """The prediction format of ../shared/eval/README.md, with evidence and attributes."""
    return {
        "id": doc_id,
        "companies": [c.name for c in extraction.companies],
        "relations": [
            {
                "type": r.type,
                "source": r.source,
                "target": r.target,
                "evidence": r.sentence,
                "start": r.start,
                "end": r.end,
                "confidence": r.confidence,
                "attributes": r.terms.as_dict(),
                **({"org_side": r.org_side} if r.org_side else {}),
            }
            for r in extraction.relations
        ],
        "aliases": {c.name: list(c.aliases) for c in extraction.companies if c.aliases},
        "products": [{"name": p.name, "owner": p.owner} for p in extraction.products],
        "people": [{"name": p.name, "title": p.title, "company": p.company} for p in extraction.people],
        "other_orgs": list(extraction.other_orgs),
    }


def read_documents(path: Path) -> list[tuple[str, str | None, str]]:
    """(id, title, text) of each line of a JSONL file; ParseError names the bad line."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ParseError(str(path), f"cannot read: {e.strerror}") from e
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError as e:
        raise ParseError(str(path), f"not UTF-8 (byte {e.start})") from e
    docs: list[tuple[str, str | None, str]] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise ParseError(f"{path}:{n}", f"not JSON: {e.msg}") from e
        if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("text"), str):
            raise ParseError(f"{path}:{n}", 'expected an object with "id" and "text"')
        title = row.get("title")
        docs.append((str(row["id"]), title if isinstance(title, str) else None, row["text"]))
    return docs


def write_predictions(
    extractor: Extractor,
    docs: list[tuple[str, str | None, str]],
    output: TextIO,
    *,
    batch_size: int | None = None,
    n_process: int | None = None,
    on_done: Callable[[str], None] | None = None,
) -> int:
    """Extract ``docs`` and write one prediction line each to ``output``; returns the count."""
    count = 0
    for doc_id, extraction in extractor.extract_many(docs, batch_size=batch_size, n_process=n_process):
        output.write(json.dumps(prediction(doc_id, extraction), ensure_ascii=False) + "\n")
        count += 1
        if on_done is not None:
            on_done(doc_id)
    return count
