"""Which rule for picking a cue label's threshold holds on writers the model never read.

Why: ``train_turn_encoder.choose`` picks each cue label's threshold on validation predictions, and on those
the near-best band is wide (threat: 0.575-0.95 within 0.01 F1). Which end of it to take is a rule, not a
per-label tuning, so it is judged on the fresh test sets, split in two halves (``GROUPS``): a rule is only worth
taking if it wins on both, and sets written after the decision then confirm it or not. For suicide_cue the rule
is the precision floor on validation; the script shows what each floor gives per fresh set (the issue's
operating point is precision >= 0.70 on *each* set someone might meet).

Reads the kept 80/20 validation predictions (``turn_encoder_validation.npz``, int8, the graph alone) and runs
the shipped graph (alone, no linear part) with the cue rules over the fresh sets.

    .venv/bin/python eval/choice_rules.py [--mix 0.1]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "eval"))

from machine import meta
from train_turn_encoder import (
    DATA,
    GRID,
    OUTPUTS,
    RESULT,
    SIDES,
    WINDOW,
    load,
    prf,
    rule_labels,
    validation_file,
)
from train_turn_linear import MAX_WORD, C, file_of, validation_run
from writer_sets import FRESH

from talkdown.analysis import cues
from talkdown.analysis.base import Turn
from talkdown.analysis.model_io import PACKAGED_MODELS, load_model
from talkdown.analysis.turn_model import TurnModel
from talkdown.services.runtime import configure_analysis
from talkdown.settings import Settings

Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
FLOORS = (0.60, 0.65, 0.70, 0.75, 0.80)
GROUPS = {
    "first half": (14, 15, 21, 22, 23),
    "second half": (29, 30, 35, 36, 39, 40),
    "written after the rule (46, 47)": (46, 47),
    "written after deadline's exception (48, 49)": (48, 49),
}
"""The two halves the best-F1 rule was judged on, then sets written after each decision (docs/analysis.md)."""


def cue_turns(names: Sequence[str]) -> tuple[list[Turn], list[tuple[Turn, ...]], Bools, Bools, list[str]]:
    """Every cue-labelled subject turn of the files, with its window, its gold cue labels and the rules' (turns x
    ``cues.LABELS``), as the training script reads them, and its conversation ("file:id")."""
    turns, windows, gold, rules, groups = [], [], [], [], []
    for name in names:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            history: list[Turn] = []
            conv = json.loads(line) if line.strip() else {"turns": ()}
            for raw in conv["turns"]:
                turn = Turn(text=raw["text"], side=SIDES.get(raw["role"], "unknown"))
                window = tuple(history[-WINDOW:])
                history.append(turn)
                if turn.side == "subject" and cues.FAMILY in raw.get("labels", {}):
                    found = rule_labels(cues.FAMILY, turn, window)
                    turns.append(turn)
                    windows.append(window)
                    gold.append([label in raw["labels"][cues.FAMILY] for label in cues.LABELS])
                    rules.append([label in found for label in cues.LABELS])
                    groups.append(f"{name}:{conv['id']}")
    return turns, windows, np.array(gold, dtype=bool), np.array(rules, dtype=bool), groups


def read(name: str, mix: float) -> tuple[Bools, Bools, Floats]:
    """Gold, rule labels and the graph's probabilities (cue labels) for every labelled subject turn of a file,
    mixed with the shipped cue linear part at ``mix`` (0: the graph alone)."""
    turns, windows, gold, rules, _ = cue_turns([name])
    rows = TurnModel(PACKAGED_MODELS).probabilities(cues.FAMILY, turns, windows, graph_only=True)
    probs = np.array([[row.get(label, 0.0) for label in cues.LABELS] for row in rows])
    if mix:
        model = load_model(PACKAGED_MODELS, file_of("subject"))
        lin = model.probabilities_many([model.vectorize(t.text) for t in turns])
        cols = [model.labels.index(f"{cues.FAMILY}/{label}") for label in cues.LABELS]
        probs = (1 - mix) * probs + mix * lin[:, cols]
    return gold, rules, probs


def validation_linear() -> Floats:
    """The cue linear part's probabilities for the 80/20 validation turns, fitted on the other 80 % (as
    ``train_turn_linear.py`` does), aligned with ``turn_encoder_validation.npz``."""
    pairs, y, _, m, groups, _ = load(1)
    seed = int(json.loads(RESULT.read_text())["args"]["seed"])
    return validation_run(1, [t for t, _ in pairs], y, m, groups, seed, C, MAX_WORD)[2]


def rules_for(f1s: list[float]) -> dict[str, float]:
    """The threshold each rule takes from a validation F1 curve over ``GRID``."""
    best = max(f1s)
    band = [t for t, f in zip(GRID, f1s, strict=True) if f >= best - 0.01]
    return {"best F1": GRID[f1s.index(best)], "highest within 0.01": max(band), "lowest within 0.01": min(band),
            "middle of the 0.01 band": float(np.median(band))}  # fmt: skip


def main() -> None:
    configure_analysis(Settings())
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mix", type=float, default=0.0, help="Weight of the cue linear part (0: the graph alone).")
    ap.add_argument("--out", type=Path, default=None, help="Default: eval/results/choice_rules[_mixM].json")
    args = ap.parse_args()
    out = args.out or REPO / "eval" / "results" / f"choice_rules{f'_mix{args.mix:g}' if args.mix else ''}.json"
    saved = np.load(validation_file(1))
    p_val = saved["p_int8"] if not args.mix else (1 - args.mix) * saved["p_int8"] + args.mix * validation_linear()
    sets = {name: read(name, args.mix) for name in FRESH if (DATA / name).is_file()}
    named = {group: tuple(f"indomain_writer{n}.jsonl" for n in writers) for group, writers in GROUPS.items()}
    halves = {group: names for group, names in named.items() if all(n in sets for n in names)}  # (written yet)
    result: dict[str, Any] = {"meta": meta(inputs=(validation_file(1), *(DATA / n for n in FRESH)), mix=args.mix),
                              "halves": {h: list(n) for h, n in halves.items()}, "labels": {}}  # fmt: skip
    for j, label in enumerate(cues.LABELS):
        k = OUTPUTS.index((cues.FAMILY, label))
        on = saved["m"][:, k]
        yv, rv, pv = saved["y"][on, k], saved["r"][on, k], p_val[on, k]
        curve = [prf(yv, rv | (pv >= t)) for t in GRID]
        if label == "suicide_cue":
            picks = {f"precision floor {f:.2f}": max((o for o in zip(GRID, curve, strict=True) if o[1][0] >= f),
                                                    key=lambda o: (o[1][1], o[0]))[0] for f in FLOORS}  # fmt: skip
        else:
            picks = rules_for([c[2] for c in curve])
        rows: dict[str, Any] = {}
        for rule, t in picks.items():
            row: dict[str, Any] = {"threshold": t}
            for half, names in halves.items():
                y, r, p = (np.concatenate([sets[n][i][:, j] for n in names]) for i in range(3))
                row[half] = [round(v, 4) for v in prf(y, r | (p >= t))]
            if label == "suicide_cue":
                row["sets below precision 0.70"] = sum(
                    int(prf(s[0][:, j], s[1][:, j] | (s[2][:, j] >= t))[0] < 0.70) for s in sets.values()
                )
            rows[rule] = row
            print(f"{label:12s} {rule:26s} thr {t:.3f}  " + "  ".join(
                f"{h} P/R/F1 {'/'.join(f'{v:.3f}' for v in row[h])}" for h in halves), file=sys.stderr)  # fmt: skip
        result["labels"][label] = rows
    others = [rows for label, rows in result["labels"].items() if label != "suicide_cue"]
    result["mean F1 of the other four labels"] = {
        rule: {half: round(float(np.mean([rows[rule][half][2] for rows in others])), 4) for half in halves}
        for rule in others[0]
    }
    print(result["mean F1 of the other four labels"], file=sys.stderr)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
