"""The one reading of a suicide question that the simulator, the debrief and the LIVE advisor share."""

from __future__ import annotations

from talkdown.analysis.suicide_questions import plan_asked, suicide_asked


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


def test_the_wordings_the_cue_rules_read_are_suicide_questions_plain_or_hedged_as_worded() -> None:
    """cues 0.30.1 reads a yes by this one reading, which missed these; plain when they name the act as he would do
    it (indicators.md: "ask directly and plainly"), hedged when they name it by a figure or not at all."""
    for line, asked in (
        ("Are you thinking about jumping?", "direct"),
        ("Are you planning to jump from here tonight?", "direct"),
        ("Are you thinking about using the gun on yourself?", "direct"),
        ("Aaron, are you planning to use that on yourself?", "direct"),
        ("Are you thinking about dying tonight?", "direct"),
        ("Are you planning to step in front of the train?", "direct"),
        ("jess are u thinking about killing urself tonight", "direct"),  # texted, his name first, no "?"
        ("Do you mean you're thinking of ending both your lives?", "direct"),
        ("Are you trying to get the officers to shoot you?", "direct"),
        ("Mrs. Pike, are you thinking about taking your own life?", "direct"),
        ("Are you planning to kill yourself, Mr. Bell?", "direct"),  # a title's full stop ends no sentence
        ("It sounds like you're thinking of ending your life. Are you?", "direct"),
        ("I think it might mean you're thinking about killing yourself. Am I right?", "direct"),
        ("youve written letters. that tells me youre thinking about ending your life. is that right", "direct"),
        ("I'm wondering if you're thinking about ending your life.", "direct"),  # asked as a statement
        ("When you say you don't care how this ends, are you thinking about dying today?", "direct"),  # his words
        ("Are you thinking about going over the edge tonight?", "hedged"),  # a figure of the fall
        ("Have you taken something?", "hedged"),  # a dose, unnamed
        ("connor are u thinking about hurting urself too", "hedged"),
        ("When you say you don't care, you're not thinking of killing yourself, are you?", "hedged"),
        ("Are you gonna jump in and help?", None),
        ("Have you eaten anything? Taken anything to keep you awake?", None),
        ("Do you want us to end the call?", None),
        ("You want them to shoot you.", None),  # a reflection, no question
        ("I wonder if you could put her on.", None),
    ):
        assert suicide_asked(line) == asked, line


def test_a_line_asking_both_ways_counts_as_asked_directly() -> None:
    assert suicide_asked("You're not going to do anything silly, are you? Are you thinking about suicide?") == "direct"


def test_a_question_about_a_plan_the_means_or_the_timing_is_read_with_what_it_asks() -> None:
    """indicators.md, "When cues rise": after his yes, ask about the plan, the means and when. Nothing read these
    questions: the simulated subject answered "Do you have a plan?" with his mood, and "Have you thought about how
    you would kill yourself?" with his answer to the thoughts question."""
    for line, topics in (
        ("Do you have a plan?", ("plan",)),
        ("Have you made a plan?", ("plan",)),
        ("Do you have a plan to kill yourself?", ("plan",)),
        ("Have you planned how", ("plan",)),  # typed without its question mark
        ("How would you do it?", ("means",)),
        ("Have you thought about how you would kill yourself?", ("means",)),
        ("What were you going to use?", ("means",)),
        ("Do you have anything with you that you were planning to use?", ("means",)),
        ("Do you have something with you there that you mean to use?", ("means",)),
        ("When were you thinking of doing it?", ("timing",)),
        ("Have you decided when?", ("timing",)),
        ("Okay. Do you have a plan? When would you do it?", ("plan", "timing")),
        ("Do you have a plan for getting home tonight?", None),  # a plan, not for dying
        ("Do you have any plans for the weekend?", None),
        ("Can we make a plan together?", None),  # the negotiator's plan, not his
        ("Have you thought about how your wife would feel?", None),  # how, not his act
        ("How would you take it if they said no?", None),
        ("What would you use the money for?", None),
        ("Do you have anything you want to use the phone for?", None),
        ("How did you do it?", None),  # the past: the robbery, not his plan
        ("I know you have a plan.", None),  # no question
    ):
        asked = plan_asked(line)
        assert (asked.topics if asked else None) == topics, line


def test_a_question_about_a_plan_led_to_a_no_is_hedged_as_a_suicide_question_is() -> None:
    hedged = plan_asked("You haven't got a plan, have you?")
    assert hedged is not None and (hedged.how, hedged.topics) == ("hedged", ("plan",))
    direct = plan_asked("You haven't got a plan, have you? How would you do it?")
    assert direct is not None and (direct.how, direct.topics) == ("direct", ("plan", "means"))
