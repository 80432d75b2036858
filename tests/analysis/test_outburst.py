"""Outbursts: swearing, shouted capitals and "!" in subject turns (indicators.md ``intensity_falling``)."""

from __future__ import annotations

import time

import pytest

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.outburst import OutburstAnalyzer
from talkdown.domain.annotations import Annotation


def judge(text: str, *, window: tuple[str, ...] = (), side: str = "subject") -> Annotation:
    ctx = Context(window=tuple(Turn(text=t, side="negotiator") for t in window))
    (annotation,) = OutburstAnalyzer().analyze(Turn(text=text, side=side), ctx)  # type: ignore[arg-type]
    return annotation


def marked(text: str, annotation: Annotation) -> list[str]:
    return [text[s.start : s.end] for s in annotation.evidence]


@pytest.mark.parametrize(
    ("text", "evidence", "marks"),
    [
        ("Get the hell away from my door.", ["the hell"], 1),
        ("You f**king people never listen.", ["f**king"], 1),
        ("I'm sick of this bullshit.", ["bullshit"], 1),
        ("I said GET OUT of my house.", ["GET OUT"], 1),
        ("Back off. STOP! Now.", ["STOP"], 2),  # the "!" is a mark too; swearing and shouting are the evidence
        ("I CAN HEAR YOU, I'm not deaf.", ["I CAN HEAR YOU"], 1),
        ("Nobody listens to me!! Nobody!", ["!!", "!"], 2),
    ],
)
def test_swearing_shouting_and_repeated_exclamations_are_outbursts(text: str, evidence: list[str], marks: int) -> None:
    annotation = judge(text)
    assert annotation.label == "outburst"
    assert marked(text, annotation) == evidence
    assert annotation.detail["marks"] == marks


@pytest.mark.parametrize(
    "text",
    [
        "I'm dying for a smoke.",
        "The FBI said OK, and the SWAT van moved.",
        "CO Baxter took my papers to the CERT office.",  # acronyms and one capitalised word are not shouting
        "My life has been a living hell since the divorce.",  # distress, not swearing
        "Thank you!",  # one "!" is not an outburst (it still counts one mark)
        "Dick from the bakery brought the pizza.",  # a name
        "Please assess the damage to the scrap yard.",  # words holding a listed one
    ],
)
def test_ordinary_speech_is_no_outburst(text: str) -> None:
    assert judge(text).label == "none"


def test_marks_are_counted_even_below_an_outburst() -> None:
    assert judge("Thank you!").detail == {"swearing": 0, "shouting": 0, "exclamation": 1, "marks": 1}
    assert judge("You hear me? Damn it, GET THEM BACK!!").detail == {
        "swearing": 1,
        "shouting": 1,
        "exclamation": 1,
        "marks": 3,
    }


def test_more_marks_score_higher() -> None:
    assert judge("Damn it.").score < judge("Damn it, GET BACK!!").score < 1.0


def test_a_transcript_typed_in_capitals_does_not_shout() -> None:
    caps = ("WHAT DO YOU WANT, DAVE?", "I NEED TO KNOW SHE IS OKAY.")
    assert judge("I WANT A CAR OUT FRONT.", window=caps).label == "none"
    assert judge("I WANT A CAR OUT FRONT.", window=("What do you want, Dave?",)).label == "outburst"
    assert judge("I WANT A CAR OUT FRONT.").label == "outburst"  # no context: read as written


def test_negotiator_turns_are_not_judged() -> None:
    assert OutburstAnalyzer().analyze(Turn(text="GET DOWN!!", side="negotiator"), Context()) == ()


def test_runs_of_apostrophes_and_separators_stay_linear() -> None:
    # "'" may belong to a capitalised word ("DON'T"); were it a separator too, this line would backtrack
    # exponentially when the run finally fails.
    text = "A''" * 2000 + "a " + "X " * 2000 + "?"
    start = time.perf_counter()
    judge(text[:4999])
    assert time.perf_counter() - start < 1.0
