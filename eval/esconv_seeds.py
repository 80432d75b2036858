"""How much the ESConv strategy figure owes to one training seed, and what averaging seeds would buy.

Each argument is an extra-models folder (the layout of ``models-extra/``: ``esconv-strategy/`` with the linear
model and a fine-tuned graph, e.g. one per seed of ``train_esconv_encoder.py``). The strategy analyser runs over
ESConv dev as ``talkdown eval`` runs it (the previous turn as context), once per folder; printed: each folder's
macro-F1, and that of the mean of their probabilities (an ensemble: one graph pass per folder and turn). A study,
not a choice: the shipped graph is one seed's (docs/analysis.md says why).

    .venv/bin/python eval/esconv_seeds.py DIR [DIR ...] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.strategy import StrategyAnalyzer

SIDES = {"negotiator": "negotiator", "subject": "subject"}


def supporter_turns(path: Path) -> tuple[list[Turn], list[Context], list[str]]:
    """Every labelled supporter turn, with the turn before it as its context, and its gold strategy."""
    turns, ctxs, gold = [], [], []
    for line in path.open(encoding="utf-8"):
        conv = json.loads(line)["turns"]
        for i, t in enumerate(conv):
            strategy = t["labels"].get("esconv_strategy")
            if not strategy or t["role"] != "negotiator":
                continue
            window = (Turn(text=conv[i - 1]["text"], side=SIDES.get(conv[i - 1]["role"], "party")),) if i else ()
            turns.append(Turn(text=t["text"], side="negotiator"))
            ctxs.append(Context(window=window))
            gold.append(strategy[0])
    return turns, ctxs, gold


def macro_f1(gold: list[str], pred: list[str], labels: list[str]) -> float:
    scores = []
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, pred, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", type=Path, nargs="+")
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "esconv" / "dev.jsonl")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    turns, ctxs, gold = supporter_turns(args.data)
    runs = {}
    for folder in args.dirs:
        analyzer = StrategyAnalyzer(extra_dir=folder)
        if not analyzer.has_encoder:
            raise SystemExit(f"{folder}: no esconv-strategy/ graph listed in its manifest")
        anns = [a[0] for a in analyzer.analyze_many(turns, ctxs)]
        labels = [k.removeprefix("p:") for k in anns[0].detail if k.startswith("p:")]
        probs = np.asarray([[float(a.detail[f"p:{name}"] or 0.0) for name in labels] for a in anns])
        runs[str(folder)] = (probs, labels)
        print(f"{folder}: macro-F1 {macro_f1(gold, [a.label for a in anns], labels):.4f}", file=sys.stderr)
    labels = next(iter(runs.values()))[1]
    mean = np.mean([p for p, _ in runs.values()], axis=0)
    result = {
        "turns": len(gold),
        "each": {d: round(macro_f1(gold, [labels[k] for k in p.argmax(1)], labels), 4) for d, (p, _) in runs.items()},
        "mean_of_probabilities": round(macro_f1(gold, [labels[k] for k in mean.argmax(1)], labels), 4),
    }
    print(json.dumps(result, indent=2))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
