"""Score talkdown's rule-based analysers on talkdown's own labelled files (and change talk on AnnoMI dev).

Usage: python eval/rules_report.py [--data ../shared/data] [--files eval/data/indomain_dev.jsonl ...]
                                  [--errors FILE] [--seed 0]

Prints per-label precision / recall / F1 and macro-F1 per family to stderr and writes
eval/results/rules.json (``meta`` + ``results``). Macro-F1 averages over the labels present in the gold
labels or in the predictions of that file (sklearn's convention). Only turns that carry a family are
scored for it. The rules are deterministic; ``--seed`` exists for the eval convention and is recorded.
``--errors FILE`` lists the disagreements on that file: use it on the dev file only, never on the holdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from writer_sets import FRESH, LATE, SPLIT, is_odd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from machine import meta

from talkdown.analysis.avoid import AvoidAnalyzer
from talkdown.analysis.base import Context, Side, Turn
from talkdown.analysis.change_talk import ChangeTalkAnalyzer
from talkdown.analysis.cues import CueAnalyzer
from talkdown.analysis.skills import SkillAnalyzer
from talkdown.services.runtime import configure_analysis
from talkdown.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILES = (
    "eval/data/indomain_dev.jsonl",
    "eval/data/indomain_holdout.jsonl",
    *(f"eval/data/{name}" for name in (*SPLIT, *LATE, *FRESH)),
)
WINDOW = 20
# A fixed, arbitrary day: transcript times (hh:mm:ss) become aware UTC datetimes on it.
BASE_DAY = datetime(2024, 1, 1, tzinfo=UTC)
FAMILIES = {"talkdown_skill": SkillAnalyzer(), "talkdown_avoid": AvoidAnalyzer(), "talkdown_cue": CueAnalyzer()}
IGNORED_LABELS = {"none"}  # the low-confidence neutral marker of avoid/cue, never a gold label


def to_turn(raw: dict[str, Any]) -> Turn:
    side: Side = raw["role"] if raw["role"] in ("negotiator", "subject", "party") else "unknown"
    at = None
    if isinstance(raw.get("time"), str):
        parts = raw["time"].split(":")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            h, m, s = (int(p) for p in parts)
            at = BASE_DAY + timedelta(hours=h, minutes=m, seconds=s)
    return Turn(text=raw["text"], side=side, at=at, seq=raw["idx"], speaker=raw["speaker"])


def read_conversations(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def score(gold: list[set[str]], pred: list[set[str]]) -> dict[str, Any]:
    labels = sorted(set().union(*gold, *pred)) if gold else []
    per_label: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if label in g and label in p)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if label not in g and label in p)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if label in g and label not in p)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
                            "support": tp + fn, "predicted": tp + fp}  # fmt: skip
    macro = sum(v["f1"] for v in per_label.values()) / len(per_label) if per_label else 0.0
    exact = sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / len(gold) if gold else 0.0
    return {"macro_f1": round(macro, 3), "exact_match": round(exact, 3), "turns": len(gold), "labels": per_label}


def is_untouched(conv: dict[str, Any]) -> bool:
    """Split sets' even-numbered conversations were never read to fix rules. Until graph a7371ccd the turn model
    did not train on them either; since the retrain of 2026-11-26 it does, so only the fresh sets
    (``writer_sets.FRESH``) and the holdout still estimate the shipped analysers (rules plus model)."""
    return not is_odd(str(conv["id"]))


def evaluate_file(path: Path, show_errors: bool, *, untouched_only: bool = False) -> dict[str, Any]:
    gold: dict[str, list[set[str]]] = {f: [] for f in FAMILIES}
    pred: dict[str, list[set[str]]] = {f: [] for f in FAMILIES}
    for conv in read_conversations(path):
        if untouched_only and not is_untouched(conv):
            continue
        turns = [to_turn(t) for t in conv["turns"]]
        for raw, turn in zip(conv["turns"], turns, strict=True):
            ctx = Context(window=tuple(turns[max(0, turn.seq - WINDOW) : turn.seq]) if turn.seq else ())
            for family, analyzer in FAMILIES.items():
                if family not in raw["labels"]:
                    continue
                got = {a.label for a in analyzer.analyze(turn, ctx) if a.family == family} - IGNORED_LABELS
                want = set(raw["labels"][family])
                gold[family].append(want)
                pred[family].append(got)
                if show_errors and got != want:
                    print(f"{conv['id']}#{turn.seq} {family} want={sorted(want)} got={sorted(got)} | {turn.text}",
                          file=sys.stderr)  # fmt: skip
    return {family: score(gold[family], pred[family]) for family in FAMILIES}


def evaluate_annomi_change_talk(data: Path) -> dict[str, Any] | None:
    """Cross-register check: AnnoMI dev client talk (counselling, not negotiation) against change_talk."""
    path = data / "annomi" / "dev.jsonl"
    if not path.exists():
        return None
    analyzer = ChangeTalkAnalyzer()
    gold: list[set[str]] = []
    pred: list[set[str]] = []
    for conv in read_conversations(path):
        for raw in conv["turns"]:
            if "annomi_client" not in raw["labels"]:
                continue
            got = {a.label for a in analyzer.analyze(Turn(text=raw["text"], side="subject"), Context())}
            gold.append(set(raw["labels"]["annomi_client"]))
            pred.append(got)
    result = score(gold, pred)
    result["majority_baseline_accuracy"] = round(
        Counter(next(iter(g)) for g in gold).most_common(1)[0][1] / len(gold), 3
    )
    result["accuracy"] = result.pop("exact_match")
    return result


def print_table(name: str, results: dict[str, Any]) -> None:
    print(f"\n== {name}", file=sys.stderr)
    for family, res in results.items():
        print(f"{family:16s} macro-F1 {res['macro_f1']:.3f}  ({res['turns']} turns)", file=sys.stderr)
        for label, v in res["labels"].items():
            print(f"    {label:20s} P {v['precision']:.2f}  R {v['recall']:.2f}  F1 {v['f1']:.2f}  n={v['support']}",
                  file=sys.stderr)  # fmt: skip


def main() -> None:
    configure_analysis(Settings())  # as the CLI does: TALKDOWN_EXTRA_MODELS, TALKDOWN_ENCODER_THREADS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--files", nargs="*", type=Path, default=[ROOT / f for f in DEFAULT_FILES])
    parser.add_argument("--errors", type=Path, default=None, help="print disagreements for this file (dev only)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "rules.json")
    args = parser.parse_args()
    print(f"seed {args.seed} (rules are deterministic)", file=sys.stderr)
    files = sorted(args.files)
    results: dict[str, Any] = {}
    inputs = list(files)
    for path in files:
        show = args.errors is not None and path.resolve() == args.errors.resolve()
        results[path.name] = evaluate_file(path, show)
        print_table(path.name, results[path.name])
        if path.name in SPLIT:
            name = f"{path.name} (even half)"
            results[name] = evaluate_file(path, False, untouched_only=True)
            print_table(name, results[name])
    annomi = evaluate_annomi_change_talk(args.data)
    if annomi is not None:
        results["annomi-dev change_talk"] = annomi
        inputs.append(args.data / "annomi" / "dev.jsonl")
        print(f"\n== annomi dev client talk vs change_talk: macro-F1 {annomi['macro_f1']:.3f}, accuracy "
              f"{annomi['accuracy']:.3f} (majority baseline {annomi['majority_baseline_accuracy']:.3f})",
              file=sys.stderr)  # fmt: skip
        for label, v in annomi["labels"].items():
            print(f"    {label:20s} P {v['precision']:.2f}  R {v['recall']:.2f}  F1 {v['f1']:.2f}  n={v['support']}",
                  file=sys.stderr)  # fmt: skip
    about = meta(packages=("talkdown",), inputs=tuple(inputs), seed=args.seed,
                 analyzers={a.name: a.version for a in (*FAMILIES.values(), ChangeTalkAnalyzer())})  # fmt: skip
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"meta": about, "results": results}, indent=2, sort_keys=True) + "\n", "utf-8")
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
