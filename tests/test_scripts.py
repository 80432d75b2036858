"""The eval/ and bench/ scripts, read as files: rules they keep that no import of talkdown would check."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import talkdown
from talkdown.analysis.encoder import ORT_TELEMETRY_OFF

ROOT = Path(talkdown.__file__).parent.parent.parent
SCRIPTS = sorted([*(ROOT / "eval").rglob("*.py"), *(ROOT / "bench").rglob("*.py")])
SETS_IT = ROOT / "bench" / "machine.py"


def _imports_of(node: ast.AST, module: str) -> bool:
    """Whether ``node`` imports ``module`` or a submodule of it."""
    if isinstance(node, ast.Import):
        return any(a.name == module or a.name.startswith(module + ".") for a in node.names)
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return node.module == module or node.module.startswith(module + ".")
    return False


def _onnxruntime_before_machine(path: Path) -> list[int]:
    """The lines importing onnxruntime (anywhere in the file) that no module-level import of ``machine`` precedes.

    A module-level import runs when the script loads, so one on an earlier line has set ``ORT_DISABLE_TELEMETRY``
    before any onnxruntime import runs, a function's included (none of these scripts calls one before its imports)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    machine = [node.lineno for node in tree.body if _imports_of(node, "machine")]
    first = min(machine, default=None)
    ort = [node.lineno for node in ast.walk(tree) if _imports_of(node, "onnxruntime")]
    return [line for line in ort if first is None or line < first]


def test_every_script_importing_onnxruntime_turns_its_telemetry_off_first() -> None:
    # talkdown's encoder sets ORT_DISABLE_TELEMETRY before it imports onnxruntime, but bench/graph_ops.py imported
    # onnxruntime on its first lines and eval/onnx_static.py, onnx_turn_vector.py and train_esconv_encoder.py never
    # set it: their runs kept a device id under ~/.cache/Microsoft and queued usage events to upload.
    assert SCRIPTS, ROOT
    late = {
        str(p.relative_to(ROOT)): lines for p in SCRIPTS if p != SETS_IT and (lines := _onnxruntime_before_machine(p))
    }
    assert late == {}, "import machine (bench/machine.py) before onnxruntime"


def test_the_scripts_turn_off_the_same_telemetry_setting_as_talkdown() -> None:
    spec = importlib.util.spec_from_file_location("bench_machine", SETS_IT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.ORT_TELEMETRY_OFF == ORT_TELEMETRY_OFF
