"""A small learned relation classifier over parse features (issue #4).

Given a parsed ``Doc`` and two company spans, it says which business relation the text
states between them (one of ``RELATION_TYPES`` or ``"none"``), how sure it is, and for
directed types which span is the source. It is a multinomial logistic regression trained
on CORE's train split by ``scripts/train_relclass.py``; the weights ship in
``kb/data/relclass/`` and inference is a sparse dot product in numpy, so scikit-learn is
needed only to train.

Features are read in text order (left span, right span), never in argument order, so
``predict(doc, a, b)`` and ``predict(doc, b, a)`` see the same evidence; direction is
learned as "the left span is the source" (classes such as ``acquisition>``) and mapped
back to the caller's ``e1``. Only the tagger, parser and lemmatizer annotations are read:
the entity recogniser's labels are not, so a pipeline that rewrites ``doc.ents`` gets the
same prediction.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import numpy as np
from spacy.tokens import Doc, Span, Token

from kb.errors import ConfigError
from kb.records import RELATION_TYPES, UNDIRECTED_TYPES

log = logging.getLogger(__name__)

#: The classes a prediction spreads its probability over.
LABELS: tuple[str, ...] = (*RELATION_TYPES, "none")
DIRECTED_TYPES = frozenset(RELATION_TYPES) - UNDIRECTED_TYPES
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "data" / "relclass"
#: Names another model directory, e.g. one trained on the tune half of core_train only
#: (``scripts/train_relclass.py --rows even --out DIR``) so ``evaluate.py core --fold`` is honest.
MODEL_DIR_ENV = "NEWSKB_RELCLASS_MODEL"
#: Bumped when the features change, so an old artifact is refused rather than misread.
FEATURE_VERSION = 2

MODEL_FILE = "model.json"
FEATURES_FILE = "features.txt"
WEIGHTS_FILE = "weights.npy"

# Cues that a stated relation is only talked about (issue #4: "in talks to", "may").
_SPECULATION = frozenset(
    {"talk", "negotiate", "negotiation", "plan", "consider", "explore", "rumor", "rumour",
     "possible", "potential", "propose", "seek", "intend", "likely", "reportedly"}
)
_WINDOW = 3


def configured_model_dir(env: Mapping[str, str] | None = None) -> Path:
    """The model directory the pipeline loads: ``NEWSKB_RELCLASS_MODEL`` if set, else the packaged one."""
    value = (os.environ if env is None else env).get(MODEL_DIR_ENV, "").strip()
    return Path(value).expanduser() if value else DEFAULT_MODEL_DIR


@dataclass(frozen=True, slots=True)
class RelationPrediction:
    """What the classifier says about one pair of spans."""

    probabilities: Mapping[str, float]  #: over ``LABELS``; sums to 1
    type: str  #: the most probable label (a relation type or ``"none"``)
    confidence: float  #: probability of ``type``
    forward: bool  #: directed types: True when e1 is the source; undirected and none: True


# --------------------------------------------------------------------------- features


def _lemma(token: Token) -> str:
    return (token.lemma_ or token.text).lower().replace(" ", "_").replace("\n", "_")


def _word(token: Token) -> str:
    return token.lower_.replace(" ", "_").replace("\n", "_")


def _bucket(n: int) -> str:
    for limit in (0, 1, 2, 3, 5, 8, 12, 20):
        if n <= limit:
            return str(limit)
    return "many"


def _is_content(token: Token) -> bool:
    return not (token.is_punct or token.is_space)


def _path(head1: Token, head2: Token) -> tuple[list[Token], Token, list[Token]] | None:
    """Tokens from head1 up to the lowest common ancestor, the ancestor, and down to head2."""
    up1 = [head1, *head1.ancestors]
    index = {t.i: n for n, t in enumerate(up1)}
    up2 = [head2]
    for token in head2.ancestors:
        if up2[-1].i in index:
            break
        up2.append(token)
    if up2[-1].i not in index:
        return None  # different trees: the sentences were split between the spans
    common = up2[-1]
    return up1[: index[common.i]], common, list(reversed(up2[:-1]))


def pair_features(doc: Doc, e1: Span, e2: Span) -> list[str]:
    """Names of the binary features the classifier reads for a pair, in text order.

    The two spans must not overlap; their order as arguments does not matter.
    """
    left, right = (e1, e2) if (e1.start, e1.end) <= (e2.start, e2.end) else (e2, e1)

    def lem(token: Token) -> str:
        # The pair's own names are masked: CORE's Wikipedia names say nothing about news.
        if left.start <= token.i < left.end:
            return "<L>"
        if right.start <= token.i < right.end:
            return "<R>"
        return _lemma(token)

    feats: list[str] = ["bias"]
    between = doc[left.end : max(left.end, right.start)]
    words = [t for t in between if _is_content(t)]
    lemmas = [lem(t) for t in words]
    feats.append(f"dist={_bucket(len(words))}")
    feats.extend(f"bl={lemma}" for lemma in lemmas)
    feats.extend(f"bw={_word(t)}" for t in words)
    feats.extend(f"bb={a}_{b}" for a, b in zip(lemmas, lemmas[1:], strict=False))
    if len(lemmas) <= 4:
        feats.append(f"bseq={'_'.join(lemmas) or '<adjacent>'}")
    if lemmas:
        feats.append(f"bfirst={lemmas[0]}")
        feats.append(f"blast={lemmas[-1]}")
    punct = "".join(t.text for t in between if t.is_punct)
    feats.append(f"bpunct={punct[:4]}")
    feats.append(f"bcomma={_bucket(punct.count(','))}")
    feats.append(f"bpropn={_bucket(sum(1 for t in words if t.pos_ == 'PROPN'))}")
    feats.extend(f"bpos={t.pos_}" for t in words if t.pos_ in {"VERB", "AUX"})

    for n, token in enumerate(reversed(doc[max(0, left.start - _WINDOW) : left.start]), 1):
        if _is_content(token):
            feats.append(f"l-{n}={lem(token)}")
            feats.append(f"lwin={lem(token)}")
    for n, token in enumerate(doc[right.end : right.end + _WINDOW], 1):
        if _is_content(token):
            feats.append(f"r+{n}={lem(token)}")
            feats.append(f"rwin={lem(token)}")
    if right.end < len(doc) and doc[right.end].tag_ == "POS":
        feats.append("rposs")
    if left.end < len(doc) and doc[left.end].tag_ == "POS":
        feats.append("lposs")

    lhead, rhead = left.root, right.root
    feats.append(f"ldep={lhead.dep_}")
    feats.append(f"rdep={rhead.dep_}")
    feats.append(f"ldeph={lhead.dep_}|{lem(lhead.head)}")
    feats.append(f"rdeph={rhead.dep_}|{lem(rhead.head)}")
    feats.append(f"deps={lhead.dep_}|{rhead.dep_}")
    path = _path(lhead, rhead) if lhead.i != rhead.i else None
    context: Iterable[Token]
    if path is None:
        feats.append("nopath")
        context = between
    else:
        up, common, down = path
        feats.append(f"lca={lem(common)}")
        feats.append(f"lcagov={common.dep_}|{lem(common.head)}")
        feats.append(f"lcapos={common.pos_}")
        up_deps = [t.dep_ for t in up]
        down_deps = [t.dep_ for t in down]
        feats.append(f"pathdeps={'<'.join(up_deps)}^{'>'.join(down_deps)}")
        inner = [*up[1:], common, *down[:-1]] if down else [*up[1:], common]
        inner_lemmas = [lem(t) for t in inner if t.i != rhead.i and t.i != lhead.i]
        feats.extend(f"pl={lemma}" for lemma in inner_lemmas)
        feats.append(f"plen={_bucket(len(inner_lemmas))}")
        if len(inner_lemmas) <= 4:
            feats.append(
                f"path={'<'.join(up_deps)}|{'_'.join(inner_lemmas)}|{'>'.join(down_deps)}"
            )
        feats.append(f"lcadeps={up_deps[-1] if up_deps else '-'}|{lem(common)}|{down_deps[0] if down_deps else '-'}")
        if set(up_deps[1:]) <= {"conj"} and set(down_deps) <= {"conj"}:
            feats.append("coordinated")
        context = [*inner, *common.children]
        on_path = {t.i for t in inner} | {lhead.i, rhead.i}
        for token in inner:
            for child in token.children:
                if child.i not in on_path and child.pos_ in ("VERB", "NOUN"):
                    feats.append(f"poff={lem(child)}")
    for token in context:
        if token.dep_ == "neg":
            feats.append("neg")
        if token.tag_ == "MD":
            feats.append(f"modal={_lemma(token)}")
        if _lemma(token) in _SPECULATION:
            feats.append(f"spec={_lemma(token)}")
        for child in token.children:
            if child.dep_ == "neg":
                feats.append("neg")
            elif child.tag_ == "MD":
                feats.append(f"modal={_lemma(child)}")
            elif child.dep_ == "auxpass":
                feats.append("passive")
    return feats


# --------------------------------------------------------------------------- locating names


_WORD_CHAR = re.compile(r"\w")


def _occurrences(text: str, name: str) -> Iterator[tuple[int, int]]:
    """Character offsets of ``name`` in ``text`` on word boundaries."""
    if not name:
        return
    start = text.find(name)
    while start >= 0:
        end = start + len(name)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (_WORD_CHAR.match(before) and _WORD_CHAR.match(name[0])) and not (
            _WORD_CHAR.match(after) and _WORD_CHAR.match(name[-1])
        ):
            yield start, end
        start = text.find(name, start + 1)


def find_mentions(doc: Doc, names: Iterable[str]) -> list[Span]:
    """Spans of ``doc`` where any of ``names`` occurs (longest names first, no overlaps).

    Case is matched exactly first and folded only when no exact occurrence exists.
    """
    ordered = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    for fold in (False, True):
        text = doc.text.casefold() if fold else doc.text
        taken: list[Span] = []
        for name in ordered:
            needle = name.casefold() if fold else name
            if fold and len(needle) != len(name):
                continue  # casefold changed the length: offsets would not line up
            for start, end in _occurrences(text, needle):
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is None or len(span) == 0:
                    continue
                if any(span.start < t.end and t.start < span.end for t in taken):
                    continue
                taken.append(span)
        if taken:
            return sorted(taken, key=lambda s: s.start)
    return []


def locate_pair(doc: Doc, names1: Sequence[str], names2: Sequence[str]) -> tuple[Span, Span] | None:
    """The closest non-overlapping mentions of two companies, preferring one sentence.

    Returns ``(span1, span2)`` in argument order, or None when either is not found.
    """
    spans1 = find_mentions(doc, names1)
    spans2 = find_mentions(doc, names2)
    best: tuple[tuple[int, int], Span, Span] | None = None
    for s1 in spans1:
        for s2 in spans2:
            if s1.start < s2.end and s2.start < s1.end:
                continue
            gap = s2.start - s1.end if s1.start < s2.start else s1.start - s2.end
            cross = 0 if _same_sentence(s1, s2) else 1
            key = (cross, gap)
            if best is None or key < best[0]:
                best = (key, s1, s2)
    return None if best is None else (best[1], best[2])


def _same_sentence(a: Span, b: Span) -> bool:
    doc = a.doc
    if not (doc.has_annotation("SENT_START") or doc.has_annotation("DEP")):
        return True
    return a.sent.start == b.sent.start


# --------------------------------------------------------------------------- the model


def joint_label(relation_type: str, *, source_is_left: bool) -> str:
    """The training class: directed types carry which side is the source (``>`` = left)."""
    if relation_type in DIRECTED_TYPES:
        return f"{relation_type}{'>' if source_is_left else '<'}"
    return relation_type


class RelationClassifier:
    """Scores the relation a document states between two company spans."""

    def __init__(
        self,
        *,
        classes: Sequence[str],
        features: Sequence[str],
        weights: np.ndarray,
        intercept: Sequence[float],
        meta: Mapping[str, object] | None = None,
    ) -> None:
        if weights.shape != (len(features), len(classes)):
            raise ConfigError(
                f"relation classifier: weights are {weights.shape}, expected "
                f"({len(features)}, {len(classes)})"
            )
        unknown = {c.rstrip("<>") for c in classes} - set(LABELS)
        if unknown:
            raise ConfigError(f"relation classifier: unknown classes {sorted(unknown)}")
        self.classes = tuple(classes)
        self.index = {name: n for n, name in enumerate(features)}
        self.weights = np.asarray(weights, dtype=np.float32)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.meta = dict(meta or {})

    @classmethod
    def load(cls, path: Path | None = None) -> RelationClassifier:
        """Read a model written by ``save``; default: the one packaged in kb/data/relclass/."""
        directory = Path(path) if path is not None else DEFAULT_MODEL_DIR
        try:
            meta = json.loads((directory / MODEL_FILE).read_text(encoding="utf-8"))
            features = (directory / FEATURES_FILE).read_text(encoding="utf-8").split("\n")
            weights = np.load(directory / WEIGHTS_FILE, allow_pickle=False)
        except (OSError, ValueError) as e:
            raise ConfigError(f"{directory}: not a relation classifier model: {e}") from e
        if meta.get("feature_version") != FEATURE_VERSION:
            raise ConfigError(
                f"{directory}: relation classifier built for feature version "
                f"{meta.get('feature_version')}, this code reads {FEATURE_VERSION}; retrain it"
            )
        if features and features[-1] == "":
            features.pop()
        return cls(
            classes=meta["classes"],
            features=features,
            weights=weights,
            intercept=meta["intercept"],
            meta=meta,
        )

    def save(self, path: Path) -> None:
        """Write the model as three plain files; the same model writes the same bytes."""
        path.mkdir(parents=True, exist_ok=True)
        features = sorted(self.index, key=self.index.__getitem__)
        meta = {
            **self.meta,
            "feature_version": FEATURE_VERSION,
            "classes": list(self.classes),
            "intercept": [round(float(x), 6) for x in self.intercept],
        }
        (path / MODEL_FILE).write_text(
            json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        (path / FEATURES_FILE).write_text("\n".join(features) + "\n", encoding="utf-8")
        np.save(path / WEIGHTS_FILE, self.weights.astype(np.float32), allow_pickle=False)

    def class_probabilities(self, feats: Iterable[str]) -> np.ndarray:
        """Probabilities over ``self.classes`` for a bag of feature names."""
        rows = sorted({self.index[f] for f in feats if f in self.index})
        logits = self.intercept + self.weights[rows].sum(axis=0, dtype=np.float64)
        logits -= logits.max()
        exp = np.exp(logits)
        return exp / exp.sum()

    def type_probabilities(self, feats: Sequence[str]) -> tuple[dict[str, float], dict[str, float]]:
        """Probabilities per label, and per directed type the part that says "left is source".

        Negation and speculation cues are features like any other, not a rule on top:
        moving their mass to ``none`` lowered both CV (0.628 → 0.616) and dev, since the
        gold data states relations under "would", "negotiated" or "plans" as often as not.
        The pipeline's own rules decide what "in talks to" means.
        """
        scores = self.class_probabilities(feats)
        by_type = dict.fromkeys(LABELS, 0.0)
        left_source = dict.fromkeys(DIRECTED_TYPES, 0.0)
        for name, p in zip(self.classes, scores, strict=True):
            base = name.rstrip("<>")
            by_type[base] += float(p)
            if name.endswith(">"):
                left_source[base] += float(p)
        return by_type, left_source

    def predict(self, doc: Doc, e1: Span, e2: Span) -> RelationPrediction:
        """The relation the text states between e1 and e2 (spans of ``doc``).

        Overlapping spans cannot be two companies: they get ``none`` with confidence 1.
        """
        if e1.start < e2.end and e2.start < e1.end:
            probabilities = {label: 0.0 for label in LABELS}
            probabilities["none"] = 1.0
            return RelationPrediction(MappingProxyType(probabilities), "none", 1.0, True)
        by_type, left_source = self.type_probabilities(pair_features(doc, e1, e2))
        best = max(LABELS, key=lambda label: (by_type[label], label == "none"))
        forward = True
        if best in DIRECTED_TYPES and by_type[best] > 0:
            source_is_left = left_source[best] / by_type[best] >= 0.5
            e1_is_left = (e1.start, e1.end) <= (e2.start, e2.end)
            forward = source_is_left == e1_is_left
        return RelationPrediction(MappingProxyType(by_type), best, by_type[best], forward)


__all__ = [
    "DEFAULT_MODEL_DIR",
    "LABELS",
    "RelationClassifier",
    "RelationPrediction",
    "find_mentions",
    "joint_label",
    "locate_pair",
    "pair_features",
]
