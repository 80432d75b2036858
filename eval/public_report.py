"""Score talkdown on the dev splits of the four public data sets; write eval/results/public.json.

Runs the same service as ``talkdown eval`` (``talkdown.services.evaluate.evaluate_files``) with the default
pipeline, one data set at a time, and records a ``meta`` block (date, commit, machine, versions, sha256 of
every input, seed, wall time) so a number quoted in docs/analysis.md can be traced and reproduced.
``results`` holds only the scores: two runs give identical ``results`` (the baselines' solvers are seeded
with ``--seed``; the analysers are deterministic).

The same run also fits and scores the issue's **baseline** (``baseline`` in the JSON, printed beside each
shipped figure): a plain scikit-learn TF-IDF (word 1–2-grams, sublinear tf, min_df 2) + logistic regression
(C=1, balanced class weights), trained on the train split of the same data set, with no tuning at all:

- ``ekman``: one-vs-rest on GoEmotions train; every label with p ≥ 0.5 (the top one if none is).
- ``esconv_strategy``: multinomial on ESConv train supporter turns.
- ``annomi_therapist`` (cross-corpus): the ESConv baseline's strategy, mapped as talkdown maps it
  (``talkdown.services.evaluate.STRATEGY_TO_THERAPIST``). Beside it, for reference only, the same baseline
  trained *on AnnoMI train* (``annomi_therapist_in_corpus``): AnnoMI may never train a shipped model, so
  this number shows the in-corpus ceiling of a plain model, not something talkdown could ship.

    .venv/bin/python eval/public_report.py [--seed 13] [--data ../shared/data] [--split dev] [--no-baseline]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from machine import meta, sha256_of

from talkdown.analysis.registry import default_pipeline
from talkdown.services.evaluate import STRATEGY_TO_THERAPIST, evaluate_files
from talkdown.services.runtime import configure_analysis
from talkdown.settings import Settings

DATASETS = ("annomi", "casino", "esconv", "goemotions")
DEFAULT_SEED = 13
PACKAGES = ("talkdown", "numpy", "scipy", "scikit-learn", "pydantic", "onnxruntime", "tokenizers", "torch")


def _rows(path: Path, family: str) -> list[tuple[str, list[str]]]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            for turn in json.loads(line)["turns"]:
                if family in turn["labels"]:
                    out.append((turn["text"], list(turn["labels"][family])))
    return out


def _macro_f1(gold: list[set[str]], pred: list[set[str]]) -> float:
    """The ``talkdown eval`` definition: mean F1 over labels present in gold or predictions."""
    labels = set().union(*gold, *pred)
    f1s = []
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if lab in g and lab in p)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if lab in p and lab not in g)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if lab in g and lab not in p)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s) if f1s else 0.0


def _baseline_model(texts: list[str], labels: list[str], seed: int) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
        LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, random_state=seed),
    )
    return model.fit(texts, labels)


def baseline(data: Path, split: str, seed: int) -> dict[str, float]:
    """Plain TF-IDF + LR per family, trained on train and scored on ``split`` (see the module docstring)."""
    out: dict[str, float] = {}
    go_train, go_dev = data / "goemotions" / "train.jsonl", data / "goemotions" / f"{split}.jsonl"
    if go_train.is_file() and go_dev.is_file():
        train, dev = _rows(go_train, "ekman"), _rows(go_dev, "ekman")
        names = sorted({lab for _, labs in train for lab in labs})
        cols = [_baseline_model([t for t, _ in train], [str(int(n in labs)) for _, labs in train], seed)
                for n in names]  # fmt: skip
        probs = [m.predict_proba([t for t, _ in dev])[:, list(m.classes_).index("1")] for m in cols]
        pred = []
        for i in range(len(dev)):
            row = {n for n, p in zip(names, probs, strict=True) if p[i] >= 0.5}
            pred.append(row or {max(zip(names, probs, strict=True), key=lambda np_: np_[1][i])[0]})
        out["ekman"] = _macro_f1([set(labs) for _, labs in dev], pred)
    es_train, es_dev = data / "esconv" / "train.jsonl", data / "esconv" / f"{split}.jsonl"
    if es_train.is_file():
        train = _rows(es_train, "esconv_strategy")
        model = _baseline_model([t for t, _ in train], [labs[0] for _, labs in train], seed)
        if es_dev.is_file():
            dev = _rows(es_dev, "esconv_strategy")
            pred_s = model.predict([t for t, _ in dev])
            out["esconv_strategy"] = _macro_f1([set(labs) for _, labs in dev], [{p} for p in pred_s])
        am_dev = data / "annomi" / f"{split}.jsonl"
        if am_dev.is_file():
            dev = _rows(am_dev, "annomi_therapist")
            mapped = [{STRATEGY_TO_THERAPIST[p]} for p in model.predict([t for t, _ in dev])]
            out["annomi_therapist"] = _macro_f1([set(labs) for _, labs in dev], mapped)
            am_train = data / "annomi" / "train.jsonl"
            if am_train.is_file():
                train = _rows(am_train, "annomi_therapist")
                ref = _baseline_model([t for t, _ in train], [labs[0] for _, labs in train], seed)
                pred_a = ref.predict([t for t, _ in dev])
                out["annomi_therapist_in_corpus"] = _macro_f1([set(labs) for _, labs in dev], [{p} for p in pred_a])
    return out


def main() -> None:
    configure_analysis(Settings())  # as the CLI does: TALKDOWN_EXTRA_MODELS, TALKDOWN_ENCODER_THREADS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--split", default="dev")
    ap.add_argument("--out", type=Path, default=REPO / "eval" / "results" / "public.json")
    ap.add_argument("--no-baseline", action="store_true", help="Skip fitting the TF-IDF + LR baselines.")
    args = ap.parse_args()
    print(f"seed={args.seed} data={args.data} split={args.split}", file=sys.stderr)
    pipeline = default_pipeline(on_error="raise")
    results: dict[str, Any] = {}
    inputs: dict[str, str] = {}
    timings: dict[str, float] = {}
    for name in DATASETS:
        path = args.data / name / f"{args.split}.jsonl"
        if not path.is_file():
            print(f"{path}: missing, skipped", file=sys.stderr)
            continue
        inputs[f"{name}/{path.name}"] = sha256_of(path)
        t0 = time.perf_counter()
        report = evaluate_files([path], pipeline=pipeline)
        timings[name] = round(time.perf_counter() - t0, 2)
        results[name] = report.to_json()["families"]
        for fam, scores in results[name].items():
            print(f"{name:<11} {fam:<17} n={scores['n']:>6}  macro-F1 {scores['macro_f1']:.4f}", file=sys.stderr)
        print(f"{name:<11} {timings[name]:.1f}s; not scored: {', '.join(report.skipped) or '-'}", file=sys.stderr)
    base: dict[str, float] = {}
    if not args.no_baseline:
        t0 = time.perf_counter()
        base = baseline(args.data, args.split, args.seed)
        timings["baseline"] = round(time.perf_counter() - t0, 2)
        shipped = {fam: scores["macro_f1"] for fams in results.values() for fam, scores in fams.items()}
        print(f"{'family':<28} {'talkdown':>9} {'baseline':>9}   (TF-IDF + LR, same train split)", file=sys.stderr)
        for fam, value in base.items():
            mine = f"{shipped[fam]:.4f}" if fam in shipped else "-"
            print(f"{fam:<28} {mine:>9} {value:>9.4f}", file=sys.stderr)
    about = meta(
        packages=PACKAGES,
        inputs_sha256=inputs,
        seed=args.seed,
        seconds=timings,
        analyzers=[f"{i.name} {i.version} ({i.kind})" for i in pipeline.describe()],
        command="python eval/public_report.py " + " ".join(sys.argv[1:]),
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"meta": about, "results": results, "baseline": base}, indent=2) + "\n", encoding="utf-8"
    )
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
