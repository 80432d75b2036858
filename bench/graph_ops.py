"""Where the turn graph's time goes, and whether another weight format would be faster on this CPU.

Why: batch throughput is bound by the MiniLM pass (one per turn, two threads), and it moved by half between the
hosts this project has run on. This asks onnxruntime's profiler which operators take the time in the shipped
graph (one thread, batch of one, as LIVE runs it), times a pass by its length in word pieces and on one thread
against two at once, and times the *shipped* graph in other weight formats: its int8 matrix products are turned
back into fp32 ones (the weights times their scales, exactly what the int8 graph multiplies by) and that fp32
graph is quantised again each way, so a format change is judged on the real model, with its outputs' drift,
before any retrain and without torch. Re-quantising the fp32 graph the shipped way must give the shipped outputs
exactly: the script checks it (``max_abs_dp`` 0).

    .venv/bin/python bench/graph_ops.py [--texts 300] [--rounds 3]
Writes bench/results/graph_ops.json. No pass/fail. MatMulNBits is measured only where ``onnx-ir`` is installed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import meta  # first: it turns onnxruntime's telemetry off before onnxruntime starts

# isort: split
import onnxruntime as ort

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "eval"))
from onnx_static import prune

from talkdown.analysis.encoder import load_tokenizer, pair_ids
from talkdown.analysis.model_io import PACKAGED_MODELS
from talkdown.analysis.turn_model import CONTEXT_TAG, MODEL_FILE, load_settings

OUT = Path(__file__).with_name("results") / "graph_ops.json"
DEV = Path(__file__).resolve().parents[1] / "eval" / "data"
CALIBRATION = ("indomain_dev.jsonl", "indomain_writer24.jsonl", "indomain_writer41.jsonl")  # training sets
TIMED = ("indomain_holdout.jsonl",)  # never trained on; only its text lengths matter here
Feed = dict[str, np.ndarray]


def turn_feeds(files: tuple[str, ...], n: int, seed: int) -> list[Feed]:
    """Real turns, each with its previous turn, encoded as the turn model encodes them; a seeded sample of ``n``."""
    tokenizer, settings = load_tokenizer(), load_settings(str(PACKAGED_MODELS))
    out: list[Feed] = []
    for name in files:
        for line in (DEV / name).read_text(encoding="utf-8").splitlines():
            previous = ""
            for turn in json.loads(line)["turns"]:
                ids, types = pair_ids(tokenizer, turn["text"], previous, max_tokens=settings.max_tokens)
                arr = np.asarray([ids], dtype=np.int64)
                out.append({"input_ids": arr, "attention_mask": np.ones_like(arr),
                            "token_type_ids": np.asarray([types], dtype=np.int64)})  # fmt: skip
                side = "subject" if turn.get("role") == "subject" else "negotiator"
                previous = f"{CONTEXT_TAG[side]}{turn['text']}"
    random.Random(seed).shuffle(out)  # noqa: S311 - a reproducible sample, not a secret
    return out[:n]


def session(path: Path, *, profile_to: Path | None = None) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    if profile_to is not None:
        opts.enable_profiling = True
        opts.profile_file_prefix = str(profile_to / "ort")
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def ms_per_text(sess: ort.InferenceSession, texts: list[Feed]) -> float:
    for feed in texts[:20]:
        sess.run(None, feed)
    started = time.perf_counter()
    for feed in texts:
        sess.run(None, feed)
    return round(1000 * (time.perf_counter() - started) / len(texts), 2)


def ms_by_length(path: Path) -> dict[int, float]:
    """A pass's time by its length (random word pieces: the cost depends on the length only)."""
    sess, rng = session(path), np.random.default_rng(0)
    out = {}
    for length in (8, 16, 32, 64, 96):
        ids = rng.integers(1000, 20000, (1, length)).astype(np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        out[length] = ms_per_text(sess, [feed] * 200)
    return out


def thread_scaling(path: Path, texts: list[Feed]) -> dict[str, float]:
    """Texts per second on one thread and on two at once (one session, as ``analysis/encoder.py`` runs it). Why:
    batch spreads the passes over two threads, and on a VM two vCPUs may be one core's two hyperthreads, which
    share its int8 units; the ratio says what a second thread can add here."""
    sess = session(path)
    ms_per_text(sess, texts)  # warm
    started = time.perf_counter()
    for feed in texts:
        sess.run(None, feed)
    one = len(texts) / (time.perf_counter() - started)
    workers = [threading.Thread(target=lambda k=k: [sess.run(None, f) for f in texts[k::2]]) for k in range(2)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    two = len(texts) / (time.perf_counter() - started)
    return {"one_thread_texts_per_s": round(one, 1), "two_threads_texts_per_s": round(two, 1),
            "ratio": round(two / one, 2)}  # fmt: skip


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


def dequantized(path: Path) -> onnx.ModelProto:
    """The graph with each ``DynamicQuantizeLinear → MatMulInteger → Cast → Mul(scales)`` chain (onnxruntime's
    dynamic quantisation) replaced by one fp32 ``MatMul`` whose weights are the int8 weights times their scales."""
    model = onnx.load(str(path))
    graph = model.graph
    inits = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    made_by = {out: node for node in graph.node for out in node.output}
    used_by: dict[str, list[onnx.NodeProto]] = {}
    for node in graph.node:
        for name in node.input:
            used_by.setdefault(name, []).append(node)
    gone: set[int] = set()  # by id(): exported nodes need not have (unique) names
    replaced: dict[int, onnx.NodeProto] = {}
    for node in graph.node:
        if node.op_type != "MatMulInteger":
            continue
        x_q, w_q, _, w_zero = node.input
        cast = used_by[node.output[0]][0]
        scale = used_by[cast.output[0]][0]
        scales = made_by[next(i for i in scale.input if i != cast.output[0])]  # x's scale times the weights'
        w_scale = next(i for i in scales.input if i in inits)
        weights = (inits[w_q].astype(np.float32) - inits[w_zero].astype(np.float32)) * inits[w_scale]
        graph.initializer.append(numpy_helper.from_array(weights.astype(np.float32), f"{w_q}_fp32"))
        x = made_by[x_q].input[0]  # the float input of the DynamicQuantizeLinear
        replaced[id(node)] = helper.make_node("MatMul", [x, f"{w_q}_fp32"], [scale.output[0]], name=node.name)
        gone |= {id(cast), id(scale), id(scales)}
    nodes = [replaced.get(id(n), n) for n in graph.node if id(n) not in gone]
    del graph.node[:]
    graph.node.extend(nodes)
    prune(graph)  # the DynamicQuantizeLinear nodes nobody reads now, and the int8 weights and scales
    return model


def quantised(fp32: Path, out: Path, calibration: list[Feed]) -> dict[str, Path]:
    """The fp32 graph in each weight format onnxruntime's tools make, written under ``out``."""
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_dynamic,
        quantize_static,
    )

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.feeds = iter(calibration)

        def get_next(self) -> Feed | None:
            return next(self.feeds, None)

    paths = {"fp32": fp32}
    for name, weights, per_channel in (
        ("int8 per channel (as shipped)", QuantType.QInt8, True),
        ("int8 per tensor", QuantType.QInt8, False),
        ("uint8 per tensor", QuantType.QUInt8, False),
    ):
        paths[name] = out / f"dynamic-{len(paths)}.onnx"
        quantize_dynamic(
            fp32, paths[name], weight_type=weights, per_channel=per_channel, op_types_to_quantize=["MatMul"]
        )
    for name, fmt in (("static int8, QDQ", QuantFormat.QDQ), ("static int8, QLinearMatMul", QuantFormat.QOperator)):
        paths[name] = out / f"static-{len(paths)}.onnx"
        quantize_static(fp32, paths[name], Reader(), quant_format=fmt, per_channel=True,
                        op_types_to_quantize=["MatMul"], activation_type=QuantType.QUInt8,
                        weight_type=QuantType.QInt8, extra_options={"MatMulConstBOnly": True})  # fmt: skip
    try:
        from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer
    except ImportError:
        return paths
    for bits in (8, 4):
        nbits = MatMulNBitsQuantizer(onnx.load(fp32), bits=bits, block_size=32, is_symmetric=True, accuracy_level=4)
        nbits.process()
        paths[f"MatMulNBits {bits}-bit, blocks of 32"] = out / f"nbits{bits}.onnx"
        nbits.model.save_model_to_file(str(out / f"nbits{bits}.onnx"), False)
    return paths


def formats(shipped: Path, timed: list[Feed], calibration: list[Feed], rounds: int) -> dict[str, dict[str, Any]]:
    """ms per text and the drift of the probabilities from the shipped graph's, per weight format. The formats are
    timed in turn, ``rounds`` times, and each keeps its fastest round: on a shared two-core VM one format timed
    after another measured the same graph 30 % apart."""
    reference = session(shipped)
    want = np.array([reference.run(None, f)[0][0] for f in timed])
    sessions = {"shipped": reference}
    out: dict[str, dict[str, Any]] = {"shipped": {}}
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        onnx.save(dequantized(shipped), fp32)
        for name, path in quantised(fp32, Path(tmp), calibration).items():
            sessions[name] = session(path)
            drift = np.abs(np.array([sessions[name].run(None, f)[0][0] for f in timed]) - want)
            out[name] = {"median_abs_dp": round(float(np.median(drift)), 4),
                         "p99_abs_dp": round(float(np.quantile(drift, 0.99)), 4),
                         "max_abs_dp": round(float(drift.max()), 4)}  # fmt: skip
    times: dict[str, list[float]] = {name: [] for name in sessions}
    for _ in range(rounds):
        for name, sess in sessions.items():
            times[name].append(ms_per_text(sess, timed))
    for name, runs in times.items():
        out[name] = {"ms_per_text": min(runs), "ms_per_text_rounds": runs, **out[name]}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=int, default=300, help="held-out turns timed (and compared) per format")
    ap.add_argument("--rounds", type=int, default=3, help="times each format is timed, in turn; the fastest counts")
    args = ap.parse_args()
    timed = turn_feeds(TIMED, args.texts, seed=1)
    shipped = PACKAGED_MODELS / MODEL_FILE
    results: dict[str, Any] = {
        "shipped_operator_shares": operator_shares(shipped, timed),
        "shipped_ms_by_word_pieces": ms_by_length(shipped),
        "shipped_thread_scaling": [thread_scaling(shipped, timed) for _ in range(3)],
        "formats": formats(shipped, timed, turn_feeds(CALIBRATION, 300, seed=2), args.rounds),
    }
    doc = {"meta": meta(command="bench/graph_ops.py", packages=("onnxruntime", "onnx", "numpy"), texts=len(timed),
                        mean_word_pieces=round(float(np.mean([f["input_ids"].shape[1] for f in timed])), 1)),
           "results": results}  # fmt: skip
    OUT.write_text(json.dumps(doc, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
