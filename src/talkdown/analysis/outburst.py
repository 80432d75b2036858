"""Outbursts in a subject's words: swearing, shouted capitals and "!" — a rule, after indicators.md.

Why a rule and not the emotion model: indicators.md observes ``intensity_falling`` as the "falling rate of
swearing, capitals, '!', threats per subject turn" [R26 S]. Those are marks anyone can count and check, and
the GoEmotions-trained ``emotion_intensity`` (1 − p(neutral)) does not follow them on negotiation text: on
talkdown's held-out set, subject turns with a threat read a mean intensity of 0.31 against 0.47 for turns with
no cue (two fresh sets: 0.48 / 0.43 against 0.50 / 0.52), so a falling "emotion intensity" said nothing about
the danger the team cares about. Threats are counted by ``cues`` and have their own indicator, so they are not
counted twice here.

What counts, one mark each:
- **swearing**: each expletive (a short list; words with an everyday sense, "bloody", "hell" alone, "dick",
  "Christ", are left out or taken only in their expletive phrases);
- **shouting**: each run of capitalised words with two or more words of two letters or more ("GET OUT"), or
  one word of three letters or more right before a "!" ("STOP!"), leaving out acronyms ("FBI", "SWAT", "OK";
  ``acronyms`` in ``words.json``). One capitalised word alone is emphasis or an acronym not on that list
  ("COPD"), so it is not counted. A transcript typed all in capitals shouts nothing: when the earlier turns hold
  letters but no lower-case letter, capitals are not counted;
- **exclamation**: each run of "!".

The label is ``outburst`` when the turn swears or shouts or has two or more "!" runs (one "Thank you!" is not
an outburst), else ``none``; ``detail`` holds the three counts and ``marks``, their sum, which the
indicator averages whatever the label.
"""

from __future__ import annotations

import re
from functools import cache
from typing import ClassVar

from talkdown.analysis.base import Context, Turn, annotation
from talkdown.analysis.lexicons import is_judgeable, load_words, normalise
from talkdown.analysis.patterns import RulePattern
from talkdown.domain.annotations import Annotation

FAMILY = "outburst"
LABELS = ("outburst", "none")

SWEARING = RulePattern(
    r"\b(?:(?:mother)?(?:fuck|fuk|fck|f\*ck|f\*\*k)\w*|f\*{2,}\w*|motherf\w*|(?:bull|horse|chicken)?shit\w*"
    r"|god ?dam\w*|damn\w*|dammit|bitch\w*|bastards?|(?:ass|arse)(?:holes?|hats?)|(?:jack|dumb|smart)ass\w*"
    r"|dickheads?|cunts?|piss(?:ed|es|ing)?|crap(?:py)?|prick|twats?|wankers?|friggin\w*|effing"
    r"|screw (?:you|this|that|them|off)"
    r"|(?:the|to) hell\b|hell (?:no|yes|with)|for christ'?s sake|christ almighty)\b",
    re.IGNORECASE,
)
# A run of capitalised words, joined by anything but letters, digits, line ends and apostrophes.
# The separators leave out "'", which a word may hold ("DON'T"): were it in both, a run of them could be split
# between word and separator in many ways, and a failing match would try them all.
_CAPS_RUN = re.compile(r"\b[A-Z][A-Z']*(?:[^a-zA-Z0-9\n']+[A-Z][A-Z']*)*\b")
_CAPS_WORD = re.compile(r"[A-Z][A-Z']*")
_BANGS = re.compile(r"!+")
_LOWER = re.compile(r"[a-z]")
_LETTER = re.compile(r"[A-Za-z]")


@cache
def _acronyms() -> frozenset[str]:
    return frozenset(load_words()["acronyms"])


def _shouted(run: re.Match[str], bang_after: bool) -> tuple[int, int] | None:
    """The span from the run's start to its last shouted word, when the run shouts."""
    acronyms = _acronyms()
    words = [
        (run.start() + w.start(), run.start() + w.end())
        for w in _CAPS_WORD.finditer(run.group())
        if len(w.group().strip("'")) >= 2 and w.group().lower() not in acronyms
    ]
    if len(words) >= 2 or (words and bang_after and words[-1][1] - words[-1][0] >= 3):
        return run.start(), words[-1][1]
    return None


def _caps_typed(ctx: Context) -> bool:
    """True when the earlier turns have letters and not one lower-case letter: a transcript typed in capitals."""
    lettered = [t.text for t in ctx.window if _LETTER.search(t.text)]
    return bool(lettered) and not any(_LOWER.search(text) for text in lettered)


def outburst_marks(text: str, *, caps_typed: bool = False) -> dict[str, list[tuple[int, int]]]:
    """The spans of each kind of mark in ``text``.

    >>> marks = outburst_marks("GET OUT of here, you bastard!!")
    >>> {kind: len(spans) for kind, spans in marks.items()}
    {'swearing': 1, 'shouting': 1, 'exclamation': 1}
    >>> {kind: len(spans) for kind, spans in outburst_marks("The FBI said OK. I'm dying for a smoke.").items()}
    {'swearing': 0, 'shouting': 0, 'exclamation': 0}
    """
    norm = normalise(text)
    shouting = []
    if not caps_typed:
        for run in _CAPS_RUN.finditer(norm):
            if (span := _shouted(run, norm.startswith("!", run.end()))) is not None:
                shouting.append(span)
    return {
        "swearing": [(m.start(), m.end()) for m in SWEARING.finditer(norm)],
        "shouting": shouting,
        "exclamation": [(m.start(), m.end()) for m in _BANGS.finditer(norm)] if "!" in norm else [],
    }


class OutburstAnalyzer:
    """Swearing, shouting and "!" in subject and party turns (rule; indicators.md ``intensity_falling``)."""

    name: ClassVar[str] = "outburst"
    version: ClassVar[str] = "0.1.1"
    requires: ClassVar[frozenset[str]] = frozenset()
    produces: ClassVar[frozenset[str]] = frozenset({FAMILY})

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        if turn.side not in ("subject", "party"):
            return ()
        if not is_judgeable(turn.text):
            return (self._ann("none", 0.0, (), {"marks": 0}, low=True),)
        marks = outburst_marks(turn.text, caps_typed=_caps_typed(ctx))
        counts: dict[str, str | float | int | bool | None] = {kind: len(spans) for kind, spans in marks.items()}
        total = sum(len(spans) for spans in marks.values())
        counts["marks"] = total
        loud = bool(marks["swearing"] or marks["shouting"]) or len(marks["exclamation"]) >= 2
        spans = sorted(span for kind in ("swearing", "shouting") for span in marks[kind])
        if loud:
            return (self._ann("outburst", total / (total + 1), spans or marks["exclamation"], counts),)
        return (self._ann("none", 0.5, (), counts),)

    def _ann(
        self,
        label: str,
        score: float,
        spans: list[tuple[int, int]] | tuple[()],
        detail: dict[str, str | float | int | bool | None],
        *,
        low: bool = False,
    ) -> Annotation:
        return annotation(self.name, self.version, FAMILY, label, score, spans, low_confidence=low, detail=detail)
