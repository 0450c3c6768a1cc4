"""How fast extractions are stored, and whether it stays flat as the knowledge base grows.

Synthetic, no model: each article mentions 6 companies drawn from a pool (some under a
legal-suffix variant, so resolution does real work) with 3 relations and a product. The
articles are stored in rounds through ``extract_articles`` (one transaction per batch);
the report gives articles/s per round and the ratio of the last round's per-article time
to the first's (≈ 1 means storing does not slow down as the KB fills up). The last line
times re-extracting a sample of already stored articles (replacing their rows).

    .venv/bin/python benchmarks/store_bench.py [--rounds 5] [--per-round 2000] [--pool 5000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb.config import ExtractSettings, Settings  # noqa: E402
from kb.db import open_db  # noqa: E402
from kb.records import Company, Extraction, Mention, Product, Relation  # noqa: E402
from kb.store import extract_articles  # noqa: E402

TYPES = ("partnership", "investment", "acquisition", "supplier", "competitor")
SUFFIXES = ("", " Inc.", " Corp.", " Group")


class SyntheticExtractor:
    """Answers every article with a random, reproducible Extraction."""

    version = "bench-1"

    def __init__(self, pool: int, seed: int) -> None:
        self.pool = pool
        self.seed = seed

    def extract_many(self, items, *, batch_size=None, n_process=None):
        for key, _title, text in items:
            rng = random.Random(self.seed * 1_000_003 + key)
            names = [f"Company {rng.randrange(self.pool)}" for _ in range(6)]
            names = list(dict.fromkeys(names))
            companies, mentions = [], []
            for i, name in enumerate(names):
                surface = name + rng.choice(SUFFIXES)
                companies.append(Company(name=name, aliases=(surface,) if surface != name else ()))
                mentions.append(Mention(company=name, surface=surface, start=i * 40, end=i * 40 + len(surface)))
            relations = []
            for i in range(min(3, len(names) - 1)):
                relations.append(
                    Relation(type=rng.choice(TYPES), source=names[i], target=names[i + 1], sentence=text[:120],
                             start=i * 40, end=i * 40 + 120, confidence=rng.random())
                )  # fmt: skip
            products = (Product(name=f"Product {rng.randrange(self.pool)}", owner=names[0]),)
            yield key, Extraction(companies=tuple(companies), mentions=tuple(mentions), relations=tuple(relations),
                                  products=products)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-round", type=int, default=2000)
    parser.add_argument("--pool", type=int, default=5000, help="distinct companies")
    args = parser.parse_args()
    settings = Settings(extract=ExtractSettings(batch_size=64))
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.sqlite")
        extractor = SyntheticExtractor(args.pool, seed=1)
        per_article = []
        next_id = 1
        for round_no in range(1, args.rounds + 1):
            rows = [
                {"url": f"https://bench.example/{i}", "title": f"Article {i}", "text": "Synthetic text. " * 40,
                 "published_at": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T00:00:00+00:00",
                 "fetched_at": "2026-01-01T00:00:00+00:00"}
                for i in range(next_id, next_id + args.per_round)
            ]  # fmt: skip
            db["articles"].insert_all(rows)
            next_id += args.per_round
            start = time.perf_counter()
            stats = extract_articles(db, settings=settings, extractor=extractor)
            elapsed = time.perf_counter() - start
            per_article.append(elapsed / stats.articles)
            print(
                f"round {round_no}: {stats.articles} articles in {elapsed:.2f}s = {stats.articles / elapsed:.0f} articles/s "
                f"(KB: {db['companies'].count} companies, {db['relations'].count} relations, {db['evidence'].count} evidence)"
            )
        print(f"last/first round time per article: {per_article[-1] / per_article[0]:.2f}")
        sample = random.Random(7).sample(range(1, next_id), k=min(1000, next_id - 1))
        start = time.perf_counter()
        stats = extract_articles(db, settings=settings, extractor=SyntheticExtractor(args.pool, seed=2), article_ids=sample)
        elapsed = time.perf_counter() - start
        print(f"re-extract {stats.articles} stored articles: {stats.articles / elapsed:.0f} articles/s")
        db.close()


if __name__ == "__main__":
    main()
