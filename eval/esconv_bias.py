"""Would a per-strategy bias on the ESConv probabilities lift macro-F1 on data it was not fitted on?

Why: esconv_strategy clears its target (0.52) by ~0.005, and macro-F1 rewards recall on the rare strategies, which
an argmax of calibrated probabilities does not aim at. Eight additive log-biases (one per strategy, coordinate
ascent on macro-F1) are the smallest change that could move it. ESConv train cannot fit them (the graph has seen
it), so they are fitted on half of ESConv dev's conversations and scored on the other half, both ways, over
``--splits`` random halvings: the mean change on the held-out halves is the estimate. A study, not a choice.

    .venv/bin/python eval/esconv_bias.py [--splits 5] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from esconv_seeds import supporter_turns
from train_esconv_encoder import STRATEGIES, macro_f1

from talkdown.analysis.strategy import StrategyAnalyzer

DEV = REPO.parent / "shared" / "data" / "esconv" / "dev.jsonl"
STEPS = (-0.5, -0.25, -0.125, -0.05, 0.05, 0.125, 0.25, 0.5)


def conversation_of_each_turn(path: Path) -> np.ndarray:
    """The conversation (line) index of every labelled supporter turn, in ``supporter_turns`` order."""
    out = []
    for k, line in enumerate(path.open(encoding="utf-8")):
        for turn in json.loads(line)["turns"]:
            if turn.get("labels", {}).get("esconv_strategy") and turn.get("role") == "negotiator":
                out.append(k)
    return np.asarray(out)


def score(logp: np.ndarray, gold: np.ndarray, columns: np.ndarray, bias: np.ndarray, rows: np.ndarray) -> float:
    return macro_f1(list(gold[rows]), list(columns[(logp[rows] + bias).argmax(1)]))[0]


def fit(logp: np.ndarray, gold: np.ndarray, columns: np.ndarray, rows: np.ndarray, rounds: int = 3) -> np.ndarray:
    """Coordinate ascent on macro-F1 over ``rows``, from no bias."""
    bias = np.zeros(logp.shape[1])
    best = score(logp, gold, columns, bias, rows)
    for _ in range(rounds):
        for j in range(len(bias)):
            for step in STEPS:
                trial = bias.copy()
                trial[j] += step
                value = score(logp, gold, columns, trial, rows)
                if value > best + 1e-9:
                    best, bias = value, trial
    return bias


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--splits", type=int, default=5)
    ap.add_argument("--extra", type=Path, default=REPO / "models-extra")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    turns, ctxs, gold_list = supporter_turns(DEV)
    anns = [a[0] for a in StrategyAnalyzer(extra_dir=args.extra).analyze_many(turns, ctxs)]
    labels = [k.removeprefix("p:") for k in anns[0].detail if k.startswith("p:")]
    probs = np.asarray([[float(a.detail[f"p:{name}"] or 0.0) for name in labels] for a in anns])
    logp, gold = np.log(np.clip(probs, 1e-6, 1.0)), np.asarray(gold_list)
    columns = np.asarray([STRATEGIES.index(name) for name in labels])
    conversations = conversation_of_each_turn(DEV)
    halves = []
    for seed in range(args.splits):
        order = np.random.default_rng(seed).permutation(np.unique(conversations))
        parts = [np.flatnonzero(np.isin(conversations, order[k::2])) for k in range(2)]
        for fit_rows, test_rows in ((parts[0], parts[1]), (parts[1], parts[0])):
            bias = fit(logp, gold, columns, fit_rows)
            before = score(logp, gold, columns, np.zeros(len(labels)), test_rows)
            halves.append((before, score(logp, gold, columns, bias, test_rows)))
    change = [after - before for before, after in halves]
    result = {
        "turns": len(gold),
        "as_shipped": round(score(logp, gold, columns, np.zeros(len(labels)), np.arange(len(gold))), 4),
        "held_out_halves": len(halves),
        "mean_before": round(float(np.mean([b for b, _ in halves])), 4),
        "mean_after": round(float(np.mean([a for _, a in halves])), 4),
        "change_mean_min_max": [round(float(np.mean(change)), 4), round(min(change), 4), round(max(change), 4)],
    }
    print(json.dumps(result, indent=2))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
