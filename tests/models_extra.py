"""A separately licensed model folder caught half installed: what makes a real analyser fail, then recover.

Why not a fake analyser: the failure this stands for is a model that could not run (its file still being copied
in), and the ESConv folder in ``models-extra/`` gives exactly that with the real strategy analyser.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from talkdown.analysis.model_io import MANIFEST
from talkdown.analysis.strategy import STRATEGY_DIR, STRATEGY_FILE, STRATEGY_ONNX

REPO_EXTRA = Path(__file__).resolve().parents[1] / "models-extra"
needs_strategy_graph = pytest.mark.skipif(
    not (REPO_EXTRA / STRATEGY_DIR / STRATEGY_ONNX).is_file(), reason="the ESConv models are not in models-extra/"
)


def half_installed_strategy(root: Path) -> Path:
    """An extra-models folder whose manifest lists the ESConv graph that is not there yet: the graph cannot run."""
    folder = root / "extra" / STRATEGY_DIR
    folder.mkdir(parents=True)
    for name in (MANIFEST, STRATEGY_FILE):
        shutil.copy(REPO_EXTRA / STRATEGY_DIR / name, folder / name)
    return root / "extra"


def finish_install(extra: Path) -> None:
    """Copy the graph in: the model can run now."""
    shutil.copy(REPO_EXTRA / STRATEGY_DIR / STRATEGY_ONNX, extra / STRATEGY_DIR / STRATEGY_ONNX)
