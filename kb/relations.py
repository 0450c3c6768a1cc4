"""Relations between the companies of a sentence: trigger lexicon + dependency paths.

For each sentence with two or more companies, every pair of mentions is linked through the
parse: the pair is related when a trigger word of ``data/relation_triggers.toml`` lies on
the dependency path between them, or hangs at most two arcs off it. The trigger gives the
type; each company's grammatical role towards the trigger (subject, object, "by", "from",
"in", "to", possessor...) gives the direction, with passive voice and "inverse" triggers
("raised from", "buys from", "selects") swapping it. Coordinated companies ("Kleiner
Perkins, Google Ventures and MUIP led the round") share the role of the first conjunct.

Not every company near a trigger is its party: a trigger with its own parties named on it
binds them (the possessor and object of "Amazon's purchase of Whole Foods", the parents in
"General Electric-Safran joint venture"); a gerund or an adverbial clause with a subject of
its own, and what is said of a person, keep their companies to themselves; the seller
after "from", the owner in "Intel's Mobileye" and a company's own parent are no parties;
two companies that both undergo (or both do) what the triggers say are not each other's.

Negation on the trigger drops the relation; speculation ("in talks to", "may", "plans
to") cuts the confidence below the output threshold.

A few passage-level patterns of company profiles (CORE, Wikipedia) are read outside the
trigger paths: "X became part of Y" (Y acquired X), a party list that a colon split into a
sentence of its own ("Dubway's clients have included: HBO, ..."), an unowned party list
("Other investors include X", "Among the investors were X"), which belongs to the company the
passage is about, and "X was founded as a joint venture between A and B" (A and B hold X).
Rivalry is also read from contest and comparison frames with no rivalry word ("battles
SpaceX", "is up against", "lost market share to", "the largest retailer after"), kept as data
in ``[competitor_frames]``.
The members of a named consortium ("the Osprey Consortium, made up of A, B and C") take the
consortium's part in its deals.

Other organisations (``doc.spans["newskb_other_orgs"]``: universities, agencies, public
bodies) are parties too, on the side they can take (``kb.records.ORGANISATION_SIDES``): a
partner ("KP Technology has partnered with Harvard University"), the customer of a supplier ("won a
contract for back-office services from the Department of Health"), an investor ("the Bill &
Melinda Gates Foundation announced a $40 million investment in Immunocore"). Such a relation
names the organisation as the text gives it and says which side it is on (``org_side``).
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from kb.companies import (
    COMPANIES_KEY,
    GAZETTEER_KEY,
    OTHER_ORGS_KEY,
    RESULT_KEY,
    TITLE_WORDS,
    first_conjunct,
    other_org_rules,
    surface_lists,
)
from kb.deal_terms import deal_terms
from kb.lexicon import word_class
from kb.nlp import per_document
from kb.records import ORGANISATION_SIDES

log = logging.getLogger(__name__)

#: Relations below this confidence are not output (chosen on dev + core_train; see design notes).
MIN_CONFIDENCE = 0.5
DIRECTED = ("investment", "acquisition", "supplier")
#: Triggers that only mean the type when the sentence is about money or a deal.
_CONTEXTUAL = {
    "investment": {"hold", "put", "lead", "led", "co-lead", "head", "spearhead", "participate", "participation", "round", "series", "seed", "capital",
                   "equity", "own", "owner", "portfolio", "back", "fund", "contribution", "close", "get", "bring", "net", "land",
                   "receive", "secure", "attract", "obtain", "garner", "bag", "inject", "injection"},
    "supplier": {"customer", "use", "deploy", "adopt", "install", "instal", "select", "choose", "tap", "run", "power", "build", "host", "offer",
                 "serve", "produce", "manufacture", "order", "source", "contract", "contractor", "equip", "license",
                 "sell", "distribute", "distributor", "client", "furnish", "outsource", "develop", "design", "create",
                 "hire", "commission", "engage", "retain", "carry", "stock", "available", "employ", "appoint"},
    "partnership": {"agreement", "pact", "relationship", "together", "work", "team", "venture", "joint",
                    "integrate", "integration", "license", "licensing", "memorandum", "mou", "deal with", "agreement with"},
    "acquisition": {"pay", "snap", "absorb", "swallow"},
    "competitor": {"peer", "competition", "competitive", "contend"},
}
_MONEY_WORDS = word_class("money_words")
_DEAL_WORDS = word_class("deal_words")
_TELLING_VERBS = word_class("telling_verbs")  #: "told Reuters": the listener is no party
#: Verbs of helping someone with their own affair: "advised Broadcom on its acquisition of VMware".
_ADVISING_VERBS = word_class("advising_verbs")
#: Verbs that only carry a relation noun: "signed a deal", "formed a partnership".
_LIGHT_VERBS = word_class("light_verbs")
#: Nouns a supplier word may modify and still name a supply: "a supply deal", "delivery contract".
_DEAL_NOUNS = word_class("deal_nouns")
_SKIP_PREPS = {"as", "including", "like", "among", "such"}
_SPEC_AUX = {"may", "might", "could", "should"}
_MAX_DETOUR = 4  #: arcs a trigger may lie off the path between the two companies
#: Blending with kb.relclass (off by default: no blend raised core's held-out half by 0.02
#: without lowering dev relation F1 by more than 0.005; see docs/design-notes.md).
_RULE_WEIGHT = 0.6
_AGREE_BONUS = 0.0
_CLASSIFIER_ALONE = 0.7
_ALONE_SCALE = 0.8
_MAX_ARM = 5  #: arcs from the trigger to either company (one more for a specific trigger on the path
#: between them: "was working with 75% of Canada's gaming jurisdictions including X, Y")


@dataclass(frozen=True, slots=True)
class TriggerLexicon:
    """The trigger words, kept as data in ``data/relation_triggers.toml``."""

    by_lemma: dict[str, tuple[tuple[str, bool], ...]]  #: lemma -> ((type, inverse), ...)
    negation: frozenset[str]
    speculation: frozenset[str]
    phrases: tuple[tuple[str, str, bool], ...]  #: (phrase, type, inverse)


@cache
def trigger_lexicon() -> TriggerLexicon:
    data = tomllib.loads(resources.files("kb").joinpath("data/relation_triggers.toml").read_text(encoding="utf-8"))
    by_lemma: dict[str, list[tuple[str, bool]]] = {}
    phrases: list[tuple[str, str, bool]] = []
    for rel_type in ("acquisition", "investment", "supplier", "competitor", "partnership"):
        section = data[rel_type]
        inverse = {w.lower() for w in section.get("inverse", [])}
        for word in [*section["lemmas"], *inverse]:
            word = word.lower()
            entry = (rel_type, word in inverse)
            if entry not in by_lemma.setdefault(word, []):
                by_lemma[word].append(entry)
        for phrase in section.get("phrases", []):
            phrases.append((phrase.lower(), rel_type, phrase.split()[0].lower() in inverse))
    cues = data["cues"]
    return TriggerLexicon(
        by_lemma={k: tuple(v) for k, v in by_lemma.items()},
        negation=frozenset(w.lower() for w in cues["negation"]),
        speculation=frozenset(w.lower() for w in cues["speculation"]),
        phrases=tuple(phrases),
    )


@dataclass(frozen=True, slots=True)
class _Trigger:
    token: Token
    type: str
    inverse: bool
    specific: bool
    #: the only companies the trigger may relate, when its frame names both sides ("made by X with Y")
    parties: frozenset[str] | None = None


@Language.factory("newskb_relation_extractor", requires=["doc.spans"], default_config={"use_classifier": False})
def make_relation_extractor(nlp: Language, name: str, use_classifier: bool) -> RelationExtractor:
    return RelationExtractor(nlp, use_classifier=use_classifier)


def _load_classifier() -> Any:
    """The relation classifier of kb.relclass (NEWSKB_RELCLASS_MODEL or the packaged one); None if missing."""
    from kb import relclass
    from kb.errors import ConfigError

    directory = relclass.configured_model_dir()
    if not (directory / relclass.MODEL_FILE).is_file():
        log.warning("relation classifier model missing in %s: rules only", directory)
        return None
    try:
        return relclass.RelationClassifier.load(directory)
    except ConfigError as e:
        log.warning("relation classifier not usable (%s): rules only", e)
        return None


@dataclass(frozen=True, slots=True)
class ClassifierBlend:
    """How ``_with_classifier`` uses the classifier's opinion of a same-sentence pair.

    ``blend`` re-scores rule relations and adds pairs it is sure of; ``add`` only adds a
    relation for a pair the rules left without any ("Mannesmann, later part of Vodafone"
    with no trigger on the path); ``untriggered`` adds only in sentences with no trigger
    at all; ``retype`` never adds, only re-types or drops a rule relation.
    """

    mode: str = "blend"  #: blend | add | untriggered | retype
    threshold: float = _CLASSIFIER_ALONE  #: classifier probability needed to add, re-type or drop
    max_companies: int | None = None  #: leave sentences naming more companies to the rules
    types: frozenset[str] | None = None  #: relation types it may add or re-type to (None: all)


#: What NEWSKB_RELCLASS=1 does: add only directed relations the rules missed, at p >= 0.8.
#: Held out (model trained on core_train's even rows): core[check] 0.397 -> 0.415, dev
#: relation F1 0.670 -> 0.667 (0.667 with the shipped model too). Undirected additions are
#: left out: "partnership" is what it says of any two companies a news sentence names together.
DEFAULT_BLEND = ClassifierBlend(mode="add", threshold=0.8, types=frozenset({"acquisition", "investment", "supplier"}))


class RelationExtractor:
    """Adds ``relations`` and ``mentions`` to ``doc.user_data["newskb"]``."""

    def __init__(self, nlp: Language, *, use_classifier: bool = True) -> None:
        self.lexicon = trigger_lexicon()
        # Trigger phrases match as written or by lemma ("teamed up" for "team up"). PhraseMatchers,
        # not a token Matcher: the same matches (ordered as the Matcher did: by span, then by
        # phrase in lexicon order) at a fiftieth of the cost.
        self.phrase_order: dict[int, int] = {}
        self.phrase_matchers = (PhraseMatcher(nlp.vocab, attr="LOWER"), PhraseMatcher(nlp.vocab, attr="LEMMA"))
        for phrase, rel_type, inverse in self.lexicon.phrases:
            words = phrase.split()
            key = f"{rel_type}|{int(inverse)}|{phrase}"
            self.phrase_order.setdefault(nlp.vocab.strings.add(key), len(self.phrase_order))
            self.phrase_matchers[0].add(key, [Doc(nlp.vocab, words=words)])
            self.phrase_matchers[1].add(key, [Doc(nlp.vocab, words=words, lemmas=words)])

        self.classifier = _load_classifier() if use_classifier else None
        self.blend = DEFAULT_BLEND

    def _with_classifier(
        self, sent: Span, mentions: list[Span], found: list[dict[str, Any]], *, triggered: bool = True
    ) -> list[dict[str, Any]]:
        """Blend the rules with the learned classifier (kb.relclass) as ``self.blend`` says."""
        assert self.classifier is not None
        blend = self.blend
        if blend.max_companies is not None and len({m.label_ for m in mentions}) > blend.max_companies:
            return found
        if blend.mode == "untriggered" and triggered:
            return found
        closest: dict[tuple[str, str], tuple[Span, Span]] = {}
        for i, a in enumerate(mentions):
            for b in mentions[i + 1:]:
                if a.label_ == b.label_:
                    continue
                key = tuple(sorted((a.label_, b.label_)))
                gap = abs(a.start - b.start)
                prev = closest.get(key)  # type: ignore[arg-type]
                if prev is None or abs(prev[0].start - prev[1].start) > gap:
                    closest[key] = (a, b)  # type: ignore[index]
        predictions = {key: (self.classifier.predict(sent.doc, a, b), a, b) for key, (a, b) in closest.items()}
        out = []
        covered: set[Any] = set()  #: (type, pair) and bare pairs the rules relate
        for rel in found:
            key = tuple(sorted((rel["source"], rel["target"])))
            pred = predictions.get(key)  # type: ignore[arg-type]
            if pred is not None and blend.mode == "blend":
                p = pred[0].probabilities.get(rel["type"], 0.0)
                rel = {**rel, "confidence": round(_RULE_WEIGHT * rel["confidence"] + (1 - _RULE_WEIGHT) * (p + _AGREE_BONUS * (p > 0.3)), 3)}
            elif pred is not None and blend.mode == "retype" and pred[0].confidence >= blend.threshold:
                if pred[0].type == "none":
                    continue  # a veto: the classifier is sure the sentence states nothing
                if pred[0].type != rel["type"] and (blend.types is None or pred[0].type in blend.types):
                    source, target = (pred[1], pred[2]) if pred[0].forward else (pred[2], pred[1])
                    rel = {**rel, "type": pred[0].type, "source": source.label_, "target": target.label_}
            covered.add((rel["type"], key))
            covered.add(key)
            out.append(rel)
        if blend.mode == "retype":
            return out
        for key, (pred, a, b) in predictions.items():
            if pred.type == "none" or pred.confidence < blend.threshold or (pred.type, key) in covered:
                continue
            if blend.mode != "blend" and key in covered:
                continue  # the rules already relate this pair
            if blend.types is not None and pred.type not in blend.types:
                continue
            source, target = (a, b) if pred.forward else (b, a)
            confidence = pred.confidence * _ALONE_SCALE
            if blend.mode != "blend":  # past the threshold is kept, below any rule relation
                confidence = max(confidence, MIN_CONFIDENCE)
            out.append({
                "type": pred.type, "source": source.label_, "target": target.label_, "sentence": sent.text.strip(),
                "start": sent.start_char, "end": sent.end_char, "confidence": round(confidence, 3),
                "trigger": None, "terms": deal_terms(sent) if pred.type != "competitor" else {},
            })
        return out

    def __call__(self, doc: Doc) -> Doc:
        data: dict[str, Any] = doc.user_data.setdefault(RESULT_KEY, {})
        mentions = list(doc.spans[COMPANIES_KEY]) if COMPANIES_KEY in doc.spans else []
        data["mentions"] = [
            {"company": m.label_, "surface": m.text, "start": m.start_char, "end": m.end_char} for m in mentions
        ]
        orgs = [Span(doc, s.start, s.end, label=s.label_, kb_id=_ORG) for s in doc.spans.get(OTHER_ORGS_KEY, [])]
        data["relations"] = list(self.extract(doc, mentions, orgs=orgs))
        # Everything downstream reads user_data["newskb"]: drop what would only be shipped back
        # from n_process workers (the tok2vec tensor, the raw gazetteer matches).
        doc.spans.pop(GAZETTEER_KEY, None)
        doc.tensor = numpy.zeros((0, 0), dtype="float32")
        return doc

    def extract(self, doc: Doc, mentions: list[Span], *, orgs: Sequence[Span] = ()) -> Iterator[dict[str, Any]]:
        """Relations between company mentions, and between a company and an other organisation (``orgs``)."""
        best: dict[tuple[str, str, str], dict[str, Any]] = {}
        by_sent: dict[int, list[Span]] = {}
        for m in mentions:
            by_sent.setdefault(m.sent.start, []).append(m)
        for m in _resolve_references(doc, mentions):
            by_sent.setdefault(m.sent.start, []).append(m)
        for m in orgs:
            by_sent.setdefault(m.sent.start, []).append(m)
        org_names = {m.label_ for m in orgs}
        for ms in by_sent.values():
            ms.sort(key=lambda m: m.start)
        phrase_hits: dict[int, list[_Trigger]] = {}
        if any(len({m.label_ for m in ms}) > 1 for ms in by_sent.values()):
            matches = {m for matcher in self.phrase_matchers for m in matcher(doc)}
            for match_id, start, end in sorted(matches, key=lambda m: (m[1], m[2], self.phrase_order[m[0]])):
                rel_type, inverse, phrase = doc.vocab.strings[match_id].split("|", 2)
                span = doc[start:end]
                trigger = _Trigger(span.root, rel_type, inverse == "1", phrase not in _CONTEXTUAL.get(rel_type, ()))
                phrase_hits.setdefault(span.sent.start, []).append(trigger)
        for sent_start, sent_mentions in by_sent.items():
            if len({m.label_ for m in sent_mentions}) < 2:
                continue
            sent = sent_mentions[0].sent
            triggers = self._triggers(sent, sent_mentions) + phrase_hits.get(sent_start, [])
            found = list(self._sentence_relations(sent, sent_mentions, triggers)) if triggers else []
            if self.classifier is not None:
                found = self._with_classifier(sent, sent_mentions, found, triggered=bool(triggers))
            found = _with_members(found, _group_members(sent_mentions))
            for rel in found:
                if rel["confidence"] < MIN_CONFIDENCE:
                    continue
                key = (rel["type"], rel["source"], rel["target"])
                if rel["type"] in ("partnership", "competitor"):
                    key = (rel["type"], *sorted((rel["source"], rel["target"])))
                if key not in best or best[key]["confidence"] < rel["confidence"]:
                    best[key] = rel
        for rel in [*self._labelled_pairs(doc, by_sent), *self._absorbed_pairs(by_sent), *self._colon_lists(doc, by_sent),
                    *self._joint_venture_owners(by_sent),
                    *_bare_party_lists(doc, by_sent), *_frame_rivals(by_sent)]:
            _add_unless_related(best, rel)
        for ms in by_sent.values():
            start, end = ms[0].sent.start_char, ms[0].sent.end_char
            within = [rel for rel in best.values() if rel["start"] <= start and end <= rel["end"]]
            for extra in _with_list_members(within, [*_name_lists(ms), *_surface_name_lists(ms)])[len(within):]:
                if extra["confidence"] >= MIN_CONFIDENCE:
                    _add_unless_related(best, extra)
        for rel in _under_new_names(list(best.values()), _renamings(doc, by_sent, self.lexicon)):
            _add_unless_related(best, rel)
        for rel in sorted(best.values(), key=lambda r: (r["start"], r["type"], r["source"], r["target"])):
            side = _org_side(rel, org_names)
            if side != _NOT_A_PARTY:
                yield {**rel, "org_side": side}

    def _labelled_pairs(self, doc: Doc, by_sent: dict[int, list[Span]]) -> Iterator[dict[str, Any]]:
        """Roundups: "Meta and Google: A cloud computing agreement ..." relates the two named in the label."""
        sents = {s.start: s for s in doc.sents}
        for start, mentions in by_sent.items():
            sent = sents.get(start)
            names = list(dict.fromkeys(m.label_ for m in mentions if m.kb_id_ != _REFERENCE))
            if sent is None or len(names) != 2 or not sent.text.rstrip().endswith(":") or sent.end >= len(doc):
                continue
            inside = {t for m in mentions for t in range(m.start, m.end)}
            if any(t.i not in inside and not t.is_punct and t.lower_ not in {"and", "&"} for t in sent):
                continue  # a label is only names: "OpenAI and AMD:"
            body = doc[sent.end].sent
            if "\n" in doc[sent.end - 1: sent.end + 1].text:
                continue
            if {m.label_ for m in by_sent.get(body.start, [])} >= set(names):
                continue  # "IBM and Red Hat: IBM closed its purchase of Red Hat": the body says it itself
            # the fragment's head says what the deal is: "A multi-year supply of AI chips", "A $14 billion pact"
            triggers = [t for t in self._triggers(body, []) if _distance(t.token, body.root) <= 1]
            if not triggers or any(_negated(t.token, self.lexicon) or _speculative(t.token, self.lexicon) for t in triggers):
                continue
            trig = min(triggers, key=lambda t: (_distance(t.token, body.root), not t.specific))
            source, target = (names[1], names[0]) if trig.inverse else (names[0], names[1])
            if trig.type == "partnership":
                # "A $14 billion pact under which Meta is furnished with compute": a pact is only the
                # head; a directed trigger naming one of the two in its clause says what the deal is
                found = self._directed_in_body(body, by_sent.get(body.start, []), names)
                if found is not None:
                    trig, source, target = found
            yield {
                "type": trig.type, "source": source, "target": target,
                "sentence": doc[sent.start:body.end].text.strip(), "start": sent.start_char, "end": body.end_char,
                "confidence": 0.6, "trigger": trig.token.text, "terms": deal_terms(body),
            }

    def _absorbed_pairs(self, by_sent: dict[int, list[Span]]) -> Iterator[dict[str, Any]]:
        """ "Birmingham Midshires became part of the Halifax": the company it became part of took it over.

        "became part of Y's division" names Y as the buyer too. Only the change of state counts:
        "X, part of Y" and "became a subsidiary of Y" say who owns whom, not that a takeover
        happened (CORE keeps subsidiary_of apart from acquired_by).
        """
        for mentions in by_sent.values():
            for verb in {m.root.head for m in mentions if m.root.dep_ == "nsubj"}:
                if verb.lemma_.lower() != "become" or _negated(verb, self.lexicon) or _speculative(verb, self.lexicon):
                    continue
                parts = [c for c in verb.children if c.dep_ in {"attr", "acomp"} and c.lemma_.lower() == "part"]
                owners = [g for p in parts for c in p.children if c.dep_ == "prep" and c.lower_ == "of"
                          for g in c.children if g.dep_ == "pobj"]
                # "became part of Wesfarmers' Home Improvement division": the division's owner took it over
                owners += [o for g in owners if g.lemma_.lower() in _PART_NOUNS for o in _owners_of(g)]
                subjects = [c for c in verb.children if c.dep_ == "nsubj"]
                buyers = [m for m in mentions for g in owners if _within(g, m)]
                bought = [m for m in mentions for s in subjects if _within(s, m)]
                for buyer in buyers:
                    for target in bought:
                        if buyer.label_ == target.label_:
                            continue
                        sent = verb.sent
                        yield _sentence_relation(sent, "acquisition", buyer.label_, target.label_, confidence=0.7,
                                                 trigger=verb.text, terms=deal_terms(sent))

    def _joint_venture_owners(self, by_sent: dict[int, list[Span]]) -> Iterator[dict[str, Any]]:
        """ "Virgin Mobile USA was founded as a joint venture between Virgin Group and Sprint": its parents hold it.

        Only a company founded (created, formed, established) *as* the venture counts: "CFM, a
        joint venture of Safran and GE" describes the partners, not a holding a text states.
        """
        for mentions in by_sent.values():
            for verb in {t for m in mentions for t in m.root.ancestors if t.lemma_.lower() in _FOUNDING_VERBS}:
                if verb.pos_ != "VERB" or _negated(verb, self.lexicon) or _speculative(verb, self.lexicon):
                    continue
                ventures = [g for c in verb.children if c.dep_ == "prep" and c.lower_ == "as" for g in c.children
                            if g.dep_ == "pobj" and g.lemma_.lower() == "venture"
                            and any(a.lower_ == "joint" for a in g.children)]
                parents = [m for v in ventures for c in v.children if c.dep_ == "prep" and c.lower_ in {"between", "of"}
                           for g in c.children if g.dep_ == "pobj" for m in mentions
                           if m.kb_id_ != _REFERENCE and _within(g, m)]
                founded = [m for m in mentions if m.kb_id_ != _REFERENCE and any(_within(s, m) for s in _founded_subject(verb))]
                for venture in founded:
                    for parent in dict.fromkeys(m.label_ for m in parents if m.label_ != venture.label_):
                        sent = verb.sent
                        yield _sentence_relation(sent, "investment", parent, venture.label_, confidence=0.7,
                                                 trigger=verb.text)

    def _colon_lists(self, doc: Doc, by_sent: dict[int, list[Span]]) -> Iterator[dict[str, Any]]:
        """ "Dubway's clients have included: HBO, PBS ...": a party list the colon put in a sentence of its own.

        The sentence before the colon names the owner and the party noun (or the verb and its
        preposition: "sells tyres from brands including:"); every company of the list after it,
        up to the first ";", is such a party of the owner.
        """
        sents = {sent.start: sent for sent in doc.sents}
        for start, mentions in by_sent.items():
            sent = sents.get(start)
            if sent is None or sent.end >= len(doc) or len(sent) < 3 or sent[-1].text != ":":
                continue
            listing = sent[-2]
            anchor = _list_anchor(listing)
            if anchor is None or _negated(anchor, self.lexicon) or _speculative(anchor, self.lexicon):
                continue
            party = _list_party(anchor, mentions)
            if party is None:
                continue
            rel_type, owner, owner_is_source = party
            body = doc[sent.end].sent
            stop = next((t.i for t in body if t.text == ";"), body.end)
            listed = [m for m in by_sent.get(body.start, []) if m.kb_id_ != _REFERENCE and m.end <= stop]
            for member in dict.fromkeys(m.label_ for m in listed if m.label_ != owner.label_):
                source, target = (owner.label_, member) if owner_is_source else (member, owner.label_)
                yield {
                    "type": rel_type, "source": source, "target": target,
                    "sentence": doc[sent.start:body.end].text.strip(), "start": sent.start_char, "end": body.end_char,
                    "confidence": 0.7, "trigger": anchor.text, "terms": {},
                }

    def _directed_in_body(self, body: Span, mentions: list[Span], names: list[str]) -> tuple[_Trigger, str, str] | None:
        """A directed trigger verb of a roundup body whose subject or object is one of the two named.

        The body is a deal by construction, so contextual verbs ("furnish", "power") count here.
        """
        inside = {t for m in mentions for t in range(m.start, m.end)}
        candidates = [_Trigger(tok, rel_type, inverse, True) for tok in body if tok.pos_ == "VERB" and tok.i not in inside
                      for rel_type, inverse in self.lexicon.by_lemma.get(tok.lemma_.lower(), ()) if rel_type in DIRECTED]
        for trig in candidates:
            if _negated(trig.token, self.lexicon) or _speculative(trig.token, self.lexicon):
                continue
            passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in trig.token.children)
            for m in mentions:
                if m.label_ not in names or m.kb_id_ == _REFERENCE:
                    continue
                role = _role(m, trig.token)
                acts = role == "nsubj" and not passive or role == "by"
                undergoes = role in {"nsubjpass", "dobj"} or role == "nsubj" and passive
                if not (acts or undergoes):
                    continue
                other = names[1] if m.label_ == names[0] else names[0]
                is_source = acts != trig.inverse
                return (trig, m.label_, other) if is_source else (trig, other, m.label_)
        return None

    def _triggers(self, sent: Span, mentions: list[Span]) -> list[_Trigger]:
        inside = {t for m in mentions for t in range(m.start, m.end)}
        lower = {t.lower_ for t in sent if t.lower_ != "series" or _names_a_round(t)}
        money = bool(lower & _MONEY_WORDS) or any(t.ent_type_ in {"MONEY", "PERCENT"} for t in sent)
        deal = bool(lower & _DEAL_WORDS)
        out = []
        for token in sent:
            if token.i in inside or token.is_punct:
                continue
            makers = _co_makers(token, mentions)
            if makers:
                out.append(_Trigger(token, "partnership", False, True, parties=makers))
            entries = self.lexicon.by_lemma.get(token.lemma_.lower()) or self.lexicon.by_lemma.get(token.lower_)
            if not entries:
                continue
            if token.lower_ == "series" and not _names_a_round(token):
                continue  # "the HBO Max series Rap Sh*t", "a series of reactors": no funding round
            if _other_sense_particle(token):
                continue  # "are working out the final terms": no working together; "built up a reputation": no supply
            word = token.lemma_.lower()
            # "sold in Walmart stores", "carries watches from Cartier": the shop or the maker is named
            shop_named = _sells_goods_from(token, inside) or any(_sold_at(token, m) for m in mentions)
            for rel_type, inverse in entries:
                contextual = word in _CONTEXTUAL.get(rel_type, ()) or token.lower_ in _CONTEXTUAL.get(rel_type, ())
                if contextual and rel_type == "investment" and not money:
                    continue
                if (rel_type == "supplier" and token.pos_ == "NOUN" and token.dep_ == "compound"
                        and token.head.lemma_.lower() not in _DEAL_NOUNS and token.head.i not in inside):
                    continue  # "its food delivery arm", "a supply chain": a line of business, not a supply
                if rel_type == "acquisition" and word in _CONTROL_TRANSFER_VERBS and not _moves_control(token):
                    continue  # "transferred its staff to X" is no sale; "ownership of X was transferred to Y" is
                if rel_type == "supplier" and word in _NEEDS_CUSTOMER and not _made_for_a_company(token, inside):
                    continue  # "develops its own chips" is no supply; "developed software for X" is
                if rel_type == "supplier" and _describes_a_name(token, inside):
                    continue  # "a pharmaceutical manufacturer Johnson & Johnson": what J&J is, not whom it supplies
                if contextual and rel_type == "supplier" and not deal and not _lists_parties(token) and not any(
                        c.dep_ in {"prep", "dative"} and c.lower_ == "to" or c.dep_ == "poss" and c.i in inside
                        or inverse and token.pos_ == "VERB" and c.dep_ == "prep" and c.lower_ == "from"
                        and any(g.dep_ == "pobj" and g.i in inside for g in c.children)
                        for c in token.children) and not _made_for_a_company(token, inside) \
                        and not _uses_a_companys_product(token, inside) and not shop_named \
                        and not _party_for_a_company(token, inside):
                    continue  # "use" and "customer" need a deal sentence, "sells to" or "Dubway's clients"
                # "won a contract from X" says the supply as plainly as "supplies X"
                # and so do "sold in Walmart stores" and "carries watches from Cartier"
                specific = not contextual or rel_type == "supplier" and (bool(_deal_winners(token)) or shop_named)
                out.append(_Trigger(token, rel_type, inverse, specific))
        return out

    def _sentence_relations(self, sent: Span, mentions: list[Span], triggers: list[_Trigger]) -> Iterator[dict[str, Any]]:
        lex = self.lexicon
        doc = sent.doc
        mention_tokens = {t for m in mentions for t in range(m.start, m.end)}
        labels_at = {t: m.label_ for m in mentions for t in range(m.start, m.end)}
        named_partners = {trig.token.i: _named_partners(trig, mentions) for trig in triggers}
        slots = {trig.token.i: _argument_slots(trig.token, mentions) + _event_slots(trig, mentions)
                 + _owned_partnership_slots(trig, mentions) for trig in triggers}
        described_in = {m.start: _description_of_other(m, mentions) for m in mentions}
        owner_of = {m.start: owned for m in mentions if (owned := _owned_company(m, labels_at)) and owned != m.label_}
        counterpart_of = _with_counterparts(triggers, mentions)
        trigger_tokens = {trig.token.i for trig in triggers}
        named_clauses = {trig.token.i: _named_adverbial_clause(trig.token) for trig in triggers}
        typed_deals = {trig.token.head.i for trig in triggers if trig.type in DIRECTED and trig.token.dep_ == "compound"
                       and trig.token.pos_ == "NOUN" and trig.token.head.lemma_.lower() in _DEAL_NOUNS}
        reporters = {m.start for m in mentions if _source_or_listener(m)}
        for i, a in enumerate(mentions):
            for b in mentions[i + 1:]:
                if a.label_ == b.label_ or a.start in reporters or b.start in reporters:
                    continue  # "Microsoft told Reuters it would invest in OpenAI": Reuters only hears of it
                ca, cb = counterpart_of.get(a.start), counterpart_of.get(b.start)
                if ca and cb and not ca & cb:
                    continue  # "the deal with Ericsson ... a separate deal with Nokia": counterparts of two deals
                if any(d is not None and o.root != d.head and not d.left_edge.i <= o.root.i <= d.right_edge.i
                       for d, o in ((described_in[a.start], b), (described_in[b.start], a))):
                    continue  # "Google, part of Alphabet": Alphabet is a party only of the description or the described
                if any(o is not None and o != other.label_ for o, other in ((owner_of.get(a.start), b), (owner_of.get(b.start), a))):
                    continue  # "signed agreements with Intel Corp's Mobileye": Intel owns the party, it is not one
                coordinated = _effective_head(a.root) == _effective_head(b.root) or _listed_together(doc, a, b, mention_tokens)
                if coordinated and not _coordinated_as_parties(a):
                    continue  # "partnerships with Ericsson and Nokia": the listed are not partners of each other
                one_reference = a.start == b.start  # "the two companies": a pair named before
                same_group = _same_group(a, b) or _same_group(b, a) or _named_as_unit(a, b) or any(
                    m.root.dep_ != "poss" and owner_of.get(m.start) == o.label_ for m, o in ((a, b), (b, a)))
                ea, eb = a.root, b.root
                dist_ab = _list_distance(ea, eb)
                scored = []
                for trig in triggers:
                    if one_reference and trig.type in DIRECTED:
                        continue  # "the two companies merged": which bought which is not said
                    if same_group and trig.type in {"partnership", "supplier", "competitor"}:
                        continue  # "Sarnoff was integrated into its parent company, SRI International": one group
                    if trig.type == "partnership" and trig.token.i in typed_deals:
                        continue  # "a power purchase deal with EDP": the deal is a supply, not a partnership
                    if coordinated and trig.type in DIRECTED and not (
                            trig.type == "acquisition" and trig.token.lemma_.lower() in {"merge", "merger", "combine"}):
                        continue
                    # "a supply deal with Apple": the deal noun stands where its modifier is,
                    # and "beat rival Hershey": a party noun on a company stands where the company is
                    token = trig.token
                    anchor = token
                    if token.dep_ == "compound" and token.pos_ == "NOUN" and token.head.lemma_.lower() in _DEAL_NOUNS:
                        anchor = token.head
                    elif (trig.type == "competitor" and token.dep_ in {"compound", "amod"} and token.i < token.head.i
                          and token.lemma_.lower() in _AGENT_NOUNS and token.head.i in mention_tokens
                          and not any(c.dep_ == "poss" for c in token.head.children)):
                        anchor = token.head
                    elif token.pos_ == "NOUN" and token.lemma_.lower() in _AGENT_NOUNS and _examples_on_verb(token):
                        anchor = token.head  # "counts customers globally like Amazon": the examples hang on the verb
                    if anchor.pos_ == "NOUN" and anchor.dep_ == "dobj" and anchor.head.lemma_.lower() in _LIGHT_VERBS:
                        anchor = anchor.head  # "signed a licensing deal with Acme": the parser hangs "with" on the verb
                    elif trig.type == "partnership" and _role_given_to_object(anchor):
                        anchor = anchor.head.head  # "Microsoft added OpenAI as a partner": the role is the object's
                    ta, tb = _list_distance(anchor, ea), _list_distance(anchor, eb)
                    detour = max(0, ta + tb - dist_ab)
                    if coordinated:
                        # one list, one role: what counts is how far the trigger is from the list
                        ta = tb = _distance(trig.token, _effective_head(ea))
                        detour = max(0, ta - 1)
                    if detour > _MAX_DETOUR or max(ta, tb) > _MAX_ARM + (detour == 0 and trig.specific):
                        continue
                    if _is_the_party(trig.token, a) or _is_the_party(trig.token, b):
                        continue
                    if trig.type in DIRECTED and "conj_argument" in (_role(a, trig.token), _role(b, trig.token)):
                        continue  # "acquired Wind-Up's catalogue and partnered with Concord": Concord is the partner's
                    clause = named_clauses[trig.token.i]
                    if _in_subordinate_clause(trig.token, a) or _in_subordinate_clause(trig.token, b) or clause is not None \
                            and not all(clause.left_edge.i <= m.root.i <= clause.right_edge.i for m in (a, b)):
                        continue  # "Uber offloaded Uber Eats to Zomato, while Ola closed its grocery arm"
                    if _in_description_clause(trig.token, a, labels_at) or _in_description_clause(trig.token, b, labels_at):
                        continue  # "Maersk Line, which is owned by A.P. Moller-Maersk, planned to buy Hamburg Süd"
                    if _about_a_person(trig.token, a) or _about_a_person(trig.token, b):
                        continue  # "investors such as Kleiner Perkins, as well as Steve Wozniak, who co-founded Apple"
                    if trig.type in _PERSONAL_DEALS and (_a_persons_employer(a, mention_tokens)
                                                         or _a_persons_employer(b, mention_tokens)):
                        continue  # "Amazon founder Jeff Bezos also invested in Zocdoc": Bezos did, not Amazon
                    if _outside_gerund(trig.token, a) or _outside_gerund(trig.token, b):
                        continue  # "On the eve of Cisco acquiring Monsoon, EchoStar sued": EchoStar is no buyer
                    if trig.type == "partnership" and (_outside_event_description(trig.token, a, labels_at)
                                                       or _outside_event_description(trig.token, b, labels_at)):
                        continue  # "Via ULA — a joint venture it runs together with Boeing — the company battles SpaceX"
                    if trig.type == "partnership" and _person_joins(trig.token, mention_tokens):
                        continue  # "Mr. Harrison has joined forces with an activist investor to push for changes at CSX"
                    if _in_own_clause(trig.token, a, trigger_tokens) or _in_own_clause(trig.token, b, trigger_tokens):
                        continue  # "the collaboration with Oracle is notable given that Oracle supplies xAI"
                    if any(not slot & {a.label_, b.label_} for slot in slots[trig.token.i]):
                        continue  # "FUJIFILM, Ripcord's partner": a party noun relates its own two arguments
                    if trig.parties is not None and not {a.label_, b.label_} <= trig.parties:
                        continue  # "produced by Hoorae with HBO": the frame names its own two sides
                    partners = named_partners[trig.token.i]
                    if partners and not {a.label_, b.label_} <= partners:
                        continue  # "General Electric-Safran joint venture CFM is up against Pratt & Whitney"
                    if trig.type == "competitor" and not _inside_between(trig.token, a, b):
                        continue
                    if trig.type in DIRECTED and any(
                            m.kb_id_ == _REFERENCE and m.root.lower_ == "its" and m.root.head != trig.token for m in (a, b)):
                        continue  # "its rival Raytheon was ready to merge with UTC": "its" relates only through "rival"
                    if trig.type == "acquisition" and _bought_from_or_part_of(trig.token, a, b, labels_at):
                        continue
                    if trig.inverse and trig.type == "investment" and _raiser_left_out(trig.token, a, b, mentions):
                        continue  # "Acme raised $50M in a round led by Sequoia, with Accel": Sequoia and Accel invested
                    rank = (detour + (0 if trig.specific else 2), ta + tb)
                    scored.append((rank, trig, detour, ta + tb))
                # a negated trigger says nothing, and must not outrank the others ("is not negotiating
                # to buy Telkom SA, its rival": the rivalry stands)
                scored = [item for item in scored if not _negated(item[1].token, lex)]
                if not scored:
                    continue
                scored.sort(key=lambda x: x[0])
                by_type: dict[str, list[tuple[Any, _Trigger, int, int]]] = {}
                for item in scored:
                    by_type.setdefault(item[1].type, []).append(item)
                best_rank = scored[0][0]
                for rel_type, items in by_type.items():
                    rank, trig, detour, length = items[0]
                    if rank[0] > best_rank[0] + 1 and not _is_apposed_party(trig.token):
                        continue
                    resolved = _resolve_type(trig, a, b)
                    if resolved is None:
                        continue
                    rel_type, inverse = resolved
                    if _negated(trig.token, lex):
                        continue
                    confidence = (0.9 if trig.specific else 0.7) - 0.08 * detour - 0.03 * max(0, length - 3)
                    source, target = a, b
                    if rel_type in DIRECTED:
                        vote = 0.0
                        voters = same_side = 0
                        for _rank, other, other_detour, _length in items:
                            other_resolved = _resolve_type(other, a, b)
                            if other_resolved is None:
                                continue
                            v = _direction_vote(other, other_resolved[1], a, b, labels_at)
                            if v is None:
                                vote = float("nan")
                                break
                            voters += 1
                            if v == _SAME_SIDE:
                                same_side += 1
                                continue
                            vote += v / (1 + other_detour)
                        if voters and same_side == voters or same_side and vote == 0:
                            continue  # the triggers put both on the same side, and none says who is whose
                        if vote != vote:  # a role that cannot take part (the seller in "X sold Y to Z")
                            continue
                        if vote < 0:
                            source, target = b, a
                        elif vote == 0 and trig.token.lemma_.lower() not in _SYMMETRIC:
                            confidence -= 0.2
                            if inverse:
                                source, target = b, a
                    if _speculative(trig.token, lex):
                        confidence *= 0.4
                    confidence = round(max(0.05, min(0.99, confidence)), 3)
                    yield {
                        "type": rel_type,
                        "source": source.label_,
                        "target": target.label_,
                        "sentence": sent.text.strip(),
                        "start": sent.start_char,
                        "end": sent.end_char,
                        "confidence": confidence,
                        "trigger": trig.token.text,
                        "terms": deal_terms(sent) if rel_type in ("investment", "acquisition", "supplier", "partnership") else {},
                    }


def _owned_company(mention: Span, labels_at: dict[int, str]) -> str | None:
    """The company the mention is named only as the owner of: "Intel Corp's Mobileye", "Google
    parent Alphabet", "Alphabet subsidiary Waymo", "SoftBank-backed Arm" (Google, Alphabet and
    SoftBank are no parties of what the sentence says Alphabet, Waymo and Arm do)."""
    root = mention.root
    if root.dep_ == "poss":
        return labels_at.get(root.head.i)
    group = root.head
    if root.dep_ == "npadvmod" and group.tag_ == "VBN" and group.dep_ == "amod":
        return labels_at.get(group.head.i)  # "SoftBank-backed Arm", "Amazon-owned Whole Foods"
    if root.dep_ != "compound" or group.pos_ != "NOUN" or group.lemma_.lower() not in _GROUP_NOUNS:
        return None
    if group.dep_ in {"compound", "appos"} and group.head.i in labels_at:
        return labels_at[group.head.i]
    return next((labels_at[c.i] for c in group.children if c.dep_ == "appos" and c.i in labels_at), None)


def _raiser_left_out(verb: Token, a: Span, b: Span, mentions: list[Span]) -> bool:
    """Is the one who raised the money ("Acme raised $50M from Sequoia") neither of the two?

    Whoever else a funding verb names gave the money: two of them are co-investors, not an
    investor and its investee. A reference in the subject that stands for a company the clause
    names as well is one of them too: "It raised $20M from Sequoia and Accel" is not Sequoia
    raising money from itself. (Another trigger of the sentence may still pair them when the
    reference is wrong: "The startup raised ... with participation from Accel".)
    """
    if verb.pos_ != "VERB":
        return False
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None:
        return False
    raiser = next((m for m in (a, b) if subject.left_edge.i <= m.root.i <= subject.right_edge.i), None)
    if raiser is None:
        return True
    return raiser.kb_id_ == _REFERENCE and any(
        m.label_ == raiser.label_ and m.kb_id_ != _REFERENCE and verb.left_edge.i <= m.start <= verb.right_edge.i
        for m in mentions)


def _role_given_to_object(noun: Token) -> bool:
    """Is the noun the role a verb gives its object: "added OpenAI as a partner", "counts Amazon among its investors"?"""
    prep = noun.head
    return (noun.pos_ == "NOUN" and noun.dep_ == "pobj" and prep.lower_ in {"as", "among"} and prep.dep_ == "prep"
            and prep.head.pos_ == "VERB" and any(c.dep_ == "dobj" for c in prep.head.children))


def _source_or_listener(mention: Span) -> bool:
    """Is the mention only a source or a listener of what the sentence says ("according to
    Gartner", "Microsoft told Reuters it would invest in OpenAI"), not a party to it?"""
    root = mention.root
    head = root.head
    if root.dep_ == "pobj" and head.lower_ == "to" and head.head.lower_ == "according":
        return True
    return root.dep_ in {"dobj", "dative"} and head.lemma_.lower() in _TELLING_VERBS


def _sentence_relation(sent: Span, rel_type: str, source: str, target: str, *, confidence: float, trigger: str,
                       terms: dict[str, Any] | None = None) -> dict[str, Any]:
    """A relation a passage pattern reads off one sentence, with the sentence as its evidence."""
    return {
        "type": rel_type, "source": source, "target": target, "sentence": sent.text.strip(),
        "start": sent.start_char, "end": sent.end_char, "confidence": confidence, "trigger": trigger,
        "terms": {} if terms is None else terms,
    }


def _add_unless_related(best: dict[tuple[str, str, str], dict[str, Any]], rel: dict[str, Any]) -> None:
    """Keep a relation found off the trigger paths unless its pair already has one of its type, either way round."""
    key = (rel["type"], *sorted((rel["source"], rel["target"])))
    if not any((k[0], *sorted(k[1:])) == key for k in best):
        best[key] = rel


_NAME_CHANGE_VERBS = word_class("name_change_verbs")
_NAME_NOUNS = word_class("name_nouns")
_NEW_NAME_DEPS = {"oprd", "attr", "xcomp", "dobj", "appos", "ccomp"}


def _renamings(doc: Doc, by_sent: dict[int, list[Span]], lex: TriggerLexicon) -> list[tuple[str, str]]:
    """(old, new) names of one company the text renames: "In 2008, GCI changed its name to Collabera".

    The old name is the renamed object, the subject of a passive ("Atco Ltd was renamed as
    Atco-Qualcast Ltd") or the owner of the name changed ("its name", "the company name": the
    passage's company); the new one is the object of "to" or "as", or the complement of the verb:
    a company the text names, or else a proper name read on the surface. "changed" needs the
    noun "name": "changed its strategy to ..." renames nothing. Verbs that name a company as
    they found or run it count too: "it was incorporated as Pre-Paid Legal Services", "became
    known as Whitby Morrison", "operated it under the name Hoechst CeramTec AG".
    """
    out: list[tuple[str, str]] = []
    earlier: list[list[Span]] = []
    for start in sorted(by_sent):
        mentions = [m for m in by_sent[start] if m.kb_id_ != _ORG]
        at = {t: m for m in mentions for t in range(m.start, m.end)}
        for verb in mentions[0].sent if mentions else ():
            lemma = verb.lemma_.lower()
            if verb.pos_ != "VERB" or _negated(verb, lex):
                continue
            if lemma in _NAME_CHANGE_VERBS and not _speculative(verb, lex):
                old = _renamed(verb, at, doc, earlier)
                slots = _new_name_slots(verb)
            elif lemma in _NAMING_VERBS:
                old = _named_company(verb, at)
                slots = _naming_slots(verb)
            else:
                continue
            new = [name for g in slots if (name := _name_at(g, at)) is not None]
            out += [(old, name) for name in new if old is not None and old != name]
        for m in mentions:
            other = _bracketed_name(m, at) if m.kb_id_ != _REFERENCE else None
            if other is not None and other != m.label_:
                out.append((m.label_, other))
        earlier.append(mentions)
    return list(dict.fromkeys(out))


_NAME_TIME_WORDS = {"now", "formerly"}


def _bracketed_name(mention: Span, at: dict[int, Span]) -> str | None:
    """The company's other name in brackets after it: "Fortis (now BNP Paribas Fortis)", "Darwin (formerly
    Thomsons Online Benefits)", "Crane Valve North America (now known as the Crane Company)".

    Only a proper name closing the brackets counts: "Rational Software (now a part of IBM)" and
    "News Corporation (now the present day News Corp; ...)" give none. The name need not be one
    the company rules found: it is read on the surface, as the text gives it.
    """
    doc = mention.doc
    i = mention.end
    if i + 2 >= len(doc) or doc[i].text != "(" or doc[i + 1].lower_ not in _NAME_TIME_WORDS:
        return None
    i += 2
    if doc[i].lower_ == "known" and i + 1 < len(doc) and doc[i + 1].lower_ == "as":
        i += 2
    if i < len(doc) and doc[i].lower_ == "the":
        i += 1
    start = i
    while i < len(doc) and (doc[i].pos_ == "PROPN" or doc[i].text in {"&", "-"} and i > start):
        i += 1
    if i == start or i >= len(doc) or doc[i].text != ")":
        return None
    inside = {at[t].label_ for t in range(start, i) if t in at and at[t].kb_id_ != _REFERENCE}
    if len(inside) == 1:
        return inside.pop()
    return doc[start:i].text if not inside else None


_NAMING_VERBS = word_class("naming_verbs")


def _naming_slots(verb: Token) -> list[Token]:
    """The name a company is founded, run or known under: "as Pre-Paid Legal Services", "under the name
    (of) Atlas Gold Limited". "founded as a joint venture" gives no name (a common noun)."""
    out = []
    for prep in (c for c in verb.children if c.dep_ == "prep"):
        for g in (g for g in prep.children if g.dep_ == "pobj"):
            if prep.lower_ == "as":
                out.append(g)
            elif prep.lower_ == "under" and g.lemma_.lower() in _NAME_NOUNS:
                out += [c for c in g.children if c.dep_ in {"appos", "compound"}]
                out += [o for c in g.children if c.dep_ == "prep" and c.lower_ == "of" for o in c.children if o.dep_ == "pobj"]
    return out[:1]


def _named_company(verb: Token, at: dict[int, Span]) -> str | None:
    """The company a naming verb names: its passive subject or object ("operated it under the name"),
    its subject, the subject of "became" ("it became known as"), or the company it describes
    ("Fortis, also known as ...")."""
    holder = next((c for c in verb.children if c.dep_ in {"nsubjpass", "dobj"}), None) or _subject_of(verb)
    if holder is None and verb.dep_ in {"acomp", "xcomp", "oprd", "attr"}:
        holder = _subject_of(verb.head)
    if holder is None:  # the small parser hangs "it" on "became" as an auxiliary: "it became known as"
        holder = next((c for a in verb.children if a.dep_ in {"aux", "auxpass"} for c in a.children if c.dep_ == "nsubj"), None)
    if holder is None and verb.dep_ == "acl":
        holder = verb.head
    if holder is None or holder.i not in at:
        return None
    subject = _subject_of(verb)
    if holder.pos_ == "PRON" and holder.dep_ == "dobj" and subject is not None and subject.i in at \
            and at[subject.i].label_ == at[holder.i].label_:
        return None  # "UDS Group operated it under the name X": "it" is what UDS bought, not UDS
    return at[holder.i].label_


def _name_at(token: Token, at: dict[int, Span]) -> str | None:
    """The company named at a name slot: the mention it is part of, or ends with its legal suffix
    ("as Pre-Paid Legal Services, Inc."), else the proper name it heads. "started as means to give
    midPhase's customers ..." names no company: midPhase is only inside the slot's phrase."""
    for i in (token.i, token.i - 1, token.i - 2):
        m = at.get(i)
        if m is not None and m.kb_id_ != _REFERENCE and (i == token.i or m.root.head == token or m.root == token.head):
            return m.label_
    return _surface_proper_name(token) if token.pos_ == "PROPN" else None


def _surface_proper_name(head: Token) -> str | None:
    """The proper name a token heads, read on the surface: "renamed it John Collier". All of the
    words before the head must be proper nouns (or "&", "-"): "The Co-operative Farms" with an
    adjective in it is not guessed at."""
    start = head.left_edge.i
    if head.doc[start].lower_ == "the":
        start += 1
    words = head.doc[start:head.i + 1]
    if any(t.pos_ != "PROPN" and t.text not in {"&", "-"} for t in words):
        return None
    return words.text


def _new_name_slots(verb: Token) -> list[Token]:
    """Where a renaming verb puts the new name: "changed its name to X", "renamed as X", "was renamed X"."""
    slots = [g for p in verb.children if p.dep_ == "prep" and p.lower_ in {"to", "as"} for g in p.children if g.dep_ == "pobj"]
    slots += [c for c in verb.children if c.dep_ in _NEW_NAME_DEPS and c.lemma_.lower() not in _NAME_NOUNS]
    return [t for g in slots for t in [g, *g.conjuncts]][:1] if slots else []


def _renamed(verb: Token, at: dict[int, Span], doc: Doc, earlier: list[list[Span]]) -> str | None:
    """The company a renaming verb renames (see ``_renamings``), by its old name."""
    name = next((c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"} and c.lemma_.lower() in _NAME_NOUNS), None)
    if name is not None:
        owner = next((c for c in name.children if c.dep_ == "poss" and c.i in at), None)
        if owner is not None:
            return at[owner.i].label_
        if any(c.dep_ == "compound" and c.lemma_.lower() in _COMPANY_NOUNS for c in name.children):
            return _salient_company(doc, earlier)  # "The company name was later shortened to PRBC"
        subject = _subject_of(verb)
        return at[subject.i].label_ if subject is not None and subject.i in at else None
    if verb.lemma_.lower() == "change":
        return None  # "changed its strategy to ...": only a name changes a name
    renamed = next((c for c in verb.children if c.dep_ in {"nsubjpass", "dobj"}), None)
    if renamed is not None and renamed.tag_ == "WDT" and verb.dep_ == "relcl":
        renamed = verb.head  # "Burgess' company, which was rebranded as Gojimo"
    if renamed is None or renamed.i not in at:
        return None
    renamer = _subject_of(verb)
    if renamer is not None and renamer.tag_ == "WDT" and verb.dep_ == "relcl":
        renamer = verb.head
    if renamed.pos_ == "PRON" and renamer is not None and renamer.i in at and at[renamer.i].label_ == at[renamed.i].label_:
        return None  # "UDS, which renamed it John Collier": "it" is what UDS bought, not UDS
    return at[renamed.i].label_


def _subject_of(verb: Token) -> Token | None:
    """The verb's subject, or that of the verb it is conjoined to: "went private ... and changed its name"."""
    for _ in range(3):
        subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subject is not None or verb.dep_ != "conj":
            return subject
        verb = verb.head
    return None


def _under_new_names(found: list[dict[str, Any]], renamings: list[tuple[str, str]]) -> Iterator[dict[str, Any]]:
    """The relations of a renamed company under its other name: one company, before and after.

    "GCI began a series of acquisitions, including Planet Asia. In 2008, GCI changed its name
    to Collabera": Collabera acquired Planet Asia too. Either name carries the other's relations.
    """
    for old, new in renamings:
        for one, other in ((old, new), (new, old)):
            for rel in found:
                if rel["source"] == one and rel["target"] != other:
                    yield {**rel, "source": other}
                elif rel["target"] == one and rel["source"] != other:
                    yield {**rel, "target": other}


#: Participles that list a group's members: "the Osprey Consortium, made up of CPPIB, Colonial First State ...".
_MEMBERSHIP_VERBS = word_class("membership_verbs")


def _group_members(mentions: list[Span]) -> dict[str, set[str]]:
    """The members a named group is said to be made of, by the group's name.

    "AWG was acquired by the Osprey Consortium, made up of Canada Pension Plan Investment
    Board, Colonial First State ...": the members are what the consortium is, not its
    counterparts. The small parser often hangs the participle on the main verb, so the group
    is the company named just before it (a comma between).
    """
    out: dict[str, set[str]] = {}
    by_end = {m.end: m for m in mentions if m.kb_id_ != _REFERENCE}
    for m in mentions:
        verb = _membership_verb(_effective_head(m.root))
        if m.kb_id_ == _REFERENCE or verb is None:
            continue
        start = verb.i
        while start > 0 and verb.doc[start - 1].is_punct:
            start -= 1
        group = by_end.get(start)
        if group is not None and group.label_ != m.label_:
            out.setdefault(group.label_, set()).add(m.label_)
    return out


def _membership_verb(member: Token) -> Token | None:
    """The verb listing the member: "made up of X", "consisting of X", "comprising X"."""
    if member.dep_ == "pobj" and member.head.lower_ == "of":
        verb = member.head.head
    elif member.dep_ == "dobj":
        verb = member.head
    else:
        return None
    lemma = verb.lemma_.lower()
    if verb.pos_ != "VERB" or lemma not in _MEMBERSHIP_VERBS or (member.dep_ == "dobj") != (lemma == "comprise"):
        return None
    if lemma == "make" and not any(c.dep_ == "prt" and c.lower_ == "up" for c in verb.children):
        return None
    return verb


def _with_members(found: list[dict[str, Any]], members: dict[str, set[str]]) -> list[dict[str, Any]]:
    """Give a group's members the group's relations, and drop the group's deals with its own members.

    "AWG was acquired by the Osprey Consortium, made up of X, Y and Z": X, Y and Z acquired
    AWG; the consortium did not acquire X, Y or Z.
    """
    if not members:
        return found
    out = []
    for rel in found:
        source, target = rel["source"], rel["target"]
        if target in members.get(source, ()) or source in members.get(target, ()):
            continue
        out.append(rel)
        for name in members.get(source, ()):
            if name != target:
                out.append({**rel, "source": name, "confidence": round(rel["confidence"] - 0.05, 3)})
        for name in members.get(target, ()):
            if name != source:
                out.append({**rel, "target": name, "confidence": round(rel["confidence"] - 0.05, 3)})
    return out


#: Words that may stand between the names of one list: "A, B, and the C".
_LIST_LINKS = frozenset({",", "and", "or", "the", "&"})
#: How many names a run must hold to be read as a list whose members share a role.
_MIN_LIST = 3


def _name_lists(mentions: list[Span]) -> list[set[str]]:
    """The names of each list of three or more companies in a sentence, read on the surface.

    "partnerships with Concentric Network, EarthLink, Excite, FastNet and FlashNet": only commas,
    "and", "or" and "the" between the names, and at least one comma.
    """
    named = sorted((m for m in mentions if m.kb_id_ != _REFERENCE), key=lambda m: m.start)
    runs: list[list[Span]] = []
    for m in named:
        if runs and m.start >= runs[-1][-1].end:
            between = m.doc[runs[-1][-1].end:m.start]
            if len(between) and all(t.lower_ in _LIST_LINKS for t in between):
                runs[-1].append(m)
                continue
        runs.append([m])
    out = []
    for run in runs:
        names = {m.label_ for m in run}
        commas = sum(1 for t in run[0].doc[run[0].start:run[-1].end] if t.text == ",")
        if len(names) >= _MIN_LIST and commas:
            out.append(names)
    return out


def _surface_name_lists(mentions: list[Span]) -> list[set[str]]:
    """The names of the companies in each list of three or more capitalised names of a sentence,
    as the company rules read lists (``kb.companies.surface_lists``), when it holds two or more.

    "games for RockYou, Electronic Arts, Ubisoft, Mogol, and Zynga": an item no rule took for
    a company does not cut the list in two.
    """
    if not mentions:
        return []
    sent = mentions[0].sent
    out = []
    for items in surface_lists(sent.doc, sents=[sent]):
        names = {m.label_ for m in mentions if m.kb_id_ != _REFERENCE
                 and any(start <= m.root.i < end for start, end in items)}
        if len(names) >= 2:
            out.append(names)
    return out


def _with_list_members(found: list[dict[str, Any]], lists: list[set[str]]) -> list[dict[str, Any]]:
    """Give every member of a list the relation found for one of them.

    "Other partners include AT&T WorldNet, Concentric Network, EarthLink, Excite and FastNet":
    the parse reaches some members and not others, but a list's members share one role with
    one counterpart. For each type, the counterpart is the party outside the list with the
    surest relation to a member: "backers such as Kleiner Perkins, ... and MUIP led the round,
    with FUJIFILM taking on equity" gives the list Ripcord's relation, not FUJIFILM's. A
    relation between two members of the same list is left as it is.
    """
    out = list(found)
    listed = {name for names in lists for name in names}
    for names in lists:
        best: dict[str, dict[str, Any]] = {}  # type -> the surest relation of a member with an outsider
        for rel in found:
            if (rel["source"] in names) == (rel["target"] in names) or {rel["source"], rel["target"]} <= listed:
                continue  # the outsider must be listed nowhere in the sentence: "backed by investors Sequoia
                # Capital, Intel Capital, DLJ, Walden and Mofet" (one list the parse cut in two)
            if rel["type"] not in best or rel["confidence"] > best[rel["type"]]["confidence"]:
                best[rel["type"]] = rel
        for rel in best.values():
            side = "source" if rel["source"] in names else "target"
            for name in sorted(names - {rel[side]}):
                out.append({**rel, side: name, "confidence": round(rel["confidence"] - 0.05, 3)})
    return out


#: "the company", "the carrier"...: a reference to a company named before.
_COMPANY_NOUNS = word_class("reference_nouns")
_REFERENCE = "newskb_reference"  #: kb_id of pseudo-mentions made by _resolve_references
_ROUND_NOUNS = word_class("round_nouns")
_REFERENCE_DEPS = {"nsubj", "nsubjpass", "poss", "pobj", "dobj", "dative"}
_ORG = "newskb_other_org"  #: kb_id of other organisations' mentions
_NOT_A_PARTY = "-"


def _org_side(rel: dict[str, Any], org_names: set[str]) -> str | None:
    """``"source"`` or ``"target"`` when that party is an other organisation, None when both are
    companies, ``_NOT_A_PARTY`` when an organisation cannot take that side (or both are organisations).

    An outlet in a deal is a media business, so a company party: "Thomson acquired Reuters",
    "Artio Films has produced projects for Reuters and Associated Press".
    """
    rules = other_org_rules()
    sides = [side for side in ("source", "target") if rel[side] in org_names and not rules.is_outlet(rel[side])]
    if not sides:
        return None
    if len(sides) == 2 or sides[0] not in ORGANISATION_SIDES.get(rel["type"], ()):
        return _NOT_A_PARTY
    return sides[0]


def _resolve_references(doc: Doc, mentions: list[Span]) -> list[Span]:
    """Pseudo-mentions for "it", "its", "the company": the salient company they refer to.

    Salience is simple and document-level: the last company that was the subject of a main
    clause (else of any clause), else the company named most often. A reference never stands for a company named in the
    same noun phrase, and sentences without a reference are untouched.
    """
    if not mentions:
        return []
    at = {t: m for m in mentions for t in range(m.start, m.end)}
    covered = set(at)
    counts: dict[str, int] = {}
    for m in mentions:
        # "Amazon founder Jeff Bezos invested in Zocdoc, helping the company": a company named only
        # as a person's employer is not what the text is about
        counts[m.label_] = counts.get(m.label_, 0) + (0 if _a_persons_employer(m, covered) else 1)
    main = max(counts, key=lambda name: counts[name])
    starts = {m.start: m for m in mentions}
    last_subject: str | None = None
    previous_main: str | None = None  #: the company subject of the previous sentence's main clause
    out: list[Span] = []
    previous_start = 0
    for sent in doc.sents:
        sent_subject = main_subject = None
        for token in sent:
            here = starts.get(token.i)
            if here is not None and here.root.dep_ in {"nsubj", "nsubjpass"}:
                sent_subject = sent_subject or here.label_
                if here.root.head == sent.root:
                    main_subject = main_subject or here.label_
                continue
            if token.i in covered or token.dep_ not in _REFERENCE_DEPS:
                continue
            pair = _pair_named_before(token, mentions, previous_start)
            if pair is not None:
                out += [Span(doc, token.i, token.i + 1, label=name, kb_id=_REFERENCE) for name in pair]
                continue
            if token.lemma_.lower() in _ROUND_NOUNS and token.pos_ == "NOUN":
                # "Existing backers led the round": whose round is the article's company
                if any(c.dep_ == "poss" for c in token.children) or any(t.i in covered for t in token.subtree):
                    continue
                if not any(c.lower_ in {"the", "this", "its"} for c in token.children):
                    continue
            elif token.lower_ == "they":
                antecedent = _they_antecedent(token, at, previous_main)
                if antecedent is not None:
                    out.append(Span(doc, token.i, token.i + 1, label=antecedent, kb_id=_REFERENCE))
                continue
            elif token.lower_ in {"it", "its"}:
                if token.lower_ == "it" and token.head.lemma_ in {"be", "seem", "appear", "take", "make"}:
                    continue
                chosen = _chosen_for_its_own(token, starts)
                if chosen is not None:
                    out.append(Span(doc, token.i, token.i + 1, label=chosen, kb_id=_REFERENCE))
                    continue
            elif not (token.lemma_.lower() in _COMPANY_NOUNS and any(c.lower_ == "the" for c in token.children)):
                continue
            elif token.tag_ == "NNS":
                continue  # "one of the biggest suppliers of oats to brands": a class, not one company named before
            if token.lemma_.lower() in _ROUND_NOUNS:
                antecedent = last_subject or main
            else:
                antecedent = sent_subject if token.lower_ in {"it", "its"} and sent_subject else last_subject or main
            out.append(Span(doc, token.i, token.i + 1, label=antecedent, kb_id=_REFERENCE))
        # the next sentence continues with the main clause's subject: "when Ford started producing
        # vehicles, Ryerson supplied it with steel. In 1935, the company merged ..." is Ryerson
        if main_subject or sent_subject:
            last_subject = main_subject or sent_subject
        previous_main = main_subject
        previous_start = sent.start
    return out


def _they_antecedent(token: Token, at: dict[int, Span], previous_main: str | None) -> str | None:
    """The company "they" stands for, where nothing else can be meant.

    "Verizon Wireless announced they had completed the purchase": the subject of the verb whose
    complement "they" opens. "Teaching Channel also partners with other companies. They teamed up
    with the Boeing Company": the company subject of the previous sentence, when "they" is the
    subject of the main clause and no company is named before it.
    """
    if token.dep_ not in {"nsubj", "nsubjpass"}:
        return None
    verb = token.head
    if verb.dep_ == "ccomp":
        speaker = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
        return at[speaker.i].label_ if speaker is not None and speaker.i in at else None
    if verb.dep_ != "ROOT" or previous_main is None:
        return None
    if any(t in at for t in range(token.sent.start, token.i)):
        return None
    return previous_main


def _pair_named_before(token: Token, mentions: list[Span], since: int) -> tuple[str, str] | None:
    """The two companies "the two companies" or "both firms" refers to: the last two named since the previous sentence.

    "Nokia is already ... BT's principal 3G supplier. The two companies will also collaborate
    on developing open RAN": Nokia and BT.
    """
    if token.tag_ != "NNS" or token.lemma_.lower() not in _COMPANY_NOUNS:
        return None
    if not any(c.lower_ in {"two", "both"} and c.dep_ in {"nummod", "det", "predet"} for c in token.children):
        return None
    named = [m.label_ for m in mentions if since <= m.start < token.i and m.kb_id_ != _REFERENCE]
    last_two = list(dict.fromkeys(reversed(named)))[:2]
    return (last_two[1], last_two[0]) if len(last_two) == 2 else None


def _chosen_for_its_own(token: Token, starts: dict[int, Span]) -> str | None:
    """The company a "for its ..." phrase praises, or an adviser helps "on/with its ...": the object of the verb.

    "the company picked Synoptek for its strategic approach ... as well as its close
    partnerships with Microsoft and ServiceNow": both "its" are Synoptek's. Only a possessive
    "its" inside a "for" phrase of a verb whose direct object is a named company.
    """
    if token.lower_ != "its" or token.dep_ != "poss":
        return None
    noun = first_conjunct(token.head)
    if noun.dep_ == "pobj" and noun.head.head.pos_ == "VERB" and (
            noun.head.lower_ == "for" or noun.head.lower_ in {"on", "with", "in"}
            and noun.head.head.lemma_.lower() in _ADVISING_VERBS):
        verb = noun.head.head  # "Goldman Sachs advised Broadcom on its acquisition of VMware": Broadcom's
    elif noun.dep_ == "dobj" and noun.head.pos_ == "VERB" and any(
            c.dep_ == "prep" and c.lower_ == "for" and c.i < noun.i and any(g.dep_ == "cc" for g in c.children)
            for c in noun.head.children):
        verb = noun.head  # "for its approach, as well as its close partnerships": the parser makes a second object
    else:
        return None
    objects = [starts_at for c in verb.children if c.dep_ == "dobj" and c != noun
               for starts_at in starts.values() if starts_at.root == first_conjunct(c)]
    return objects[0].label_ if objects else None


#: Verb particles that give a trigger verb another sense: "work out the terms", "built up a reputation".
_OTHER_SENSE_PARTICLES = {"work": {"out", "off", "through"}, "build": {"up"}, "use": {"up"}, "serve": {"out"}}


def _other_sense_particle(token: Token) -> bool:
    """Is the trigger a phrasal verb in another sense ("are working out the terms", "built up a reputation")?"""
    particles = _OTHER_SENSE_PARTICLES.get(token.lemma_.lower(), set())
    return any(c.dep_ == "prt" and c.lower_ in particles for c in token.children)


def _outside_event_description(trigger: Token, mention: Span, labels: dict[int, str]) -> bool:
    """Is the trigger inside an apposition describing a joint undertaking, with the mention outside it?

    "Via the United Launch Alliance — a joint venture it runs together with Boeing — the
    company battles SpaceX": the venture's parties are named inside the description ("it",
    Boeing); SpaceX, and the venture itself, are outside and no parties. Only when the
    description names both sides itself ("Dow formed Sadara, a joint venture with Aramco"
    leaves Dow outside as a party), and never for a party noun ("FUJIFILM, Ripcord's joint
    venture partner": FUJIFILM is the partner).
    """
    for tok in [trigger, *list(trigger.ancestors)[:3]]:
        if tok.dep_ != "appos":
            continue
        if tok.pos_ != "NOUN" or tok.lemma_.lower() in _AGENT_NOUNS or tok.i < tok.head.i:
            return False
        inside = range(tok.left_edge.i, tok.right_edge.i + 1)
        if len({labels[i] for i in inside if i in labels}) < 2:
            return False
        return not any(mention.start <= i < mention.end for i in inside)
    return False


_TITLES = word_class("personal_titles")  # compared without a final dot, as kb.people does


def _person_joins(trigger: Token, mention_tokens: set[int]) -> bool:
    """Is a partnership verb said of a person ("Mr. Harrison has joined forces with an activist investor")?

    The partners are people then; the companies elsewhere in the sentence are no parties. A
    subject that is one of the companies is none ("Jittery Joe's has partnered with ...",
    whatever NER calls it).
    """
    if trigger.pos_ != "VERB":
        return False
    return any(c.dep_ == "nsubj" and not any(t.i in mention_tokens for t in c.subtree)
               and (c.ent_type_ == "PERSON" or any(g.lower_.rstrip(".") in _TITLES for g in c.children))
               for c in trigger.children)


#: Nouns for a party of the relation: "xAI, Oracle's customer" makes xAI the customer.
#: Event nouns ("CFM, a joint venture of Safran and GE") do not make the head a party.
_AGENT_NOUNS = word_class("agent_nouns")


#: A party noun heading a list, and what its members are to the noun's owner: (type, owner is the source).
_LIST_PARTIES = {
    "partner": ("partnership", True), "collaborator": ("partnership", True), "ally": ("partnership", True),
    "client": ("supplier", True), "customer": ("supplier", True), "user": ("supplier", True),
    "supplier": ("supplier", False), "provider": ("supplier", False), "vendor": ("supplier", False),
    "investor": ("investment", False), "backer": ("investment", False), "shareholder": ("investment", False),
    "competitor": ("competitor", True), "rival": ("competitor", True),
}
#: Prepositions after a supply verb and whether the owner (the verb's subject) is then the supplier.
_LIST_PREPS = {"for": True, "to": True, "from": False}
_LIST_SUPPLY_VERBS = word_class("list_supply_verbs")


def _bare_party_lists(doc: Doc, by_sent: dict[int, list[Span]]) -> Iterator[dict[str, Any]]:
    """ "Other investors include Battery Ventures and Lerer Ventures": an unowned party noun is the article's company's.

    Wikipedia-style passages list the parties of the company they are about without naming
    it again; the owner is the last company that was the subject of a main clause before
    the list, else the company named most often. The noun must have no owner of its own.
    """
    ordered = sorted(by_sent)
    for n, start in enumerate(ordered):
        mentions = by_sent[start]
        sent = mentions[0].sent
        for verb in sent:
            among = _among_party_noun(verb)
            if among is not None:
                # "Among the investors in the transaction were NIB Capital, HarbourVest Partners ..."
                anchor: Token | None = among
                objects = [c for c in verb.children if c.dep_ in {"nsubj", "attr"}]
            elif verb.lemma_.lower() in _LISTING_VERBS and verb.pos_ == "VERB":
                anchor = _list_anchor(verb)
                objects = [c for c in verb.children if c.dep_ in {"dobj", "attr"}]
            else:
                continue
            if (anchor is None or anchor.lemma_.lower() not in _LIST_PARTIES or anchor.pos_ != "NOUN"
                    or any(c.dep_ in {"poss", "compound", "nmod"} or c.lower_ in {"whose", "which"}
                           or c.lower_ == "the" and among is None for c in anchor.children)):
                continue
            # "Customers included Fortune 500 companies by late 2014, including AT&T, Microsoft":
            # the parser hangs the examples of the object on the verb or on a date of its clause
            objects += [g for c in verb.subtree if c.dep_ == "prep" and c.lower_ in {"including", "like"}
                        and _clause_verb(c) == verb for g in c.children if g.dep_ == "pobj"]
            listed = [m for m in mentions if m.kb_id_ != _REFERENCE and any(_within(o, m) for o in objects)]
            owner = _salient_company(doc, [by_sent[k] for k in ordered[:n]])
            if owner is None or not listed:
                continue
            rel_type, owner_is_source = _LIST_PARTIES[anchor.lemma_.lower()]
            for member in dict.fromkeys(m.label_ for m in listed if m.label_ != owner):
                source, target = (owner, member) if owner_is_source else (member, owner)
                yield _sentence_relation(sent, rel_type, source, target, confidence=0.6, trigger=anchor.text)


@dataclass(frozen=True, slots=True)
class _RivalFrames:
    """The frames of ``[competitor_frames]`` in ``data/relation_triggers.toml``."""

    prepositions: dict[str, frozenset[str]]  #: word -> prepositions naming its subject's rival
    verbs: frozenset[str]  #: "battle", "hold off": subject and object are rivals
    position_verbs: frozenset[str]  #: "challenge": the owner of the object position is the rival
    held_positions: frozenset[str]  #: "monopoly": its owner stands for the verb's object
    ranks: frozenset[str]  #: "after", "behind" a superlative or ordinal
    unrivalled_roles: frozenset[str]  #: "shareholder": ranked in such a role, two companies are no rivals
    shared_market_verbs: frozenset[str]
    markets: frozenset[str]
    words: frozenset[str] = frozenset()  #: every word that may open a frame: the others need no look

    def __post_init__(self) -> None:
        opening = {*self.prepositions, *(v.split()[0] for v in self.verbs), *self.position_verbs, *self.ranks,
                   *self.shared_market_verbs}
        object.__setattr__(self, "words", frozenset(opening))


@cache
def _rival_frames() -> _RivalFrames:
    data = tomllib.loads(resources.files("kb").joinpath("data/relation_triggers.toml").read_text(encoding="utf-8"))
    frames = data["competitor_frames"]
    return _RivalFrames(
        prepositions={k.lower(): frozenset(v) for k, v in frames["prepositions"].items()},
        verbs=frozenset(w.lower() for w in frames["verbs"]),
        position_verbs=frozenset(frames["position_verbs"]),
        held_positions=frozenset(frames["held_positions"]),
        ranks=frozenset(frames["ranks"]),
        unrivalled_roles=frozenset(frames["unrivalled_roles"]),
        shared_market_verbs=frozenset(frames["shared_market_verbs"]),
        markets=frozenset(frames["markets"]),
    )


def rival_frame_verbs() -> frozenset[str]:
    """Verbs (with their particle: "hold off") whose subject and object are rivals: "Lockheed Martin battles SpaceX"."""
    return _rival_frames().verbs


_ORDINAL_WORDS = word_class("ordinal_words")


def _frame_rivals(by_sent: dict[int, list[Span]]) -> Iterator[dict[str, Any]]:
    """ "Nokia is up against Ericsson", "Walmart ... to hold off Amazon": rivals named by a frame, not a rivalry word.

    CORE profiles and news state rivalry through comparison and contest as often as through
    "rival" or "compete" (issue #4). Each frame (``_frame_parties``) gives the clause's subject
    and the other side on the parse; both must be companies the text names, so "is similar
    to a bank" or "larger than Texas" relate nothing. A negated frame or one under a modal
    ("could challenge") states no rivalry.
    """
    frames = _rival_frames()
    lex = trigger_lexicon()
    for mentions in by_sent.values():
        companies = [m for m in mentions if m.kb_id_ != _ORG]
        if len({m.label_ for m in companies}) < 2:
            continue
        sent = companies[0].sent
        named = {i for m in companies for i in range(m.start, m.end)}
        for token in sent:
            if token.i in named or token.lower_ not in frames.words and token.lemma_.lower() not in frames.words:
                continue
            sides = _frame_parties(token, frames)
            if not sides or _negated(token, lex) or _hypothetical(token):
                continue
            for a, b in _rivals_on_sides(sides, companies):
                yield _sentence_relation(sent, "competitor", a.label_, b.label_, confidence=0.75, trigger=token.text)


def _rivals_on_sides(sides: list[tuple[list[Token], list[Token]]], companies: list[Span]) -> Iterator[tuple[Span, Span]]:
    """The pairs of companies a frame's two sides name; never two names of one group."""
    for first, second in sides:
        for a in (m for m in companies if any(_names_side(t, m) for t in first)):
            for b in (m for m in companies if any(_names_side(t, m) for t in second)):
                if a.label_ != b.label_ and not _same_group(a, b) and not _same_group(b, a):
                    yield a, b


def _frame_parties(token: Token, frames: _RivalFrames) -> list[tuple[list[Token], list[Token]]]:
    """The two sides (heads of their names or lists) a frame word makes rivals, if it is one."""
    lemma, lower = token.lemma_.lower(), token.lower_
    subject = _frame_subject(token)
    sides: list[tuple[list[Token], list[Token]]] = []
    preps = frames.prepositions.get(lemma) or frames.prepositions.get(lower)
    if preps and _ranked_role(token) in frames.unrivalled_roles:
        preps = None  # "the largest shareholder, ahead of Nvidia"
    if preps:
        # "gained market share from Intel": the parser hangs "from" on the verb as often as on "share"
        holders = [token, token.head] if lemma == "share" and token.dep_ == "dobj" else [token]
        # "similar to Ericsson's" is like something of Ericsson's
        others = [g for h in holders for c in h.children if c.dep_ == "prep" and c.lower_ in preps
                  for g in c.children if g.dep_ == "pobj" and not any(x.dep_ == "case" for x in g.children)]
        if lemma == "share" and not _market_share(token):
            others = []  # "took a share from Ericsson in the venture": a holding, not the market
        if lemma == "compare":
            # "analysts compare Nokia to Ericsson": the object is compared
            subject = next((c for c in token.children if c.dep_ == "dobj"), subject)
        if others and subject is not None:
            sides.append(([subject], others))
    verb = lemma if token.pos_ == "VERB" else ""
    particle = next((c.lower_ for c in token.children if c.dep_ == "prt"), "")
    if verb and (verb in frames.verbs or f"{verb} {particle}" in frames.verbs) and subject is not None:
        # "to hold off Amazon.com": the parser takes a name after a particle for an adverb
        objects = [c for c in token.children if c.dep_ == "dobj" or particle and c.dep_ == "npadvmod"]
        if objects:
            sides.append(([subject], objects))
    if verb in frames.position_verbs and subject is not None:
        # "challenged Bell Canada's monopoly": the holder of the position is the rival
        holders = [g for o in token.children if o.dep_ == "dobj" and o.lemma_.lower() in frames.held_positions
                   for g in o.children if g.dep_ == "poss"]
        if holders:
            sides.append(([subject], holders))
    if (lower in frames.ranks and token.dep_ == "prep" and _ranked(token.head) and subject is not None
            and _ranked_role(token) not in frames.unrivalled_roles):
        # "the largest retailer in Norway after Globex", "fourth operator behind Vodafone"
        sides.append(([subject], [g for g in token.children if g.dep_ == "pobj"]))
    if verb in frames.shared_market_verbs and any(
            c.dep_ == "dobj" and c.lemma_.lower() in frames.markets for c in token.children):
        subjects = [c for c in token.children if c.dep_ == "nsubj"]
        if subjects and subjects[0].conjuncts:
            sides.append((subjects, subjects))  # "Nokia and Ericsson dominate the market"
    return sides


def _names_side(token: Token, mention: Span) -> bool:
    """Is the mention the side a frame's head word stands for, or one of its list?

    Stricter than ``_within``: in "General Electric-Safran joint venture CFM is up against
    Pratt & Whitney" only CFM is up against Pratt & Whitney, not its parents.
    """
    root = mention.root
    return (mention.start <= token.i < mention.end or root in token.conjuncts
            or root.dep_ == "appos" and root.head == token)


#: What makes a frame a supposition: "would become the third-largest confectioner behind Mars".
_HYPOTHETICAL = _SPEC_AUX | {"would", "if", "unless"}


def _hypothetical(token: Token) -> bool:
    """Is the frame under a modal or a condition ("could challenge", "if it succeeds, ... would become")?"""
    return any(c.dep_ in {"aux", "mark"} and c.lower_ in _HYPOTHETICAL
               for t in [token, *list(token.ancestors)[:3]] for c in [*t.children, *t.head.children] if c.i < t.i)


def _market_share(share: Token) -> bool:
    """ "market share", "share of the market" or a bare "took share from": not "a 10% share", "its share"."""
    if any(c.lower_ == "market" for c in share.children if c.dep_ in {"compound", "nmod", "amod"}):
        return True
    return not any(c.dep_ in {"det", "poss", "nummod"} for c in share.children)


def _ranked_role(token: Token) -> str:
    """The role a rank word is about: "shareholder" in "the largest shareholder in Arm after Nvidia"."""
    head = token.head
    if head.pos_ in {"NOUN", "PROPN"}:
        return head.lemma_.lower()
    return next((c.lemma_.lower() for c in head.children if c.dep_ in {"attr", "dobj"}), "")


def _ranked(noun: Token) -> bool:
    """Does the noun carry a rank: "the largest retailer", "fourth mobile operator", "the next biggest chain"?"""
    return noun.pos_ in {"NOUN", "PROPN"} and any(
        c.tag_ == "JJS" or c.ent_type_ == "ORDINAL" or c.lower_ in _ORDINAL_WORDS for c in noun.children)


def _frame_subject(token: Token) -> Token | None:
    """What a frame word says something of: its clause's subject, or the name it describes.

    "Lyft is seen as an alternative to Uber" (the passive subject), "Lyft, an alternative to
    Uber," (the name in apposition), "Walmart launched a line in an effort to hold off Amazon"
    (the subject of the clause the infinitive hangs on). An adjective on a noun says something
    of that noun: in "a contract similar to Ericsson's" the contract is similar.
    """
    if token.dep_ == "amod":
        return token.head
    x = token
    for _ in range(8):
        subject = next((c for c in x.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subject is not None:
            if subject.lower_ in {"which", "that", "who"} and x.dep_ == "relcl":
                return x.head  # "Nokia, which is up against Ericsson"
            return subject
        if x.dep_ == "appos":
            return x.head
        if x.dep_ == "ROOT" or x.head == x:
            return None
        x = x.head
    return None


_FOUNDING_VERBS = word_class("founding_verbs")


def _founded_subject(verb: Token) -> list[Token]:
    """What a founding verb founded: its passive subject, or, for a fronted participle, the main clause's subject."""
    subjects = [c for c in verb.children if c.dep_ == "nsubjpass"]
    if not subjects and verb.tag_ == "VBN" and verb.dep_ == "advcl":
        subjects = [c for c in verb.head.children if c.dep_ in {"nsubj", "nsubjpass"}]  # "Founded in 2001 as ..., X commenced"
    return subjects


def _names_a_round(token: Token) -> bool:
    """Is "series" a funding round ("Series B", "a series A round"), not a TV show or a run of things?"""
    after = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if after is None:
        return False
    return (len(after.text) <= 2 and after.text[:1].isalpha() and after.text[:1].upper() in "ABCDEFGH"
            or after.lower_ in {"round", "funding", "financing", "seed", "investment"})


def _owners_of(noun: Token) -> list[Token]:
    """Whose the noun is: its possessor or "of" object ("Wesfarmers' division", "the division of Wesfarmers")."""
    owners = [c for c in noun.children if c.dep_ == "poss"]
    owners += [g for c in noun.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
    return owners


def _among_party_noun(verb: Token) -> Token | None:
    """The party noun of a fronted "Among the investors were X, Y": what the subjects of "be" are."""
    if verb.lemma_.lower() != "be":
        return None
    noun = next((g for c in verb.children if c.dep_ == "prep" and c.lower_ == "among" and c.i < verb.i
                 for g in c.children if g.dep_ == "pobj"), None)
    if noun is not None and any(g.pos_ == "PROPN" for c in noun.children if c.dep_ == "prep" for g in c.children):
        return None  # "Among the investors in Square were ...": the investors of someone named, not the passage's company
    return noun


def _clause_verb(token: Token) -> Token | None:
    """The nearest verb above the token: the clause it belongs to."""
    return next((t for t in token.ancestors if t.pos_ in {"VERB", "AUX"}), None)


def _salient_company(doc: Doc, earlier: list[list[Span]]) -> str | None:
    """The company the passage is about so far: the last main-clause subject, else the most named."""
    counts: dict[str, int] = {}
    for mentions in reversed(earlier):
        for m in mentions:
            if m.kb_id_ not in {_REFERENCE, _ORG} and m.root.dep_ in {"nsubj", "nsubjpass"} and m.root.head == m.sent.root:
                return m.label_
    for mentions in earlier:
        for m in mentions:
            if m.kb_id_ not in {_REFERENCE, _ORG}:
                counts[m.label_] = counts.get(m.label_, 0) + 1
    return max(counts, key=lambda name: counts[name]) if counts else None


def _list_anchor(listing: Token) -> Token | None:
    """The noun a list before a colon belongs to: "partners" in "has had partners including:"."""
    lower = listing.lower_
    if lower in {"including", "as", "like"} and listing.dep_ == "prep":
        return listing.head if listing.head.pos_ in {"NOUN", "PROPN"} else None
    if listing.lemma_.lower() == "include" and listing.pos_ == "VERB" or lower in {"are", "were"}:
        subject = next((c for c in listing.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subject is not None and subject.lower_ in {"some", "many", "most", "one"}:
            # "Some of their high profile users include:"
            subject = next((g for c in subject.children if c.dep_ == "prep" and c.lower_ == "of"
                            for g in c.children if g.dep_ == "pobj"), None)
        return subject
    return None


def _list_party(anchor: Token, mentions: list[Span]) -> tuple[str, Span, bool] | None:
    """(type, owner, owner is the source) for the list hanging off the anchor, or None."""
    entry = _LIST_PARTIES.get(anchor.lemma_.lower())
    if entry is not None:
        owners = [m for m in mentions if _owner_compound(m, anchor) or m.root.head == anchor and m.root.dep_ == "poss"]
        if not owners and anchor.dep_ in {"dobj", "attr"}:
            # "Medio has had partners including:": the subject has them
            owners = [m for m in mentions for c in anchor.head.children if c.dep_ == "nsubj" and _within(c, m)]
        return (entry[0], owners[0], entry[1]) if owners else None
    # "the company has produced farm toys for industry brands such as:": the brands are customers
    if anchor.dep_ != "pobj" or anchor.head.lower_ not in _LIST_PREPS:
        return None
    verb = anchor.head.head
    for _ in range(2):
        if verb.pos_ == "VERB" or verb.head == verb:
            break
        verb = verb.head
    if verb.lemma_.lower() not in _LIST_SUPPLY_VERBS:
        return None
    owners = [m for m in mentions for c in verb.children if c.dep_ == "nsubj" and _within(c, m)]
    return ("supplier", owners[0], _LIST_PREPS[anchor.head.lower_]) if owners else None


def _argument_slots(trigger: Token, mentions: list[Span]) -> list[set[str]]:
    """The companies a party noun is bound to: what it describes and whose it is.

    "FUJIFILM, Ripcord's joint venture partner" binds "partner" to FUJIFILM (apposition) and
    to Ripcord (possessor); "rival Ericsson" binds "rival" to Ericsson. Every filled slot must
    hold one company of a pair the noun relates, so the other companies of the sentence
    ("MUIP led the round, with FUJIFILM, Ripcord's partner, ...") are not its parties.
    """
    if trigger.pos_ not in {"NOUN", "PROPN"} or trigger.lemma_.lower() not in _AGENT_NOUNS:
        return []
    described: set[str] = set()
    owner: set[str] = set()
    for m in mentions:
        if m.kb_id_ == _REFERENCE:
            continue  # "its partner": the salient-company guess is too weak to bind anything
        head = m.root
        while head.dep_ == "conj" and head.head != head:
            head = head.head  # "partners Ericsson and Nokia": every member fills the slot
        if head.head == trigger and head.dep_ == "poss" or _owner_compound(m, trigger):
            owner.add(m.label_)
        elif (head.head == trigger and head.dep_ in {"appos", "compound"}
              or trigger.head == head and trigger.dep_ in {"appos", "compound", "amod"}
              or head.dep_ == "dobj" and _role_given_to_object(trigger) and head.head == trigger.head.head):
            described.add(m.label_)  # "counts Amazon among its investors": the verb gives Amazon the role
    return [slot for slot in (described, owner) if slot]


_POSSESSIVE_PRONOUNS = {"its", "their", "his", "her", "our"}
#: The preposition naming what an event noun is about: "acquisition of X", "investment in X".
_EVENT_OBJECT_PREPS = {"acquisition": {"of"}, "investment": {"in", "into"}}


def _event_slots(trig: _Trigger, mentions: list[Span]) -> list[set[str]]:
    """The companies an event noun is bound to: its possessor (the actor) and its "of" object.

    "Amazon completed its purchase of Whole Foods, sharpening the rivalry among Walmart,
    Target ...": the purchase has a buyer ("its") and a bought (Whole Foods), so Walmart is no
    party of it; nor is Nvidia of "Microsoft's investment in OpenAI helped Nvidia". A possessive pronoun stands for the subject of the clause the noun is in, and
    the salient-company guess for "its" also fills the slot.
    """
    token = trig.token
    if trig.type not in DIRECTED or token.pos_ != "NOUN" or token.lemma_.lower() in _AGENT_NOUNS:
        return []
    out: list[set[str]] = []
    for child in token.children:
        if child.dep_ != "poss":
            continue
        owner = {m.label_ for m in mentions if m.start <= child.i < m.end}
        if child.lower_ in _POSSESSIVE_PRONOUNS:
            verb = token.head
            while verb.pos_ not in {"VERB", "AUX"} and verb.head != verb:
                verb = verb.head
            # "Goldman Sachs advised Broadcom on its acquisition of VMware": the advised company's
            deps = {"dobj"} if verb.lemma_.lower() in _ADVISING_VERBS and token.head.lower_ in {"on", "with", "in"} \
                and any(c.dep_ == "dobj" for c in verb.children) else {"nsubj", "nsubjpass"}
            owner |= {m.label_ for m in mentions for c in verb.children if c.dep_ in deps and _within(c, m)}
        if owner or child.lower_ in _POSSESSIVE_PRONOUNS or child.pos_ == "PROPN":
            out.append(owner)
    # "Following the purchase of Coles Group by Wesfarmers, Officeworks became ...": the "by"
    # object is the actor, as a possessor would be
    actors = {m.label_ for c in token.children if c.dep_ in {"prep", "agent"} and c.lower_ == "by"
              for g in c.children if g.dep_ == "pobj" for m in mentions if m.kb_id_ != _REFERENCE and _within(g, m)}
    if actors:
        out.append(actors)
    preps = _EVENT_OBJECT_PREPS.get(trig.type, set())
    of_objects = [g for c in token.children if c.dep_ == "prep" and c.lower_ in preps for g in c.children if g.dep_ == "pobj"]
    bought = {m.label_ for g in of_objects for m in mentions if m.kb_id_ != _REFERENCE and _within(g, m)}
    if bought:
        out.append(bought)
    elif any(g.pos_ == "NOUN" and not any(_within(g, m) for m in mentions) for g in of_objects):
        out.append(set())  # "Shell agreed to sell its stake in the project to TotalEnergies": no company's stake
    return out


def _owned_partnership_slots(trig: _Trigger, mentions: list[Span]) -> list[set[str]]:
    """The two sides of a possessed partnership noun: its owner and its "with" counterparts.

    "picked Synoptek for ... its close partnerships with Microsoft and ServiceNow": the
    partnerships are Synoptek's, so Arrive AI, the subject of "picked", is no party of them.
    """
    token = trig.token
    if trig.type != "partnership" or token.pos_ != "NOUN" or token.lemma_.lower() in _AGENT_NOUNS:
        return []
    owner = {m.label_ for c in token.children if c.dep_ == "poss" for m in mentions if m.start <= c.i < m.end}
    counterparts = {m.label_ for c in token.children if c.dep_ == "prep" and c.lower_ == "with"
                    for g in c.children if g.dep_ == "pobj" for m in mentions if _within(g, m)}
    return [owner, counterparts] if owner and counterparts else []


_PARTY_DEPS = {"compound", "nmod", "poss"}


def _named_partners(trig: _Trigger, mentions: list[Span]) -> set[str]:
    """The companies a partnership noun names as its own parties, when it names two or more.

    "General Electric-Safran joint venture CFM is up against Pratt & Whitney", "a joint venture
    between Safran and GE": the venture is between those two, not with Pratt & Whitney.
    """
    noun = trig.token
    if trig.type != "partnership":
        return set()
    if noun.pos_ == "ADJ" and noun.dep_ == "amod":
        noun = noun.head  # "joint" of "joint venture"
    if noun.pos_ not in {"NOUN", "PROPN"}:
        return set()
    parties: set[str] = set()
    for m in mentions:
        if m.kb_id_ == _REFERENCE:
            continue
        head = first_conjunct(m.root)
        if head.head == noun and head.dep_ in _PARTY_DEPS and head.i < noun.i:
            parties.add(m.label_)
        elif head.dep_ == "pobj" and head.head.head == noun and head.head.lower_ in {"between", "among", "of"}:
            parties.add(m.label_)
    return parties if len(parties) >= 2 else set()


_GROUP_NOUNS = word_class("group_nouns")


def _same_group(mention: Span, other: Span) -> bool:
    """Is the mention named as the other's parent or unit: "its parent company, SRI International",
    "Instagram, a subsidiary of Meta"? Then the two are one group, not partners or supplier and customer.
    """
    root = mention.root
    nouns = [root.head] if root.dep_ == "appos" else []
    nouns += [c for c in root.children if c.dep_ == "appos"]
    for noun in nouns:
        words = {noun.lemma_.lower(), *(c.lemma_.lower() for c in noun.children if c.dep_ in {"compound", "amod"})}
        if not words & _GROUP_NOUNS:
            continue
        if any(o.lower_ in _POSSESSIVE_PRONOUNS or _within(o, other) for o in _owners_of(noun)):
            return True
    return False


def _description_of_other(mention: Span, mentions: list[Span]) -> Token | None:
    """The apposition describing another company that this mention is named in, if any.

    "PowerCo, VW's battery unit", "CFM, a joint venture of Safran and GE", "Google, part of
    Alphabet": the owner or parent named in a description of another company is a party only
    of relations stated inside that description.
    """
    heads = {m.root.i for m in mentions if m.label_ != mention.label_}
    inside = {t for m in mentions for t in range(m.start, m.end)}
    chain = [mention.root, *mention.root.ancestors]
    for n, tok in enumerate(chain[:5]):
        if tok.dep_ == "appos" and tok.head.i in heads and tok.i not in inside and tok.pos_ == "NOUN":
            if n and chain[n - 1].dep_ == "conj":
                return None  # "acquired Agere, an Oregon company, and IRIX": a list the parser hung on the description
            return tok
    return None


_MAKING_VERBS = word_class("making_verbs")
_HIRING_VERBS = word_class("hiring_verbs")
#: Supplier words that never count on a deal sentence alone: the customer must be named.
_NEEDS_CUSTOMER = {"develop", "design", "create", *_HIRING_VERBS}


#: Verbs whose subject takes up what the object's maker supplies: "installed PlaySight's technology".
_USING_VERBS = word_class("using_verbs")  # "instal": spaCy's lemma of "installed"


def _uses_a_companys_product(token: Token, inside: set[int]) -> bool:
    """ "would be using SmartDrive's video systems", "uses Honeywell software": the maker of what is used supplies it.

    The object must be a thing a named company owns (possessor or modifier), not the company itself.
    """
    if token.pos_ != "VERB" or token.lemma_.lower() not in _USING_VERBS:
        return False
    return any(c.dep_ == "dobj" and c.i not in inside and any(g.dep_ in {"poss", "compound"} and g.i in inside for g in c.children)
               for c in token.children)


#: Verbs of a shop offering goods it takes from others: "carries watches from Cartier".
_STOCKING_VERBS = word_class("stocking_verbs")


def _goods_from(verb: Token) -> list[Token]:
    """Where the goods a shop sells come from: "sells tyres from brands including X", "carries watches from Cartier"."""
    if verb.pos_ != "VERB" or verb.lemma_.lower() not in {"sell", "resell", *_STOCKING_VERBS}:
        return []
    holders = [verb, *(c for c in verb.children if c.dep_ == "dobj")]
    return [g for h in holders for p in h.children if p.dep_ == "prep" and p.lower_ == "from" and not _spans_a_range(p)
            for g in p.children if g.dep_ == "pobj"]


def _spans_a_range(prep: Token) -> bool:
    """ "items, from Rice Krispies to paper plates": a range of goods, not where they come from."""
    return any(t.lower_ == "to" for t in prep.subtree) or any(
        c.dep_ == "prep" and c.lower_ == "to" and c.i > prep.i for c in prep.head.children)


def _sells_goods_from(token: Token, inside: set[int]) -> bool:
    """Does the shop sell goods from a named company? Then that company supplies it."""
    return any(t.i in inside for g in _goods_from(token) for t in g.subtree)


#: Words of goods offered through a shop, and the shops' prepositions and nouns:
#: "sold in Walmart locations", "sells digital content via outlets including Amazon.com".
_RETAIL_WORDS = word_class("retail_words")
_SHOP_PREPS = {"in", "at", "through", "via"}
_SHOP_NOUNS = word_class("shop_nouns")


def _sold_at(word: Token, mention: Span) -> bool:
    """Is the company the shop the goods are sold at or through? "are sold in Visions Electronics, Walmart ... locations".

    The shop is the object of "in", "at", "through" or "via" on the word (or on its object),
    an example of the category there ("outlets including Amazon.com"), or a name on a shop
    noun ("Walmart stores").
    """
    if word.lemma_.lower() not in _RETAIL_WORDS:
        return False
    # "in" on the object is rather a stake's: "sold its stake in Beta"
    preps = [p for p in word.children if p.dep_ == "prep" and p.lower_ in _SHOP_PREPS]
    preps += [p for c in word.children if c.dep_ == "dobj" for p in c.children if p.dep_ == "prep" and p.lower_ in {"through", "via"}]
    places = [g for p in preps for g in p.children if g.dep_ == "pobj"]
    head = _effective_head(mention.root)
    for place in places:
        if _within(place, mention) and place.ent_type_ not in {"GPE", "LOC", "DATE"} or _listed_under(head) == place:
            return True
        if place.lemma_.lower() in _SHOP_NOUNS and head.head == place and head.dep_ in {"nmod", "compound", "poss"}:
            return True
    return False


def _party_for_a_company(noun: Token, inside: set[int]) -> bool:
    """ "a contractor for Nike", "a longtime client of Accenture": a party noun says whose party it is."""
    return noun.pos_ == "NOUN" and noun.lemma_.lower() in _AGENT_NOUNS and any(
        c.dep_ == "prep" and c.lower_ in {"for", "of", "to"} and any(t.i in inside for t in c.subtree) for c in noun.children)


_CO_MAKING_WORDS = word_class("co_making_words")


#: Agent nouns of the supplying side, whose examples are what the companies are: "providers such as Cablecom".
_SUPPLYING_NOUNS = word_class("supplying_nouns")


def _describes_a_name(noun: Token, inside: set[int]) -> bool:
    """Is the supply noun only a description of a named company, with no counterpart of its own?

    "kickbacks from a pharmaceutical manufacturer Johnson & Johnson", "Source Code Corporation, a
    ... manufacturer of server and storage devices": the noun says what the company is. A
    supplying noun says so of its examples too: "TV providers, such as Cablecom and Cablevisión",
    "a group of motorcycle manufacturers which included Norton". A counterpart in the noun's own
    phrase still makes a supply: "Apple supplier Foxconn", "Nokia, BT's principal 3G supplier",
    "Foxconn, a supplier to Apple", "Apple's suppliers such as Foxconn".
    """
    if noun.pos_ != "NOUN" or noun.lemma_.lower() not in _AGENT_NOUNS or noun.i in inside:
        return False
    # "a pharmaceutical manufacturer Johnson & Johnson": the parser may hang the noun on the name
    described = noun.dep_ in {"appos", "compound"} and noun.head.i in inside and (
        noun.dep_ == "appos" or any(c.dep_ == "det" for c in noun.children))
    examples = []
    if noun.lemma_.lower() in _SUPPLYING_NOUNS:  # "has customers like Siemens": the subject's customers
        examples = [c for c in noun.children if _gives_examples(c) and any(t.i in inside for t in c.subtree)]
    if not described and not examples:
        return False
    own = [c for c in noun.children if not (c.dep_ == "appos" and c.i in inside) and c not in examples]
    return not any(t.i in inside for c in own for t in c.subtree)


def _gives_examples(child: Token) -> bool:
    """Does the noun's child list examples of it: "providers such as Cablecom", "manufacturers which included Norton"?"""
    if child.dep_ == "prep" and child.lower_ in {"including", "like"}:
        return True
    if child.dep_ == "prep" and child.lower_ == "as" and any(c.lower_ == "such" for c in child.children):
        return True
    return child.dep_ in {"relcl", "acl"} and child.lemma_.lower() == "include"


def _co_makers(token: Token, mentions: list[Span]) -> frozenset[str]:
    """The companies that make something together: "produced by Hoorae with HBO" is Hoorae and HBO.

    The "with" object must be a company itself, not a thing of it ("built with Nvidia chips",
    "made with top-quality ingredients" name no partner), and the maker is the agent or subject
    of the word, or of the nearest clause above it that has a company as subject ("WNYC Studios
    launched two podcasts: ... Pickle (in production with ABC Australia)"). Without a maker,
    nothing: "the film Sinkhole, produced with Monkeypaw Productions" says who with, not who.
    """
    if token.lemma_.lower() not in _CO_MAKING_WORDS or token.pos_ not in {"VERB", "NOUN"}:
        return frozenset()
    at = {t: m for m in mentions for t in range(m.start, m.end)}
    # "with" may hang on the object: "developed a sensor with TSMC"
    holders = [token, *(c for c in token.children if c.dep_ == "dobj")]
    partners = {at[t.i].label_ for h in holders for c in h.children if c.dep_ == "prep" and c.lower_ == "with"
                for g in c.children if g.dep_ == "pobj" for t in [g, *g.conjuncts] if t.i in at}
    if not partners:
        return frozenset()
    for verb in [token, *token.ancestors]:
        if verb.pos_ not in {"VERB", "AUX"}:
            continue
        makers = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        makers += [c for c in verb.children if c.dep_ == "nsubj"]
        named = {at[g.i].label_ for m in makers for g in [m, *m.conjuncts] if g.i in at}
        if named:
            return frozenset(partners | named) if named - partners else frozenset()
        if makers:
            return frozenset()  # "Upcoming projects include ...": the clause's maker is no company
    return frozenset()


def _made_for_a_company(token: Token, inside: set[int]) -> bool:
    """ "produced titles for Telecomsoft", "was hired by 20th Century Fox": work done for a company."""
    if token.pos_ != "VERB":
        return False
    lemma = token.lemma_.lower()
    # "was contracted by MWEB": the verb hires as plainly as "hire" (the noun "contract" is a deal word)
    if lemma in _HIRING_VERBS or lemma == "contract":
        return any(t.i in inside for c in token.children if c.dep_ in {"dobj", "nsubjpass", "nsubj", "agent"} for t in c.subtree)
    # "for" may hang on the object: "produced a number of titles for Telecomsoft"
    return lemma in _MAKING_VERBS and any(
        p.dep_ == "prep" and p.lower_ == "for" and _distance(p, token) <= 4 and any(t.i in inside for t in p.subtree)
        for p in token.subtree)


def _with_counterparts(triggers: list[_Trigger], mentions: list[Span]) -> dict[int, set[int]]:
    """For each mention named as "with X" of a trigger ("a deal with Nokia"), the triggers it is the counterpart of.

    "in collaboration with X" / "in partnership with X" is no deal of its own: it makes X a
    co-actor of the clause ("OpenAI, in collaboration with Microsoft, announced a partnership
    with Oracle": Microsoft is a party of the Oracle partnership too), so it is not counted.
    """
    out: dict[int, set[int]] = {}
    for trig in triggers:
        if trig.token.dep_ == "pobj" and trig.token.head.lower_ == "in":
            continue
        for prep in trig.token.children:
            if prep.dep_ != "prep" or prep.lower_ != "with":
                continue
            for m in mentions:
                head = m.root
                while head.dep_ == "conj" and head.head != head:
                    head = head.head
                if head.dep_ == "pobj" and head.head == prep:
                    out.setdefault(m.start, set()).add(trig.token.i)
    return out


#: Arcs that open a clause of its own: "given that ...", "because ...", "while ...", "which ...".
_CLAUSE_DEPS = {"advcl", "ccomp", "pcomp", "relcl"}


def _in_own_clause(trigger: Token, mention: Span, trigger_tokens: set[int]) -> bool:
    """Is the mention an argument of a subordinate clause, outside the trigger, with a trigger of its own?

    "The collaboration with Oracle is notable given that Oracle also provides infrastructure to
    xAI": xAI is reached from "collaboration" only down through the clause of "provides", which
    relates it by itself; "collaboration" does not. Only finite clauses count: an infinitive or
    gerund ("a deal ... to allow", "thus acquiring") says what the deal itself does. Only noun
    triggers: a verb's clauses are too often the parser's guess at a run-on sentence.
    """
    if trigger.pos_ != "NOUN":
        return False
    above = {trigger.i, *(t.i for t in trigger.ancestors)}
    path: list[Token] = []
    tok = mention.root
    while tok.i not in above:
        path.append(tok)
        if tok.dep_ in _CLAUSE_DEPS and _finite(tok) and any(t.i in trigger_tokens and t.i != trigger.i for t in path):
            return True
        if tok.head == tok:
            break
        tok = tok.head
    return False


def _finite(verb: Token) -> bool:
    """A clause with a tense of its own; "an agreement ... to allow X", "thus acquiring Y" state the deal's content."""
    return verb.tag_ in {"VBD", "VBZ", "VBP", "MD"} or any(
        c.dep_ in {"aux", "auxpass"} and c.tag_ in {"VBD", "VBZ", "VBP", "MD"} for c in verb.children)


def _in_subordinate_clause(trigger: Token, mention: Span) -> bool:
    """Is the mention in an adverbial clause with a subordinator and a subject of its own, outside the trigger's?

    "Uber offloaded its arm Uber Eats to Zomato, while Ola closed its grocery operation": Ola
    acts in the while-clause, and is no party of the offloading.
    """
    above = {trigger.i, *(t.i for t in trigger.ancestors)}
    tok = mention.root
    while tok.i not in above and tok.head != tok:
        if (tok.dep_ == "advcl" and any(c.dep_ == "mark" for c in tok.children)
                and any(c.dep_ in {"nsubj", "nsubjpass"} for c in tok.children)):
            return True
        tok = tok.head
    return False


#: Subordinators of adverbial clauses; "that" is left out, as the parser also makes a relative clause an
#: adverbial one ("a round that Tencent led").
_ADVERBIAL_MARKS = frozenset({"while", "whereas", "although", "though", "as", "when", "after", "before", "since",
                              "because", "until", "once"})


def _named_adverbial_clause(trigger: Token) -> Token | None:
    """The adverbial clause with a subordinator and a named subject that the trigger is in, if any.

    "Uber offloaded Uber Eats to Zomato Ltd, while Ola closed its grocery operation": the closing
    is Ola's own, and Uber and Zomato, outside the clause, are no parties to it. A pronoun
    subject ("Acme grew after it acquired Beta") may be the main clause's company, so only a
    name closes the clause. (The other way round, a mention inside such a clause and the
    trigger outside, is ``_in_subordinate_clause``.)
    """
    clause = trigger
    while not (clause.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _ADVERBIAL_MARKS for c in clause.children)):
        if clause.head == clause:
            return None
        clause = clause.head
    return clause if any(c.dep_ in {"nsubj", "nsubjpass"} and c.pos_ == "PROPN" for c in clause.children) else None


def _in_description_clause(trigger: Token, mention: Span, labels_at: dict[int, str]) -> bool:
    """Is the mention inside a relative clause describing another company, which the trigger is outside of?

    "Maersk Line, which is owned by A.P. Moller-Maersk, said it planned to buy Hamburg Süd":
    the owner belongs to what is said of Maersk Line, not to the purchase. So does a reduced
    clause: "BNC acquired Stanford Bank Venezuela, previously controlled by Stanford Financial
    Group" buys nothing from the group.
    """
    above = {trigger.i, *(t.i for t in trigger.ancestors)}
    tok = mention.root
    while tok.i not in above and tok.head != tok:
        if tok.dep_ in {"relcl", "acl"} and labels_at.get(tok.head.i) not in (None, mention.label_):
            return True
        tok = tok.head
    return False


def _named_as_unit(a: Span, b: Span) -> bool:
    """Is one name the other's plus more words ("Duke Energy" and "Duke Energy Florida")? Then it is its unit."""
    short, long = sorted((a.label_, b.label_), key=len)
    return long.startswith(short + " ")


def _about_a_person(trigger: Token, mention: Span) -> bool:
    """Is the mention inside a clause or apposition describing a person, which the trigger is outside of?

    "... among its backers, as well as Steve Wozniak, who co-founded Apple": Apple belongs
    to what is said of Wozniak, not to the backers.
    """
    above = {trigger.i, *(t.i for t in trigger.ancestors)}
    tok = mention.root
    while tok.i not in above and tok.head != tok:
        if tok.dep_ in {"relcl", "appos"} and tok.head.ent_type_ == "PERSON":
            return True
        tok = tok.head
    return False


#: Deals a person can make in their own name, so that a company naming the person's employer is no party.
_PERSONAL_DEALS = frozenset({"investment", "acquisition"})


def _a_persons_employer(mention: Span, mention_tokens: set[int]) -> bool:
    """Does the company name only say whose a person is ("Amazon founder Jeff Bezos", "LinkedIn's Mike Gamson")?

    Angels invest in their own name: the company before a person's title, or owning the person,
    modifies the person, who is the party. A name run straight into a person-tagged word is
    no employer ("the Swedish multinational Telia Sonera").
    """
    tok = mention.root
    if tok.dep_ == "poss":
        return tok.head.ent_type_ == "PERSON" and tok.head.i not in mention_tokens
    titled = False
    while tok.dep_ == "compound" and tok.head != tok:
        tok = tok.head
        if tok.i in mention_tokens:
            return False
        if tok.lower_ not in TITLE_WORDS:
            return titled and tok.ent_type_ == "PERSON"
        titled = True
    return False


def _gerund_subject(trigger: Token) -> Token | None:
    """The subject of a gerund clause: "Cisco" in "on the eve of Cisco acquiring Monsoon".

    The small parser hangs such a gerund on the noun before it ("eve") and its subject on
    that noun's "of"; an explicit subject ("the report of Cisco's acquiring ...") is a child.
    """
    if trigger.tag_ != "VBG":
        return None
    for child in trigger.children:
        if child.dep_ in {"nsubj", "nsubjpass"} and child.i < trigger.i:
            # "Medtronic, which is absorbing ...": a relative pronoun stands for the noun it follows
            return trigger.head if child.tag_ in {"WDT", "WP"} and trigger.dep_ == "relcl" else child
    if trigger.dep_ != "acl" or trigger.i == 0:
        return None
    subject = trigger.doc[trigger.i - 1]
    while subject.dep_ in {"compound", "flat"} and subject.head.i < trigger.i:
        subject = subject.head
    if subject.dep_ == "pobj" and subject.head.lower_ == "of" and subject.head.head == trigger.head:
        return subject
    return None


def _outside_gerund(trigger: Token, mention: Span) -> bool:
    """Is the mention outside a gerund clause that has a subject of its own?"""
    subject = _gerund_subject(trigger)
    if subject is None:
        return False
    return not (_within(subject, mention) or any(mention.start <= t.i < mention.end for t in trigger.subtree))


def _lists_parties(trigger: Token) -> bool:
    """ "customers including Audi", "clients such as HBO", "partners like SAP": a party noun naming its members."""
    return trigger.pos_ == "NOUN" and trigger.lemma_.lower() in _AGENT_NOUNS and (any(
        c.dep_ == "prep" and c.lower_ in {"including", "like", "as"} for c in trigger.children)
        or _listing_verb(trigger) is not None or _examples_on_verb(trigger))


def _examples_on_verb(trigger: Token) -> bool:
    """ "Ranpak counts customers globally like Amazon": the parser hangs the examples on the verb."""
    verb = trigger.head
    return trigger.dep_ == "dobj" and any(c.dep_ == "prep" and c.lower_ in {"including", "like"} and c.i > trigger.i
                                          for c in verb.children)


_LISTING_VERBS = word_class("listing_verbs")


def _listing_verb(trigger: Token) -> Token | None:
    """The verb listing a party noun's members: "(some of) its clients include HBO and PBS"."""
    tok = trigger
    for _ in range(3):
        if tok.dep_ in {"nsubj", "nsubjpass"}:
            verb = tok.head
            return verb if verb.lemma_.lower() in _LISTING_VERBS else None
        if tok.dep_ not in {"pobj", "prep"} or tok.head == tok:
            return None
        tok = tok.head  # "Some of its clients": the party noun sits under the subject's "of"
    return None


def _owner_compound(mention: Span, trigger: Token) -> bool:
    """Is the mention a name before a party noun, which then is the mention's: "CB Insights clients"?"""
    return mention.root.head == trigger and mention.root.dep_ == "compound" and mention.end <= trigger.i


def _is_the_party(trigger: Token, mention: Span) -> bool:
    """Is the mention the event itself ("CFM, a joint venture of ...")? Then it is not a party."""
    head = mention.root
    if trigger.lemma_.lower() in _AGENT_NOUNS or trigger.pos_ not in {"NOUN", "ADJ"}:
        return False
    if head.dep_ == "appos" and head.head == trigger:
        return True
    # "CFM, a joint venture of ...", "joint venture CFM": the modifier names the company itself
    tok = trigger
    for _ in range(3):
        if tok.dep_ not in {"appos", "compound", "amod"} or tok.head == tok or tok.lemma_.lower() in _AGENT_NOUNS:
            return False
        if tok.head == head:
            return tok.pos_ == "NOUN"
        tok = tok.head
    return False


_PART_NOUNS = word_class("part_nouns")


def _bought_from_or_part_of(trigger: Token, a: Span, b: Span, labels_at: dict[int, str]) -> bool:
    """ "buy the cookie brands of/from Campbell Soup": Campbell Soup is the seller, not the bought.

    "BNY Mellon acquired Insight Investment from Lloyds Banking Group": the seller is no party
    of the acquisition, wherever the parser hangs its "from".
    """
    objects = [c for c in trigger.children if c.dep_ in {"dobj", "nsubjpass"}]
    objects += [g for c in trigger.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
    for obj in objects:
        if obj.i in labels_at or obj.lemma_.lower() not in _PART_NOUNS and obj.lower_ not in _PART_NOUNS:
            continue
        inside = {t.i for t in obj.subtree} - _part_names(obj)
        if a.root.i in inside or b.root.i in inside:
            return True
    # the seller's "from" hangs on the verb or, as the small parser often has it, on what is
    # bought: "acquired Insight Investment from Lloyds Banking Group"
    for head in [trigger, *objects]:
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ == "from":
                inside = {t.i for t in child.subtree}
                if a.root.i in inside or b.root.i in inside:
                    return True
    return False


def _part_names(part: Token) -> set[int]:
    """The tokens that name a part noun itself, not its owner: "sold its Widget unit to Globex",
    "offloaded its food delivery arm Uber Eats to Zomato". The named unit is what changes hands.

    A proper-noun modifier names the unit only when the owner is said apart, by a possessive or
    "of": in "purchase of Baxter kidney care business" Baxter is the owner, and no party.
    """
    names = [c for c in part.children if c.dep_ == "appos"]
    if _owners_of(part):
        names += [c for c in part.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
    return {t.i for c in names for t in c.subtree}


def _coordinated_as_parties(mention: Span) -> bool:
    """Are companies listed with this one parties to each other: subjects, or "between A and B"?"""
    head = _effective_head(mention.root)
    if head.dep_ in {"nsubj", "nsubjpass", "ROOT"}:
        return True
    return head.dep_ == "pobj" and head.head.lower_ in {"between", "among", "amongst"}


def _inside_between(trigger: Token, a: Span, b: Span) -> bool:
    """ "the rivalry among Walmart, Target and other grocers": only the listed ones are parties."""
    for child in trigger.children:
        if child.dep_ == "prep" and child.lower_ in {"between", "among", "amongst"}:
            inside = {t.i for t in child.subtree}
            return a.root.i in inside and b.root.i in inside
    return True


def _listed_together(doc: Doc, a: Span, b: Span, mention_tokens: set[int]) -> bool:
    """Only commas, "and", "or" and other companies between the two: one list, one role."""
    first, second = (a, b) if a.start < b.start else (b, a)
    if _fronted_before_subject(first, second):
        return False
    owned = second.root.head
    if second.root.dep_ == "poss" and owned.pos_ == "NOUN" and owned.dep_ == "appos" and first.start <= owned.head.i < first.end:
        return False  # "Foxconn, Apple's largest supplier": Apple owns what Foxconn is, it is not listed with it
    between = doc[first.end:second.start]
    words = [t.lower_ for t in between if t.text != ","]
    if words in (["along", "with"], ["together", "with"], ["as", "well", "as"]):
        return True  # "partnerships with Ericsson and Nokia, along with Samsung"
    if words == ["as"]:
        return False  # "counts Microsoft as its biggest customer": a role, not a list
    linking = {",", "and", "or", "&", "as", "well", "along", "together"}
    if "with" in words and not {"along", "together"} & set(words):
        return False
    return len(between) > 0 and all(
        t.i in mention_tokens or t.lower_ in linking or t.lower_ == "with" or t.tag_ == "POS" for t in between
    )


def _fronted_before_subject(first: Span, second: Span) -> bool:
    """ "After studying competitors like Sears and the Pep Boys, Trak Auto was launched": only a
    comma between them, but the first closes a fronted phrase and the second is the clause's subject."""
    subject = _effective_head(second.root)
    if subject.dep_ not in {"nsubj", "nsubjpass"} or _REFERENCE in (first.kb_id_, second.kb_id_):
        return False  # "Before this round, Lydia had raised": a reference stands in for the pair named before
    verb = subject.head
    return any(c.dep_ in {"prep", "advcl", "npadvmod"} and c.i < subject.i and first.root in c.subtree
               for c in verb.children)


def _effective_head(token: Token) -> Token:
    """The token that carries a coordinated or appositive company's role."""
    while token.dep_ in {"conj", "appos"} and token.head != token:
        token = token.head
    return token


def _list_distance(x: Token, y: Token) -> int:
    """Arcs between two tokens, a list member counting one arc from its list's first member.

    spaCy chains conjuncts ("clients including A, B, C and D": D hangs off C off B off A), so
    the last member of a long list would otherwise be out of reach of the list's verb.
    """
    fx, fy = _effective_head(x), _effective_head(y)
    # each side on its own: "competed with the likes of Zellers, Woolco and Kmart", where the
    # verb is itself a conjunct ("operated ... and competed"), must not pay for its own list
    best = min(_distance(sx, sy) + (sx != x) + (sy != y) for sx in {x, fx} for sy in {y, fy})
    cx, cy = _listed_under(fx), _listed_under(fy)
    if cx is not None or cy is not None:
        best = min(best, _distance(cx or fx, cy or fy) + (fx != x) + (fy != y) + (cx is not None) + (cy is not None))
    return best


def _listed_under(token: Token) -> Token | None:
    """The category noun a list member is an example of: "bands" in "artwork for many bands, including Sentenced".

    The example stands where its category is, so a trigger reaches it as far as the category.
    """
    prep = token.head
    # "brands including: BFGoodrich, Bridgestone": before a colon the parser makes "including" a clause
    if token.dep_ != "pobj" or prep.dep_ not in {"prep", "acl"} or prep.lower_ not in {"including", "like", "as"}:
        return None
    noun = prep.head
    if noun.pos_ != "NOUN" or noun.lemma_.lower() in _AGENT_NOUNS:
        return None
    # "for a variety of cable networks including Peacock": the quantity stands for its category
    quantity = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "of" else None
    return quantity if quantity is not None and quantity.lemma_.lower() in _QUANTITY_NOUNS else noun


#: Nouns that count or gather a category: "a variety of networks", "a number of brands".
_QUANTITY_NOUNS = word_class("quantity_nouns")


def _distance(x: Token, y: Token) -> int:
    """Arcs between two tokens of one sentence's tree (read on the document's head indices:
    the rules ask for many pairs, and walking ``Token.ancestors`` makes a Token per step)."""
    if x.i == y.i:
        return 0
    heads = _head_indices(x.doc)
    depth_x = {x.i: 0}
    i, n = x.i, 0
    while heads[i] != i:
        i, n = heads[i], n + 1
        depth_x[i] = n
    i, n = y.i, 0
    while i not in depth_x:
        if heads[i] == i:
            return 99
        i, n = heads[i], n + 1
    return n + depth_x[i]


@per_document
def _head_indices(doc: Doc) -> list[int]:
    """Each token's head index."""
    return [t.head.i for t in doc]


def _resolve_type(trig: _Trigger, a: Span, b: Span) -> tuple[str, bool] | None:
    """Disambiguate triggers shared by two types ("buy" a company vs "buy" its chips)."""
    token = trig.token
    lemma = token.lemma_.lower()
    if lemma == "pay" and trig.type == "acquisition":
        # "Hershey will pay $921 million for Amplify": the thing paid for decides
        bought = [g for c in token.children if c.dep_ == "prep" and c.lower_ == "for" for g in c.children if g.dep_ == "pobj"]
        if any(_within(g, a) or _within(g, b) for g in bought):
            return "acquisition", False
        if any(g.lemma_.lower() in {"stake", "interest", "holding", "share"} for g in bought):
            return "investment", False
        return None
    if trig.type == "investment" and lemma in {"lead", "led"} and any(
            g.ent_type_ == "PERSON" for c in token.children if c.dep_ == "agent" for g in c.children):
        return None  # "Paramount, led by David Ellison": leadership, not a funding round
    if trig.type == "investment" and trig.inverse and token.pos_ == "VERB" and any(
            c.dep_ == "dobj" and (_within(c, a) or _within(c, b)) for c in token.children):
        return None  # one raises money, not a company: "raise ROI", "raises its FFO/Debt target"
    if trig.type == "investment" and lemma in {"stake", "interest", "holding", "shareholding"} and any(
            c.lower_ in {"majority", "controlling", "remaining", "full", "entire", "outstanding"} for c in token.children):
        return "acquisition", False  # "took a majority stake in BILLZ"
    if trig.type == "acquisition" and token.pos_ == "VERB" and not trig.inverse:
        shares = [c for c in token.children if c.dep_ in {"dobj", "nsubjpass"} and c.lemma_.lower() in _SHARE_NOUNS]
        if shares and not any(g.lower_ in _WHOLE for c in shares for g in c.subtree):
            return "investment", False  # "a warrant to acquire as many as 160 million AMD shares", "acquired a 30% stake"
    if trig.type == "partnership" and lemma == "work" and (customers := _work_customers(token, a, b)):
        # "has done feature film work for Warner Bros.": a service to a customer; two customers
        # ("film work for Disney, commercial work for HP") are nothing to each other
        return ("supplier", False) if len(customers) == 1 and not any(_done_for(m) for m in (a, b) if m not in customers) else None
    if trig.type == "supplier" and token.pos_ == "VERB" and lemma in _FUNDING_VERBS and any(
            t.lemma_.lower() in _FUNDING_NOUNS for c in token.children if c.dep_ in {"dobj", "nsubjpass"} for t in c.subtree):
        return "investment", trig.inverse  # "Kleiner Perkins provided seed funding to Nest": money, not a supply
    if trig.type == "supplier" and lemma in _RETAIL_WORDS and (_sold_at(token, a) or _sold_at(token, b)):
        return "supplier", False  # "SIM cards are sold in Walmart locations": the maker supplies the shop
    if lemma == "available" or trig.type == "acquisition" and lemma == "sell" and (_sold_at(token, a) or _sold_at(token, b)):
        return None  # "sold in Walmart" is no sale of a company; "available" means nothing without a shop
    if trig.type == "supplier" and lemma in _STOCKING_VERBS:
        return ("supplier", True) if any(_within(g, m) or _listed_under(_effective_head(m.root)) == g
                                         for g in _goods_from(token) for m in (a, b)) else None
    if lemma in {"buy", "purchase", "sell"}:
        objects = [c for c in token.children if c.dep_ in {"dobj", "nsubjpass"}]
        objects += [g for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        if token.dep_ == "compound" or token.head.dep_ == "compound":
            objects += [c for c in token.head.children if c.dep_ == "compound" and c != token]  # "Xilinx purchase"
        # "purchased full control of McAuslan": what is bought is the company controlled
        objects += [g for o in objects if _stands_for_control(o)
                    for c in o.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        objects += _implicit_object(token)
        obj_is_company = any(_within(c, a) or _within(c, b) for c in objects)
        has_from = any(c.dep_ == "prep" and c.lower_ == "from" for c in token.children)
        if trig.type == "supplier" and lemma == "sell" and _goods_from(token) and not obj_is_company:
            return "supplier", True  # "sells tyres from brands including Bridgestone": the brands supply the seller
        if trig.type == "acquisition":
            return (("acquisition", trig.inverse) if obj_is_company or lemma == "sell" and not has_from and
                    any(o.lower_ in {"stake", "unit", "business", "division", "subsidiary", "arm", "shares", "stakes"} for o in objects)
                    else None)
        if trig.type == "supplier":
            # "buys its batteries from CATL" is a supply; "bought Golden State Overnight" is not;
            # "a power purchase deal with EDP" is, a "share purchase agreement" is not
            deal_noun = (token.dep_ == "compound" and token.head.lemma_.lower() in _DEAL_NOUNS
                         and not any(c.lemma_.lower() in _SHARE_NOUNS | {"stock", "asset"} for c in token.children))
            return ("supplier", trig.inverse) if (has_from or deal_noun) and not obj_is_company else None
    return trig.type, trig.inverse


def _work_customers(work: Token, a: Span, b: Span) -> list[Span]:
    """Which of the two the work is done for: "worked for Google", "commercial work for HP".

    Work done for a company is a service to a customer, not work done together with it;
    the customer may be an example of the category named ("work for networks including HBO").
    """
    customers = [g for c in work.children if c.dep_ == "prep" and c.lower_ == "for" for g in c.children if g.dep_ == "pobj"]
    # "has worked with clients such as Nike": the clients are served, not partners
    clients = [g for c in work.children if c.dep_ == "prep" and c.lower_ == "with" for g in c.children
               if g.dep_ == "pobj" and g.lemma_.lower() in {"client", "customer"}]
    return [m for m in (a, b) if any(_within(g, m) or _listed_under(_effective_head(m.root)) == g for g in customers)
            or any(_example_of(_effective_head(m.root)) == g for g in clients)]


def _example_of(token: Token) -> Token | None:
    """The noun the token is an example of: "clients" in "clients such as Nike", "customers including Audi"."""
    prep = token.head
    if token.dep_ == "pobj" and prep.dep_ == "prep" and prep.lower_ in {"including", "like", "as"}:
        return prep.head.head if prep.lower_ == "as" and prep.head.lower_ == "such" else prep.head
    return None


def _done_for(mention: Span) -> bool:
    """Is the mention (or the category it exemplifies) the object of a "for"?"""
    head = _effective_head(mention.root)
    noun = _listed_under(head) or head
    return noun.dep_ == "pobj" and noun.head.lower_ == "for"


#: A supply verb whose object is money gives an investment: "provided $9.8 million in series A funding".
_FUNDING_VERBS = word_class("funding_verbs")
_FUNDING_NOUNS = word_class("funding_nouns")
_SHARE_NOUNS = word_class("share_nouns")
#: Words that make a purchase of shares a takeover: "the remaining 60%", "a majority stake", "all of the shares".
_WHOLE = word_class("whole_words")
_CONTROL_NOUNS = word_class("control_nouns")


_CONTROL_TRANSFER_VERBS = word_class("control_transfer_verbs")


def _moves_control(verb: Token) -> bool:
    """Is what the verb moves the ownership or control of something: "the ownership of Global Bank
    Liberia was transferred to Platinum Habib Bank", "transferred control of the Moose to TNSE"?
    """
    moved = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass", "nsubj"}]
    return any(_stands_for_control(m) and any(c.dep_ == "prep" and c.lower_ == "of" for c in m.children)
               for m in moved)


_WHOLE_BUSINESS_NOUNS = word_class("whole_business_nouns")


def _stands_for_control(noun: Token) -> bool:
    """ "control", "ownership", or a bare "the business" (of X): the whole company, not one of its units."""
    lemma = noun.lemma_.lower()
    if lemma in _CONTROL_NOUNS:
        return True
    return lemma in _WHOLE_BUSINESS_NOUNS and not any(c.dep_ in {"amod", "compound", "nmod", "poss"} for c in noun.children)


def _implicit_object(verb: Token) -> list[Token]:
    """What a passive participle without a subject of its own is about.

    "Wellman became a private company in 1997, when bought by Alchemy Partners": Wellman,
    the subject of the clause the participle hangs in; "Baxalta (bought by Shire)": the noun
    it describes.
    """
    if verb.tag_ != "VBN" or any(c.dep_ in {"nsubj", "nsubjpass", "dobj"} for c in verb.children):
        return []
    if not any(c.dep_ == "agent" for c in verb.children):
        return []
    if verb.dep_ == "acl":
        return [verb.head]
    for anc in verb.ancestors:
        if anc.pos_ in {"VERB", "AUX"}:
            return [c for c in anc.children if c.dep_ in {"nsubj", "nsubjpass"}]
    return []


def _within(token: Token, span: Span) -> bool:
    """Is the token the company, or a list or name it heads ("Intel and AMD", "the chipmaker Arm")?

    Only conj, appos and compound arcs lead from the token to the company: "a round from
    First Round Capital" does not contain the company, although "First" is a compound.
    """
    if span.start <= token.i < span.end:
        return True
    for t in token.subtree:
        if span.start <= t.i < span.end:
            x = t
            while x != token and x.dep_ in {"conj", "appos", "compound"} and x.head != x:
                x = x.head
            if x == token:
                return True
    return False


#: Conjoined verbs whose object names what the first verb's party became: "acquire Continental and change its name to UCH".
_RENAMING_VERBS = word_class("renaming_verbs")
_OBJECT = {"dobj", "nsubjpass", "pobj", "of", "in", "into", "to", "for", "with", "iobj", "dative", "attr", "oprd", "on", "behind"}


def _role(mention: Span, trigger: Token) -> str | None:
    """The mention's grammatical role towards the trigger (or towards the clause both share)."""
    subject = _gerund_subject(trigger)
    if subject is not None and _within(subject, mention):
        return "nsubj"
    agent_noun = trigger.pos_ in {"NOUN", "PROPN"} and trigger.lemma_.lower() in _AGENT_NOUNS
    if agent_noun and _owner_compound(mention, trigger):
        return "poss"  # "CB Insights clients", "Apple supplier Foxconn": the name before the noun owns it
    listing = _listing_verb(trigger) if agent_noun else None
    if listing is not None and any(c.dep_ in {"dobj", "attr"} and _within(c, mention) for c in listing.children):
        return "agent_noun"  # "Some of CB Insights clients include Cisco": the listed are the clients
    head = _effective_head(mention.root)
    if agent_noun and _examples_on_verb(trigger) and head.dep_ == "pobj" and head.head.head == trigger.head \
            and head.head.lower_ in {"including", "like"}:
        return "agent_noun"  # "Ranpak counts customers globally like Amazon": the examples are the customers
    if agent_noun and (mention.root.head == trigger and mention.root.dep_ in {"appos", "compound", "nmod"}
                       or trigger.head == mention.root and trigger.dep_ in {"appos", "compound", "nmod", "amod"}
                       or mention.start <= trigger.i < mention.end):
        return "agent_noun"  # "its existing supplier CFM International", "Impulse, a reseller for ERZIA"
    if agent_noun and _role_given_to_object(trigger) and _effective_head(mention.root).dep_ == "dobj" \
            and _effective_head(mention.root).head == trigger.head.head:
        return "agent_noun"  # "counts Amazon among its investors": the verb gives Amazon the role
    token = _effective_head(mention.root)
    ancestors = [token, *token.ancestors]
    if trigger in ancestors:
        path = ancestors[: ancestors.index(trigger)]
        if any(tok.dep_ == "conj" and tok.pos_ == "VERB" and prev.dep_ == "prep" and prev.head == tok
               and tok.lemma_.lower() not in _RENAMING_VERBS for prev, tok in zip(path, path[1:], strict=False)):
            return "conj_argument"  # "acquired the catalogue of Wind-Up and partnered with Concord": the partner's
        if agent_noun and len(path) >= 2 and path[0].dep_ == "pobj" and path[1].lower_ in _SKIP_PREPS and path[1].head == trigger:
            return "agent_noun"  # "customers including Audi", "clients such as HBO": the listed are the customers
        for tok in path:
            if tok.dep_ == "pobj" and tok.head.lower_ not in _SKIP_PREPS:
                if tok.head.dep_ == "agent" or tok.head.lower_ == "by":
                    if tok.head.head != trigger and tok.head.head.pos_ == "VERB" and tok.head.head.lemma_.lower() not in _BE:
                        return None  # "raised a Series B led by X": X is the agent of "led", not of "raised"
                    return "by"
                if tok.head.lower_ == "with" and tok != token:
                    return None  # "with notable exits including X": X is not the "with" party
                return tok.head.lower_
            if tok.dep_ == "agent":
                return "by"
        top = path[-1] if path else token
        if token.dep_ == "nsubj" and top.dep_ == "conj" and token.head == top:
            return "foreign_subject"  # "Tencent led and ... backers CNP Assurances also took part": CNP is no target of "led"
        return top.dep_
    if token in trigger.ancestors:
        # the trigger modifies the company: "Microsoft, which has invested", "Baxalta (acquired by Shire)"
        child = next(t for t in [trigger, *trigger.ancestors] if t.head == token)
        if child.dep_ in {"relcl"}:
            return _relative_role(child)
        if child.dep_ == "acl":
            return "dobj" if child.tag_ == "VBN" else "nsubj"
        if child.dep_ in {"compound", "amod"}:
            return "compound_of"
        return None
    if agent_noun and token.dep_ == "nsubj" and token.head in list(trigger.ancestors)[:3] and _lists_parties(trigger):
        return "poss"  # "Novero has customers including Audi", "Reaktor builds apps for clients such as HBO"
    if token.dep_ == "dobj" and trigger.dep_ in {"xcomp", "advcl"} and trigger.head == token.head and trigger.i > token.i:
        return "nsubj"  # "Reliance Jio picks Nokia to provide 5G gear": the object does the providing
    if token.dep_ in {"nsubj", "nsubjpass"}:
        # "Lockheed agreed to buy Aerojet", "Amazon had agreed to put $4 billion into it": the subject
        # of a control verb is the subject of its complement, unless the verb has an object
        # that takes that part ("Jio picks Nokia to provide")
        if trigger.dep_ in {"xcomp", "advcl"} and trigger.head == token.head and any(
                c.dep_ == "dobj" and c.i < trigger.i for c in token.head.children):
            return None
        verb = trigger
        for _ in range(3):
            if verb.dep_ not in {"xcomp", "ccomp", "conj"} or verb.head == verb:
                break
            verb = verb.head
            if verb == token.head:
                return "nsubjpass" if token.dep_ == "nsubjpass" and trigger.tag_ == "VBN" else "nsubj"
    # shared clause: the role towards the lowest common ancestor
    trig_anc = {t.i for t in [trigger, *trigger.ancestors]}
    path = []
    for tok in ancestors:
        if tok.i in trig_anc:
            break
        path.append(tok)
    for tok in path:
        if tok.dep_ == "pobj" and tok.head.lower_ not in _SKIP_PREPS:
            return "by" if tok.head.lower_ == "by" else tok.head.lower_
    if path and path[-1].dep_ in {"dobj", "nsubjpass"} and path[-1].head.pos_ == "VERB" and not (
            mention.kb_id_ == _REFERENCE and mention.root.lemma_.lower() in _ROUND_NOUNS):
        # "It fully owns Riot Games, has a 40 percent stake in Epic Games": what another verb
        # acts on is no actor of this trigger ("led the round with participation of Cisco": the
        # round stands for the company raising it, which is its target)
        return "foreign_object"
    if token.dep_ == "nsubj" and _own_clause_below(trigger, token.head):
        # "a round that Tencent led and in which existing backers CNP Assurances also took part":
        # the subject of one clause is no party of a conjoined clause with a subject of its own
        return "foreign_subject"
    # the role belongs to another predicate ("Lydia closed a round that Tencent led"): not a vote
    return None


def _relative_role(clause: Token) -> str:
    """The role of the company a relative clause is about: "Microsoft, which has invested" acts;
    "Bolt, which Uber acquired in 2005" is what the clause's verb acts on."""
    for c in clause.children:
        if c.tag_ in {"WDT", "WP", "WP$"} or c.lower_ == "that":
            if c.dep_ in {"dobj", "nsubjpass"}:
                return c.dep_
            if c.dep_ == "nsubj":
                return "nsubj"
    return "nsubj"


def _own_clause_below(trigger: Token, verb: Token) -> bool:
    """Is the trigger in a clause conjoined to the verb's, with a subject of its own?"""
    tok = trigger
    while tok.head != tok and tok.head != verb:
        tok = tok.head
    if tok.head != verb or tok.dep_ != "conj" or tok.pos_ not in {"VERB", "AUX"}:
        return False
    return any(c.dep_ in {"nsubj", "nsubjpass"} for c in tok.children)


_BE = {"be", "have", "do"}
_SAME_SIDE = float("inf")
_SYMMETRIC = word_class("symmetric_triggers")


def _direction_vote(
    trig: _Trigger, inverse: bool, a: Span, b: Span, labels_at: dict[int, str] | None = None
) -> float | None:
    """> 0: a is the source; < 0: b is; 0: undecided; None: the pair cannot be (the seller of a sale)."""
    if trig.type == "supplier":
        winners = _deal_winners(trig.token)
        wins_a, wins_b = any(_within(w, a) for w in winners), any(_within(w, b) for w in winners)
        if wins_a != wins_b:
            return 1.0 if wins_a else -1.0
        shop_a, shop_b = _sold_at(trig.token, a), _sold_at(trig.token, b)
        if shop_a != shop_b:
            return -1.0 if shop_a else 1.0  # the shop is the customer, whatever the voice
    ra, rb = _role(a, trig.token), _role(b, trig.token)
    passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in trig.token.children)
    if trig.type == "acquisition" and inverse and not passive:
        subjects = {t.i for c in trig.token.children if c.dep_ == "nsubj" for t in c.subtree}
        if "nsubj" in (ra, rb) or labels_at and {labels_at.get(i) for i in subjects} & {a.label_, b.label_}:
            return None  # "Uber sold Uber Eats to Zomato": Uber is not a party of the acquisition

    def score(role: str | None) -> int:
        """+1: acts (source of a normal trigger), -1: undergoes."""
        if role is None:
            return 0
        if role == "from":
            # "buys from X": X supplies; "raised from X", "a seed round from X": X invests
            return 1 if inverse or trig.type in {"investment", "supplier"} else -1
        if role == "by":
            return 1
        if role == "with" and trig.type == "investment":
            return 1  # "led the round, with FUJIFILM taking part", "invested alongside/with X": a co-investor
        if role == "nsubjpass":
            return -1
        if role == "nsubj":
            return -1 if passive else 1
        if role == "agent_noun":
            return 1
        if role in {"poss", "compound"}:
            # "Y's supplier X": the possessor of a party noun is the other party
            return -1 if trig.token.lemma_.lower() in _AGENT_NOUNS and trig.token.pos_ == "NOUN" else 1
        if role in _OBJECT:
            return -1
        return 0

    if trig.type == "acquisition" and "into" in (ra, rb) and ra != rb:
        return 1.0 if ra == "into" else -1.0  # "Compaq (was) merged into HP", "absorbed into HP": HP takes it in
    sa, sb = score(ra), score(rb)
    if ra == "foreign_object" and sb < 0 or rb == "foreign_object" and sa < 0:
        return _SAME_SIDE  # both undergo something: "owns Riot Games, has a stake in Epic Games"
    if ra == "foreign_subject" and sb > 0 or rb == "foreign_subject" and sa > 0:
        return _SAME_SIDE  # both act: "a round that Tencent led and in which CNP also took part"
    if inverse:
        # the subject of an inverse trigger is the target ("Tesla buys from CATL", "used by O2":
        # the agent of a passive is the subject too), but "from" already names the source
        # "X sold Y to Z": what is sold stays the target (Y), the buyer is Z
        keep = {"from", "dobj", "nsubjpass"} if trig.type == "acquisition" else {"from"}
        if trig.type == "acquisition" and _moves_control(trig.token):
            keep.add("of")  # "the ownership of X was transferred to Z": the company owned is what is sold
        sa = -sa if ra not in keep else sa
        sb = -sb if rb not in keep else sb
    if sa > 0 and sb > 0 or sa < 0 and sb < 0:
        if trig.token.lemma_.lower() in _SYMMETRIC:
            return 0.0  # "Tempur-Pedic and Sealy announced plans to merge"
        return _SAME_SIDE  # both act (or both undergo): co-investors, co-buyers, not each other's party
    return float(sa - sb)


#: Deal nouns whose winner supplies the one who gives them, and the verbs of winning one.
_WON_DEALS = word_class("won_deals")
_WINNING_VERBS = word_class("winning_verbs")


def _deal_winners(trigger: Token) -> list[Token]:
    """Who won the contract the trigger names: the supplier, whoever gave it ("from", "by", "with").

    "HCL won a contract for back-office services from the Department of Health", "BigTeams was
    awarded the contract by the NHIAA", "the Army awarded Lockheed a contract": a contract is
    an inverse trigger ("X contracts Y": Y supplies X), but its winner is the supplier.
    Work done "under contract to" a company was won by whoever does it: "Veolia operates the
    service under contract to Amtrak", "built by Endeavor Yachts under contract to Lancer Yachts".
    """
    if trigger.pos_ != "NOUN" or trigger.lemma_.lower() not in _WON_DEALS:
        return []
    if trigger.dep_ == "pobj" and trigger.head.lower_ == "under":
        verb = trigger.head.head
        agents = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        return agents or [c for c in verb.children if c.dep_ == "nsubj"]
    if trigger.dep_ != "dobj":
        return []
    verb = trigger.head
    lemma = verb.lemma_.lower()
    if lemma in _WINNING_VERBS:
        return [c for c in verb.children if c.dep_ == "nsubj"]
    if lemma == "award":  # passive: the subject won it; active: the indirect object did
        return [c for c in verb.children if c.dep_ in {"nsubjpass", "dative"}]
    return []


def _is_apposed_party(trigger: Token) -> bool:
    """ "OOCL, a smaller rival", "Telkom SA, its South African rival": a description, not the clause's claim."""
    return trigger.lemma_.lower() in _AGENT_NOUNS and trigger.dep_ in {"appos", "compound", "amod"}


def _negated(trigger: Token, lex: TriggerLexicon) -> bool:
    if _is_apposed_party(trigger):
        return any(c.dep_ == "neg" for c in trigger.children)
    for n, tok in enumerate([trigger, *list(trigger.ancestors)[:4]]):
        if n <= 2 and any(c.dep_ == "neg" or c.dep_ == "det" and c.lower_ == "no" and tok is not trigger
                          for c in tok.children):
            return True  # "is not partnering", "has no plans to invest in Intel"
        if tok is not trigger and tok.lemma_.lower() in lex.negation and tok.pos_ == "VERB":
            return True
    return any(c.lower_ in {"no", "without"} for c in trigger.children)


def _speculative(trigger: Token, lex: TriggerLexicon) -> bool:
    if _is_apposed_party(trigger):
        return False
    chain = [trigger, *list(trigger.ancestors)[:3]]
    for tok in chain:
        if any(c.dep_ == "aux" and c.lower_ in _SPEC_AUX for c in tok.children):
            return True
        if tok is not trigger and tok.lemma_.lower() in lex.speculation:
            return True
        if any(c.lower_ in lex.speculation and c.dep_ in {"advmod", "amod"} for c in tok.children):
            return True
    return trigger.lemma_.lower() in lex.speculation
