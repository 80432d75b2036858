"""Would a bigger sentence encoder, frozen, find the cues the shipped graph misses? (Answer of 2026-11-27: no.)

Why: the suicide_cue misses on the fresh sets are indirect wordings ("I am dragging everyone down", "Names are
for people who are going to be around"), and a bigger encoder was the lever named for them. Fine-tuning one
(all-mpnet-base-v2, 110 M parameters, ~8x MiniLM-L6's compute) would take hours on this machine, so this asks
the cheaper question first: do its frozen sentence embeddings (mean pooled, of the turn and of the previous
turn) carry what the fine-tuned MiniLM lacks? A logistic-regression head on them is scored three ways:

- average precision on the training turns, 3-fold by conversation (the same folds as the kept graph
  predictions ``turn_encoder_validation_k3.npz``), against the graph's own;
- mixed into the graph's probabilities ``(1 - mix) · graph + mix · head``, the suicide_cue threshold chosen on
  those out-of-fold predictions (precision floor 0.70 and 0.75, as ``train_turn_encoder.choose``), then
  applied to the fresh test sets + holdout (never read to choose anything here);
- the fresh sets' best recall at precision >= 0.70 (a ceiling, chosen on the fresh sets themselves).

Needs the ``finetune`` extra (torch, transformers) and a sentence-transformers folder with safetensors weights:

    .venv/bin/python eval/frozen_encoder_head.py --model DIR [--cache emb.npz]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "eval"))

from choice_rules import cue_turns
from machine import meta
from train_turn_encoder import (
    DATA,
    GRID,
    OUTPUTS,
    RESULT,
    held_out,
    load,
    prf,
    validation_file,
)
from writer_sets import FRESH

from talkdown.analysis import cues
from talkdown.analysis.model_io import PACKAGED_MODELS
from talkdown.analysis.turn_model import TurnModel, context_of
from talkdown.services.runtime import configure_analysis
from talkdown.settings import Settings

Floats = npt.NDArray[np.float64]
OUT = REPO / "eval" / "results" / "frozen_encoder_head.json"
MIXES = (0.0, 0.3, 0.5, 0.7, 1.0)
FLOORS = (0.70, 0.75)
TESTS = (*FRESH, "indomain_holdout.jsonl")


def embed(model_dir: Path, texts: list[str], what: str) -> npt.NDArray[np.float32]:
    """Mean-pooled, l2-normalised last hidden states, as sentence-transformers builds them for this model."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(2)
    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir).eval()
    out = np.zeros((len(texts), model.config.hidden_size), np.float32)
    order = np.argsort([len(t) for t in texts])  # similar lengths per batch: less padding
    start = time.time()
    for i in range(0, len(texts), 64):
        idx = order[i : i + 64]
        enc = tok([texts[j] for j in idx], padding=True, truncation=True, max_length=96, return_tensors="pt")
        with torch.inference_mode():
            hidden = model(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
        out[idx] = torch.nn.functional.normalize(pooled, dim=1).numpy()
        print(
            f"\r{what}: {min(i + 64, len(texts))}/{len(texts)} ({time.time() - start:.0f} s)", end="", file=sys.stderr
        )
    print(file=sys.stderr)
    return out


def features(args: argparse.Namespace, train_pairs: list[tuple[str, str]], test: list[tuple[str, str]]) -> Any:
    """The embeddings of every part, from ``--cache`` when it holds these very turns' counts (a cache made before
    a set joined the training or test lists is refused, not silently misaligned)."""
    parts = {
        "train_text": [t for t, _ in train_pairs], "train_ctx": [c for _, c in train_pairs],
        "test_text": [t for t, _ in test], "test_ctx": [c for _, c in test],
    }  # fmt: skip
    if args.cache and args.cache.is_file():
        cached = np.load(args.cache)
        if any(len(cached[k]) != len(v) for k, v in parts.items()):
            sys.exit(f"{args.cache} was made for other turns (a set was added since): delete it to embed again")
        return cached
    arrays = {k: embed(args.model, v, k) for k, v in parts.items()}
    if args.cache:
        np.savez_compressed(args.cache, **arrays)
    return arrays


def main() -> None:
    configure_analysis(Settings())
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, required=True, help="A sentence-transformers folder (safetensors).")
    ap.add_argument("--cache", type=Path, default=None, help="Keep (or reuse) the embeddings in this .npz.")
    ap.add_argument("--c", type=float, default=1.0)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    pairs, y, r, m, groups, _ = load(1)
    kept = np.load(validation_file(3))
    if len(kept["y"]) != len(y) or not (kept["y"] == y).all():
        sys.exit(f"{validation_file(3)} is not for the current training data")
    suicide = OUTPUTS.index((cues.FAMILY, "suicide_cue"))
    rows = np.flatnonzero(m[:, suicide])  # the cue-labelled subject turns (every cue output shares the mask)
    turns, windows, gold, rules_test, _ = cue_turns(TESTS)
    graph_test = TurnModel(PACKAGED_MODELS).probabilities(cues.FAMILY, turns, windows, graph_only=True)
    emb = features(
        args, [pairs[i] for i in rows], [(t.text, context_of(w, 1)) for t, w in zip(turns, windows, strict=True)]
    )
    x_train = np.hstack([emb["train_text"], emb["train_ctx"]])
    x_test = np.hstack([emb["test_text"], emb["test_ctx"]])
    conv = [groups[i] for i in rows]
    folds = held_out(groups, int(json.loads(RESULT.read_text())["args"]["seed"]), 3)  # the kept run's folds
    head = lambda: LogisticRegression(C=args.c, max_iter=2000, class_weight="balanced")  # noqa: E731
    weights = args.model / "model.safetensors"
    inputs = (*(DATA / n for n in TESTS), *((weights,) if weights.is_file() else ()))
    result: dict[str, Any] = {"meta": meta(packages=("torch", "transformers"), inputs=inputs, c=args.c,
                                           model=args.model.name), "labels": {}}  # fmt: skip
    for j, label in enumerate(cues.LABELS):
        k = OUTPUTS.index((cues.FAMILY, label))
        y_tr, r_tr, graph_tr = y[rows, k], r[rows, k], np.asarray(kept["p_int8"][rows, k], dtype=np.float64)
        oof = np.zeros(len(rows))
        for held in folds:
            te = np.array([g in held for g in conv])
            oof[te] = head().fit(x_train[~te], y_tr[~te]).predict_proba(x_train[te])[:, 1]
        test_head = head().fit(x_train, y_tr).predict_proba(x_test)[:, 1]
        y_te, r_te = gold[:, j], rules_test[:, j]
        graph_te = np.array([row.get(label, 0.0) for row in graph_test])
        row: dict[str, Any] = {
            "3-fold AP, graph": round(float(average_precision_score(y_tr, graph_tr)), 4),
            "3-fold AP, frozen head": round(float(average_precision_score(y_tr, oof)), 4),
        }
        if label == "suicide_cue":
            for mix in MIXES:
                q_tr, q_te = (1 - mix) * graph_tr + mix * oof, (1 - mix) * graph_te + mix * test_head
                curve = [(t, prf(y_tr, r_tr | (q_tr >= t))) for t in GRID]
                cell: dict[str, Any] = {"fresh AP": round(float(average_precision_score(y_te, q_te)), 4)}
                for floor in FLOORS:
                    t = max((c for c in curve if c[1][0] >= floor), key=lambda c: (c[1][1], c[0]))[0]
                    cell[f"floor {floor:.2f}: threshold, fresh P/R/F1"] = [
                        t, [round(v, 3) for v in prf(y_te, r_te | (q_te >= t))]]  # fmt: skip
                recalls = [prf(y_te, r_te | (q_te >= t)) for t in np.arange(0.05, 1.0, 0.025)]
                cell["fresh best recall at P >= 0.70 (ceiling)"] = round(max(v[1] for v in recalls if v[0] >= 0.7), 3)
                row[f"mix {mix}"] = cell
        result["labels"][label] = row
        print(label, json.dumps(row), file=sys.stderr)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
