"""The learned relation classifier: loading, obvious cases, direction, and its training script."""

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

from kb.errors import ConfigError
from kb.relclass import LABELS, RelationClassifier, find_mentions, locate_pair, pair_features

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
