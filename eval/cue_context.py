"""Would the cues gain from the subject's earlier turns? A second stage over the graph's own probabilities.

Why: the suicide_cue misses are indirect lines whose sense sits turns back ("Kids get my truck." after talk of
having had enough), and the graph reads one previous turn only. The cheapest way to give it more is a second
stage (``turn_model.Stage``): per cue label, a logistic regression over the graph's cue logits for the turn and
the largest and latest of the subject's turns among the ``SPAN`` before it (``turn_model.stage_features``). At
run time those earlier probabilities are graph passes LIVE and eval have already made (cached). The span is 7
because ``talkdown eval`` gives 8 turns of context and the first has no previous turn of its own to be read
with; adding the turn's position or its rule labels as inputs changed nothing (0.001-0.01, either way). Since
cues 0.19 the stage also reads the cue linear part's logits for the turn, for every label but those in ``--plain``
(default: suicide_cue, whose weights for them are 0): the TF-IDF word model, whose fixed mix into the graph did
nothing on the fresh sets, weighed per label (``--no-words``: none reads it, as cues 0.17).

Reads the kept 3-fold predictions (``turn_encoder_validation_k3.npz``: every training conversation predicted
by a graph that did not see it, int8), so the stage is fitted and scored out of fold twice over (5 folds by
conversation). Reports per label the average precision of the graph and of the stage, the best recall with the
rules at each precision floor, and the best F1.

``--fresh`` then asks the question that decides: the stage fitted on the 3-fold predictions of the conversations
outside the 80/20 validation fifth, its per-label choices made on that fifth's kept 80/20 predictions by the
shipped rule (``train_turn_encoder.choose``, as the graph's own choices were), and both scored on the fresh test
sets and the holdout, pooled, against the graph with its shipped choices. The rule, committed before the first
``--fresh`` run (b742fe8): the stage is worth building into the cue analyser only if, pooled, suicide_cue recall
rises while its precision stays >= 0.70, and the mean F1 of the five cue labels does not fall. The comparison is
always against what ships (the graph alone until cues 0.17; the first stage since). The same rule, committed again
before its ``--fresh`` run, decided the stage with the word logits against cues 0.17 on the 23 fresh sets and
the holdout (it held: cues 0.18), and writers 58-61, written after that commit, were to confirm it (suicide_cue F1
not lower than with cues 0.17, mean cue F1 not lower by more than 0.01). They did not: suicide_cue F1 0.744 ->
0.732 while every other cue rose, so cues 0.18 was reverted. The candidate that followed, decided before writers
62-65 were written (its rule in the commit that added ``--plain``): the word logits for threat, deadline, demand
and weapon, none for suicide_cue (``--plain suicide_cue``, the default; that label's stage and threshold are then
cues 0.17's), ships if on writers 62-65, pooled, mean cue F1 is higher than with cues 0.17.

It passed (cues 0.19, shipped with ``--write --confirmed``).

``--write`` (with ``--fresh``, and only when the fresh-set rule holds, or with ``--confirmed`` for a variant whose
gate was sets written later, as its commit must say) ships that very stage and its choices: into
``eval/results/turn_encoder.json`` and the packaged ``talkdown-minilm-settings.json`` (+ card, manifest);
``--candidate DIR`` writes them into a copy of the models instead, for ``compare_models.py``. Run it after
``train_turn_linear.py`` whenever the graph is retrained (it refuses kept runs of other training data).

    .venv/bin/python eval/cue_context.py --fresh --write --confirmed   # as shipped (cues 0.19)
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any, NamedTuple

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
from train_turn_encoder import (
    DATA,
    OUTPUTS,
    RESULT,
    SIDES,
    choose,
    held_out,
    labelled_families,
    load,
    predicted,
    prf,
    validation_file,
    write_settings,
)
from train_turn_linear import MAX_WORD, C, validation_run
from writer_sets import FRESH, TRAIN

from talkdown.analysis import cues
from talkdown.analysis.model_io import PACKAGED_MODELS
from talkdown.analysis.turn_model import Stage, TurnModel, load_settings, stage_features
from talkdown.services.runtime import configure_analysis
from talkdown.settings import Settings

Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
SPAN = 7
FLOORS = (0.65, 0.70, 0.75, 0.80)
GRID = np.arange(0.02, 0.99, 0.005)
OUT = REPO / "eval" / "results" / "cue_context.json"
TESTS = (*FRESH, "indomain_holdout.jsonl")


def positions() -> list[int]:
    """Each training row's turn index in its conversation (``load`` keeps the turns a family is labelled on)."""
    out = []
    for name in TRAIN:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            for k, raw in enumerate(json.loads(line)["turns"] if line.strip() else ()):
                if labelled_families(raw, SIDES.get(raw["role"], "unknown")):
                    out.append(k)
    return out


def kept_features(p: Floats, groups: list[str], at: list[int], rows: npt.NDArray[np.intp],
                  words: Floats | None = None) -> Floats:  # fmt: skip
    """``stage_features`` for kept predictions: ``p`` (rows x cue labels) of each row in ``rows`` and of the
    earlier rows of its conversation among the ``SPAN`` turns before it (all cue rows are subject turns), and the
    row's ``words`` (the linear part's out-of-fold probabilities, same shape as ``p``) if given."""
    out, seen = [], {}
    for i in rows:
        earlier = seen.setdefault(groups[i], [])
        own = words[i] if words is not None else ()
        out.append(stage_features(p[i], [p[j] for j in earlier if at[j] >= at[i] - SPAN], own))
        earlier.append(i)
    return np.array(out)


def operating_points(gold: Bools, rule: Bools, score: Floats) -> dict[str, Any]:
    """The best recall at each precision floor, and the best F1, for the rules joined by ``score >= t``."""
    points = [prf(gold, rule | (score >= t)) for t in GRID]
    return {
        "ap": round(float(average_precision_score(gold, score)), 4),
        "recall_at_precision": {
            f"{floor:.2f}": round(max((r for p, r, _ in points if p >= floor), default=0.0), 4) for floor in FLOORS
        },
        "best_f1": round(max(f for *_, f in points), 4),
    }


def fitted(x: Floats, gold: Bools) -> LogisticRegression:
    return LogisticRegression(C=1.0, max_iter=2000).fit(x, gold)


def pooled(gold: Bools, rule: Bools, prob: Floats, choice: dict[str, Any]) -> dict[str, Any]:
    p, r, f = prf(gold, predicted(choice["mode"], choice["threshold"], rule, prob))
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "threshold": choice["threshold"]}


def out_of_fold(data: Training, columns: list[int], words: Floats | None) -> dict[str, Any]:
    y, m, groups, at = data.y, data.m, data.groups, data.at
    kept = np.load(validation_file(3))
    rows = np.flatnonzero(m[:, columns[0]])
    x = kept_features(kept["p_int8"][:, columns], groups, at, rows, words)
    conv = np.array(groups)[rows]
    results: dict[str, Any] = {}
    for j, label in enumerate(cues.LABELS):
        gold, rule, graph = y[rows, columns[j]], kept["r"][rows, columns[j]], kept["p_int8"][rows, columns[j]]
        stage = np.zeros(len(rows))
        for fit, held in GroupKFold(5).split(x, gold, conv):
            stage[held] = fitted(x[fit], gold[fit]).predict_proba(x[held])[:, 1]
        results[label] = {
            "support": int(gold.sum()),
            "graph": operating_points(gold, rule, graph),
            "stage": operating_points(gold, rule, stage),
        }
        g, s = results[label]["graph"], results[label]["stage"]
        print(f"{label:12s} AP {g['ap']:.3f} -> {s['ap']:.3f}  recall at P>=0.70 "
              f"{g['recall_at_precision']['0.70']:.3f} -> {s['recall_at_precision']['0.70']:.3f}  best F1 "
              f"{g['best_f1']:.3f} -> {s['best_f1']:.3f}")  # fmt: skip
    return results


def fresh(data: Training, columns: list[int], words3: Floats | None, words1: Floats | None, plain: set[str]
          ) -> dict[str, Any]:  # fmt: skip
    """The stage against what ships on the fresh sets and the holdout (see the module docstring)."""
    y, m, groups, at = data.y, data.m, data.groups, data.at
    kept3, kept1 = np.load(validation_file(3)), np.load(validation_file(1))
    val = data.val
    if len(kept1["y"]) != val.sum() or not (kept1["y"] == y[val]).all():
        sys.exit(f"{validation_file(1)} is not the 80/20 run on the current training data")
    rows = np.flatnonzero(m[:, columns[0]] & ~val)
    x3 = kept_features(kept3["p_int8"][:, columns], groups, at, rows, words3)
    val_index = np.flatnonzero(val)
    val_rows = np.flatnonzero(kept1["m"][:, columns[0]])
    x1 = kept_features(kept1["p_int8"][:, columns], [groups[i] for i in val_index], [at[i] for i in val_index],
                       val_rows, words1)  # fmt: skip
    turns, windows, gold, rules, _ = cue_turns(TESTS)
    model = TurnModel(PACKAGED_MODELS)
    ships = np.array([[row[label] for label in cues.LABELS] for row in
                      model.probabilities(cues.FAMILY, turns, windows)])  # fmt: skip
    candidate = Stage(SPAN, {}, words=words3 is not None)
    x_test = np.array(model.stage_inputs(cues.FAMILY, candidate, turns, windows))
    p_val = np.array(kept1["p_int8"], dtype=np.float64)
    stage_test = np.zeros_like(ships)
    weights: dict[str, Any] = {}
    for j, column in enumerate(columns):
        reads = slice(None) if cues.LABELS[j] not in plain else slice(0, 3 * len(cues.LABELS))  # without the words
        lr = fitted(x3[:, reads], y[rows, column])
        p_val[val_rows, column] = lr.predict_proba(x1[:, reads])[:, 1]
        stage_test[:, j] = lr.predict_proba(x_test[:, reads])[:, 1]
        coef = [*lr.coef_[0], *([0.0] * (x3.shape[1] - lr.coef_.shape[1]))]  # a word-less label weighs them 0
        weights[cues.LABELS[j]] = {"coef": [round(float(c), 6) for c in coef],
                                   "intercept": round(float(lr.intercept_[0]), 6)}  # fmt: skip
    choices = {k: v for k, v in choose(kept1["y"], kept1["r"], kept1["m"], p_val).items() if k.startswith(cues.FAMILY)}
    shipped = load_settings(str(PACKAGED_MODELS.resolve())).choices
    labels: dict[str, Any] = {}
    for j, label in enumerate(cues.LABELS):
        key = f"{cues.FAMILY}/{label}"
        before = {"mode": shipped[key].mode, "threshold": shipped[key].threshold}
        labels[label] = {
            "shipped": pooled(gold[:, j], rules[:, j], ships[:, j], before),
            "stage": pooled(gold[:, j], rules[:, j], stage_test[:, j], choices[key]),
        }
        a, b = labels[label]["shipped"], labels[label]["stage"]
        print(f"fresh {label:12s} P/R/F1 {a['precision']:.3f}/{a['recall']:.3f}/{a['f1']:.3f} -> "
              f"{b['precision']:.3f}/{b['recall']:.3f}/{b['f1']:.3f}")  # fmt: skip
    mean = {side: round(float(np.mean([v[side]["f1"] for v in labels.values()])), 4) for side in ("shipped", "stage")}
    suicide = labels["suicide_cue"]
    holds = (
        suicide["stage"]["recall"] > suicide["shipped"]["recall"]
        and suicide["stage"]["precision"] >= 0.70
        and mean["stage"] >= mean["shipped"]
    )
    print(f"fresh mean F1 {mean['shipped']:.4f} -> {mean['stage']:.4f}; the rule {'holds' if holds else 'fails'}")
    return {
        "sets": list(TESTS),
        "turns": len(turns),
        "labels": labels,
        "mean_f1": mean,
        "rule_holds": bool(holds),
        "stage": {"span": SPAN, "words": candidate.words, "weights": weights},
        "choices": choices,
    }


def write(found: dict[str, Any], out: Path | None = None) -> None:
    """Ship the stage tested by ``fresh`` and its choices (the settings file, its card and the manifest), or with
    ``out``, write them into a copy of the packaged models there, a candidate for ``compare_models.py``."""
    result: dict[str, Any] = json.loads(RESULT.read_text())
    result["stage"] = {cues.FAMILY: found["stage"]}
    result["validation"].update(found["choices"])
    result.setdefault("choices_from", {})[cues.FAMILY] = "80/20, read through the stage (eval/cue_context.py)"
    if out is not None:
        shutil.copytree(PACKAGED_MODELS, out)
    write_settings(result, argparse.Namespace(**{**result["args"], "out": out or PACKAGED_MODELS}))
    if out is None:
        RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote the stage into {out or PACKAGED_MODELS}/talkdown-minilm-settings.json", file=sys.stderr)


class Training(NamedTuple):
    """The training turns as the kept runs hold them: gold, mask, conversations, turn positions, the 80/20 fifth."""

    y: Bools
    m: Bools
    groups: list[str]
    at: list[int]
    val: Bools


def main() -> None:
    configure_analysis(Settings())
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fresh", action="store_true", help="Also score the stage on the fresh sets (see above).")
    ap.add_argument("--write", action="store_true", help="With --fresh: ship the stage if the rule holds.")
    ap.add_argument(
        "--confirmed",
        action="store_true",
        help="With --write: ship although the fresh-set rule does not apply (a label set whose gate was "
        "sets written later, as the commit recording it says).",
    )
    ap.add_argument("--candidate", type=Path, help="With --fresh: write the stage into a copy of the models here.")
    ap.add_argument("--no-words", action="store_true", help="Leave out the linear part's logits (the first stage).")
    ap.add_argument("--plain", default="suicide_cue",
                    help="Cue labels whose stage leaves the word logits out (weighs them 0) while the others read "
                    "them; '' for none.")  # fmt: skip
    args = ap.parse_args()
    if (args.write or args.candidate) and not args.fresh:
        ap.error("--write and --candidate write what --fresh tests: give --fresh too")
    pairs, y, _, m, groups, _ = load(1)
    kept = np.load(validation_file(3))
    if len(kept["y"]) != len(y) or not (kept["y"] == y).all():
        sys.exit(f"{validation_file(3)} is not a 3-fold run on the current training data")
    seed = int(json.loads(RESULT.read_text())["args"]["seed"])
    data = Training(y, m, groups, positions(), np.array([g in held_out(groups, seed, 1)[0] for g in groups]))
    columns = [OUTPUTS.index((cues.FAMILY, label)) for label in cues.LABELS]
    words3 = words1 = None
    if not args.no_words:  # the linear part's out-of-fold probabilities, on the kept runs' own folds
        texts = [text for text, _ in pairs]
        words3 = validation_run(3, texts, y, m, groups, seed, C, MAX_WORD)[2][:, columns]
        words1 = validation_run(1, texts, y, m, groups, seed, C, MAX_WORD)[2][:, columns]
    doc: dict[str, Any] = {
        "meta": meta(command="eval/cue_context.py", inputs=(validation_file(3), validation_file(1)), span=SPAN,
                     words=not args.no_words),
        "results": out_of_fold(data, columns, words3),
    }  # fmt: skip
    if args.fresh:
        plain = {label for label in args.plain.split(",") if label}
        if plain - set(cues.LABELS):
            ap.error(f"--plain: not a cue label: {', '.join(sorted(plain - set(cues.LABELS)))}")
        doc["fresh"] = fresh(data, columns, words3, words1, plain)
    OUT.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {OUT.relative_to(REPO)}", file=sys.stderr)
    if args.candidate is not None:
        write(doc["fresh"], args.candidate)
    if args.write:
        if not (doc["fresh"]["rule_holds"] or args.confirmed):
            sys.exit("the rule does not hold: nothing shipped")
        write(doc["fresh"])


if __name__ == "__main__":
    main()
