"""Give the fine-tuned turn graph a second output: a sentence vector of the turn's own words.

Why: the emotion analyser's embedding head used to read its own MiniLM pass (the frozen all-MiniLM-L6-v2
encoder), a second forward pass for every subject turn, which the fine-tuned turn graph had already read for
the cues. Batch throughput was bounded by those passes (``bench/analyze.py``; ``docs/analysis.md``). The turn
graph's last hidden states are a sentence representation too; this script exposes them, and the emotion head
is trained on them (``eval/train_emotion.py``), so a subject turn costs one pass, not two.

What it adds: ``turn_vector`` = the L2-normalised sum of the hidden states after encoder layer ``LAYER`` (of 0-5)
at the positions whose ``token_type_ids`` is 0, i.e. ``[CLS] turn [SEP]`` without the context segment (the previous
turn still shapes those states through attention, as it shapes the cue outputs; the sum leaves the negotiator's
words themselves out). Normalising a sum gives the same vector as normalising a mean, so no count is needed.

Why a middle layer: fine-tuning specialises the top layers to talkdown's labels. An emotion head (512 ReLU units)
over each layer's vector, fitted on 80 % of GoEmotions *train* and scored on the other 20 % (dev not read), gave
Ekman macro-F1 0.498 after layer 3, 0.537 after layer 2, 0.520 after layer 1, and 0.527 over the frozen
all-MiniLM-L6-v2 embedding it replaces; the last layer's vector gave 0.41 on dev. Layer 2 it is.

``probs`` is untouched: ``main`` checks it is bit-identical to the input graph's on texts of many lengths and
refuses to write otherwise.

    python eval/onnx_turn_vector.py IN.onnx OUT.onnx     # also applied by train_turn_encoder's export
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import machine  # noqa: F401  (imported first: it turns onnxruntime's telemetry off before onnxruntime starts)

OUTPUT = "turn_vector"
LAYER = 2
CHECK_LENGTHS = (1, 2, 3, 5, 8, 13, 21, 34, 55, 96)


def add_turn_vector(model: Any, layer: int = LAYER) -> Any:
    """A copy of ``model`` (an ``onnx.ModelProto`` with a ``token_type_ids`` input) with ``turn_vector`` added."""
    import onnx
    from onnx import TensorProto, helper

    out = onnx.ModelProto()
    out.CopyFrom(model)
    graph = out.graph
    if any(o.name == OUTPUT for o in graph.output):
        raise ValueError(f"the graph already has an output named {OUTPUT}")
    if not any(i.name == "token_type_ids" for i in graph.input):
        raise ValueError("the graph has no token_type_ids input: it does not read a turn with its context")
    # In topological order a BERT graph has the embeddings' LayerNormalization, then two per encoder layer
    # (after attention, after the feed-forward block): the output of layer k is number 2 + 2k.
    norms = [n for n in graph.node if n.op_type == "LayerNormalization"]
    if len(norms) % 2 != 1 or not 0 <= layer < len(norms) // 2:
        raise ValueError(f"{len(norms)} LayerNormalization nodes: not a BERT encoder with a layer {layer}")
    hidden = norms[2 + 2 * layer].output[0]
    p = "/turn_vector/"
    graph.initializer.extend(
        [
            helper.make_tensor(p + "zero", TensorProto.INT64, [], [0]),
            helper.make_tensor(p + "last_axis", TensorProto.INT64, [1], [-1]),
            helper.make_tensor(p + "seq_axis", TensorProto.INT64, [1], [1]),
        ]
    )
    graph.node.extend(
        [
            helper.make_node("Equal", ["token_type_ids", p + "zero"], [p + "own"]),
            helper.make_node("Cast", [p + "own"], [p + "own_f"], to=TensorProto.FLOAT),
            helper.make_node("Unsqueeze", [p + "own_f", p + "last_axis"], [p + "mask"]),
            helper.make_node("Mul", [hidden, p + "mask"], [p + "masked"]),
            helper.make_node("ReduceSum", [p + "masked", p + "seq_axis"], [p + "sum"], keepdims=0),
            helper.make_node("LpNormalization", [p + "sum"], [OUTPUT], axis=-1, p=2),
        ]
    )
    graph.output.append(helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", 384]))
    onnx.checker.check_model(out)
    return out


def _session(model: Any) -> Any:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    opts.intra_op_num_threads = 1
    return ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])


def check(before: Any, after: Any, *, seed: int = 0) -> None:
    """Raise unless ``after`` gives ``before``'s first output bit for bit, and a unit ``turn_vector``."""
    rng = np.random.default_rng(seed)
    old, new = _session(before), _session(after)
    first = old.get_outputs()[0].name
    for length in CHECK_LENGTHS:
        ids = rng.integers(1000, 30000, size=(1, length), dtype=np.int64)
        ids[0, 0], ids[0, -1] = 101, 102
        types = np.zeros_like(ids)
        types[0, (length + 1) // 2 :] = 1 if length > 2 else 0
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": types}
        (want,) = old.run([first], feed)
        got, vector = new.run([first, OUTPUT], feed)
        if not np.array_equal(want, got):
            raise ValueError(f"{first} changed at length {length}: max |diff| {np.abs(want - got).max():.3g}")
        if vector.shape != (1, 384) or not np.isclose(np.linalg.norm(vector), 1.0, atol=1e-4):
            raise ValueError(f"{OUTPUT} at length {length} is not a unit 384-vector: shape {vector.shape}")


def vector_file(source: Path, target: Path) -> None:
    """``add_turn_vector`` from file to file, checked before writing."""
    import onnx

    before = onnx.load(str(source))
    after = add_turn_vector(before)
    check(before, after)
    onnx.save(after, str(target))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    try:
        vector_file(args.source, args.target)
    except ValueError as exc:
        sys.exit(f"not written: {exc}")
    print(f"wrote {args.target} (probs unchanged on {len(CHECK_LENGTHS)} lengths)")


if __name__ == "__main__":
    main()
