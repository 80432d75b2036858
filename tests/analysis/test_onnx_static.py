"""eval/onnx_static.py: the shipped turn graph's shape arithmetic is made constant without changing an output."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

INTS = TensorProto.INT64
INPUTS = [helper.make_tensor_value_info("input_ids", INTS, [1, "S"]),
          helper.make_tensor_value_info("attention_mask", INTS, [1, "S"])]  # fmt: skip


def _model(nodes: list[Any], outputs: list[Any], consts: dict[str, Any]) -> Any:
    rng = np.random.default_rng(0)
    table = numpy_helper.from_array(rng.normal(size=(30522, 8)).astype(np.float32), "table")
    inits = [table, *(numpy_helper.from_array(np.asarray(v), k) for k, v in consts.items())]
    graph = helper.make_graph(nodes, "tiny", INPUTS, outputs, inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


SEQ = [  # the sequence length as a 1-element tensor, read from the embeddings' shape as the torch export does
    helper.make_node("Gather", ["table", "input_ids"], ["x"]),
    helper.make_node("Shape", ["x"], ["shape"]),
    helper.make_node("Gather", ["shape", "one"], ["s"]),
    helper.make_node("Unsqueeze", ["s", "axis0"], ["seq"]),
]
CONSTS = {"one": np.int64(1), "axis0": np.asarray([0], dtype=np.int64), "batch": np.asarray([1], dtype=np.int64),
          "minus_one": np.asarray([-1], dtype=np.int64)}  # fmt: skip


def _graph() -> Any:
    """Embeddings [1, S, 8] → Reshape to [1, S, 2, 4] with a computed target → softmax over the last axis
    guarded by Where(IsNaN) → Reshape back to [1, S, 8] → times the mask."""
    nodes = [
        *SEQ,
        helper.make_node("Concat", ["batch", "seq", "heads", "width"], ["target"], axis=0),
        helper.make_node("Reshape", ["x", "target"], ["split"]),
        helper.make_node("Softmax", ["split"], ["p"], axis=-1),
        helper.make_node("IsNaN", ["p"], ["nan"]),
        helper.make_node("Where", ["nan", "zero", "p"], ["guarded"]),
        helper.make_node("Concat", ["batch", "seq", "minus_one"], ["back"], axis=0),
        helper.make_node("Reshape", ["guarded", "back"], ["merged"]),
        helper.make_node("Cast", ["attention_mask"], ["m"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["m", "minus_one"], ["m3"]),
        helper.make_node("Mul", ["merged", "m3"], ["out"]),
    ]
    consts = {**CONSTS, "heads": np.asarray([2], dtype=np.int64), "width": np.asarray([4], dtype=np.int64),
              "zero": np.float32(0.0)}  # fmt: skip
    return _model(nodes, [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, "S", 8])], consts)


def _two_varying() -> Any:
    """x·xᵀ flattened to [1, 1, S²], then reshaped to [S, S]: two dimensions vary, neither is a copy."""
    nodes = [
        *SEQ,
        helper.make_node("Transpose", ["x"], ["xt"], perm=[0, 2, 1]),
        helper.make_node("MatMul", ["x", "xt"], ["sq"]),
        helper.make_node("Reshape", ["sq", "flat"], ["z"]),
        helper.make_node("Concat", ["seq", "seq"], ["target"], axis=0),
        helper.make_node("Reshape", ["z", "target"], ["out"]),
        helper.make_node("Cast", ["attention_mask"], ["m"], to=TensorProto.FLOAT),
    ]
    outputs = [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["S", "S"]),
               helper.make_tensor_value_info("m", TensorProto.FLOAT, [1, "S"])]  # fmt: skip
    return _model(nodes, outputs, {**CONSTS, "flat": np.asarray([1, 1, -1], dtype=np.int64)})


@pytest.fixture(scope="module")
def static(eval_script: Callable[[str], ModuleType]) -> ModuleType:
    return eval_script("onnx_static")


def test_shape_chains_and_nan_guards_go_and_every_output_stays_the_same(static: ModuleType) -> None:
    before = _graph()
    after = static.make_static(before)
    ops = [n.op_type for n in after.graph.node]
    assert "Shape" not in ops and "IsNaN" not in ops and "Where" not in ops and "Concat" not in ops
    assert ops.count("Reshape") == 2
    targets = {i.name: numpy_helper.to_array(i).tolist() for i in after.graph.initializer if "static_shape" in i.name}
    assert sorted(targets.values()) == [[0, 0, -1], [0, 0, 2, 4]]
    assert static.check_identical(before, after) == 3 * len(static.CHECK_LENGTHS)


def test_a_graph_it_cannot_make_static_is_refused(static: ModuleType) -> None:
    with pytest.raises(ValueError, match="more than one dimension varies"):
        static.make_static(_two_varying())


def test_a_change_in_outputs_is_caught(static: ModuleType) -> None:
    before = _graph()
    after = static.make_static(before)
    for init in after.graph.initializer:
        if init.name == "table":
            init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init) * 1.001, "table"))
    with pytest.raises(ValueError, match="outputs differ"):
        static.check_identical(before, after)
