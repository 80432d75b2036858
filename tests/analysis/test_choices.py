"""eval/train_turn_encoder.py ``choose``: where each label's threshold lands when the near-best band is wide.

Every label below has the same validation curve: F1 1.0 up to 0.50 and 0.990 above (two positives sit at
0.52), so every threshold of the grid is within 0.01 of the best. The cue labels but deadline take the best
F1 itself (0.50); deadline, skills and avoid keep the highest threshold within the slack (0.95).
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

import numpy as np


def _curve(outputs: list[tuple[str, str]], columns: list[int]) -> tuple[np.ndarray, ...]:
    n = 1102
    y = np.zeros((n, len(outputs)), dtype=bool)
    p = np.full((n, len(outputs)), 0.05)
    for k in columns:
        y[:102, k] = True
        p[:100, k], p[100:102, k] = 0.97, 0.52
    return y, np.zeros_like(y), np.ones_like(y), p


def test_cue_labels_take_the_best_f1_and_deadline_skills_avoid_the_highest_near_it(
    eval_script: Callable[[str], ModuleType],
) -> None:
    enc = eval_script("train_turn_encoder")
    names = ["talkdown_cue/threat", "talkdown_cue/demand", "talkdown_cue/deadline", "talkdown_skill/open_question",
             "talkdown_avoid/arguing"]  # fmt: skip
    columns = [enc.OUTPUTS.index(tuple(name.split("/"))) for name in names]
    rows = enc.choose(*_curve(enc.OUTPUTS, columns))
    assert {name: rows[name]["threshold"] for name in names} == {
        "talkdown_cue/threat": 0.5,
        "talkdown_cue/demand": 0.5,
        "talkdown_cue/deadline": 0.95,
        "talkdown_skill/open_question": 0.95,
        "talkdown_avoid/arguing": 0.95,
    }
    assert rows["talkdown_cue/threat"]["chosen"] == [1.0, 1.0, 1.0]
    assert {rows[name]["mode"] for name in names} == {"union"}  # the model alone scores the same: union wins ties
    assert rows["talkdown_cue/weapon"]["mode"] == "rules"  # no positives: the rules decide
