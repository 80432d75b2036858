"""Change talk: one of change / neutral / sustain per subject turn."""

from __future__ import annotations

import pytest

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.change_talk import ChangeTalkAnalyzer


def label(text: str) -> str:
    (annotation,) = ChangeTalkAnalyzer().analyze(Turn(text=text, side="subject"), Context())
    return annotation.label


@pytest.mark.parametrize(
    "text",
    [
        "Okay. I'm putting it down. We're coming out.",
        "She can go.",
        "How would that even work?",
        "I don't want anybody hurt.",
        "I'll stay on the phone.",
    ],
)
def test_talk_toward_resolution_is_change(text: str) -> None:
    assert label(text) == "change"


@pytest.mark.parametrize(
    "text", ["I'm not coming out.", "Nothing you say changes anything.", "Just shoot me.", "Leave me alone."]
)
def test_defending_the_standoff_or_dying_is_sustain(text: str) -> None:
    assert label(text) == "sustain"


def test_plain_narrative_is_neutral() -> None:
    assert label("She went to the shops this morning.") == "neutral"


def test_in_an_ambivalent_turn_the_later_clause_wins() -> None:
    assert label("I'm not coming out. Okay, maybe I'll come out.") == "change"
    assert label("Maybe I'll come out. No. I'm not coming out.") == "sustain"


def test_a_negated_harm_reads_as_change() -> None:
    assert label("I'm not going to hurt her.") == "change"


def test_negotiator_turns_are_not_labelled() -> None:
    assert ChangeTalkAnalyzer().analyze(Turn(text="Come out.", side="negotiator"), Context()) == ()
