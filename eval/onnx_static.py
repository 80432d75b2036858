"""Strip the run-time shape arithmetic from an exported BERT graph, without changing a single output bit.

Why: talkdown runs its int8 MiniLM graphs one text at a time (batch of one, ~30 word pieces; see
``talkdown.analysis.encoder``). At that size a forward pass is as much node dispatch as arithmetic, and the
``torch.onnx`` export of BERT's attention computes every ``Reshape`` target at run time from ``Shape`` →
``Gather`` → ``Unsqueeze`` → ``Concat`` chains (about 200 of the graph's 600 nodes), and guards each softmax
with ``Where(IsNaN(p), 0, p)``. onnxruntime's own optimiser keeps those chains (the shapes are dynamic).
onnxruntime's transformer optimiser, which fuses attention, did not match this export and, on an eager
re-export, gave a slower and numerically different int8 graph (measured 2.72 vs 2.54 ms per text), so it is
not used.

What this does, on the int8 graph after quantisation:

- every ``Reshape`` target becomes a constant with ONNX's ``0`` (copy that input dimension) and ``-1`` (infer)
  placeholders, read by running the graph at two sequence lengths: a dimension equal to the input's at both
  lengths becomes ``0``, one that is the same constant at both stays, the one that varies becomes ``-1``;
- ``Where(IsNaN(softmax), 0, softmax)`` becomes ``softmax``: a softmax is NaN only for a query whose every key
  is masked, and talkdown never pads (``attention_mask`` is all ones);
- nodes left without consumers are removed.

``main`` checks that the new graph's outputs equal the old graph's **exactly** on texts of many lengths and
refuses to write otherwise. Used by ``train_esconv_encoder.export`` (so ``train_turn_encoder.py`` ships the
static graph) and runnable on a shipped graph: ``python eval/onnx_static.py IN.onnx OUT.onnx``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import machine  # noqa: F401  (imported first: it turns onnxruntime's telemetry off before onnxruntime starts)

PROBE_LENGTHS = (6, 11)
CHECK_LENGTHS = (1, 2, 3, 5, 8, 13, 21, 34, 55, 96, 128)


def _feed(session: Any, length: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    ids = rng.integers(1000, 30000, size=(1, length), dtype=np.int64)
    ids[0, 0], ids[0, -1] = 101, 102
    feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    if any(i.name == "token_type_ids" for i in session.get_inputs()):
        types = np.zeros_like(ids)
        types[0, length // 2 :] = 1
        feed["token_type_ids"] = types
    return feed


def _session(model: Any, *, optimise: bool = True) -> Any:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    opts.intra_op_num_threads = 1
    if not optimise:
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    return ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])


def _probe_reshapes(model: Any) -> list[tuple[Any, list[int]]]:
    """Each Reshape node with its constant target (0 = copy, -1 = infer), read at two sequence lengths."""
    import onnx
    from onnx import TensorProto, helper

    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    reshapes = [n for n in probe.graph.node if n.op_type == "Reshape"]
    for k, node in enumerate(reshapes):
        probe.graph.node.append(helper.make_node("Shape", [node.input[0]], [f"__probe_shape_{k}"]))
        probe.graph.output.append(helper.make_tensor_value_info(f"__probe_shape_{k}", TensorProto.INT64, None))
        probe.graph.output.append(helper.make_tensor_value_info(node.input[1], TensorProto.INT64, None))
    session = _session(probe, optimise=False)
    names = [o.name for o in session.get_outputs()]
    rng = np.random.default_rng(0)
    runs = [dict(zip(names, session.run(None, _feed(session, n, rng)), strict=True)) for n in PROBE_LENGTHS]
    targets = []
    for k, node in enumerate(reshapes):
        target = []
        inputs = [r[f"__probe_shape_{k}"] for r in runs]  # the data input's shape at each probe length
        for i, values in enumerate(zip(*(r[node.input[1]] for r in runs), strict=True)):
            if all(i < len(s) and v == s[i] for v, s in zip(values, inputs, strict=True)):
                target.append(0)
            elif len(set(values)) == 1:
                target.append(int(values[0]))
            else:
                target.append(-1)
        if target.count(-1) > 1:
            raise ValueError(f"{node.name}: more than one dimension varies with length ({target})")
        targets.append(target)
    # the probe is a copy with the same node order: pair its Reshapes' targets with the model's own nodes
    return list(zip((n for n in model.graph.node if n.op_type == "Reshape"), targets, strict=True))


def make_static(model: Any) -> Any:
    """A copy of ``model`` with constant Reshape targets, no NaN guard after softmax, and no dead nodes."""
    import onnx
    from onnx import numpy_helper

    out = onnx.ModelProto()
    out.CopyFrom(model)
    graph = out.graph
    for k, (node, target) in enumerate(_probe_reshapes(out)):
        name = f"{node.name or 'Reshape'}/static_shape_{k}"
        graph.initializer.append(numpy_helper.from_array(np.asarray(target, dtype=np.int64), name))
        node.input[1] = name
    producer = {o: n for n in graph.node for o in n.output}
    guards = {
        n.output[0]: n.input[2]
        for n in graph.node
        if n.op_type == "Where"
        and n.input[0] in producer
        and producer[n.input[0]].op_type == "IsNaN"
        and producer[n.input[0]].input[0] == n.input[2]
        and producer.get(n.input[2]) is not None
        and producer[n.input[2]].op_type == "Softmax"
    }
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name in guards:
                node.input[i] = guards[name]
    prune(graph)
    onnx.checker.check_model(out)
    return out


def prune(graph: Any) -> None:
    """Drop the nodes whose outputs nobody reads (until none is left) and the initializers no node reads, in place
    (``bench/graph_ops.py`` prunes its dequantised graph with it too)."""
    nodes = list(graph.node)
    wanted = {o.name for o in graph.output}
    while True:
        used = {i for n in nodes for i in n.input} | wanted
        alive = [n for n in nodes if any(o in used for o in n.output)]
        if len(alive) == len(nodes):
            break
        nodes = alive
    del graph.node[:]
    graph.node.extend(nodes)
    used = {i for n in nodes for i in n.input}
    kept = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)


def check_identical(before: Any, after: Any) -> int:
    """Compare the two graphs' outputs on random texts of many lengths; raise unless every value is equal."""
    old, new = _session(before), _session(after)
    rng = np.random.default_rng(1)
    compared = 0
    for length in CHECK_LENGTHS:
        for _ in range(3):
            feed = _feed(old, length, rng)
            a, b = old.run(None, feed), new.run(None, feed)
            for x, y in zip(a, b, strict=True):
                if not np.array_equal(x, y):
                    raise ValueError(f"outputs differ at length {length}: max |diff| {np.abs(x - y).max()}")
            compared += 1
    return compared


def static_file(src: Path, dst: Path) -> int:
    """Write the static graph of ``src`` to ``dst`` (which may be ``src``) after the exactness check."""
    import onnx

    before = onnx.load(str(src))
    after = make_static(before)
    compared = check_identical(before, after)
    onnx.save(after, str(dst))
    print(f"{src.name}: {len(before.graph.node)} -> {len(after.graph.node)} nodes, "
          f"identical outputs on {compared} inputs", file=sys.stderr)  # fmt: skip
    return compared


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("dst", type=Path)
    args = ap.parse_args()
    static_file(args.src, args.dst)


if __name__ == "__main__":
    main()
