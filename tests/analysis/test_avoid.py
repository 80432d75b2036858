"""Avoid rules: every Avoid line of avoid.md fires its label, every Better line stays clean."""

from __future__ import annotations

import pytest

from talkdown.analysis.avoid import AvoidAnalyzer
from talkdown.analysis.base import Context, Turn


def found(text: str, previous: str | None = None) -> dict[str, dict[str, str | float | int | bool | None]]:
    window = (Turn(text=previous, side="subject"),) if previous else ()
    turn = Turn(text=text, side="negotiator")
    return {a.label: a.detail for a in AvoidAnalyzer(use_model=False).analyze(turn, Context(window=window))}


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("That's a ridiculous thing to want.", "arguing"),
        ("No. You're not getting a car.", "flat_no"),
        ("If you don't come out, the team is coming in.", "threat"),
        ("You've got ten minutes to let them go.", "ultimatum"),
        ("Your two o'clock deadline is in twenty minutes, so...", "deadline_setting"),
        ("The helicopter is on its way.", "false_promise"),
        ("Calm down, it's only a divorce.", "minimizing"),
    ],
)
def test_avoid_line_fires_its_label(text: str, label: str) -> None:
    assert label in found(text)


@pytest.mark.parametrize(
    ("text", "doctrine_id"),
    [
        ("I understand. Now, who else is in the house?", "empty_understanding"),
        ("So what are your demands?", "soliciting_demands"),
        ("A helicopter? Never happening.", "dismissing_demand"),
        ("Why did you bring a gun?", "why_question"),
        ("When will you surrender the hostages?", "trigger_word"),
        ("You're not going to shoot anyone, tough guy.", "face_attack"),
        ("I'm the lieutenant; I can approve that.", "claiming_authority"),
        ("I'm just someone who cares.", "hiding_identity"),
        ("We can have a car out front in an hour.", "unrequested_concession"),
    ],
)
def test_other_avoid_names_the_doctrine_id(text: str, doctrine_id: str) -> None:
    detail = found(text)["other_avoid"]
    assert doctrine_id in str(detail["doctrine_ids"]).split(",")


@pytest.mark.parametrize(
    "text",
    [
        "Help me understand what getting that would fix for you.",
        "That's not something I can promise. Let me see what's possible — meanwhile, where would you want to go?",
        "Nobody out here wants anyone hurt, including you.",
        "We've got time. Nobody's rushing you.",
        "I've passed that up the line. Here's what I can confirm right now.",
        "This feels like the worst day of your life.",
        "Sounds like you've been carrying this alone for a long time.",
        "What was going through your mind when you brought the gun?",
        "How do we get everyone out safely, you included?",
        "I don't make that call, but I'll fight to get you an answer.",
        "I'm Sam, with the police negotiation team.",
        "I'll push for that. What can you do so my boss says yes — can the older man come out?",
    ],
)
def test_better_line_fires_nothing(text: str) -> None:
    assert found(text) == {}


def test_a_bare_no_after_a_demand_is_a_flat_no_but_not_after_small_talk() -> None:
    assert "flat_no" in found("No. Let's talk about something else.", previous="I want a car out front.")
    assert "flat_no" not in found("No. Let's talk about something else.", previous="Did you eat today?")


def test_mirroring_a_suicidal_statement_is_flagged() -> None:
    detail = found("Don't want to be here anymore?", previous="I don't want to be here anymore.")["other_avoid"]
    assert detail["doctrine_id"] == "mirroring_death_talk"


def test_an_ultimatum_also_sets_a_deadline() -> None:
    assert {"ultimatum", "deadline_setting"} <= found("You have ten minutes to come out. Last chance.").keys()


# Cross-writer regressions (eval/data/indomain_crosswriter.md): another writer's wording of the same behaviours.


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("A reporter in there? Be serious.", "arguing"),
        ("You're being an idiot, mate.", "arguing"),
        ("That's never going to happen.", "flat_no"),
        ("There is no way the council is doing that.", "flat_no"),
        ("If you don't send her out in the next ten minutes, we're done talking.", "ultimatum"),
        ("This is your final chance.", "ultimatum"),
        ("We'll come through that door if she gets hurt.", "threat"),
        ("I'll call you back in twenty minutes.", "deadline_setting"),
        ("It will be on air within the hour.", "deadline_setting"),
        ("Everything's going to be fine, it'll all blow over.", "minimizing"),
    ],
)
def test_other_wordings_of_avoid_behaviours_fire_their_label(text: str, label: str) -> None:
    assert label in found(text)


def test_no_and_the_item_after_a_demand_is_a_flat_no() -> None:
    assert "flat_no" in found("No van.", previous="I want a van out back.")
    assert "flat_no" not in found("No problem.", previous="I want a van out back.")


def test_i_swear_as_an_afterthought_is_not_a_promise_but_a_sworn_outcome_is() -> None:
    assert "false_promise" not in found("I'm doing my best, I swear.")
    assert "false_promise" in found("I swear on my kids, nobody will touch you.")


def test_three_fact_questions_in_one_turn_are_interrogation() -> None:
    detail = found("How many are in there? What kind of gun? Where are you standing?")["other_avoid"]
    assert "interrogation" in str(detail["doctrine_ids"])


def test_texted_why_questions_and_the_word_deadline_are_other_avoid() -> None:
    assert found("why would u do that")["other_avoid"]["doctrine_id"] == "why_question"
    assert found("Let's talk about the deadline.")["other_avoid"]["doctrine_id"] == "trigger_word"


# Wordings a trainer found unflagged in avoid 0.8.2, and others of the same behaviours written from avoid.md's
# markers (not from eval/data). Each must fire its label (or its doctrine id under other_avoid); each look-alike
# nothing.


@pytest.mark.parametrize(
    "text",
    [
        "We'll kill you if you hurt anyone.",
        "Hurt her and you're a dead man.",
        "If anything happens to them, you'll spend the rest of your life in prison.",
        "They're going to shoot you if you come out with that.",
        "The snipers will shoot you.",
        "You'll be sorry if you hurt anyone.",
        "Come out now or the dogs go in.",
    ],
)
def test_a_harm_voiced_at_him_is_a_threat(text: str) -> None:
    assert "threat" in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm not going to let anyone hurt you.",
        "We won't come in.",
        "Nobody's going to shoot you.",
        "The officers won't shoot while we're talking.",
        "Are you asking us to kill you?",
        "Are you afraid they'll shoot you?",
        "He said he'd kill you if you left.",
        "Sounds like people put you down all your life.",
    ],
)
def test_reassurance_and_questions_about_harm_are_not_threats(text: str) -> None:
    assert found(text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Shut up and listen to me.",
        "Just shut up for a second.",
        "Stop being such a baby.",
        "Stop crying like a little kid.",
        "You're acting like a child.",
        "Grow up.",
        "Quit whining.",
        "You don't have the guts.",
        "You haven't got the nerve.",
        "Go on then, do it.",
        "I don't have time for this.",
        "I haven't got all day.",
        "You're wasting my time.",
    ],
)
def test_talking_down_to_him_is_a_face_attack(text: str) -> None:
    assert "face_attack" in str(found(text)["other_avoid"]["doctrine_ids"]).split(",")


@pytest.mark.parametrize(
    "text",
    [
        "Take your time.",
        "Sounds like you're sick of being told to grow up.",
        "Who told you that you don't have the guts?",
        "That took guts.",
        "Go ahead, I'm listening.",
        "You're not wasting my time.",
        "It sounds like you're in a hurry.",
        "I've got all the time you need.",
        "We've got time. Nobody's rushing you.",
        "It's okay to cry.",
        "I felt like a kid again when he called.",
        "What's going on in there right now?",
        # a suicide question asked hesitantly, not a dare (the TRAIN debrief coaches it as hedged)
        "You're not going to do anything silly, are you?",
        "You're not going to hurt anyone, are you?",
    ],
)
def test_lookalikes_of_talking_down_are_not_face_attacks(text: str) -> None:
    assert found(text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "Let me tell you about my own divorce, it was a nightmare.",
        "Let me tell you about me, I went through the same thing.",
        "Let me tell you a story about myself.",
        "That reminds me of when I lost my job, I was a mess for months.",
    ],
)
def test_announcing_a_story_about_oneself_is_self_focus(text: str) -> None:
    assert "self_focus" in str(found(text)["other_avoid"]["doctrine_ids"]).split(",")


@pytest.mark.parametrize(
    "text",
    [
        "Let me tell you what I can do.",
        "Let me tell you what I heard.",
        "Let me tell you about my role: I pass your words to the people who decide.",
        "I've been through a split too. What's been hardest for you?",
    ],
)
def test_telling_him_what_we_can_do_or_a_disclosure_handed_back_is_not_self_focus(text: str) -> None:
    assert found(text) == {}


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Come on, be realistic.", "arguing"),
        ("You're exaggerating.", "arguing"),
        ("You brought this on yourself.", "arguing"),
        ("That doesn't make any sense.", "arguing"),
        ("The answer is no.", "flat_no"),
        ("That's a no.", "flat_no"),
        ("You can forget about the plane.", "flat_no"),
        ("Time's up.", "ultimatum"),
        ("I'm giving you until ten o'clock to let them go.", "ultimatum"),
        ("Come out by six or we come in.", "ultimatum"),
        ("You won't be charged.", "false_promise"),
        ("Nobody's going to press charges.", "false_promise"),
        ("It's not the end of the world.", "minimizing"),
        ("Lots of people have it worse.", "minimizing"),
        ("Take it easy, it's just money.", "minimizing"),
        ("You're overreacting.", "minimizing"),
    ],
)
def test_more_common_wordings_fire_their_label(text: str, label: str) -> None:
    assert label in found(text)


@pytest.mark.parametrize(
    ("text", "doctrine_id"),
    [
        ("I know exactly how you feel.", "empty_understanding"),
        ("I totally understand.", "empty_understanding"),
        ("Believe me, I understand.", "empty_understanding"),
        ("Tell me your demands.", "soliciting_demands"),
        ("Dream on.", "dismissing_demand"),
        ("Not in a million years.", "dismissing_demand"),
        ("I'm the one in charge here.", "claiming_authority"),
        ("I'm calling the shots.", "claiming_authority"),
        ("It's my decision.", "claiming_authority"),
        ("Who I am doesn't matter.", "hiding_identity"),
        ("Don't worry about who I am.", "hiding_identity"),
        ("Just talk to me.", "contested_stock_phrase"),
    ],
)
def test_more_common_wordings_name_their_doctrine_id(text: str, doctrine_id: str) -> None:
    assert doctrine_id in str(found(text)["other_avoid"]["doctrine_ids"]).split(",")


def test_worry_about_who_i_am_is_hiding_identity_not_minimizing() -> None:
    assert "minimizing" not in found("Don't worry about who I am.")


@pytest.mark.parametrize(
    "text",
    [
        "It's not my call.",
        "It's not my decision, but I'll push for it.",
        "I'm not in charge, but I'll push for you.",
        "I can't promise you won't be charged.",
        "No rush.",
    ],
)
def test_lookalikes_of_the_other_wordings_fire_nothing(text: str) -> None:
    assert found(text) == {}


def full_mode(text: str) -> set[str]:
    turn = Turn(text=text, side="negotiator")
    return {a.label for a in AvoidAnalyzer().analyze(turn, Context())}


@pytest.mark.integration
@pytest.mark.parametrize(
    "text",
    [
        "This is your last chance.",  # avoid.md's marker: the model (which decides ultimatum) scored it ~0
        "Last chance. Let them go.",
        "This is our final offer.",
        "You have five minutes to come out or we come in.",
        "You've got ten minutes to let them go.",  # avoid.md's Avoid line (the model keeps it on its own)
    ],
)
def test_plain_ultimatums_stay_ultimatums_when_the_model_decides(text: str) -> None:
    assert {"ultimatum", "deadline_setting"} <= full_mode(text)


@pytest.mark.integration
@pytest.mark.parametrize(
    "text",
    [
        "Sounds like you're afraid this is the last chance.",  # a reflection of his words, not our ultimatum
        "You got a minute to talk?",
    ],
)
def test_a_last_chance_he_fears_or_a_minute_asked_for_is_no_ultimatum_in_full_mode(text: str) -> None:
    assert "ultimatum" not in full_mode(text)


def in_window(text: str, *earlier: str) -> list[str]:
    """The doctrine ids of a negotiator turn after his ``earlier`` turns (each answered by a listening line)."""
    window = tuple(
        t for said in earlier for t in (Turn(text=said, side="subject"), Turn(text="Okay.", side="negotiator"))
    )
    anns = AvoidAnalyzer(use_model=False).analyze(Turn(text=text, side="negotiator"), Context(window=window))
    return [i for a in anns if a.label == "other_avoid" for i in str(a.detail["doctrine_ids"]).split(",")]


@pytest.mark.parametrize(
    "text",
    [
        "I can get you a car.",
        "I could get a reporter down here for you.",
        "We'll bring your wife to the phone.",
        "We can give you some money, Ray.",
        # 0.11.0: the wordings the advisor's own regex had, now that its card rests on this rule
        "Let me get you a car.",
        "How about I bring your wife down here?",
        "Do you want me to call your sister?",
        "We'll send in a car.",
    ],
)
def test_a_substantive_item_offered_unasked_and_for_nothing_is_an_unrequested_concession(text: str) -> None:
    assert "unrequested_concession" in in_window(text, "Everybody's fine in here.", "I'm not talking to the cops.")


@pytest.mark.parametrize(
    ("text", "earlier"),
    [
        ("If you let the older man come out, I can get you the car.", ()),  # traded for a person
        ("I'll ask about the car you wanted.", ("I want a car out front.",)),  # he asked; only asking upstairs
        ("I can get you the car.", ("I want a car out front. Full tank.", "And nobody follows me.")),
        ("We can have a car out front.", ("Get me a ride out of here.",)),  # a ride is what a car gives
        ("We'll have the two million by Friday.", ("Her mother can thank me with the money.",)),
        ("I can get you a coffee.", ()),  # small goodwill, not a substantive item
        ("We can get you out of there safely.", ()),
        ("Do you want me to repeat that?", ()),
        ("Let me get you through this.", ()),
        ("I'll get the car request to my boss.", ()),
        ("I can get a message to your wife.", ()),
        ("I'll get a car to her right now. What's the address?", ("Somebody by her house, then I come out.",)),
    ],
)
def test_an_item_he_asked_for_or_one_traded_or_not_offered_to_him_is_no_unrequested_concession(
    text: str, earlier: tuple[str, ...]
) -> None:
    assert "unrequested_concession" not in in_window(text, *earlier)
