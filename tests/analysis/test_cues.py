"""Cue rules: threats, suicide cues, deadlines, demands and weapons in subject turns (indicators.md)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.cues import CueAnalyzer
from talkdown.domain.annotations import Annotation

T0 = datetime(2024, 5, 1, 14, 10, tzinfo=UTC)


def cues(text: str, previous: str | None = None, at: datetime | None = T0) -> dict[str, Annotation]:
    window = (Turn(text=previous, side="negotiator"),) if previous else ()
    return {a.label: a for a in CueAnalyzer().analyze(Turn(text=text, side="subject", at=at), Context(window=window))}


def test_a_conditional_threat_to_a_hostage_names_its_target() -> None:
    threat = cues("If anybody comes through that door, she's dead.")["threat"]
    assert threat.detail == {"conditional": True, "target": "hostage"}


def test_a_threat_against_officers_is_aimed_at_police() -> None:
    assert cues("I'll shoot the first cop who walks in.")["threat"].detail["target"] == "police"


def test_a_negated_harm_is_not_a_threat() -> None:
    assert "threat" not in cues("I'm not going to shoot at you guys.")


@pytest.mark.parametrize(
    "text",
    [
        "They'll all be better off without me.",
        "Tell Mike he can keep the boat.",
        "Tell my mother I said goodbye.",
        "After tonight none of this is my problem.",
        "Nothing will fix this.",
        "Just shoot me and get it over with.",
        "I gave my truck to my brother this morning.",
    ],
)
def test_indirect_suicide_cues_are_found(text: str) -> None:
    assert "suicide_cue" in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm dying for a smoke.",
        "This traffic is killing me.",
        "I'd kill for a coffee.",
        "My phone's dead.",
        "My brother said he wanted to die once.",
    ],
)
def test_figures_of_speech_and_reports_about_others_are_not_suicide_cues(text: str) -> None:
    assert cues(text) == {}


def test_a_yes_to_a_direct_suicide_question_is_a_suicide_cue() -> None:
    assert "suicide_cue" in cues("Yeah. For weeks.", previous="Are you thinking about killing yourself?")
    assert "suicide_cue" not in cues("Yeah. For weeks.", previous="Have you been at the plant long?")


def test_a_deadline_resolves_against_the_time_it_was_said() -> None:
    deadline = cues("You have thirty minutes or this gets ugly.")["deadline"]
    assert deadline.detail["due_at"] == "2024-05-01T14:40:00+00:00"
    assert deadline.detail["expression"] == "You have thirty minutes"


def test_an_unresolvable_deadline_keeps_its_words_and_no_time() -> None:
    deadline = cues("I want the car before sunrise or else.")["deadline"]
    assert deadline.detail["due_at"] is None


def test_a_demand_carries_the_item() -> None:
    assert "car" in str(cues("I want a car out front with a full tank.")["demand"].detail["item"])


def test_a_wish_about_the_past_is_not_a_demand() -> None:
    assert "demand" not in cues("I just needed the pills. It wasn't supposed to go like this.")


def test_his_own_weapon_is_a_weapon_cue_but_a_police_rifle_is_not() -> None:
    assert cues("I've got a shotgun and a box of shells.")["weapon"].detail == {"weapon": "gun"}
    assert "weapon" not in cues("Your snipers have their rifles on me.")


def test_negotiator_turns_get_no_cues() -> None:
    assert CueAnalyzer().analyze(Turn(text="I've got a gun.", side="negotiator"), Context()) == ()


# Cross-writer regressions (eval/data/indomain_crosswriter.md): phrasings a second writer used for the same cues.


@pytest.mark.parametrize(
    "text",
    [
        "You don't pay, you won't see her alive.",
        "Nobody's been hurt in here. Yet.",
        "Every hour after that, one of them will be shot.",
        "You don't want to find out what comes next.",
        "If y'all try anything, the clerk is getting cut.",
        "No cops or she is dead.",
        "Ten o'clock, or I start with the manager.",
    ],
)
def test_implied_and_conditional_threats_without_a_harm_verb_are_threats(text: str) -> None:
    assert "threat" in cues(text)


def test_a_negation_does_not_reach_across_or_into_the_consequence() -> None:
    assert "threat" in cues("No police or he is dead.")
    assert "threat" not in cues("I'm not going to shoot anybody.")


@pytest.mark.parametrize(
    "text",
    [
        "nothing can fix this",
        "whats the point. everybody's sick of me",
        "i swallowed a whole strip of my nans tablets",
        "If those cars come up the ramp I jump.",
        "I can't do this anymore.",
        "I've sorted everything out. The truck's for my brother.",
        "Before the fire we go home to the Lord.",
    ],
)
def test_indirect_suicide_cues_in_other_words_and_in_texting_are_found(text: str) -> None:
    assert "suicide_cue" in cues(text)


@pytest.mark.parametrize(
    "text", ["I'm not gonna jump, I just like the view.", "My brother used to say he'd rather die than go back."]
)
def test_denials_and_other_peoples_words_are_not_suicide_cues(text: str) -> None:
    assert "suicide_cue" not in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "Money. Saturday.",
        "I want my kids back by the weekend.",
        "Fifteen minutes, not a second more.",
        "Half an hour, tops.",
        "Clock's ticking.",
        "You don't want to know what happens at half past.",
        "A van. Before the sun goes down.",
    ],
)
def test_deadlines_without_a_you_have_frame_are_found(text: str) -> None:
    assert "deadline" in cues(text)


@pytest.mark.parametrize("text", ["Three weeks.", "I've been up since Tuesday.", "I got here before dark."])
def test_a_bare_stretch_of_time_or_a_past_day_is_not_a_deadline(text: str) -> None:
    assert "deadline" not in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "Pull those cruisers back.",
        "Tell them to move the van off my street.",
        "I want Davis from payroll to read my letter out.",
        "i just want my licence back",
        "can u get them to stop calling",
        "Don't let my dad see me like this.",
        "We speak only to the mayor.",
        "And a reporter.",
        "Y'all need to back off the porch.",
    ],
)
def test_requests_without_want_and_an_item_word_are_demands(text: str) -> None:
    assert "demand" in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "Nobody ever listened to me.",
        "I only ever wanted them to call me back.",
        "I could murder a burger.",
        "My daughter. She visits on Sundays.",
        "If I see a cop on the roof I start shooting.",
        "Tell them to go ahead and shoot.",
    ],
)
def test_complaints_wishes_figures_of_speech_and_dares_are_not_demands(text: str) -> None:
    assert "demand" not in cues(text)


@pytest.mark.parametrize("text", ["I got the .45 under the seat.", "I've got the twelve-bore.", "Got a blade on me."])
def test_guns_named_by_calibre_or_gauge_and_blades_are_weapons(text: str) -> None:
    assert "weapon" in cues(text)


def test_a_police_vest_is_not_a_weapon_but_a_suicide_vest_is() -> None:
    assert "weapon" not in cues("I see one vest on that roof and we're done talking.")
    assert "weapon" in cues("I'm wearing a suicide vest.")
