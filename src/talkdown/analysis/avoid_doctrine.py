"""What avoid.md says of a flagged behaviour: its ids on an avoid annotation, why it hurts, and a better line.

Why here, beside the analyser: the training debrief (``sim``), the advisor (``doctrine``) and the after-action
report (``services``) all name a flagged line's behaviours, and ``sim`` and ``doctrine`` may not import each
other. One reading keeps them from disagreeing: the report counted a model-only ``deadline_setting`` under the
family label while the debrief called it ``setting_deadline``, avoid.md's id. The why/better pairs are data
(``avoid_better.yaml``) so a doctrine edit needs no code change.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import NamedTuple

import yaml

from talkdown.domain.annotations import Annotation

DOCTRINE_ID = {"deadline_setting": "setting_deadline"}
"""The eval family's label where avoid.md's id differs."""


class Better(NamedTuple):
    why: str
    better: str


def doctrine_ids(ann: Annotation) -> list[str]:
    """avoid.md's ids for one ``talkdown_avoid`` annotation, the rule's first. A label only the model found
    carries none in its detail: avoid.md's id for the label then."""
    raw = ann.detail.get("doctrine_ids") or ann.detail.get("doctrine_id") or DOCTRINE_ID.get(ann.label, ann.label)
    return list(dict.fromkeys(i for i in str(raw).split(",") if i))


@cache
def better_lines() -> dict[str, Better]:
    """avoid.md's why/better pair per doctrine id."""
    text = (resources.files("talkdown.analysis") / "avoid_better.yaml").read_text(encoding="utf-8")
    return {str(k): Better(str(v["why"]), str(v["better"])) for k, v in yaml.safe_load(text).items()}


UNKNOWN = Better("See avoid.md.", "(See avoid.md for a better line.)")
