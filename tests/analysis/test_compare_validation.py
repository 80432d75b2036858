"""eval/compare_validation.py: two validation runs scored on the same turns, each at its own best choices."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest


def _run(path: Path, y: np.ndarray, noise: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = np.clip(np.where(y, 0.9, 0.1) + rng.normal(0.0, noise, y.shape), 0.0, 1.0)
    np.savez(path, y=y, r=np.zeros_like(y), m=np.ones_like(y), p=p, p_int8=np.clip(p + 0.01, 0.0, 1.0))


def test_the_sharper_run_scores_higher_and_runs_on_other_turns_are_refused(
    eval_script: Callable[[str], ModuleType], tmp_path: Path
) -> None:
    compare = eval_script("compare_validation")
    y = np.random.default_rng(0).random((400, len(compare.OUTPUTS))) < 0.2
    _run(tmp_path / "sharp.npz", y, 0.05, 1)
    _run(tmp_path / "noisy.npz", y, 0.6, 2)
    result = compare.compare(tmp_path / "sharp.npz", tmp_path / "noisy.npz")
    for row in result["families"].values():
        assert row["a"]["mean_ap"] > row["b"]["mean_ap"] and row["a"]["mean_f1"] > row["b"]["mean_f1"]
    assert result["labels"]["talkdown_cue/threat"]["a"][2] > 0.95  # well separated: the choices find it
    int8 = compare.compare(tmp_path / "sharp.npz", tmp_path / "sharp.npz", b_key="p_int8")
    assert int8["labels"]["talkdown_cue/threat"]["b"][3] == pytest.approx(int8["labels"]["talkdown_cue/threat"]["a"][3])
    _run(tmp_path / "other.npz", ~y, 0.05, 3)
    with pytest.raises(SystemExit, match="same validation turns"):
        compare.compare(tmp_path / "sharp.npz", tmp_path / "other.npz")
