"""Leave-one-out check of the release model against base-rate-only baselines on the case library.

Usage: python eval/release_model.py [--data ../shared/doctrine/cases.yaml] [--seed 20260314]

For each case with a known outcome, the model (doctrine/release_model.py, *uncorrected*: the library is the
test population here) is refitted on the other cases and predicts the held-out one. Baselines: the library
base rate of the other cases (refitted the same way) and the published 65 % negotiated-surrender rate
[R31 S]. Prints Brier scores, a paired bootstrap interval for the model-minus-base-rate difference and a
calibration table to stderr; writes eval/results/release_model.json (``meta`` + ``results``). The verdict
says plainly whether the model beats the base rate.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import itertools

from machine import meta

from talkdown.doctrine.release_model import (
    FEATURES,
    POSITIVE,
    PUBLISHED_HOSTAGE_RATE,
    RIDGE,
    Case,
    fit,
    load_cases,
    predict,
    usable,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "doctrine" / "cases.yaml"
DEFAULT_SEED = 20260314
BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)


def _median_hostages(cases: list[Case]) -> float:
    known = [c.hostages for c in cases if c.hostages is not None]
    return float(np.median(known)) if known else 0.0


def leave_one_out(cases: list[Case]) -> dict[str, list[float]]:
    rows = usable(cases)
    out: dict[str, list[float]] = {"y": [], "model": [], "base_rate": [], "published": []}
    for i, held in enumerate(rows):
        train = rows[:i] + rows[i + 1 :]
        model = fit(train)
        hostages = float(held.hostages) if held.hostages is not None else _median_hostages(train)
        out["y"].append(1.0 if held.outcome in POSITIVE else 0.0)
        out["model"].append(predict(model, political=held.is_political, hostages=hostages))
        out["base_rate"].append(sum(c.outcome in POSITIVE for c in train) / len(train))
        out["published"].append(PUBLISHED_HOSTAGE_RATE)
    return out


def brier(y: list[float], p: list[float]) -> float:
    return float(np.mean((np.asarray(p) - np.asarray(y)) ** 2))


def calibration(y: list[float], p: list[float]) -> list[dict[str, Any]]:
    table = []
    for lo, hi in itertools.pairwise(BINS):
        idx = [i for i, v in enumerate(p) if lo <= v < hi]
        if idx:
            table.append(
                {
                    "bin": f"{lo:.1f}-{min(hi, 1.0):.1f}",
                    "n": len(idx),
                    "mean_predicted": round(float(np.mean([p[i] for i in idx])), 4),
                    "observed_rate": round(float(np.mean([y[i] for i in idx])), 4),
                }
            )
    return table


def paired_bootstrap(y: list[float], a: list[float], b: list[float], *, seed: int, n: int = 2000) -> list[float]:
    """10th and 90th percentile of Brier(a) - Brier(b) over case resamples (negative: a is better)."""
    rng = np.random.default_rng(seed)
    ya, pa, pb = np.asarray(y), np.asarray(a), np.asarray(b)
    diffs = []
    for _ in range(n):
        idx = rng.integers(0, len(ya), len(ya))
        diffs.append(float(np.mean((pa[idx] - ya[idx]) ** 2) - np.mean((pb[idx] - ya[idx]) ** 2)))
    return [round(float(np.percentile(diffs, 10)), 4), round(float(np.percentile(diffs, 90)), 4)]


def evaluate(cases: list[Case], *, seed: int) -> dict[str, Any]:
    loo = leave_one_out(cases)
    y = loo["y"]
    scores = {name: round(brier(y, loo[name]), 4) for name in ("model", "base_rate", "published")}
    band = paired_bootstrap(y, loo["model"], loo["base_rate"], seed=seed)
    beats = scores["model"] < scores["base_rate"]
    if beats and band[1] < 0:
        verdict = "The model beats the library base rate (leave-one-out Brier), and the 80% band excludes no gain."
    elif beats:
        verdict = (
            "The model's leave-one-out Brier is lower than the library base rate's, but the 80% bootstrap band of "
            "the difference includes zero: it does not reliably beat the base rate."
        )
    else:
        verdict = "The model does NOT beat the library base rate (leave-one-out Brier); treat it as a base rate."
    return {
        "n_cases": len(y),
        "positives": int(sum(y)),
        "target": "outcome in " + ", ".join(sorted(POSITIVE)),
        "features": list(FEATURES),
        "ridge": RIDGE,
        "brier": scores,
        "brier_difference_model_minus_base_rate_p10_p90": band,
        "calibration": {"model": calibration(y, loo["model"]), "base_rate": calibration(y, loo["base_rate"])},
        "verdict": verdict,
    }


def _table(results: dict[str, Any]) -> str:
    lines = [f"release model, leave-one-out on {results['n_cases']} cases ({results['positives']} negotiated)"]
    lines += [f"  Brier {name:10} {value:.4f}" for name, value in results["brier"].items()]
    lo, hi = results["brier_difference_model_minus_base_rate_p10_p90"]
    lines.append(f"  model - base rate, 80% bootstrap band: [{lo:+.4f}, {hi:+.4f}]")
    for name, rows in results["calibration"].items():
        lines.append(f"  calibration ({name}):  bin       n  predicted  observed")
        lines += [
            f"    {r['bin']:>17}  {r['n']:3d}  {r['mean_predicted']:9.3f}  {r['observed_rate']:8.3f}" for r in rows
        ]
    lines.append("  " + results["verdict"])
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "results" / "release_model.json")
    args = parser.parse_args()
    print(f"seed {args.seed}; data {args.data}", file=sys.stderr)
    results = evaluate(load_cases(args.data.read_text(encoding="utf-8")), seed=args.seed)
    print(_table(results), file=sys.stderr)
    doc = {"meta": meta(packages=("numpy", "pyyaml"), inputs=(args.data,), seed=args.seed), "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
