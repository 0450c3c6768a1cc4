"""The learned relation classifier: loading, obvious cases, direction, its training script and its blends."""

from __future__ import annotations

import functools
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.tokens import Span

from kb.errors import ConfigError
from kb.relations import DEFAULT_BLEND, ClassifierBlend, RelationExtractor
from kb.relclass import (
    DEFAULT_MODEL_DIR,
    LABELS,
    MODEL_DIR_ENV,
    RelationClassifier,
    RelationPrediction,
    configured_model_dir,
    find_mentions,
    locate_pair,
    pair_features,
)

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "train_relclass.py"


def _predict(nlp, classifier, text, first, second):
    doc = nlp(text)
    located = locate_pair(doc, [first], [second])
    assert located is not None, f"{first!r} or {second!r} not found in {text!r}"
    return classifier.predict(doc, *located)


def test_packaged_model_predicts_a_distribution_over_all_labels(relclass_nlp, relation_classifier):
    prediction = _predict(relclass_nlp, relation_classifier, "Acme and Globex signed a deal.", "Acme", "Globex")
    assert set(prediction.probabilities) == set(LABELS)
    assert sum(prediction.probabilities.values()) == pytest.approx(1.0, abs=1e-6)
    assert prediction.confidence == max(prediction.probabilities.values())
    assert prediction.type == max(prediction.probabilities, key=prediction.probabilities.__getitem__)


@pytest.mark.parametrize(
    ("text", "e1", "e2", "forward"),
    [
        ("Acme Corp acquired Widget Inc for $2 billion.", "Acme Corp", "Widget Inc", True),
        ("Widget Inc was acquired by Acme Corp in 2019.", "Widget Inc", "Acme Corp", False),
        ("Oracle acquired Cerner for $28 billion.", "Cerner", "Oracle", False),
    ],
)
def test_acquisition_and_its_direction(relclass_nlp, relation_classifier, text, e1, e2, forward):
    prediction = _predict(relclass_nlp, relation_classifier, text, e1, e2)
    assert prediction.type == "acquisition"
    assert prediction.forward is forward
    assert prediction.confidence > 0.5


def test_swapping_arguments_only_flips_direction(relclass_nlp, relation_classifier):
    doc = relclass_nlp("Microsoft has invested $13 billion in OpenAI.")
    microsoft, openai = locate_pair(doc, ["Microsoft"], ["OpenAI"])
    ab = relation_classifier.predict(doc, microsoft, openai)
    ba = relation_classifier.predict(doc, openai, microsoft)
    assert ab.type == ba.type == "investment"
    assert dict(ab.probabilities) == dict(ba.probabilities)
    assert ab.forward and not ba.forward


def test_partnership_is_recognised(relclass_nlp, relation_classifier):
    text = "OpenAI has announced a new partnership with Oracle to expand its capacity."
    assert _predict(relclass_nlp, relation_classifier, text, "OpenAI", "Oracle").type == "partnership"


def test_overlapping_spans_are_no_relation(relclass_nlp, relation_classifier):
    doc = relclass_nlp("Nordea Bank bought shares.")
    prediction = relation_classifier.predict(doc, doc[0:2], doc[0:1])
    assert prediction.type == "none"
    assert prediction.confidence == 1.0


def test_features_do_not_depend_on_argument_order(relclass_nlp):
    doc = relclass_nlp("Widget Inc was acquired by Acme Corp.")
    widget, acme = locate_pair(doc, ["Widget Inc"], ["Acme Corp"])
    assert pair_features(doc, widget, acme) == pair_features(doc, acme, widget)


def test_locate_pair_prefers_mentions_in_one_sentence(relclass_nlp):
    doc = relclass_nlp("Acme makes rockets. Globex sells tools. Later Acme bought Globex.")
    acme, globex = locate_pair(doc, ["Acme"], ["Globex"])
    assert acme.sent.start == globex.sent.start
    assert acme.start_char == doc.text.rindex("Acme")


def test_find_mentions_respects_word_boundaries_and_folds_case_only_as_fallback():
    nlp = spacy.blank("en")
    doc = nlp("Metaverse news: META and Meta Platforms agree.")
    assert [s.text for s in find_mentions(doc, ["Meta Platforms", "Meta"])] == ["Meta Platforms"]
    assert [s.text for s in find_mentions(doc, ["meta"])] == ["META", "Meta"]


def test_saved_model_round_trips_byte_for_byte(tmp_path):
    classifier = RelationClassifier(
        classes=["acquisition<", "acquisition>", "none"],
        features=["bias", "bl=acquire", "bl=by"],
        weights=np.array([[0, 0, 1], [2, 2, -1], [1, -1, 0]], dtype=np.float32),
        intercept=[0.0, 0.0, 0.5],
    )
    classifier.save(tmp_path / "a")
    loaded = RelationClassifier.load(tmp_path / "a")
    loaded.save(tmp_path / "b")
    for name in ("model.json", "features.txt", "weights.npy"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert loaded.class_probabilities(["bias", "bl=acquire", "bl=by"]).argmax() == 0


def test_loading_a_directory_without_a_model_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not a relation classifier model"):
        RelationClassifier.load(tmp_path)


def test_mismatched_weights_are_refused():
    with pytest.raises(ConfigError, match="weights"):
        RelationClassifier(classes=["none"], features=["a", "b"], weights=np.zeros((1, 1)), intercept=[0.0])


@functools.cache
def _load_script():
    """scripts/ is not a package: import the training script from its file, once."""
    spec = importlib.util.spec_from_file_location("train_relclass", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_relclass"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("relation", "inverted", "e1_is_source"),
    [
        ("acquired_by", 0, False),  # e2 purchases e1
        ("acquired_by", 1, True),
        ("shareholder_of", 0, True),  # e1 owns shares in e2
        ("shareholder_of", 1, False),
        ("client_of", 0, False),  # e1 is a client of e2: e2 supplies
        ("client_of", 1, True),
    ],
)
def test_core_direction_follows_invert_relation(relation, inverted, e1_is_source):
    script = _load_script()
    assert script.source_is_e1({"core_relation": relation, "invert_relation": inverted}) is e1_is_source


@pytest.mark.slow
def test_training_script_runs_end_to_end(tmp_path, shared_dir):
    train = shared_dir / "eval" / "core" / "core_train.jsonl"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--train", str(train), "--folds", "2", "--limit", "300",
         "--no-dev", "--out", str(tmp_path / "model"), "--cache", str(tmp_path / "cache"),
         "--report", str(tmp_path / "report.json")],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "2-fold cross-validation" in result.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert 0.0 < report["cv"][str(report["best_C"])]["all"]["f1"] <= 1.0
    model = RelationClassifier.load(tmp_path / "model")
    assert model.meta["passages"] > 250


def test_list_members_share_the_relation_and_are_unrelated_to_each_other(relclass_nlp):
    script = _load_script()
    doc = relclass_nlp("Greybull bought the airline Monarch, the retailer Comet and Riley's.")
    greybull, comet = locate_pair(doc, ["Greybull"], ["Comet"])
    derived = script.coordination_pairs(doc, greybull, comet, "acquisition", True)
    labels = sorted(label for label, _ in derived)
    assert "acquisition>" in labels  # Greybull → Monarch, Greybull on the left
    assert "none" in labels  # Comet and Monarch are two of Greybull's purchases
    assert "acquisition<" not in labels


def test_coordinated_pair_is_not_split_into_a_list(relclass_nlp):
    script = _load_script()
    doc = relclass_nlp("Acme and Globex formed a joint venture.")
    acme, globex = locate_pair(doc, ["Acme"], ["Globex"])
    assert script.coordination_pairs(doc, acme, globex, "partnership", True) == []


# --------------------------------------------------------------------------- held-out model, blends


def test_configured_model_dir_reads_the_environment_variable(tmp_path):
    assert configured_model_dir({}) == DEFAULT_MODEL_DIR
    assert configured_model_dir({MODEL_DIR_ENV: "  "}) == DEFAULT_MODEL_DIR
    assert configured_model_dir({MODEL_DIR_ENV: str(tmp_path)}) == tmp_path


def _tiny_model(meta: dict | None = None) -> RelationClassifier:
    return RelationClassifier(
        classes=["acquisition<", "acquisition>", "none"], features=["bias"],
        weights=np.zeros((1, 3), dtype=np.float32), intercept=[0.0, 0.0, 1.0], meta=meta,
    )


def test_pipeline_loads_the_model_named_by_the_environment(tmp_path, monkeypatch):
    _tiny_model({"trained_on": "tune half"}).save(tmp_path / "even")
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path / "even"))
    extractor = RelationExtractor(spacy.blank("en"), use_classifier=True)
    assert extractor.classifier.meta["trained_on"] == "tune half"


def test_a_missing_model_directory_leaves_the_rules_alone(tmp_path, monkeypatch):
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path / "nowhere"))
    assert RelationExtractor(spacy.blank("en"), use_classifier=True).classifier is None


def test_even_rows_are_the_tune_half_of_evaluate_fold():
    rows = [{"id": str(n)} for n in range(7)]
    script = _load_script()
    assert [r["id"] for r in script.select_rows(rows, "even")] == ["0", "2", "4", "6"]
    assert script.select_rows(rows, "all") == rows


def test_training_script_offers_the_even_rows_option():
    from click.testing import CliRunner

    result = CliRunner().invoke(_load_script().main, ["--help"])
    assert result.exit_code == 0
    assert "--rows [all|even]" in result.output


class _FixedClassifier:
    """A test double: the same prediction for every pair, given as (type, probability, forward)."""

    def __init__(self, by_pair: dict[frozenset[str], tuple[str, float, bool]]) -> None:
        self.by_pair = by_pair

    def predict(self, doc, a, b) -> RelationPrediction:
        label, p, forward = self.by_pair.get(frozenset((a.label_, b.label_)), ("none", 1.0, True))
        rest = (1 - p) / (len(LABELS) - 1)
        probabilities = {name: (p if name == label else rest) for name in LABELS}
        return RelationPrediction(probabilities=probabilities, type=label, confidence=p, forward=forward)


@pytest.fixture
def sentence():
    """'Acme bought Globex , Initech and Hooli .' with each name as a company mention."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp("Acme bought Globex , Initech and Hooli .")
    mentions = [Span(doc, i, i + 1, label=doc[i].text) for i in (0, 2, 4, 6)]
    return doc[:], mentions


def _rule(kind, source, target):
    return {"type": kind, "source": source, "target": target, "confidence": 0.9, "sentence": "", "start": 0, "end": 0}


def _blend(sentence, blend, found, by_pair, *, triggered=True):
    extractor = RelationExtractor(spacy.blank("en"), use_classifier=False)
    extractor.classifier = _FixedClassifier(by_pair)
    extractor.blend = blend
    sent, mentions = sentence
    return {(r["type"], r["source"], r["target"]) for r in extractor._with_classifier(sent, mentions, found, triggered=triggered)}


def test_add_only_fills_pairs_the_rules_left_unrelated(sentence):
    by_pair = {
        frozenset(("Acme", "Globex")): ("partnership", 0.9, True),  # the rules relate this pair already
        frozenset(("Acme", "Initech")): ("acquisition", 0.9, True),
        frozenset(("Acme", "Hooli")): ("acquisition", 0.7, True),  # below the threshold
    }
    found = [_rule("acquisition", "Acme", "Globex")]
    assert _blend(sentence, ClassifierBlend("add", 0.8), found, by_pair) == {
        ("acquisition", "Acme", "Globex"), ("acquisition", "Acme", "Initech")}
    assert _blend(sentence, ClassifierBlend("untriggered", 0.8), found, by_pair) == {("acquisition", "Acme", "Globex")}
    assert _blend(sentence, ClassifierBlend("untriggered", 0.8), [], by_pair, triggered=False) == {
        ("partnership", "Acme", "Globex"), ("acquisition", "Acme", "Initech")}


def test_a_sentence_naming_many_companies_is_left_to_the_rules(sentence):
    by_pair = {frozenset(("Acme", "Initech")): ("acquisition", 0.9, True)}
    assert _blend(sentence, ClassifierBlend("add", 0.8, max_companies=3), [], by_pair) == set()
    assert _blend(sentence, ClassifierBlend("add", 0.8, max_companies=4), [], by_pair) == {("acquisition", "Acme", "Initech")}


def test_retype_changes_or_drops_rule_relations_but_adds_none(sentence):
    by_pair = {
        frozenset(("Acme", "Globex")): ("investment", 0.9, False),  # Globex invests in Acme
        frozenset(("Acme", "Initech")): ("none", 0.95, True),
        frozenset(("Acme", "Hooli")): ("none", 0.7, True),  # not sure enough to veto
        frozenset(("Globex", "Hooli")): ("partnership", 0.99, True),
    }
    found = [_rule("acquisition", "Acme", "Globex"), _rule("acquisition", "Acme", "Initech"), _rule("acquisition", "Acme", "Hooli")]
    assert _blend(sentence, ClassifierBlend("retype", 0.8), found, by_pair) == {
        ("investment", "Globex", "Acme"), ("acquisition", "Acme", "Hooli")}


def test_the_default_blend_adds_only_directed_relations_it_is_sure_of(sentence):
    by_pair = {
        frozenset(("Acme", "Globex")): ("partnership", 0.99, True),
        frozenset(("Acme", "Initech")): ("supplier", 0.85, False),
        frozenset(("Acme", "Hooli")): ("investment", 0.75, True),
    }
    assert _blend(sentence, DEFAULT_BLEND, [], by_pair) == {("supplier", "Initech", "Acme")}
