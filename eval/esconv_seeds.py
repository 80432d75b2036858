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

from train_esconv_encoder import STRATEGIES, macro_f1

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.strategy import StrategyAnalyzer
from talkdown.services.evaluate import conversations_in_context


def supporter_turns(path: Path) -> tuple[list[Turn], list[Context], list[int]]:
    """Every labelled supporter turn with its context, read as ``talkdown eval`` reads them, and its gold
    strategy (as an index of ``STRATEGIES``)."""
    turns, ctxs, gold = [], [], []
    raw = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    for conv, pairs in zip(raw, conversations_in_context(path), strict=True):
        for labels, (turn, ctx) in zip((t.get("labels", {}) for t in conv["turns"]), pairs, strict=True):
            strategy = labels.get("esconv_strategy")
            if strategy and turn.side == "negotiator":
                turns.append(turn)
                ctxs.append(ctx)
                gold.append(STRATEGIES.index(strategy[0]))
    return turns, ctxs, gold


def score(gold: list[int], probs: np.ndarray, labels: list[str]) -> float:
    """Macro-F1 of the argmax of ``probs`` (columns in ``labels`` order)."""
    return macro_f1(gold, [STRATEGIES.index(labels[k]) for k in probs.argmax(1)])[0]


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
        as_eval = macro_f1(gold, [STRATEGIES.index(a.label) for a in anns])[0]  # the label talkdown eval scores
        print(f"{folder}: macro-F1 {as_eval:.4f}", file=sys.stderr)
    labels = next(iter(runs.values()))[1]
    mean = np.mean([p for p, _ in runs.values()], axis=0)
    result = {
        "turns": len(gold),
        "each": {d: round(score(gold, p, labels), 4) for d, (p, _) in runs.items()},
        "mean_of_probabilities": round(score(gold, mean, labels), 4),
    }
    print(json.dumps(result, indent=2))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
