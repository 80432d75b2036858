"""Change talk vs sustain talk in subject turns, after motivational interviewing: a rule, not a learned model.

Why: the stairway's top steps are visible as his own words moving toward resolution (coming out, releasing
people, putting a weapon down, living, talking) or defending the status quo. MI calls these change and
sustain talk (desire, ability, reasons, need, commitment, taking steps, and their opposites). Markers are
talkdown design [D]: crisis-register phrases first, then general MI phrases ("I want to stop", "I could try")
so the rule also says something on counselling text. Talk of dying and threats to others count as sustain
(movement away from the way out); indicators.md keeps suicide cues independent of any progress measure, so
``cues`` still reports them separately.

Exactly one label per subject turn. When both kinds appear, the later one wins: in ambivalent turns the
last clause is usually where he lands ("I don't know. Maybe I'll come out.").
"""

from __future__ import annotations

import re
from typing import ClassVar

from talkdown.analysis.base import Context, Turn, annotation
from talkdown.analysis.lexicons import is_judgeable, normalise
from talkdown.analysis.patterns import RulePattern
from talkdown.domain.annotations import Annotation

FAMILY = "change_talk"
LABELS = ("change", "neutral", "sustain")
_I = re.IGNORECASE

CHANGE = RulePattern(
    r"\b(?:I'll|I will|I'm|I am|we're|we'll|I'm going to|I wanna|I want to) (?:come|coming|walk|walking) (?:out|down"
    r"|home)\b|\b(?:I'll|I will|I'm going to) (?:let (?:her|him|them|you|the \w+) go|put (?:it|the \w+) down"
    r"|stay on the (?:phone|line)|talk|try|do it|call)\b|\bI'm putting (?:it|the \w+) down\b|\b(?:she|he|they|the \w+)"
    r" can (?:go|sit|leave|come out)\b|\blet the \w+ out\b|\bit's off\b|\btell (?:them|your guys) not to shoot\b"
    r"|\bhow would (?:that|it|this) (?:even )?work\b|\bwhat (?:would|will) happen (?:to me )?if I\b"
    r"|\bI don't want (?:anyone|anybody|her|him|them) (?:to get )?hurt\b|\bI'm not going to (?:shoot|hurt)\b"
    r"|\bI'd never hurt\b|\bI didn't (?:come|want) to hurt\b|\b(?:maybe|okay|ok|alright|fine)[,.]? (?:I|we|they|she"
    r"|he) (?:can|could|will|'ll)\b|\bthat'd help\b|\bthat would help\b|\bthat's fair\b|\bcan you call\b"
    r"|\bwant me to come home\b|\bI(?:'d| would) like to see\b|\bI want to (?:see my|go home|live|get better|stop"
    r"|quit|change|cut down|try)\b|\bI (?:could|can|might) (?:try|stop|cut|quit|change|do that)\b|\bI need to (?:stop"
    r"|quit|change|cut|get)\b|\bI(?:'ve| have) (?:started|stopped|cut down|quit)\b|\bI'm going to (?:stop|quit|try"
    r"|change|cut)\b|\bI'm coming\b|\bmaybe they can look\b|\bwe're coming out\b|\bokay[.!]? I'll\b"
    r"|\bI'll stay\b|\bI'm ready to (?:talk|come|stop|change)\b"
    r"|\bI (?:think I )?(?:could|can) (?:maybe )?(?:try|do that"
    r"|cut)|\bcut (?:back|down)\b|\bI(?:'d| would) like to\b|\bI hope so\b|\bI should\b|\bI feel better\b"
    r"|\b(?:that'd|that would) be (?:great|good)\b|\bI wanna\b|\bI(?:'m| am) willing\b",
    _I,
)
SUSTAIN = RulePattern(
    r"\bI'm not (?:coming|going|walking) (?:out|anywhere|down)\b|\bnot (?:letting|giving|putting|moving|leaving)\b"
    r"|\b(?:she|he|they) stays?\b|\b(?:stays|staying) (?:right )?here\b|\bnot going anywhere\b"
    r"|\bnothing you (?:can )?say"
    r"|\bno point\b|\bleave me alone\b|\bdone talking\b|\bwe're done\b|\bI don't want to (?:talk|come|stop|quit"
    r"|change)\b|\bgo to hell\b|\bI won't\b|\bnot coming out\b|\bI'm done\b|\bjust shoot me\b|\bkill (?:myself|me)\b"
    r"|\bend it\b|\bwant to die\b|\bbetter off (?:without me|dead)\b|\bnothing (?:left|matters|to get through)\b"
    r"|\bgo ahead and shoot\b|\bI(?:'ll| will) (?:kill|shoot|hurt|cut)\b|\bI start shooting\b|\bthey die\b"
    r"|\b(?:she's|he's) dead\b|\bI can't (?:stop|quit|change|do it)\b|\bI (?:like|enjoy|love) (?:drinking|smoking"
    r"|it)\b|\bnot a problem\b|\bI don't think (?:I|it)(?:'s| is| need| have)\b|\bit helps me\b|\bI don't (?:care"
    r"|need to)\b|\bnot ready\b|\bwhy should I\b|\bdon't give me that\b|\bdon't see (?:it|that) happening\b"
    r"|\bwaste of time\b|\bI (?:really )?enjoy\b|\bit's (?:just )?fun\b|\bI don't (?:really )?(?:want|wanna)\b"
    r"|\bnot (?:going|gonna) to change\b|\bI(?:'m| am| feel) (?:absolutely |perfectly )?fine\b"
    r"|\b(?:it's|it is) (?:so |too )?hard\b",
    _I,
)


def classify_change_talk(text: str) -> tuple[str, list[tuple[int, int]]]:
    """Label and evidence of one subject turn.

    >>> classify_change_talk("Okay. I'm putting it down. We're coming out.")[0]
    'change'
    >>> classify_change_talk("I'm not coming out. Not tonight.")[0]
    'sustain'
    >>> classify_change_talk("She went to the shops.")[0]
    'neutral'
    """
    norm = normalise(text)
    change = [(m.start(), m.end()) for m in CHANGE.finditer(norm)]
    sustain = [(m.start(), m.end()) for m in SUSTAIN.finditer(norm)]
    # "I'm not going to hurt her" is matched by both lists; the negated harm is the change reading.
    sustain = [s for s in sustain if not any(c[0] <= s[0] < c[1] for c in change)]
    if not change and not sustain:
        return "neutral", []
    if not sustain or (change and change[-1][0] > sustain[-1][0]):
        return "change", change
    return "sustain", sustain


class ChangeTalkAnalyzer:
    """One of change / neutral / sustain per subject turn (rule; MI talk types in negotiation register)."""

    name: ClassVar[str] = "change_talk"
    version: ClassVar[str] = "0.1.4"
    requires: ClassVar[frozenset[str]] = frozenset()
    produces: ClassVar[frozenset[str]] = frozenset({FAMILY})

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        if turn.side != "subject":
            return ()
        if not is_judgeable(turn.text):
            label, spans, score, low = "neutral", list[tuple[int, int]](), 0.0, True
        else:
            label, spans = classify_change_talk(turn.text)
            score, low = (0.5 if label == "neutral" else 0.7), False
        return (annotation(self.name, self.version, FAMILY, label, score, spans, low_confidence=low),)
