"""Train the linear part of the turn model and mix it into the fine-tuned graph's probabilities.

Why: a TF-IDF word 1-2-gram logistic regression makes different mistakes from the fine-tuned MiniLM (it keys
on the exact words; the graph on their sense), and on the kept 80/20 validation predictions the mix
``p = (1 - mix) · p_graph + mix · p_linear`` raised mean average precision for every family (docs/analysis.md).
It costs ~0.1 ms per turn (no second graph pass, which the batch target could not pay), and its per-word
contributions are exact evidence for labels only the model found. Word n-grams only: character n-grams gave
the same mix for twice the time per turn.

One model per side: ``talkdown-linear-subject.json`` (cue outputs) and ``talkdown-linear-negotiator.json``
(skill and avoid outputs, one vocabulary), labels ``family/label``; each output is fitted on the turns whose
family is labelled (as the graph's loss). Steps, all deterministic:

1. Validation: the same folds as the graph's kept validation runs (``train_turn_encoder.held_out``; the 80/20
   run, and the K-fold run when it was made on the current training data), a linear model fitted on each
   fold's training part predicts its held-out turns.
2. Per family in ``--mix-families``, the mix with the best mean average precision on the 80/20 validation
   turns (labels with at least ``MIN_SUPPORT`` positives), from ``MIXES``, the smaller on a tie (``AP_TIE``);
   the other families keep mix 0 and their choices (cues: the mix did nothing on the fresh test sets,
   docs/analysis.md).
3. The choices (``train_turn_encoder.choose``) re-made on the mixed probabilities: the families in
   ``--kfold-families`` on the K-fold run (an unmixed one there on the graph alone), the others on the 80/20 run
   (a mixed one) or as the graph's training run left them (an unmixed one).
4. The linear models fitted on all training turns, written with their card; the settings file and
   ``eval/results/turn_encoder.json`` get the mixes and the new choices; ``eval/results/turn_linear.json``
   keeps the comparison (graph alone vs mixed) per family.

Run after every retrain of the graph (``train_turn_encoder.py``), before ``train_emotion.py``:

    .venv/bin/python eval/train_turn_linear.py   # defaults as shipped: mix skills and avoid, their choices 3-fold
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_turn_encoder import (
    FAMILIES,
    MIN_SUPPORT,
    OUTPUTS,
    RESULT,
    choose,
    held_out,
    load,
    validation_file,
    write_settings,
)
from writer_sets import TRAIN

from talkdown.analysis.model_io import (
    PACKAGED_MODELS,
    Block,
    LinearTextModel,
    dumps_model,
    feature_names,
    register_file,
)
from talkdown.services.runtime import configure_analysis
from talkdown.settings import Settings

SIDES = ("subject", "negotiator")
MIXES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
AP_TIE = 3
"""Mean APs equal to this many decimals are a tie, and a tie goes to the smaller mix. Why: the word model knows
only the writers' register, which validation cannot see past; on AnnoMI dev the skills mix 0.4 (80/20 mean AP
0.8679) gave annomi_question 0.669 and the tied 0.3 (0.8677) 0.696, fresh sets level (docs/analysis.md)."""
SUMMARY = RESULT.with_name("turn_linear.json")
CARD = "talkdown-linear.md"
C = 2.0
"""Inverse regularisation of the shipped word models (compared on validation: 0.5, 1, 2, 4)."""
MAX_WORD = 30000
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


def file_of(side: str) -> str:
    return f"talkdown-linear-{side}.json"


def columns(side: str) -> list[int]:
    return [k for k, (family, _) in enumerate(OUTPUTS) if FAMILIES[family][0] == side]


def fit(texts: list[str], y: Bools, m: Bools, rows: npt.NDArray[np.intp], side: str, c: float,
        max_word: int) -> tuple[TfidfVectorizer, npt.NDArray[np.float32], npt.NDArray[np.float32]]:  # fmt: skip
    """One side's model on ``rows``: the vocabulary from every row of the side, each output from the rows where
    its family is labelled. An output with no positive there gets zero weights and a very low intercept."""
    ks = columns(side)
    rows = rows[m[rows][:, ks].any(axis=1)]
    vec = TfidfVectorizer(analyzer=partial(feature_names, "word"), sublinear_tf=True, min_df=2,
                          max_features=max_word, dtype=np.float32)  # fmt: skip
    x = vec.fit_transform([texts[i] for i in rows])
    coef = np.zeros((x.shape[1], len(ks)), dtype=np.float32)
    icpt = np.full(len(ks), -20.0, dtype=np.float32)
    for j, k in enumerate(ks):
        on = m[rows, k]
        if y[rows[on], k].any():
            clf = LogisticRegression(C=c, solver="liblinear", max_iter=1000, random_state=0).fit(x[on], y[rows[on], k])
            coef[:, j], icpt[j] = clf.coef_[0], clf.intercept_[0]
    return vec, coef, icpt


def predict(model: tuple[TfidfVectorizer, Any, Any], texts: list[str]) -> Floats:
    vec, coef, icpt = model
    return np.asarray(1.0 / (1.0 + np.exp(-(vec.transform(texts) @ coef + icpt))), dtype=np.float64)


def out_of_fold(texts: list[str], y: Bools, m: Bools, groups: list[str], folds: list[set[str]], c: float,
                max_word: int) -> Floats:  # fmt: skip
    """Linear probabilities for every held-out turn, each from a model fitted without its fold."""
    p = np.zeros(y.shape, dtype=np.float64)
    for held in folds:
        out = np.array([g in held for g in groups])
        for side in SIDES:
            ks = columns(side)
            test = np.where(out & m[:, ks].any(axis=1))[0]
            model = fit(texts, y, m, np.where(~out)[0], side, c, max_word)
            p[np.ix_(test, ks)] = predict(model, [texts[i] for i in test])
    return p


def mean_ap(y: Bools, m: Bools, p: Floats, family: str) -> float:
    aps = [
        average_precision_score(y[m[:, k], k], p[m[:, k], k])
        for k, (f, _) in enumerate(OUTPUTS)
        if f == family and y[m[:, k], k].sum() >= MIN_SUPPORT
    ]
    return float(np.mean(aps))


def pick_mix(mean_ap_by_mix: dict[float, float]) -> float:
    """The mix with the best mean AP, the smaller of those tied to ``AP_TIE`` decimals."""
    return max(mean_ap_by_mix, key=lambda x: (round(mean_ap_by_mix[x], AP_TIE), -x))


def mixed(graph: Floats, linear: Floats, mixes: dict[str, float]) -> Floats:
    w = np.array([mixes[family] for family, _ in OUTPUTS])
    return (1 - w) * graph + w * linear


def mean_f1(rows: dict[str, Any], family: str) -> float:
    return float(np.mean([v["chosen"][2] for k, v in rows.items() if k.startswith(family + "/") and
                          v["support"] >= MIN_SUPPORT]))  # fmt: skip


def kept(folds: int, n_val: int, y_val: Bools) -> Floats:
    """The graph's kept int8 validation probabilities, checked to be for these very turns."""
    saved = np.load(validation_file(folds))
    if "p_int8" not in saved or len(saved["y"]) != n_val or not (saved["y"] == y_val).all():
        sys.exit(
            f"{validation_file(folds)} is not an --int8-check run on the current training data: run "
            f"train_turn_encoder.py --validate-only --int8-check{f' --folds {folds}' if folds > 1 else ''}"
        )
    return np.asarray(saved["p_int8"], dtype=np.float64)


def validation_run(
    folds: int, texts: list[str], y: Bools, m: Bools, groups: list[str], seed: int, c: float, max_word: int
) -> tuple[Bools, Floats, Floats]:
    """For the kept ``folds`` run of the graph: which turns it held out, the graph's kept probabilities for them,
    and the linear part's, each fold's word model fitted on that fold's training part (the same folds)."""
    held = held_out(groups, seed, folds)
    val = np.array([any(g in fold for fold in held) for g in groups])
    graph = kept(folds, int(val.sum()), y[val])  # first: a stale kept run stops before any fitting
    return val, graph, out_of_fold(texts, y, m, groups, held, c, max_word)[val]


def main() -> None:
    configure_analysis(Settings())
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--c", type=float, default=C, help="Inverse regularisation (compared: 0.5, 1, 2, 4).")
    ap.add_argument("--max-word", type=int, default=MAX_WORD)
    ap.add_argument("--folds", type=int, default=3, help="The kept K-fold run for --kfold-families.")
    ap.add_argument("--kfold-families", default="talkdown_skill,talkdown_avoid",
                    help="Families whose choices are made on the K-fold run (an unmixed one: on the graph alone); "
                    "the others' on the 80/20 run.")  # fmt: skip
    ap.add_argument("--mix-families", default="talkdown_skill,talkdown_avoid",
                    help="Families whose probabilities get the mix; the others keep mix 0 and their choices (their "
                    "linear part then only gives evidence).")  # fmt: skip
    ap.add_argument("--out", type=Path, default=PACKAGED_MODELS)
    args = ap.parse_args()
    result: dict[str, Any] = json.loads(RESULT.read_text())
    pairs, y, r, m, groups, inputs = load(1)
    if result.get("inputs_sha256") != inputs:
        sys.exit("the shipped graph was trained on other data: retrain it first (train_turn_encoder.py)")
    texts = [text for text, _ in pairs]
    to_mix = [f for f in args.mix_families.split(",") if f]
    kfold = [f for f in args.kfold_families.split(",") if f]  # an unmixed family: the graph alone, K-fold
    for option, named in (("--mix-families", to_mix), ("--kfold-families", kfold)):
        if set(named) - set(FAMILIES):
            ap.error(f"{option}: not a family: {', '.join(sorted(set(named) - set(FAMILIES)))}")
    seed = int(result["args"]["seed"])
    summary: dict[str, Any] = {"c": args.c, "max_word": args.max_word, "sklearn": sklearn.__version__}

    val, graph, linear = validation_run(1, texts, y, m, groups, seed, args.c, args.max_word)
    yv, rv, mv = y[val], r[val], m[val]
    mixes: dict[str, float] = {}
    for family in FAMILIES:
        by_mix = {mix: mean_ap(yv, mv, mixed(graph, linear, dict.fromkeys(FAMILIES, mix)), family) for mix in MIXES}
        mixes[family] = pick_mix(by_mix) if family in to_mix else 0.0
        summary[family] = {"mean_ap_by_mix": {str(k): round(v, 4) for k, v in by_mix.items()}, "mix": mixes[family]}
        print(f"{family}: mean AP by mix {summary[family]['mean_ap_by_mix']} -> {mixes[family]}", file=sys.stderr)
    print("80/20 choices, graph alone:", file=sys.stderr)
    alone = choose(yv, rv, mv, graph)
    print("80/20 choices, mixed:", file=sys.stderr)
    rows = choose(yv, rv, mv, mixed(graph, linear, mixes))
    for family in FAMILIES:
        summary[family]["80/20 mean F1 (chosen), graph alone -> mixed"] = [
            round(mean_f1(alone, family), 4), round(mean_f1(rows, family), 4)]  # fmt: skip

    source = {family: "80/20 (graph + linear)" for family in FAMILIES}
    for family in set(FAMILIES) - set(to_mix):  # unmixed: the graph's own choices stay
        rows |= {k: v for k, v in result["validation"].items() if k.startswith(family + "/")}
        source[family] = result.get("choices_from", {}).get(family, "80/20")
    if kfold:
        val_k, graph_k, linear_k = validation_run(args.folds, texts, y, m, groups, seed, args.c, args.max_word)
        print(f"{args.folds}-fold choices, mixed:", file=sys.stderr)
        rows_k = choose(y[val_k], r[val_k], m[val_k], mixed(graph_k, linear_k, mixes))
        alone_k = choose(y[val_k], r[val_k], m[val_k], graph_k)
        for family in kfold:
            rows |= {k: v for k, v in rows_k.items() if k.startswith(family + "/")}
            source[family] = f"{args.folds}-fold ({'graph + linear' if family in to_mix else 'graph alone'})"
            summary[family][f"{args.folds}-fold mean F1 (chosen), graph alone -> mixed"] = [
                round(mean_f1(alone_k, family), 4), round(mean_f1(rows_k, family), 4)]  # fmt: skip

    everything = np.arange(len(texts))
    result["linear"] = {}
    for side in SIDES:
        vec, coef, icpt = fit(texts, y, m, everything, side, args.c, args.max_word)
        labels = tuple(f"{OUTPUTS[k][0]}/{OUTPUTS[k][1]}" for k in columns(side))
        block = Block(kind="word", index={str(f): int(i) for f, i in vec.vocabulary_.items()},
                      idf=vec.idf_.astype(np.float32), offset=0)  # fmt: skip
        meta: dict[str, str | int | float] = {"C": args.c, "sklearn": sklearn.__version__, "data": "writer_sets.TRAIN"}
        model = LinearTextModel(labels=labels, activation="sigmoid", blocks=(block,), coef=coef, intercept=icpt,
                                thresholds={}, meta=meta)  # fmt: skip
        (args.out / file_of(side)).write_bytes(dumps_model(model))
        digest = register_file(args.out, file_of(side), card=CARD)  # one card for both sides
        for family, (family_side, _) in FAMILIES.items():
            if family_side == side:
                result["linear"][family] = {"file": file_of(side), "mix": mixes[family], "sha256": digest}
        print(f"wrote {args.out / file_of(side)} ({len(block.index)} features) sha256 {digest}", file=sys.stderr)
    result["validation"] = rows
    result["choices_from"] = source
    (args.out / CARD).write_text(render_card(result, summary, args), encoding="utf-8")
    write_settings(result, argparse.Namespace(**{**result["args"], "out": args.out}))
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    SUMMARY.write_text(json.dumps(summary, indent=2) + "\n")


def render_card(result: dict[str, Any], summary: dict[str, Any], args: argparse.Namespace) -> str:
    mixes = "\n".join(
        f"| {family} | {summary[family]['mix']} | {summary[family]['mean_ap_by_mix']} | "
        f"{summary[family]['80/20 mean F1 (chosen), graph alone -> mixed']} |"
        for family in FAMILIES
    )
    return f"""# Model card: talkdown-linear (subject, negotiator)

- **What**: the linear part of the turn model (`talkdown-minilm.md`): TF-IDF word 1-2-grams (sublinear tf, at
  most {args.max_word} features, `analysis/model_io.py`'s featuriser) and one logistic regression per
  (family, label), C {args.c} (liblinear, scikit-learn {sklearn.__version__}). `talkdown-linear-subject.json`
  has the cue outputs, `talkdown-linear-negotiator.json` the skill and avoid outputs.
- **Use**: per family, `p = (1 - mix) · p_graph + mix · p_linear`; the mix and the choices in
  `talkdown-minilm-settings.json` were made on those mixed probabilities. Its per-word weights give the
  evidence of labels only the model found.
- **Data**: the graph's training turns ({result["turns"]}; {len(TRAIN)} files, listed with their sha256 in
  `talkdown-minilm.md`). Licence: Apache-2.0 (talkdown's own text).
- **Mix**: for the families mixed ({args.mix_families.replace(",", ", ") or "none"}), the best mean average
  precision on the graph's 80/20 validation turns (linear model fitted on the same 80 %), labels with at least
  {MIN_SUPPORT} positives; the others keep mix 0 (their linear part only gives evidence):

| family | mix | mean AP by mix | mean F1 as chosen, graph alone → mixed |
|---|---:|---|---|
{mixes}

- **Command**: `.venv/bin/python eval/train_turn_linear.py --mix-families {args.mix_families}` (after
  `train_turn_encoder.py`, before `train_emotion.py`); figures in `eval/results/turn_linear.json`.
"""


if __name__ == "__main__":
    main()
