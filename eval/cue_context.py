"""Would the cues gain from the subject's earlier turns? A second stage over the graph's own probabilities.

Why: the suicide_cue misses are indirect lines whose sense sits turns back ("Kids get my truck." after talk of
having had enough), and the graph reads one previous turn only. The cheapest way to give it more is a second
stage: per cue label, a logistic regression over the graph's cue logits for the current turn, the largest and
the latest of the subject's ``--k`` earlier turns in the conversation, the turn's position and the rule labels.
At run time those earlier probabilities are the graph passes LIVE and eval already made (cached), so the
question is only whether it pays.

Reads the kept 3-fold predictions (``turn_encoder_validation_k3.npz``: every training conversation predicted
by a graph that did not see it, int8), so the stage is fitted and scored out of fold twice over (5 folds by
conversation). Reports per label the average precision of the graph and of the stage, the best recall with the
rules at each precision floor, and the best F1.

``--fresh`` then asks the question that decides: the stage fitted on the 3-fold predictions of the conversations
outside the 80/20 validation fifth, its per-label choices made on that fifth's kept 80/20 predictions by the
shipped rule (``train_turn_encoder.choose``, as the graph's own choices were), and both scored on the fresh test
sets and the holdout, pooled, against the graph with its shipped choices. The rule, committed before the first
``--fresh`` run: the stage is worth building into the cue analyser only if, pooled, suicide_cue recall rises
while its precision stays >= 0.70, and the mean F1 of the five cue labels does not fall. Nothing ships from here.

    .venv/bin/python eval/cue_context.py [--k 4] [--fresh]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import GroupKFold

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "eval"))

from choice_rules import cue_turns
from machine import meta
from train_turn_encoder import OUTPUTS, RESULT, choose, held_out, load, predicted, prf, validation_file
from writer_sets import FRESH

from talkdown.analysis import cues
from talkdown.analysis.model_io import PACKAGED_MODELS
from talkdown.analysis.turn_model import TurnModel, load_settings
from talkdown.services.runtime import configure_analysis
from talkdown.settings import Settings

Floats = npt.NDArray[np.float64]
FLOORS = (0.65, 0.70, 0.75, 0.80)
GRID = np.arange(0.02, 0.99, 0.005)
OUT = REPO / "eval" / "results" / "cue_context.json"


def logit(p: Floats) -> Floats:
    q = np.clip(p, 1e-4, 1 - 1e-4)
    return np.asarray(np.log(q / (1 - q)))


def features(p: Floats, r: npt.NDArray[np.bool_], groups: list[str], rows: npt.NDArray[np.intp], k: int) -> Floats:
    """Per row: the current turn's cue logits, the max and the last of its ``k`` earlier subject turns' (a floor
    value when there are none), its position (capped at 10) and its rule labels."""
    now = logit(p[rows])
    floor = logit(np.zeros(1))[0]
    most, last = np.full_like(now, floor), np.full_like(now, floor)
    position = np.zeros(len(rows))
    seen: dict[str, list[int]] = {}
    for j, i in enumerate(rows):
        earlier = seen.setdefault(groups[i], [])
        if earlier:
            most[j], last[j] = now[earlier[-k:]].max(axis=0), now[earlier[-1]]
        position[j] = min(len(earlier), 10)
        earlier.append(j)
    return np.c_[now, most, last, position, r[rows]]


def operating_points(gold: npt.NDArray[np.bool_], rule: npt.NDArray[np.bool_], score: Floats) -> dict[str, Any]:
    """The best recall at each precision floor, and the best F1, for the rules joined by ``score >= t``."""
    points = [prf(gold, rule | (score >= t)) for t in GRID]
    return {
        "ap": round(float(average_precision_score(gold, score)), 4),
        "recall_at_precision": {
            f"{floor:.2f}": round(max((r for p, r, _ in points if p >= floor), default=0.0), 4) for floor in FLOORS
        },
        "best_f1": round(max(f for *_, f in points), 4),
    }


def fitted(x: Floats, gold: npt.NDArray[np.bool_], c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=2000).fit(x, gold)


def pooled(
    gold: npt.NDArray[np.bool_], rule: npt.NDArray[np.bool_], prob: Floats, choice: dict[str, Any]
) -> dict[str, Any]:
    p, r, f = prf(gold, predicted(choice["mode"], choice["threshold"], rule, prob))
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "threshold": choice["threshold"]}


def fresh(args: argparse.Namespace, y: npt.NDArray[np.bool_], m: npt.NDArray[np.bool_], groups: list[str],
          columns: list[int]) -> dict[str, Any]:  # fmt: skip
    """The stage against the shipped graph on the fresh sets and the holdout (see the module docstring)."""
    kept3, kept1 = np.load(validation_file(3)), np.load(validation_file(1))
    seed = int(json.loads(RESULT.read_text())["args"]["seed"])
    held = held_out(groups, seed, 1)[0]
    val = np.array([g in held for g in groups])
    if len(kept1["y"]) != val.sum() or not (kept1["y"] == y[val]).all():
        sys.exit(f"{validation_file(1)} is not the 80/20 run on the current training data")
    rows = np.flatnonzero(m[:, columns[0]])
    x3 = features(kept3["p_int8"][:, columns], kept3["r"][:, columns], groups, rows, args.k)
    fit_rows = ~val[rows]
    val_groups = [g for g, v in zip(groups, val, strict=True) if v]
    val_rows = np.flatnonzero(kept1["m"][:, columns[0]])
    x1 = features(kept1["p_int8"][:, columns], kept1["r"][:, columns], val_groups, val_rows, args.k)
    test = [*FRESH, "indomain_holdout.jsonl"]
    turns, windows, gold, rules, test_groups = cue_turns(test)
    graph = np.array([[row[label] for label in cues.LABELS] for row in
                      TurnModel(PACKAGED_MODELS).probabilities(cues.FAMILY, turns, windows, linear=False)])  # fmt: skip
    x_test = features(graph, rules, test_groups, np.arange(len(turns)), args.k)
    p_val = np.array(kept1["p_int8"], dtype=np.float64)
    stage_test = np.zeros_like(graph)
    for j, column in enumerate(columns):
        model = fitted(x3[fit_rows], y[rows[fit_rows], column], args.c)
        p_val[val_rows, column] = model.predict_proba(x1)[:, 1]
        stage_test[:, j] = model.predict_proba(x_test)[:, 1]
    stage_choices = choose(kept1["y"], kept1["r"], kept1["m"], p_val)
    shipped = load_settings(str(PACKAGED_MODELS.resolve())).choices
    out: dict[str, Any] = {"sets": test, "turns": len(turns), "labels": {}}
    for j, label in enumerate(cues.LABELS):
        name = f"{cues.FAMILY}/{label}"
        before = {"mode": shipped[name].mode, "threshold": shipped[name].threshold}
        out["labels"][label] = {
            "shipped": pooled(gold[:, j], rules[:, j], graph[:, j], before),
            "stage": pooled(gold[:, j], rules[:, j], stage_test[:, j], stage_choices[name]),
        }
    for side in ("shipped", "stage"):
        out[f"mean_f1_{side}"] = round(float(np.mean([v[side]["f1"] for v in out["labels"].values()])), 4)
    return out


def main() -> None:
    configure_analysis(Settings())
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--k", type=int, default=4, help="How many earlier subject turns the stage reads.")
    ap.add_argument("--c", type=float, default=1.0)
    ap.add_argument("--fresh", action="store_true", help="Also score the stage on the fresh sets (see above).")
    args = ap.parse_args()
    kept = np.load(validation_file(3))
    _, y, _, m, groups, _ = load(1)
    if len(kept["y"]) != len(y) or not (kept["y"] == y).all():
        sys.exit(f"{validation_file(3)} is not a 3-fold run on the current training data")
    columns = [OUTPUTS.index((cues.FAMILY, label)) for label in cues.LABELS]
    rows = np.flatnonzero(m[:, columns[0]])
    x = features(kept["p_int8"][:, columns], kept["r"][:, columns], groups, rows, args.k)
    conv = np.array(groups)[rows]
    results: dict[str, Any] = {}
    for j, label in enumerate(cues.LABELS):
        gold, rule, graph = y[rows, columns[j]], kept["r"][rows, columns[j]], kept["p_int8"][rows, columns[j]]
        if gold.sum() < 15:
            continue
        stage = np.zeros(len(rows))
        for fit, held in GroupKFold(5).split(x, gold, conv):
            stage[held] = fitted(x[fit], gold[fit], args.c).predict_proba(x[held])[:, 1]
        results[label] = {
            "support": int(gold.sum()),
            "graph": operating_points(gold, rule, graph),
            "stage": operating_points(gold, rule, stage),
        }
        g, s = results[label]["graph"], results[label]["stage"]
        print(f"{label:12s} AP {g['ap']:.3f} -> {s['ap']:.3f}  recall at P>=0.70 "
              f"{g['recall_at_precision']['0.70']:.3f} -> {s['recall_at_precision']['0.70']:.3f}  best F1 "
              f"{g['best_f1']:.3f} -> {s['best_f1']:.3f}")  # fmt: skip
    doc: dict[str, Any] = {
        "meta": meta(command="eval/cue_context.py", inputs=(validation_file(3),), k=args.k, c=args.c, turns=len(rows)),
        "results": results,
    }
    if args.fresh:
        doc["fresh"] = fresh(args, y, m, groups, columns)
        for label, v in doc["fresh"]["labels"].items():
            a, b = v["shipped"], v["stage"]
            print(f"fresh {label:12s} P/R/F1 {a['precision']:.3f}/{a['recall']:.3f}/{a['f1']:.3f} -> "
                  f"{b['precision']:.3f}/{b['recall']:.3f}/{b['f1']:.3f}")  # fmt: skip
        print(f"fresh mean F1 {doc['fresh']['mean_f1_shipped']:.4f} -> {doc['fresh']['mean_f1_stage']:.4f}")
    OUT.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {OUT.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
