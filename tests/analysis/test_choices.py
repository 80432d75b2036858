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


def test_a_mix_tied_on_mean_ap_gives_way_to_the_smaller_one(eval_script: Callable[[str], ModuleType]) -> None:
    lin = eval_script("train_turn_linear")
    # the skills' 80/20 curve of 2026-11-27: 0.3 and 0.4 are 0.0002 apart, a tie at three decimals
    skills = {0.0: 0.8538, 0.1: 0.8635, 0.2: 0.8664, 0.3: 0.8677, 0.4: 0.8679, 0.5: 0.8675}
    assert lin.pick_mix(skills) == 0.3
    assert lin.pick_mix({0.0: 0.8093, 0.3: 0.812, 0.4: 0.8119, 0.5: 0.8139}) == 0.5  # avoid's: a real lead
    assert lin.pick_mix({0.0: 0.86, 0.1: 0.8551}) == 0.0


def test_the_cue_stage_is_fitted_on_what_it_reads_at_run_time(eval_script: Callable[[str], ModuleType]) -> None:
    """eval/cue_context.py ``kept_features``: the earlier subject rows of the same conversation among the SPAN
    turns before each (as ``turn_model.earlier_turns`` finds them in a window), the latest last."""
    ctx = eval_script("cue_context")
    p = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.3], [0.5, 0.5], [0.6, 0.4]])
    groups = ["a", "a", "a", "b", "a"]
    at = [1, 3, 9, 1, 10]  # turn positions; row 0 is more than SPAN (7) turns before row 2
    x = ctx.kept_features(p, groups, at, np.arange(5))
    floor = ctx.stage_features(p[3], [])[2:]
    assert list(x[3]) == ctx.stage_features(p[3], []) and list(x[0][2:]) == floor  # first of its conversation
    assert list(x[1]) == ctx.stage_features(p[1], [p[0]])
    assert list(x[2]) == ctx.stage_features(p[2], [p[1]])  # row 0 is out of the span
    assert list(x[4]) == ctx.stage_features(p[4], [p[1], p[2]])  # row 1 (turn 3) is just in the span, row 3 elsewhere
