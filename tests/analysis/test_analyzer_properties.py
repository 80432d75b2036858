"""Properties every rule analyser keeps: no exception, spans inside the text, unreadable input is neutral."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from talkdown.analysis.avoid import AvoidAnalyzer
from talkdown.analysis.base import Analyzer, Context, Side, Turn
from talkdown.analysis.change_talk import ChangeTalkAnalyzer
from talkdown.analysis.cues import CueAnalyzer
from talkdown.analysis.outburst import OutburstAnalyzer
from talkdown.analysis.registry import default_pipeline
from talkdown.analysis.skills import SkillAnalyzer
from talkdown.analysis.stairway import StairwayAnalyzer

ANALYZERS: list[Analyzer] = [
    SkillAnalyzer(),
    AvoidAnalyzer(),
    CueAnalyzer(),
    ChangeTalkAnalyzer(),
    OutburstAnalyzer(),
    StairwayAnalyzer(),
]
SIDES: tuple[Side, ...] = ("negotiator", "subject", "party", "unknown")
WINDOW = (
    Turn(text="I've got a gun and I'm not coming out.", side="subject"),
    Turn(text="Sounds like you're scared.", side="negotiator"),
    Turn(text="That's right.", side="subject"),
)
NEUTRAL = {
    "skills": "other",
    "avoid": "none",
    "cues": "none",
    "change_talk": "neutral",
    "outburst": "none",
    "stairway": "active_listening",
}
words = st.sampled_from(
    [
        "I",
        "you",
        "gun",
        "kill",
        "by",
        "5",
        "o'clock",
        "no",
        "?",
        ".",
        "myself",
        "want",
        "a",
        "car",
        "sounds",
        "like",
        "😀",
        "\x00",
        "…",
        "’",
        "İ",
        "(pause)",
        "...",
        " ",
    ]
)


@pytest.mark.parametrize("analyzer", ANALYZERS, ids=lambda a: a.name)
@settings(max_examples=60, deadline=None)
@given(text=st.one_of(st.text(max_size=300), st.lists(words, max_size=40).map(" ".join)), side=st.sampled_from(SIDES))
@example(text="İİİ kill myself by 5 o'clock", side="subject")
@example(text="\x00\x01binary", side="negotiator")
def test_any_text_gives_annotations_whose_spans_stay_inside_it(analyzer: Analyzer, text: str, side: Side) -> None:
    for annotation in analyzer.analyze(Turn(text=text, side=side), Context(window=WINDOW)):
        assert annotation.analyzer == analyzer.name
        assert annotation.family in analyzer.produces
        assert all(0 <= s.start <= s.end <= len(text) for s in annotation.evidence)


BAD_INPUTS = [
    "",
    "   ",
    "😀😀😀",
    "\x00\x01\x02\xff binary",
    "x" * 1_000_000,
    "¿Dónde está mi hijo? Quiero hablar con él.",
    "\udcff\udcfe\ud800 \udcc3",  # bytes Python could not decode (surrogateescape), or JSON "\udcff" escapes
]


@pytest.mark.parametrize("analyzer", ANALYZERS, ids=lambda a: a.name)
@pytest.mark.parametrize("text", BAD_INPUTS, ids=["empty", "blank", "emoji", "binary", "1MB", "spanish", "undecodable"])
def test_unreadable_input_gets_one_neutral_low_confidence_annotation(analyzer: Analyzer, text: str) -> None:
    side: Side = "negotiator" if analyzer.name in ("skills", "avoid") else "subject"
    annotations = analyzer.analyze(Turn(text=text, side=side), Context())
    primary = [a for a in annotations if a.family in analyzer.produces and a.family != "stairway_warning"]
    assert len(primary) == 1
    assert primary[0].low_confidence
    assert primary[0].label == NEUTRAL[analyzer.name]
    assert primary[0].evidence == ()


def test_one_undecodable_character_does_not_hide_the_rest_of_the_line() -> None:
    # A lone surrogate made the tokenizer raise (the emotion and cue models failed on the turn); it is read as
    # U+FFFD now, and one lost character in a line of words still leaves the line judgeable.
    turn = Turn(text="I will \udcff kill myself tonight", side="subject")
    assert turn.text == "I will \ufffd kill myself tonight"
    annotations = default_pipeline().run(turn, Context(window=WINDOW))
    assert "suicide_cue" in {a.label for a in annotations}
    assert "analysis_failed" not in {a.family for a in annotations}


@pytest.mark.parametrize("analyzer", ANALYZERS, ids=lambda a: a.name)
def test_every_non_neutral_annotation_carries_evidence(analyzer: Analyzer) -> None:
    lines = [
        "I've got a gun. If you come in she's dead. You have until 5 o'clock. I want a car.",
        "Sounds like you're exhausted. What happened? Calm down, I promise it's fine.",
        "Okay. I'm coming out.",
    ]
    for text in lines:
        for side in ("negotiator", "subject"):
            for a in analyzer.analyze(Turn(text=text, side=side), Context(window=WINDOW)):
                if a.family == "stairway":
                    # A conversation-level estimate: its evidence is in earlier turns, named in detail.
                    assert a.detail["reasons"]
                elif a.label not in NEUTRAL.values():
                    assert a.evidence, (analyzer.name, a.label, text)
