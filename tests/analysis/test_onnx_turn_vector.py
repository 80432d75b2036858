"""eval/onnx_turn_vector.py: the turn graph's emotion input is added without changing its probabilities.

Marked integration: it loads the shipped 23 MB turn graph.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")

from talkdown.analysis.model_io import PACKAGED_MODELS  # noqa: E402
from talkdown.analysis.turn_model import MODEL_FILE  # noqa: E402

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def tv(eval_script: Callable[[str], ModuleType]) -> ModuleType:
    return eval_script("onnx_turn_vector")


def _without_vector(model: Any, output: str) -> Any:
    """The shipped graph as training exports it, before the vector is added: its first output only."""
    out = onnx.ModelProto()
    out.CopyFrom(model)
    keep = [o for o in out.graph.output if o.name != output]
    del out.graph.output[:]
    out.graph.output.extend(keep)
    added = [n for n in out.graph.node if any(name.startswith("/turn_vector/") for name in n.output)]
    added += [n for n in out.graph.node if output in n.output]
    for node in added:
        out.graph.node.remove(node)
    for init in [i for i in out.graph.initializer if i.name.startswith("/turn_vector/")]:
        out.graph.initializer.remove(init)
    return out


SHIPPED = onnx.load(str(PACKAGED_MODELS / MODEL_FILE))


def test_adding_the_vector_to_the_exported_graph_gives_the_shipped_graph(tv: ModuleType) -> None:
    bare = _without_vector(SHIPPED, tv.OUTPUT)
    again = tv.add_turn_vector(bare)
    tv.check(bare, again)  # probabilities bit for bit, a unit 384-vector
    assert again.SerializeToString() == SHIPPED.SerializeToString()


def test_the_vector_reads_layer_two_and_only_the_turn_segment(tv: ModuleType) -> None:
    (mul,) = [n for n in SHIPPED.graph.node if n.output == ["/turn_vector/masked"]]
    assert mul.input[0].startswith(f"/inner/bert/encoder/layer.{tv.LAYER}/output/")
    import onnxruntime as ort

    session = ort.InferenceSession(SHIPPED.SerializeToString(), providers=["CPUExecutionProvider"])
    ids = np.asarray([[101, 2054, 2024, 102, 7592, 2088, 102]], dtype=np.int64)
    feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    one = session.run([tv.OUTPUT], {**feed, "token_type_ids": np.asarray([[0, 0, 0, 0, 1, 1, 1]])})[0]
    other = session.run([tv.OUTPUT], {**feed, "token_type_ids": np.asarray([[0, 0, 0, 0, 0, 0, 0]])})[0]
    assert not np.allclose(one, other)  # the context segment is left out of the sum


def test_a_graph_that_has_the_vector_already_or_a_layer_it_lacks_is_refused(tv: ModuleType) -> None:
    with pytest.raises(ValueError, match="already has"):
        tv.add_turn_vector(SHIPPED)
    bare = _without_vector(SHIPPED, tv.OUTPUT)
    with pytest.raises(ValueError, match="with a layer 9"):
        tv.add_turn_vector(bare, layer=9)
