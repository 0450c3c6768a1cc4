#!/usr/bin/env python3
"""Predict on an eval set and score it with ../shared/eval/score.py; optionally list errors.

    .venv/bin/python scripts/evaluate.py                      # dev + core_train, headline figures
    .venv/bin/python scripts/evaluate.py dev --errors         # dev, with per-document misses and false hits
    .venv/bin/python scripts/evaluate.py core --limit 500     # a sample of core_train
    .venv/bin/python scripts/evaluate.py core --errors --fold  # tune on the even rows, check on the odd

With --fold, core_train is split by row parity: errors are listed for the even rows only
(the half you may read and tune on), and both halves are scored; the odd half is the honest
check that a change generalises (a rule fitted to what you read shows up as a gap).

Never pass core_test: it is held out and scored on each release only.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"
SETS = {"dev": EVAL / "dev.jsonl", "core": EVAL / "core" / "core_train.jsonl"}
sys.path.insert(0, str(ROOT))


def predict(gold: Path, out: Path, *, limit: int | None = None) -> list[dict]:
    from kb.extract import Extractor, prediction

    rows = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    if limit:
        rows = rows[:limit]
    extractor = Extractor()
    preds = [prediction(key, ex) for key, ex in extractor.extract_many((r["id"], r.get("title"), r["text"]) for r in rows)]
    out.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds), encoding="utf-8")
    return rows


def score(gold: Path, pred: Path) -> dict:
    result = subprocess.run([sys.executable, str(EVAL / "score.py"), str(gold), str(pred), "--json"],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def list_errors(rows: list[dict], pred: Path) -> None:
    sys.path.insert(0, str(EVAL))
    from score import Resolver, norm  # type: ignore[import-not-found]

    preds = {p["id"]: p for p in map(json.loads, pred.read_text(encoding="utf-8").splitlines())}
    for gold in rows:
        p = preds.get(gold["id"], {})
        if "pair" in gold:
            pair = gold["pair"]
            e1 = {norm(n) for n in [pair["e1"], *pair["e1_aliases"]]}
            e2 = {norm(n) for n in [pair["e2"], *pair["e2_aliases"]]}
            found = {r["type"] for r in p.get("relations", []) if {norm(r["source"]), norm(r["target"])} & e1 and {norm(r["source"]), norm(r["target"])} & e2}
            if (pair["type"] != "none") != bool(found) or (pair["type"] != "none" and pair["type"] not in found):
                print(f"{gold['id']} gold={pair['type']} found={sorted(found)} e1={pair['e1']} e2={pair['e2']} companies={p.get('companies')}")
                print("   ", gold["text"][:300].replace("\n", " "))
            continue
        resolve = Resolver(gold)
        names = {c["name"] for c in gold["companies"]}
        hits = {resolve(n) for n in p.get("companies", [])}
        fp = [n for n in p.get("companies", []) if resolve(n) is None]
        fn = sorted(names - hits)
        gold_rel = {(r["type"], *sorted((r["source"], r["target"]))) for r in gold["relations"]}
        pred_rel = {}
        for r in p.get("relations", []):
            a, b = resolve(r["source"]), resolve(r["target"])
            if "OTHER" in (a, b):
                continue
            pred_rel[(r["type"], *sorted((a or "?" + r["source"], b or "?" + r["target"])))] = r
        if not (fp or fn or set(pred_rel) ^ gold_rel):
            continue
        print(f"== {gold['id']} {gold.get('title', '')[:80]}")
        if fp:
            print("  company FP:", fp)
        if fn:
            print("  company FN:", fn)
        for key in sorted(set(pred_rel) - gold_rel):
            r = pred_rel[key]
            print(f"  rel FP {key} [{r.get('confidence')}] {r.get('evidence', '')[:200]!r}")
        for key in sorted(gold_rel - set(pred_rel)):
            ev = next((r["evidence"] for r in gold["relations"] if (r["type"], *sorted((r["source"], r["target"]))) == key), "")
            print(f"  rel FN {key} {ev[:200]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", nargs="*", help="dev and/or core (default: both)")
    parser.add_argument("--errors", action="store_true", help="list per-document errors")
    parser.add_argument("--limit", type=int, help="score only the first N documents")
    parser.add_argument("--fold", action="store_true",
                        help="core: list errors of the even rows only, score even and odd rows apart")
    parser.add_argument("--keep", type=Path, help="directory to keep the prediction files in")
    args = parser.parse_args()
    outdir = args.keep or Path(tempfile.mkdtemp(prefix="newskb-eval-"))
    outdir.mkdir(parents=True, exist_ok=True)
    for name in args.sets or ["dev", "core"]:
        gold = SETS[name]
        pred = outdir / f"{name}.pred.jsonl"
        rows = predict(gold, pred, limit=args.limit)
        if args.limit:
            gold = outdir / f"{name}.gold.jsonl"
            gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        if args.fold and name == "core":
            halves = {"tune": rows[0::2], "check": rows[1::2]}
            if args.errors:
                list_errors(halves["tune"], pred)
            for half, half_rows in halves.items():
                half_gold = outdir / f"{name}.{half}.gold.jsonl"
                half_gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in half_rows), encoding="utf-8")
                summarise(f"{name}[{half}]", score(half_gold, pred))
            continue
        if args.errors:
            list_errors(rows, pred)
        summarise(name, score(gold, pred))


def summarise(name: str, result: dict) -> None:
    """The scorer's headline and a per-type line."""
    rel = result.get("relations", result)
    print(f"{name}: {result['summary']}")
    print("  " + "  ".join(f"{t}={rel[t]['f1']}(p{rel[t]['p']}/r{rel[t]['r']})" for t in
                            ("partnership", "investment", "acquisition", "supplier", "competitor")))


if __name__ == "__main__":
    main()
