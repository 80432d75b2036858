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
from talkdown.analysis.pipeline import OnError, Pipeline
from talkdown.analysis.skills import SkillAnalyzer
from talkdown.analysis.stairway import StairwayAnalyzer
from talkdown.analysis.strategy import StrategyAnalyzer

DEFAULT_ANALYZERS: tuple[type[Analyzer], ...] = (
    SkillAnalyzer,  # rules: talkdown_skill
    AvoidAnalyzer,  # rules: talkdown_avoid
    CueAnalyzer,  # rules: talkdown_cue
    ChangeTalkAnalyzer,  # rules: change_talk
    EmotionAnalyzer,  # model: ekman, emotion_intensity, hostility (GoEmotions)
    StairwayAnalyzer,  # rules: stairway, stairway_warning
    StrategyAnalyzer,  # model if installed (ESConv, non-commercial), else mapped from talkdown_skill
)


def default_pipeline(*, on_error: OnError = "raise") -> Pipeline:
    """A fresh pipeline of the default analysers; models load on first use, once per process."""
    return Pipeline(tuple(cls() for cls in DEFAULT_ANALYZERS), on_error=on_error)
