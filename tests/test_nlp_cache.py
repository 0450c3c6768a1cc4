"""The pipeline cache: reused per known-company set, and bounded."""

from __future__ import annotations

import spacy

from kb import nlp as kbnlp
from kb.records import KnownCompany


def test_pipeline_cache_keeps_only_the_most_recent_sets(monkeypatch):
    monkeypatch.setattr(kbnlp, "load_model", lambda model: spacy.blank("en"))
    monkeypatch.setattr(kbnlp, "_cache", type(kbnlp._cache)())
    sets = [(KnownCompany(f"Company {n}"),) for n in range(kbnlp.MAX_CACHED_PIPELINES + 2)]
    first = kbnlp.get_pipeline("test-model", known_companies=sets[0])
    assert kbnlp.get_pipeline("test-model", known_companies=sets[0]) is first
    for known in sets[1:]:
        kbnlp.get_pipeline("test-model", known_companies=known)
    assert len(kbnlp._cache) == kbnlp.MAX_CACHED_PIPELINES
    assert kbnlp.get_pipeline("test-model", known_companies=sets[-1]) is not first
