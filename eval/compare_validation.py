"""Compare two validation runs of the turn model on the same turns: per cue label, and per family.

Why a script: a setting of ``train_turn_encoder.py`` (``--context-turns``, the int8 graph against its fp32 model)
is judged on validation predictions it kept, before any graph ships; the figures quoted in docs/analysis.md
must be re-runnable. Each run's choices are made on its own probabilities with the training script's own
``choose`` (so each side gets its best thresholds), then scored on the same turns; average precision needs no
threshold at all.

    .venv/bin/python eval/compare_validation.py A.npz B.npz [--a-key p|p_int8] [--b-key p|p_int8] [--out X.json]

Both files must hold the same validation turns (same training data, seed and folds): the script checks the
gold labels and masks are equal. ``--a-key p --b-key p_int8`` on one file of an ``--int8-check`` run compares
the fp32 model with its int8 graph.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from machine import meta
from sklearn.metrics import average_precision_score
from train_turn_encoder import OUTPUTS, choose, predicted, prf

Scores = dict[str, tuple[float, float, float, float]]  # "family/label" -> precision, recall, F1, average precision


def scores(y: npt.NDArray[np.bool_], r: npt.NDArray[np.bool_], m: npt.NDArray[np.bool_],
           p: npt.NDArray[np.float64]) -> Scores:  # fmt: skip
    with contextlib.redirect_stderr(io.StringIO()):  # choose() prints its table; the comparison prints its own
        rows = choose(y, r, m, p)
    out: Scores = {}
    for k, (family, label) in enumerate(OUTPUTS):
        key = f"{family}/{label}"
        on = m[:, k]
        gold, rule, prob = y[on, k], r[on, k], p[on, k]
        pred = predicted(rows[key]["mode"], rows[key]["threshold"], rule, prob)
        ap = float(average_precision_score(gold, prob)) if gold.any() else float("nan")
        out[key] = (*prf(gold, pred), ap)
    return out


def compare(a: Path, b: Path, a_key: str = "p", b_key: str = "p") -> dict[str, Any]:
    first, second = np.load(a), np.load(b)
    for name in ("y", "m"):
        if not np.array_equal(first[name], second[name]):
            raise SystemExit(f"{a} and {b} do not hold the same validation turns ('{name}' differs)")
    y, r, m = first["y"], first["r"], first["m"]
    left, right = scores(y, r, m, first[a_key]), scores(y, r, m, second[b_key])
    families: dict[str, Any] = {}
    for family in dict.fromkeys(f for f, _ in OUTPUTS):
        keys = [k for k in left if k.startswith(family + "/")]
        families[family] = {
            side: {"mean_f1": round(float(np.mean([s[k][2] for k in keys])), 4),
                   "mean_ap": round(float(np.nanmean([s[k][3] for k in keys])), 4)}
            for side, s in (("a", left), ("b", right))
        }  # fmt: skip
    labels = {k: {"a": [round(v, 3) for v in left[k]], "b": [round(v, 3) for v in right[k]]} for k in left}
    return {"families": families, "labels": labels}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a", type=Path)
    ap.add_argument("b", type=Path)
    ap.add_argument("--a-key", default="p", choices=("p", "p_int8"))
    ap.add_argument("--b-key", default="p", choices=("p", "p_int8"))
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    result = compare(args.a, args.b, args.a_key, args.b_key)
    print(f"A = {args.a} [{args.a_key}], B = {args.b} [{args.b_key}]; P / R / F1 at each run's choices, then AP")
    for key, row in result["labels"].items():
        if key.startswith("talkdown_cue/"):
            a, b = row["a"], row["b"]
            print(f"  {key.split('/')[1]:12s} {a[0]:.2f}/{a[1]:.2f}/{a[2]:.3f} -> {b[0]:.2f}/{b[1]:.2f}/{b[2]:.3f}"
                  f"   AP {a[3]:.3f} -> {b[3]:.3f}")  # fmt: skip
    for family, row in result["families"].items():
        print(f"  {family:15s} mean F1 {row['a']['mean_f1']:.4f} -> {row['b']['mean_f1']:.4f}   "
              f"mean AP {row['a']['mean_ap']:.4f} -> {row['b']['mean_ap']:.4f}")  # fmt: skip
    if args.out:
        about = meta(inputs=(args.a, args.b), a_key=args.a_key, b_key=args.b_key)
        args.out.write_text(json.dumps({"meta": about, **result}, indent=2) + "\n")


if __name__ == "__main__":
    main()
