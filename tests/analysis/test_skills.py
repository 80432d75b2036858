"""Skill rules: doctrine examples get their skill, hard negatives stay negative (skills.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from talkdown.analysis import skills
from talkdown.analysis.base import Context, Turn
from talkdown.analysis.skills import SkillAnalyzer

T0 = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)


def labels(text: str, *, previous: str | None = None, earlier: tuple[str, ...] = ()) -> set[str]:
    window = tuple(Turn(text=t, side="subject") for t in earlier)
    if previous is not None:
        window += (Turn(text=previous, side="subject"),)
    turn = Turn(text=text, side="negotiator")
    return {a.label for a in SkillAnalyzer(use_model=False).analyze(turn, Context(window=window))}


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Sounds like you feel nobody at that office ever took you seriously.", "emotion_labeling"),
        ("I'm hearing a lot of hurt underneath the anger.", "emotion_labeling"),
        ("You sound tired.", "emotion_labeling"),
        ("What happened this morning before all this started?", "open_question"),
        ("Tell me about your daughter.", "open_question"),
        ("Is anyone hurt in there?", "closed_question"),
        ("Mm-hm... go on.", "minimal_encourager"),
        ("Okay. And then?", "minimal_encourager"),
        ("When the line goes dead I get worried, because I don't know if you're okay.", "i_message"),
        ("What if we start by getting some water in to you?", "suggestion"),
        ("Your request is with the people who decide.", "information"),
        ("I'm Sam, with the police negotiation team.", "information"),
        ("You've kept everyone safe so far, and that matters.", "affirmation"),
        ("I've got a daughter that age too.", "self_disclosure"),
        ("(pause)", "effective_pause"),
    ],
)
def test_doctrine_example_gets_its_skill(text: str, label: str) -> None:
    assert label in labels(text)


def test_mirror_repeats_his_last_words_with_pronouns_swapped() -> None:
    assert labels("Never gave you a chance?", previous="They never gave me a chance.") == {"mirroring"}


def test_a_question_word_added_to_his_words_is_a_question_not_a_mirror() -> None:
    got = labels("Who told you to use it?", previous="Stay back. They told me to use it.")
    assert "mirroring" not in got
    assert "open_question" in got


def test_paraphrase_restates_his_content_in_other_words() -> None:
    previous = "Twenty years I paid on that house and the bank took it, and nobody even called me back."
    got = labels(
        "So the bank took the house after twenty years of payments, and nobody would call you back.", previous=previous
    )
    assert "paraphrasing" in got


def test_summary_pulls_several_of_his_turns_together() -> None:
    earlier = ("I lost the job in March.", "My wife left last week.", "The eviction notice came today.")
    text = (
        "Let me see if I have this: you lost the job in March, your wife left last week, the eviction notice "
        "came today, and through all of it nobody listened. Is that it?"
    )
    got = labels(text, earlier=earlier)
    assert "summarizing" in got
    assert "closed_question" not in got


@pytest.mark.parametrize(
    "text",
    ["I hear the helicopter.", "You sound crazy, you know that.", "I feel like you're lying to me."],
)
def test_hard_negatives_are_not_emotion_labels_or_i_messages(text: str) -> None:
    got = labels(text)
    assert "emotion_labeling" not in got
    assert "i_message" not in got


def test_an_invitation_starting_with_why_dont_you_tell_me_is_an_open_question() -> None:
    assert labels("Why don't you tell me about your day?") == {"open_question"}


def test_a_turn_with_no_skill_is_other_and_only_other() -> None:
    assert labels("If you don't come out, the team is coming in.") == {"other"}


def test_silence_of_four_seconds_after_his_turn_is_an_effective_pause() -> None:
    previous = Turn(text="I don't even know why I'm still here.", side="subject", at=T0)
    fast = Turn(text="Mm.", side="negotiator", at=T0 + timedelta(seconds=4))
    slow = Turn(text="Mm.", side="negotiator", at=T0 + timedelta(seconds=8))
    analyzer = SkillAnalyzer(use_model=False)
    assert "effective_pause" not in {a.label for a in analyzer.analyze(fast, Context(window=(previous,)))}
    assert "effective_pause" in {a.label for a in analyzer.analyze(slow, Context(window=(previous,)))}


def test_subject_turns_get_no_skill_annotation() -> None:
    assert SkillAnalyzer().analyze(Turn(text="Sounds like you are scared.", side="subject"), Context()) == ()


def test_every_skill_annotation_points_at_words_inside_the_turn() -> None:
    text = "Sounds like you're exhausted. What happened today?"
    for a in SkillAnalyzer(use_model=False).analyze(Turn(text=text, side="negotiator"), Context()):
        assert a.evidence
        assert all(0 <= s.start < s.end <= len(text) for s in a.evidence)


# Cross-writer regressions (eval/data/indomain_crosswriter.md): another writer's wording of the same skills.


@pytest.mark.parametrize(
    "text", ["(silence, about ten seconds)", "[no reply for 30 seconds]", "(long pause)", "*5 seconds*"]
)
def test_pause_marks_with_a_length_or_a_description_are_effective_pauses(text: str) -> None:
    assert "effective_pause" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "You must feel completely betrayed.",
        "I can hear how frightened you are.",
        "You're so exhausted by all of it.",
        "That's a lot of grief to carry.",
    ],
)
def test_emotion_labels_without_a_sounds_like_frame_are_found(text: str) -> None:
    assert "emotion_labeling" in labels(text)


@pytest.mark.parametrize(
    "text",
    [
        "I respect that.",
        "You've looked after them all night.",
        "That's a real good-faith move.",
        "That's so unfair.",
        "thank u for telling me",
    ],
)
def test_credit_and_validation_in_other_words_are_affirmations(text: str) -> None:
    assert "affirmation" in labels(text)


def test_texted_questions_without_apostrophes_or_question_marks_are_questions() -> None:
    assert "open_question" in labels("whats ur sister like?")
    assert "closed_question" in labels("are u somewhere safe right now")


def test_a_relative_s_hard_time_told_briefly_is_self_disclosure() -> None:
    assert "self_disclosure" in labels("My brother went through the same thing. How long has it been for you?")


def test_a_long_i_message_is_not_a_summary() -> None:
    earlier = ("They locked us in for months.", "My lad's mum got turned away.", "Nobody listens to us.")
    found = labels(
        "When I hear that, I get worried for everyone in there, you included, because if someone gets hurt I can't "
        "help you get visits back or anything else you've asked for.",
        previous=earlier[-1],
        earlier=earlier[:-1],
    )
    assert "summarizing" not in found and "i_message" in found


def test_a_report_about_ourselves_that_shares_his_words_is_not_a_paraphrase() -> None:
    found = labels("I'm alone out here, I promise you, there are no police cars.", previous="No police cars. Alone.")
    assert "paraphrasing" not in found


@given(st.text(alphabet=st.sampled_from("aZk9'- .\u212a\u0130\u00e9I\u2019"), max_size=30))
@example("\u212aelvin's")  # the Kelvin sign lower-cases to an ASCII "k": lower-casing first would make a token
def test_the_words_of_a_turn_are_its_tokens_without_offsets(text: str) -> None:
    assert skills._words(text) == tuple(word for word, _, _ in skills._tokens(text))


def test_a_story_about_oneself_is_self_focus_not_self_disclosure_but_a_disclosure_handed_back_is() -> None:
    # avoid.md's pair: the Avoid line is self_focus (avoid), so skills must not also praise it as a disclosure;
    # the Better line is the brief disclosure handed back that skills.md counts.
    story = "Let me tell you about my own divorce, it was…"
    assert "self_disclosure" not in labels(story, previous="My wife left me.")
    assert labels(story, previous="My wife left me.") == {"other"}
    handed_back = "I've been through a split too. What's been hardest for you?"
    assert {"self_disclosure", "open_question"} <= labels(handed_back, previous="My wife left me.")
