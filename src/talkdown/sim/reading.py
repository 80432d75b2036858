"""What the simulated subject makes of one trainee line: the analysis pipeline's labels plus a few sim cues.

Why the shared pipeline: a trainee is scored by the same skill, avoid and stairway rules that LIVE and the
debrief use, so "the subject reacted badly" and "the debrief flagged it" always agree. The few cues the
analysers do not produce (stalling a demand, trading for it, honouring face, asking directly about suicide,
repetition) are read here with small lexicons [D] and documented in docs/training.md.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Literal

from talkdown.analysis.avoid_doctrine import doctrine_ids
from talkdown.analysis.base import Context, Turn
from talkdown.analysis.pipeline import Pipeline
from talkdown.analysis.registry import default_pipeline
from talkdown.analysis.suicide_questions import PlanQuestion, plan_asked, suicide_asked
from talkdown.domain.annotations import Annotation

# Families the subject reacts to; emotion and strategy models are not needed and would only cost time.
SIM_FAMILIES = frozenset({"talkdown_skill", "talkdown_avoid", "stairway_warning"})
WINDOW = 20
_I = re.IGNORECASE

# Listening moves and their weight as trust builders [D]; summaries and labels do most (skills.md, R3).
LISTENING: dict[str, float] = {
    "summarizing": 1.1,
    "emotion_labeling": 1.0,
    "paraphrasing": 0.9,
    "affirmation": 0.8,
    "open_question": 0.7,
    "mirroring": 0.6,
    "effective_pause": 0.5,
    "i_message": 0.5,
    "minimal_encourager": 0.35,
    "self_disclosure": 0.3,
}
EMPATHY = frozenset({"emotion_labeling", "paraphrasing", "summarizing", "mirroring", "affirmation"})
CONFIRMABLE = frozenset({"emotion_labeling", "paraphrasing", "summarizing"})

_DEFER = re.compile(
    r"\b(?:I'll|I will|let me|I'm going to|I can) (?:have to )?(?:check|ask|see|pass|push|find out|talk to|run it"
    r"|put (?:that|it) to|take (?:that|it) to)\b|\bpassed? (?:that|it) (?:up|on)\b|\bnot (?:my|something I) (?:call"
    r"|decide)\b|\bthe people who decide\b|\bworking on (?:it|that)\b|\bwhat's possible\b|\bdon't make that call\b",
    _I,
)
_TRADE = re.compile(
    r"\bin (?:return|exchange)\b|\bwhat can you (?:do|give|offer)\b|\bif you (?:let|send|release)\b"
    r"|\b(?:can|could) (?:she|he|they|the \w+|one of them|someone|somebody) (?:come out|go|leave|walk out)\b"
    r"|\bwould you (?:let|send)\b|\bgood faith\b",
    _I,
)
_FACE = re.compile(
    r"\bon your (?:own )?terms\b|\byour (?:choice|call|decision)\b|\bshows? (?:you|that you|everyone)\b|\brespect\b"
    r"|\bstrength\b|\bwith your head up\b|\bnever wanted anyone hurt\b|\bkept everyone safe\b",
    _I,
)
_CALIBRATED = re.compile(r"^\W*(?:how|what) (?:would|could|do|can|will) (?:we|it take|you need|that look)\b", _I)
# Exploring ambivalence and the future (indicators.md, "When cues rise": doubt, hope, duty, unfinished business).
_AMBIVALENCE = re.compile(
    r"\bkept you going\b|\btomorrow\b|\bnext (?:week|year)\b|\bfuture\b|\bwhat would you want\b|\breasons? to\b"
    r"|\bpart of you\b|\bunfinished\b|\blook forward\b|\bhoping for\b|\bthis weekend\b",
    _I,
)
_TOKEN = re.compile(r"[a-z0-9']+")
# The direct questions a negotiator asks about the scene [D]: how the people held are, who is with him, his weapon,
# what he wants. Each is read in one question (a sentence ending in "?") or a "tell me ..." request, so "what would
# you want tomorrow to look like?" is no question about demands and "I know you have a gun." none about a weapon.
_ASKS: dict[str, re.Pattern[str]] = {
    "hurt": re.compile(
        r"\b(?:is|are) (?:any(?:one|body)|every(?:one|body)|they|people|the (?:hostages|people|others|staff)|(?:all "
        r")?of them)(?: (?:in there|inside|there))?(?: (?:still|all))? (?:hurt|injured|wounded|bleeding|ok(?:ay)?"
        r"|alright|all right|safe)\b|\bhow(?:'s| is| are) (?:every(?:one|body)|the hostages|they|the people|the "
        r"others)\b|\bhow every(?:one|body)(?:'s| is) doing\b|\b(?:has|have) (?:any(?:one|body)|they) been hurt\b"
        r"|\b(?:does|do) (?:any(?:one|body)|they) need (?:a doctor|medical|an ambulance|medicine)\b",
        _I,
    ),
    "with_you": re.compile(
        r"\b(?:is|are) (?:there )?(?:any(?:one|body)|people|others|any others)(?: else)?(?: in there| there)? with "
        r"you\b|\bwho(?:'s| is| else is)(?: in there)? (?:with you|in there)\b|\bare you (?:alone|by yourself)\b"
        r"|\bhow many (?:people )?(?:are |have you got |do you have )?(?:in there|with you|inside|there)\b"
        r"|\b(?:is|are) (?:there )?any(?:one|body) else (?:in there|there|inside)\b",
        _I,
    ),
    "weapon": re.compile(
        r"\b(?:do |have )?you (?:have|got) (?:a |any )?(?:weapons?|guns?|knife|knives|firearms?|explosives?"
        r"|bombs?)\b|\bare you (?:armed|carrying)\b|\bwhat (?:are you armed with|(?:kind of |sort of )?(?:weapons?"
        r"|guns?)\b)|\bwhat(?:'s| is) in your hand\b",
        _I,
    ),
    "wants": re.compile(
        r"^\W*(?:(?:so|and|okay|ok|then|tell me),? )?what (?:is it )?(?:do |that )?you (?:want|need)(?: from (?:me|us)"
        r"| right now| out of this| here)?\W*$|\bwhat are your demands\b|\bwhat (?:is it|are) you (?:want|after"
        r"|asking for)\b",
        _I,
    ),
}
_ASKED = re.compile(r"[^.!?]*\?|(?:^|(?<=[.!?]))\s*(?:tell me|let me know)\b[^.!?]*", _I)


def asks(text: str) -> tuple[str, ...]:
    """The direct questions in a line, in the order asked: "hurt", "with_you", "weapon", "wants".

    >>> asks("How many are in there? What are you armed with? Which room?")
    ('with_you', 'weapon')
    """
    found: list[tuple[int, str]] = []
    for question in _ASKED.finditer(text):
        for topic, pattern in _ASKS.items():
            hit = pattern.search(question[0].strip())
            if hit and topic not in (t for _, t in found):
                found.append((question.start() + hit.start(), topic))
    return tuple(topic for _, topic in sorted(found))


@dataclass(frozen=True)
class Reading:
    """The labels of one trainee line that move his state (skills, avoid ids) and the sim's own cues."""

    skills: frozenset[str]
    avoid: tuple[str, ...]
    influence: bool
    deferral: bool
    trade: bool
    face_honoring: bool
    calibrated: bool
    ambivalence: bool
    annotations: tuple[Annotation, ...]
    asks: tuple[str, ...] = ()  # direct questions about the scene he answers from the scenario's facts
    # how the line asks him about suicide: he answers a direct question, deflects a hedged one (engine, debrief)
    suicide_asked: Literal["direct", "hedged"] | None = None
    # how it asks about his plan, the means or the timing, once suicide has been asked about (``suicide_plan``)
    plan_asked: PlanQuestion | None = None

    @property
    def listening_gain(self) -> float:
        """Strongest listening move, plus a little for each other one in the same turn, capped [D]."""
        weights = sorted((LISTENING[s] for s in self.skills if s in LISTENING), reverse=True)
        if not weights:
            return 0.0
        return min(1.3, weights[0] + 0.2 * (len(weights) - 1))


def tokens(text: str) -> frozenset[str]:
    return frozenset(_TOKEN.findall(text.casefold()))


def similar(a: frozenset[str], b: frozenset[str]) -> bool:
    """Near-duplicate lines (Jaccard >= 0.7): swapping one word does not make a stock phrase new."""
    if not a or not b:
        return a == b
    return len(a & b) / len(a | b) >= 0.7


def mentions(text: str, keyword: str) -> bool:
    return re.search(rf"\b{re.escape(keyword)}", text, _I) is not None


def mentioned(text: str, keyword: str) -> str | None:
    """The words of ``text`` that mention ``keyword``, to the end of the word: "foreclosure" for "foreclos"."""
    found = re.search(rf"\b{re.escape(keyword)}[\w']*", text, _I)
    return found[0] if found else None


class LineReader:
    """Runs the analysis pipeline on trainee lines, memoised by (line, window) so a replay costs nothing."""

    def __init__(self, pipeline: Pipeline | None = None, *, memo_size: int = 4096) -> None:
        self.pipeline = pipeline or default_pipeline(on_error="raise").subset(SIM_FAMILIES)
        self._memo: OrderedDict[tuple[str, tuple[tuple[str, str], ...]], tuple[Annotation, ...]] = OrderedDict()
        self._memo_size = memo_size

    def read(self, text: str, window: tuple[tuple[str, str], ...]) -> Reading:
        """``window`` holds (side, text) of earlier turns, oldest first, side 'negotiator' or 'subject'.

        The whole conversation may be passed (the engine does): the analysers see its last ``WINDOW`` turns, and
        whether suicide was asked about is read from all of it (``suicide_plan``).
        """
        asked_before = any(side == "negotiator" and suicide_asked(t) for side, t in window)
        window = window[-WINDOW:]
        key = (text, window)
        annotations = self._memo.get(key)
        if annotations is None:
            turns = tuple(Turn(text=t, side="negotiator" if s == "negotiator" else "subject") for s, t in window)
            annotations = self.pipeline.run(Turn(text=text, side="negotiator"), Context(window=turns))
            self._memo[key] = annotations
            if len(self._memo) > self._memo_size:
                self._memo.popitem(last=False)
        else:
            self._memo.move_to_end(key)
        return _reading(text, annotations, asked_before=asked_before)


def suicide_plan(text: str, *, asked_before: bool) -> PlanQuestion | None:
    """A question about his plan, the means or the timing, read as one about suicide, or None.

    indicators.md ("When cues rise"): ask about thoughts, then plans. Most plan wordings name no suicide ("Do you
    have a plan?", "How would you do it?", "When were you thinking of doing it?"), and asked cold they are about
    getting home or the robbery: they are read as about suicide once it is on the table, a suicide question asked
    in an earlier line of the trainee's (whatever he answered) or in this one ("Are you thinking about killing
    yourself? Do you have a plan?", "Do you have a plan to kill yourself?"). His own talk of dying is not read:
    a cue is no question, and the rules that find one would run on each of his lines for every reply.
    """
    return plan_asked(text) if asked_before or suicide_asked(text) else None


def _reading(text: str, annotations: tuple[Annotation, ...], *, asked_before: bool = False) -> Reading:
    skills = frozenset(a.label for a in annotations if a.family == "talkdown_skill" and not a.low_confidence)
    avoid: list[str] = []
    for a in annotations:
        if a.family != "talkdown_avoid" or a.low_confidence:
            continue
        avoid.extend(i for i in doctrine_ids(a) if i not in avoid)
    warned = any(a.family == "stairway_warning" for a in annotations)
    return Reading(
        skills=skills,
        avoid=tuple(avoid),
        influence=warned or "suggestion" in skills,
        deferral=_DEFER.search(text) is not None,
        trade=_TRADE.search(text) is not None,
        face_honoring=_FACE.search(text) is not None,
        calibrated=_CALIBRATED.search(text) is not None,
        ambivalence=_AMBIVALENCE.search(text) is not None,
        annotations=annotations,
        asks=asks(text),
        suicide_asked=suicide_asked(text),
        plan_asked=suicide_plan(text, asked_before=asked_before),
    )
