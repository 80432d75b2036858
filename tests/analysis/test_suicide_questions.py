"""The one reading of a suicide question that the simulator, the debrief and the LIVE advisor share."""

from __future__ import annotations

from talkdown.analysis.suicide_questions import suicide_asked


def test_a_question_about_suicide_is_read_as_direct_or_hedged_and_look_alikes_as_neither() -> None:
    """indicators.md, "When cues rise": ask directly and plainly; hesitant wording shows the negotiator's fear. The
    debrief names a hedged question and gives the direct wording; nothing read that difference before."""
    for line, asked in (
        ("Are you thinking about killing yourself?", "direct"),
        ("Are you thinking of suicide?", "direct"),
        ("Are you suicidal?", "direct"),  # the engine's own reading misses it
        ("Have you thought about killing yourself?", "direct"),
        ("Do you want to die?", "direct"),
        ("Are you thinking about ending your life", "direct"),  # typed without its question mark
        ("I hear you. Are you thinking about taking your own life?", "direct"),
        ("You're not going to do anything silly, are you?", "hedged"),
        ("You wouldn't hurt yourself, would you?", "hedged"),
        ("Are you thinking about hurting yourself?", "hedged"),  # a euphemism: self-harm or suicide?
        ("You're not thinking of killing yourself, are you?", "hedged"),  # led to a "no", though plainly worded
        ("You don't want to die, do you?", "hedged"),
        ("Don't tell me you're thinking about suicide?", "hedged"),
        ("You won't do something stupid?", "hedged"),
        ("Did you jump the queue?", None),
        ("You're not hurt, are you?", None),  # his injuries
        ("You wouldn't hurt them, would you?", None),  # the people with him
        ("Did you do anything silly at work?", None),  # the past, not what he is about to do
        ("I don't want you to kill yourself.", None),  # a statement, no question
        ("Do you have a plan for getting home tonight?", None),
        ("That was a silly thing to say, wasn't it?", None),
    ):
        assert suicide_asked(line) == asked, line


def test_a_line_asking_both_ways_counts_as_asked_directly() -> None:
    assert suicide_asked("You're not going to do anything silly, are you? Are you thinking about suicide?") == "direct"
