"""Where the conversation stands on the Behavioral Change Stairway, turn by turn: a rule, not a learned model.

Why a rule: the estimate must show its reasons (which turns held which step) and behave the same in LIVE,
TRAIN and STUDY; there is no labelled stairway data. It follows ``stairway.md``'s estimator guidance [D]:
- cumulative: a step counts only when the steps below it held earlier in the window (last ``WINDOW`` turns);
  a "that's right" with no earlier label or summary does not reach rapport;
- regression: a threat or open hostility from him in his latest turn pulls the estimate back to empathy (if
  empathy held) or active listening;
- suicide cues do not move the estimate (indicators.md: improvement can mislead); they are counted in detail;
- ``stairway_warning/influence_before_rapport`` when a negotiator turn proposes, directs or problem-solves
  before any rapport evidence exists.

Pure: it recomputes what it needs from the window text with the skills and cues rules, so it requires no
other family and gives the same answer whatever ran before it. What it reads of each turn is cached (by text,
or text and surroundings for skills), so a window of 20 costs one set of lookups per turn, not 20 rule runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

from talkdown.analysis.base import Context, Turn, annotation
from talkdown.analysis.cues import cue_labels
from talkdown.analysis.lexicons import is_judgeable, normalise
from talkdown.analysis.patterns import RulePattern
from talkdown.analysis.skills import skills_after, skills_of
from talkdown.domain.annotations import Annotation

FAMILY = "stairway"
WARNING_FAMILY = "stairway_warning"
STAGES = ("active_listening", "empathy", "rapport", "influence", "behavioral_change")
WINDOW = 20
_I = re.IGNORECASE
_EMPATHY_SKILLS = frozenset({"emotion_labeling", "paraphrasing", "summarizing", "affirmation", "mirroring"})

_CONFIRM = RulePattern(r"\bthat's (?:exactly )?(?:right|it)\b|\bexactly\b|^\W*(?:yeah|yes),? (?:I am|it is|that's)", _I)
_RAPPORT = RulePattern(
    r"\bhow(?:'s| is| are) (?:your|you)\b|\byou (?:been|doing|too)\b[^.!?]*\?|\bthanks\b|\bthank you\b|\bmeans a lot\b"
    r"|\byou were okay\b|\bat least you\b|\bI trust you\b|\byou're (?:alright|okay|different)\b",
    _I,
)
_AGREE = RulePattern(
    r"^\W*(?:okay|ok|alright|fine|yeah|yes|sure|maybe)\b|\b(?:she|he|they|the \w+) can (?:go|sit|come|leave)\b", _I
)
_INFLUENCE = RulePattern(
    r"\bhow would (?:that|it|this) (?:even )?work\b|\bwhat (?:would|will) happen (?:to me )?if I\b|\bwhat (?:should|do)"
    r" I do\b|\bwhat if I\b|\bcould you\b|\bcan you (?:call|get|make sure)\b|\btomorrow\b|\bafter this\b"
    r"|\bwhat kind of\b",
    _I,
)
_COMMIT = RulePattern(
    r"\b(?:I'll|I will|I'm|I am|we're|we'll) (?:come|coming|walk|walking) (?:out|down|home)\b"
    r"|\bI'm putting (?:it|the \w+) down\b|\bI'll put (?:it|the \w+) down\b"
    r"|\b(?:I'll|I will) let (?:her|him|them|the \w+) go\b|\btell (?:them|your"
    r" guys) not to shoot\b|\b(?:she|he|they|the \w+) can go\b|\bit's off\b|\blet the \w+ out\b|\bI'm coming\b",
    _I,
)
_HOSTILE = RulePattern(
    r"\bgo to hell\b|\bdon't give me that\b|\byou don't know (?:anything|a thing)\b|\bwe're done\b|\bdone talking\b"
    r"|\bdon't tell me how I feel\b|\byou're just trying to\b|\bliar\b|\bstalling\b|\bf\w*k (?:you|off)\b",
    _I,
)
_DIRECTIVE = RulePattern(
    r"\byou need to\b|\byou should\b|\bwhy don't you (?!tell me)\w+|\bjust (?:put|come|walk|let|drop)\b"
    r"|\bhere's what you\b|\bbe reasonable\b",
    _I,
)
_NAME = RulePattern(r"\b(?:[Tt]his is|[Mm]y name(?: is|'s)|I'm|[Ii]t's) ([A-Z][a-z]+)\b")
_NOT_NAMES = frozenset({"Officer", "Sergeant", "Detective", "Lieutenant", "Inspector", "Not", "Just", "Okay", "Sorry"})


@dataclass(frozen=True)
class _Said:
    """What the estimate reads from one subject turn; depends on the text alone, so it is cached by text."""

    cues: frozenset[str]
    hostile: bool
    confirm: bool
    rapport: bool
    agree: bool
    influence: bool
    commit: bool


@lru_cache(maxsize=4096)
def _subject_facts(text: str) -> _Said:
    """Every window turn is read again by the next 20 turns' estimates: reading it once keeps a batch linear."""
    return _Said(
        cues=cue_labels(text),
        hostile=_HOSTILE.search(text) is not None,
        confirm=_CONFIRM.search(text) is not None,
        rapport=_RAPPORT.search(text) is not None,
        agree=_AGREE.search(text) is not None,
        influence=_INFLUENCE.search(text) is not None,
        commit=_COMMIT.search(text) is not None,
    )


@lru_cache(maxsize=4096)
def _names_in(text: str) -> frozenset[str]:
    return frozenset(m.group(1) for m in _NAME.finditer(text)) - _NOT_NAMES


def _spans(pattern: RulePattern, text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(normalise(text))]


def estimate_stage(turns: tuple[Turn, ...]) -> tuple[int, dict[str, int], int]:
    """Stage index (0-4) for a conversation so far, the seq/position where each step was first evidenced, and
    the number of subject turns with suicide cues. ``turns`` is oldest first and ends with the current turn.

    Every turn of a window is read again by the next turns' estimates, so the loop itself is kept lean: one
    pass keeps his turns so far for the skills rules (``skills_after``, the same key as ``skills_of``'s own
    scan back through ``turns[:pos]``), and the negotiator's names are gathered only when a subject turn could
    reach rapport by saying one (the check needs them; most windows never get there)."""
    reached: dict[str, int] = {}
    names: frozenset[str] | None = None
    last_negotiator_skills: Mapping[str, object] = {}
    subjects: list[str] = []  # his turns before ``pos``, judgeable or not (``skills_of`` counts them all)
    suicide = 0
    previous: Turn | None = None
    for pos, turn in enumerate(turns):
        before, previous = previous, turn
        if turn.side == "subject":
            subjects.append(turn.text)
        if not is_judgeable(turn.text):
            continue
        if turn.side == "negotiator":
            last_negotiator_skills = skills_after(turn, before, subjects)
            if _EMPATHY_SKILLS & last_negotiator_skills.keys():
                reached.setdefault("empathy", pos)
            continue
        if turn.side != "subject":
            continue
        said = _subject_facts(turn.text)
        suicide += "suicide_cue" in said.cues
        if "threat" in said.cues or said.hostile:
            reached = {k: v for k, v in reached.items() if k == "empathy"}
            continue
        offered = "suggestion" in last_negotiator_skills or "closed_question" in last_negotiator_skills
        if "empathy" in reached and (
            (said.confirm and _EMPATHY_SKILLS & last_negotiator_skills.keys())
            or said.rapport
            or _says_a_name(turn.text, names if names is not None else (names := _names(turns)))
            or (offered and said.agree)
        ):
            reached.setdefault("rapport", pos)
        if "rapport" in reached and (said.influence or ("suggestion" in last_negotiator_skills and said.agree)):
            reached.setdefault("influence", pos)
        if "rapport" in reached and said.commit:
            reached.setdefault("influence", pos)
            reached.setdefault("behavioral_change", pos)
    stage = max((STAGES.index(k) for k in reached), default=0)
    return stage, reached, suicide


def _names(turns: tuple[Turn, ...]) -> frozenset[str]:
    """The names the negotiators of the window gave (any turn of it, later ones too)."""
    return frozenset().union(*(_names_in(t.text) for t in turns if t.side == "negotiator"))


@lru_cache(maxsize=4096)
def _says_a_name(text: str, names: frozenset[str]) -> bool:
    """Cached: a subject turn is checked against the same names in each later window that holds it."""
    return any(re.search(rf"\b{re.escape(n)}\b", text) for n in names)


class StairwayAnalyzer:
    """Estimates the BCSM step for the conversation so far and warns of influence before rapport (rule)."""

    name: ClassVar[str] = "stairway"
    version: ClassVar[str] = "0.1.5"
    requires: ClassVar[frozenset[str]] = frozenset()
    produces: ClassVar[frozenset[str]] = frozenset({FAMILY, WARNING_FAMILY})

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        judgeable = is_judgeable(turn.text)
        turns = (*ctx.window[-WINDOW:], turn) if judgeable else ctx.window[-WINDOW:]
        stage, reached, suicide = estimate_stage(turns)
        label = STAGES[stage]
        current = len(turns) - 1
        evidence: list[tuple[int, int]] = []
        if judgeable and reached.get(label) == current and stage > 0:
            for pattern in (_CONFIRM, _RAPPORT, _AGREE, _INFLUENCE, _COMMIT):
                evidence += _spans(pattern, turn.text)
            if turn.side == "negotiator":
                evidence += [s for spans in skills_of(turn, turns[:-1]).values() for s in spans]
        reasons = "; ".join(
            f"{k} first at window position {v}" for k, v in sorted(reached.items(), key=lambda kv: kv[1])
        )
        detail: dict[str, str | float | int | bool | None] = {
            "reasons": reasons or "no step above active listening evidenced yet",
            "suicide_cue_turns": suicide,
            "window_turns": len(turns),
        }
        out = [self._annotation(FAMILY, label, sorted(set(evidence)), detail, low_confidence=not judgeable)]
        if judgeable and turn.side == "negotiator" and "rapport" not in reached:
            skills = skills_of(turn, turns[:-1])
            influence = skills.get("suggestion", []) + _spans(_DIRECTIVE, turn.text)
            if influence:
                warn: dict[str, str | float | int | bool | None] = {
                    "reasons": "influence move with no rapport evidence in the window (stairway.md)"
                }
                out.append(self._annotation(WARNING_FAMILY, "influence_before_rapport", sorted(set(influence)), warn))
        return tuple(out)

    def _annotation(
        self,
        family: str,
        label: str,
        spans: list[tuple[int, int]],
        detail: dict[str, str | float | int | bool | None],
        *,
        low_confidence: bool = False,
    ) -> Annotation:
        score = 0.3 if low_confidence else 0.6
        return annotation(
            self.name, self.version, family, label, score, spans, low_confidence=low_confidence, detail=detail
        )
