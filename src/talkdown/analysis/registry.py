"""The analysers talkdown runs by default, as one explicit tuple.

Why explicit: what runs must be visible in the code and in ``talkdown analyze`` output, and installing a
package must never change it. Entry-point plugins (group ``talkdown.analyzers``) are deliberately **not**
loaded here at all yet; when settings can name them, the service layer will append the named ones to this
tuple (a plugin must then pass the same ``Pipeline`` checks).

Order matters: an analyser comes after every analyser producing a family it ``requires``
(``StrategyAnalyzer`` falls back on ``talkdown_skill``; the stairway reads skills and emotion).
"""

from __future__ import annotations

from talkdown.analysis.avoid import AvoidAnalyzer
from talkdown.analysis.base import Analyzer
from talkdown.analysis.change_talk import ChangeTalkAnalyzer
from talkdown.analysis.cues import CueAnalyzer
from talkdown.analysis.emotion import EmotionAnalyzer
from talkdown.analysis.outburst import OutburstAnalyzer
from talkdown.analysis.pipeline import OnError, Pipeline
from talkdown.analysis.skills import SkillAnalyzer
from talkdown.analysis.stairway import StairwayAnalyzer
from talkdown.analysis.strategy import StrategyAnalyzer

DEFAULT_ANALYZERS: tuple[type[Analyzer], ...] = (
    SkillAnalyzer,  # rules + model: talkdown_skill
    AvoidAnalyzer,  # rules + model: talkdown_avoid
    CueAnalyzer,  # rules + model: talkdown_cue
    ChangeTalkAnalyzer,  # rules: change_talk
    OutburstAnalyzer,  # rules: outburst (swearing, shouting, "!")
    EmotionAnalyzer,  # model: ekman, emotion_intensity, hostility (GoEmotions)
    StairwayAnalyzer,  # rules: stairway, stairway_warning
    StrategyAnalyzer,  # model if installed (ESConv, non-commercial), else mapped from talkdown_skill
)


LEARNED: frozenset[type[Analyzer]] = frozenset({EmotionAnalyzer})
"""Analysers that are nothing but a model; ``fast`` leaves them out. ``StrategyAnalyzer`` stays, in its rule
mode (skills mapped to strategies), so ``esconv_strategy`` is still given."""


def default_pipeline(*, on_error: OnError = "raise", fast: bool = False) -> Pipeline:
    """A fresh pipeline of the default analysers; models load on first use, once per process.

    ``fast=True`` is rules only (``talkdown analyze --fast``, very old laptops): no encoder or model file is
    loaded, so no ``ekman`` / ``emotion_intensity`` / ``hostility``, and ``esconv_strategy`` comes from the
    skill mapping; cues, skills and avoid come from their rules without the fine-tuned model. Every other
    rule analyser is the same as in the default pipeline, with the same version.
    """
    if not fast:
        return Pipeline(tuple(cls() for cls in DEFAULT_ANALYZERS), on_error=on_error)
    rules: list[Analyzer] = []
    for cls in DEFAULT_ANALYZERS:
        if cls in LEARNED:
            continue
        if cls in (StrategyAnalyzer, CueAnalyzer, SkillAnalyzer, AvoidAnalyzer):
            rules.append(cls(use_model=False))  # rules with an optional model: the model stays off
        else:
            rules.append(cls())
    return Pipeline(tuple(rules), on_error=on_error)
