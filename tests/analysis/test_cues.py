"""Cue rules: threats, suicide cues, deadlines, demands and weapons in subject turns (indicators.md)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.cues import CueAnalyzer, cue_labels, ledger_item, wishes_harm
from talkdown.domain.annotations import Annotation

T0 = datetime(2024, 5, 1, 14, 10, tzinfo=UTC)


def cues(text: str, previous: str | None = None, at: datetime | None = T0) -> dict[str, Annotation]:
    window = (Turn(text=previous, side="negotiator"),) if previous else ()
    turn = Turn(text=text, side="subject", at=at)
    return {a.label: a for a in CueAnalyzer(use_model=False).analyze(turn, Context(window=window))}


def test_a_conditional_threat_to_a_hostage_names_its_target() -> None:
    threat = cues("If anybody comes through that door, she's dead.")["threat"]
    assert threat.detail == {"conditional": True, "target": "hostage"}


def test_a_threat_against_officers_is_aimed_at_police() -> None:
    assert cues("I'll shoot the first cop who walks in.")["threat"].detail["target"] == "police"


def test_the_next_sentence_does_not_name_a_threats_target() -> None:
    # "You" opens the next sentence: the threat names "her", not the police of its condition
    assert cues("If the cops come in I'll shoot her. You have until 6pm.")["threat"].detail["target"] == "hostage"
    assert cues("I'll shoot you. Get me a car.")["threat"].detail["target"] == "police"


def test_a_negated_harm_is_not_a_threat() -> None:
    assert "threat" not in cues("I'm not going to shoot at you guys.")


@pytest.mark.parametrize(
    "text",
    [
        "I haven't said she dies.",
        "I havent said she dies",
        "He doesn't mean she dies.",
        "We aren't saying she dies.",
        "I wasn't saying she dies.",
        "I haven't said you'll regret it.",
    ],
)
def test_every_nt_negates_the_harm_after_it(text: str) -> None:
    # cues 0.31.1: NEGATION read "don't", "isn't", "won't" and a few more, but not "haven't", "doesn't", "aren't"
    assert "threat" not in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "If you don't call I'll shoot him.",
        "If he isn't here I'll kill her.",
        "If the money isn't here she's dead.",
        "If she doesn't call I'll shoot him.",
        "If they aren't gone I start shooting.",
        "I don't know if I'll kill him.",
        "I haven't decided if I'll kill him.",
        "He's lucky I haven't done worse.",
    ],
)
def test_a_negation_in_the_condition_or_the_doubt_before_a_harm_leaves_the_threat(text: str) -> None:
    # the negation is the condition's ("if he isn't here") or the doubt's ("I don't know if"), not the harm's; until
    # cues 0.31.1 a "don't" or "isn't" there dropped the threat, and the wider NEGATION would have dropped the rest
    assert "threat" in cues(text)


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
    assert "suicide_cue" in cues("Let them shoot me.")
    assert "suicide_cue" in cues("If they come in they'll have to kill me.")
    assert "suicide_cue" in cues("Yeah.", previous="Are you going to jump?")
    assert "suicide_cue" not in cues("Yeah.", previous="Did you jump the queue?")  # a jump is not always off a ledge


def test_a_deadline_resolves_against_the_time_it_was_said() -> None:
    deadline = cues("You have thirty minutes or this gets ugly.")["deadline"]
    assert deadline.detail["due_at"] == "2024-05-01T14:40:00+00:00"
    assert deadline.detail["expression"] == "You have thirty minutes"


@pytest.mark.parametrize(
    ("text", "expression", "due_at"),
    [
        # said at 14:10: the next 9:30, as "until nine" is 21:00 (cues 0.20.2; was 09:30 the next morning)
        ("I start shooting at 9:30.", "I start shooting at 9:30", "2024-05-01T21:30:00+00:00"),
        ("Give me the plane by tomorrow morning.", "by tomorrow morning", None),
        ("I want the bus by 9 tomorrow morning.", "by 9 tomorrow morning", "2024-05-02T09:00:00+00:00"),
    ],
)
def test_a_deadline_after_its_consequence_or_on_another_day_is_found(
    text: str, expression: str, due_at: str | None
) -> None:
    deadline = cues(text)["deadline"]
    assert deadline.detail == {"expression": expression, "due_at": due_at}


@pytest.mark.parametrize(
    ("text", "expression"),
    [
        # The pattern reaches 25 characters past "until": the expression and the evidence the board highlights read
        # "You have until nine or I'll shoot the ma", the consequence and half a word with the time.
        ("You have until nine or I'll shoot the manager.", "You have until nine"),
        ("You've got till midnight, otherwise she's gone.", "You've got till midnight"),
        ("They have until noon and then I start.", "They have until noon"),
        ("You have until 9:30 - then it's over.", "You have until 9:30"),
        ("You have until the end of the afternoon shift to get it here.", "You have until the end of the afternoon"),
        ("You have until just before nine.", "You have until just before nine"),
    ],
)
def test_a_deadlines_words_stop_at_its_time_not_in_the_consequence_or_mid_word(text: str, expression: str) -> None:
    deadline = cues(text)["deadline"]
    assert deadline.detail["expression"] == expression
    (span,) = deadline.evidence
    assert text[span.start : span.end] == expression


def test_a_plan_for_tomorrow_or_a_past_start_is_no_deadline() -> None:
    for text in ("I'm staying in here till tomorrow.", "I started drinking at 9.", "I start work at 9 tomorrow."):
        assert "deadline" not in cues(text), text


def test_an_unresolvable_deadline_keeps_its_words_and_no_time() -> None:
    deadline = cues("I want the car before sunrise or else.")["deadline"]
    assert deadline.detail["due_at"] is None


def test_a_demand_carries_the_item() -> None:
    assert "car" in str(cues("I want a car out front with a full tank.")["demand"].detail["item"])


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("You have until 6pm to get me a car.", "a car"),  # found by its wording; the item is what "get" names
        ("Tell them to send a helicopter.", "a helicopter"),
        ("Get me a car.", "a car"),  # not "me a car"
        ("Can you get me some cigarettes?", "some cigarettes"),
        ("Nobody comes near the door.", "Nobody comes near the door"),  # no thing given: the request's own words
    ],
)
def test_a_demand_names_the_thing_asked_for(text: str, item: str) -> None:
    assert cues(text)["demand"].detail["item"] == item


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


# --- writer-3 generalisation (cues 0.3.0): new wordings, not the data's sentences ----------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "The teller's okay. For now.",
        "If your team rushes us, the cashier pays for their mistake.",
        "Open that gate and this whole warehouse goes up.",
        "Everybody on this train goes with me.",
        "What do you think happens to the driver if I see a sniper?",
        "You think I won't use the crowbar?",
        "First cop through the window eats a bullet.",
        "Be a real shame if the old guy got hurt, wouldn't it.",
        "After nine I'm done asking nicely.",
        "Keep your people back and you'll find out.",
        "He better watch his mouth.",
        "Long as nobody climbs the fence, the kids stay safe.",
    ],
)
def test_implied_threats_in_more_words_are_threats(text: str) -> None:
    assert "threat" in cues(text)


def test_not_yet_answering_a_question_about_harm_is_a_threat() -> None:
    assert "threat" in cues("Not yet.", previous="Has anybody been hurt in there?")
    assert "threat" not in cues("Not yet.", previous="Have you eaten anything today?")


def test_a_turn_read_alone_first_is_still_read_with_the_question_before_it() -> None:
    # avoid and the stairway read a subject turn without context (cue_labels) before the cue analyser does;
    # the cache must keep the two readings apart
    assert cue_labels("Not yet, anyway.") == frozenset()
    assert cue_labels("Maybe. Sometimes.") == frozenset()
    assert "threat" in cues("Not yet, anyway.", previous="Is anyone in there hurt?")
    assert "suicide_cue" in cues("Maybe. Sometimes.", previous="Are you thinking of ending your life?")


@pytest.mark.parametrize(
    "text",
    [
        "Back in college I told my roommate I'd kill him if he touched my stuff.",
        "My battery is dying so if I cut out, call back.",
    ],
)
def test_old_reported_threats_and_cut_out_are_not_threats(text: str) -> None:
    assert "threat" not in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "I swallowed most of the bottle an hour ago.",
        "im such a waste of space honestly",
        "Tell Dad I tried, okay?",
        "Nobody would even notice if I was gone.",
        "I cut again last night.",
        "I'm not scared of dying anymore.",
        "Tell the snipers to aim for my chest.",
        "Tonight I'm going out big.",
        "I'll be with her again soon.",
        "The kids will be better without me.",
        "I'm so tired of everything.",
        "My nephew gets the motorbike, it's all written down.",
    ],
)
def test_more_suicide_cues_are_found(text: str) -> None:
    assert "suicide_cue" in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm afraid they're going to shoot me if I walk out.",
        "My mum said she'd kill me if I crashed her car.",
        "He wants to kill me, he said so on the phone.",
        "She is going to shoot me if I open that door.",
        "Okay, I'm coming out. Don't let them shoot me.",
        # someone else would do it: a fear or a figure of speech (cues 0.26.4)
        "The wife'll kill me for saying it, but her mother's a witch.",
        "He'd kill me if his hands were free.",
        "If I go back, they kill me. The militia took my brother.",
        "My boss will kill me if I bring this number.",
        "We wrote letters to the council for a year.",
        "I wrote a letter to the council about the damp.",  # cues 0.26.11
        # a grievance: the authority it went to, or the years it took (cues 0.29.1)
        "I wrote letters to my MP for two years.",
        "I've written letters to my congressman. Nothing.",
        "Three years I wrote letters.",
        "I left notes for my landlord about the boiler.",
    ],
)
def test_fear_of_being_shot_reports_and_complaint_letters_are_not_suicide_cues(text: str) -> None:
    assert "suicide_cue" not in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "I wrote letters to my kids.",
        "I've written letters for everyone.",
        "I wrote my kids a letter.",
        "I left a note for my wife. The council can sort out the rest.",  # the council in another sentence
    ],
)
def test_letters_left_for_his_own_people_stay_final_arrangements(text: str) -> None:
    assert cues(text)["suicide_cue"].detail["clue"] == "final_arrangements"


@pytest.mark.parametrize(
    "text",
    ["Nothing's going to fix this. So don't bother.", "Same. Nothing's going to get better.", "Nothings gonna change."],
)
def test_hopelessness_with_nothings_is_a_suicide_cue(text: str) -> None:
    # "Nothing's" has no space before the "s": the rule wanted "nothing 's" (cues 0.26.11)
    assert "suicide_cue" in cues(text)


@pytest.mark.parametrize(
    "text",
    ["Nothing is going to change my mind.", "Nothing will change my mind.", "Nothing's gonna change my mind, Sarge."],
)
def test_nothing_will_change_my_mind_is_resolve_not_hopelessness(text: str) -> None:
    assert "suicide_cue" not in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        # hopelessness (the TRAIN simulator's teenager says the first)
        "It's never going to stop. Screenshots last forever.",
        "Everyone says it gets better. It doesn't get better though, does it.",
        "There's no version of this that gets better.",
        "I'm tired of being here. Not sleepy tired.",
        # others better off with him gone
        "They'd all breathe easier if I wasn't in the house.",
        "I'm a liability. Every day I cost them more.",
        "Honestly I'd be doing everybody a favour.",
        # final arrangements and possessions
        "I wrote my son a letter. It's in the post.",
        "I've left a letter on the dresser with the deeds.",
        "Sent my brother the PIN for my phone an hour ago.",
        "There's a policy. It pays out. That's the one thing I can still do for them.",
        "The tractor goes to the Hendricks boy.",
        "Give my cat to Mia.",
        "Somebody needs to take the dog.",
        # goodbyes and a life closed
        "I texted my mum sorry. So that's done.",
        "I just want to see them one more time.",
        "I've had a good innings. I've made my peace.",
        # a time after which nothing matters
        "Call me whatever you want. Won't matter much longer.",
        "I'll not be seeing the morning.",
        "There's no after for me really, is there.",
        # suicide by cop
        "At midnight I'm walking out that door with the gun up. Your guys can decide.",
        "When the sun comes up I'm walking at them.",
        # plan and means
        "Got the engine running. Door's shut.",
        "Rope's over the beam. It holds.",
        "Me legs are over the rail now.",
        "If anyone grabs me I'm going over.",
        "I've got my nan's tablets here. Been saving them.",
        "The next train's at 10:42. I checked.",
        "the 23:40 comes through here. it doesnt stop",
        "I've swallowed all of them. Don't come up.",
        # more of each kind
        "Every day's the same and it just keeps getting worse.",
        "I've got nothing to go home to.",
        "I'm just a mess everyone has to clean up after.",
        "If anything happens, make sure my sister takes her.",
        "After tomorrow none of it will be my concern.",
        "Send your guys in. Tell them to shoot straight.",
        "I'm not getting off this bus alive anyway.",
        "If they send me back, better I finish here, by my own hand.",
    ],
)
def test_indirect_suicide_cues_of_every_doctrine_kind_are_found(text: str) -> None:
    # cues 0.27.0: the kinds indicators.md lists, in wordings the training sets' misses repeated
    assert "suicide_cue" in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        # the brief's hard negatives: the talks, the weather, the phone call, the wait, his resolve
        "This is never going to work.",
        "It never stops raining",
        "I'm done with this phone call",
        "I'm tired of waiting",
        "Nothing's going to change my mind",
        # surrender, a demand, a hostage's welfare, a threat to someone else
        "I'll walk out with my hands up.",
        "I'm walking towards you now, hands up.",
        "I'll come out on my own terms.",
        "Get me on the next train to London.",
        "She needs her mum's pills.",
        "She won't see the morning if you come in.",
        "He's not going to be around for long.",
        "Someone needs to take the blame for this.",
        "If I hear that one more time I'll scream.",
        "Give the car keys to the officer.",
        "It doesn't get better than this.",
        "The car has gone to the garage.",
        "I wrote a letter to the council about the damp.",
        "You can do what you want, I'm not giving up the gun.",
        "I have a clear view of the street from here.",
        "I cut my arm on the glass getting in.",
        "I need a car. Clean one, no trackers.",
    ],
)
def test_talk_about_the_siege_the_weather_or_a_hostage_is_no_indirect_suicide_cue(text: str) -> None:
    assert "suicide_cue" not in cues(text)


@pytest.mark.parametrize(
    ("asked", "answer"),
    [
        ("Are you thinking about killing yourself?", "ye"),
        ("are u thinking of killing urself", "ya. tonight."),
        ("Are you thinking about ending your life today?", "I'm thinkin' on it. Been thinkin' on it since Tuesday."),
        ("Are you thinking about killing yourself, Davey?", "I dunno. Maybe. I've had a few."),
        ("Are you thinking about using the gun on yourself?", "Yeah."),
        ("Are you thinking about dying tonight?", "Yes."),
        ("Are you planning to go in front of the train?", "Yes."),
        ("When you say she'd be better off, are you thinking about ending your life?", "I haven't decided."),
        ("Are you thinking about going over the edge?", "Crossed my mind."),
    ],
)
def test_a_texted_hedged_or_thinking_yes_to_a_direct_suicide_question_is_a_suicide_cue(asked: str, answer: str) -> None:
    # indicators.md: ask directly; the answer is the cue, in whatever words it comes (cues 0.27.0)
    assert cues(answer, previous=asked)["suicide_cue"].detail["kind"] == "answer_to_direct_question"


@pytest.mark.parametrize(
    ("asked", "answer"),
    [
        ("Are you being hard on yourself?", "Yeah."),
        ("Are you taking your tablets, Mr Hollis?", "Yes."),
        ("Are you thinking about killing yourself?", "No. I dunno. Maybe I just want a smoke."),
    ],
)
def test_a_yes_to_another_question_or_a_no_is_no_suicide_cue(asked: str, answer: str) -> None:
    assert "suicide_cue" not in cues(answer, previous=asked)


@pytest.mark.parametrize(
    "text",
    [
        "She needs her inhaler in the next hour.",
        "Get the pastor here within thirty minutes.",
        "Every hour the money isn't here, I hurt someone.",
        "Hurry up. Fifty minutes. Forty-nine.",
        "At 4:15 I start making choices.",
        "Twenty more minutes and I start shooting.",
        "He has until sundown to call me.",
        "u got 15 min",
    ],
)
def test_more_deadline_forms_are_deadlines(text: str) -> None:
    assert "deadline" in cues(text)


@pytest.mark.parametrize(
    "text",
    ["The match kicks off at seven and I'm watching it.", "My shift used to start at six."],
)
def test_times_that_are_not_limits_are_not_deadlines(text: str) -> None:
    assert "deadline" not in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "Stop texting me.",
        "Get Marcus on the phone.",
        "Where's my lawyer?",
        "Has anyone called my mother?",
        "Some blankets would be nice.",
        "I'd like a priest.",
        "Nobody leaves this room until the mayor apologises.",
        "I want the eviction cancelled.",
        "Tell the officers by the van to step back.",
        "1 a pack of cigarettes",
    ],
)
def test_more_demand_forms_are_demands(text: str) -> None:
    assert "demand" in cues(text)


@pytest.mark.parametrize(
    "text",
    ["I know where the party is.", "I need an hour to think.", "I saw a film where the hero wins."],
)
def test_statements_with_where_or_a_duration_are_not_demands(text: str) -> None:
    assert "demand" not in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm strapped, so don't try it.",
        "Got my brother's piece right here.",
        "I took my dad's thing from the glovebox.",
    ],
)
def test_oblique_weapons_are_weapons(text: str) -> None:
    assert "weapon" in cues(text)


@pytest.mark.parametrize(
    "text", ["I sold my rifle last spring.", "There's a toy gun in the yard, it's my son's BB gun."]
)
def test_sold_and_toy_guns_are_not_weapons(text: str) -> None:
    assert "weapon" not in cues(text)


# --- writers 4 and 5 generalisation (cues 0.6.0): new wordings, not the data's sentences ----------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Get the van out front, or I start shooting.",
        "Half a million by Friday or you bury her.",
        "Pay up or the next photo you get is a lot worse.",
        "Any trooper on that stairwell gets a load of buckshot.",
        "One more siren and the driver loses a finger.",
        "If the cameras come on, I can't be responsible for what happens.",
        "After midnight I'm done being reasonable.",
        "Whether the clerk keeps breathing is up to you.",
        "Try the back door and I'm taking the manager with me.",
        "I know where your supervisor lives.",
        "If we see a helicopter over the farm, the guard stays here forever.",
        "Think I'm bluffing? Keep stalling.",
        "You want her back in one piece, you listen.",
        "Don't make me prove it.",
        "Long as nobody out there gets clever, the cook stays fine.",
        "Rosalind pays for this, not me.",
    ],
)
def test_threats_named_by_their_consequence_are_threats(text: str) -> None:
    assert "threat" in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "Either we order pizza or I start cooking.",
        "She lost a finger in a lawnmower accident years ago.",
        "Whether it rains tomorrow is up to the weather.",
        "I can't be responsible for what my cousin posts online.",
        "Let's stop being so polite and just talk.",
        "I push the button for the lift and nothing happens.",
        "This heat is killing me.",
    ],
)
def test_everyday_ultimatums_idioms_and_past_events_are_not_threats(text: str) -> None:
    assert "threat" not in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "My boys are better off. Honestly.",
        "I'm just in the way of everyone.",
        "It'd save the family the money, the insurance money I mean.",
        "Kelly can have the piano, I won't be needing it.",
        "I'd rather die in this cell than go back.",
        "Make sure my sister gets the dog.",
        "Tell them their dad loved them.",
        "Tell her I'm sorry.",
        "I've been looking up how many tablets it takes.",
        "Just tying up loose ends tonight.",
        "I'm done. I can't face another shift.",
        "Don't worry about me anymore.",
        "I don't trust myself with the pills tonight.",
        "Everything I built is gone. What's left to stay for?",
    ],
)
def test_burden_goodbyes_and_final_arrangements_are_suicide_cues(text: str) -> None:
    assert "suicide_cue" in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "She's better off at her gran's while the pipes get fixed.",
        "I gave my old bike to my nephew last summer.",
        "I'd rather go to the beach than sit here.",
        "I looked up how to fix the sink.",
        "I'm done with my shift at six.",
        "I'm dying for a smoke.",
        "Every pill the doctor gives me makes me dizzy.",
    ],
)
def test_everyday_talk_of_the_same_words_is_not_a_suicide_cue(text: str) -> None:
    assert "suicide_cue" not in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "Give him till the news comes on.",
        "She's got until the bell rings.",
        "Twenty minutes.",
        "When this cigarette burns down, time's up.",
        "By suppertime, or forget it.",
        "Seven a.m., Ray.",
        "Not one minute after.",
        "Thirty minutes. Then I stop answering.",
    ],
)
def test_deadlines_as_events_clock_times_and_durations_are_deadlines(text: str) -> None:
    assert "deadline" in cues(text)


@pytest.mark.parametrize("text", ["Twenty minutes.", "Five o'clock."])
def test_a_time_answering_how_long_or_when_is_not_a_deadline(text: str) -> None:
    assert "deadline" not in cues(text, previous="How long have you been out there, and what time did you arrive?")


@pytest.mark.parametrize(
    "text",
    [
        "Could you get my brother on the line?",
        "Put Danny on.",
        "Here's what I want: a bus and a pilot.",
        "No cameras, no helicopters.",
        "Okay. Fifty grand, small bills.",
        "Tell the warden open the gate.",
        "You can send some sandwiches.",
    ],
)
def test_requests_without_i_want_are_demands(text: str) -> None:
    assert "demand" in cues(text)


@pytest.mark.parametrize("text", ["No cops were around when it happened.", "I'm not talking to no SWAT."])
def test_no_police_as_a_report_is_not_a_demand(text: str) -> None:
    assert "demand" not in cues(text)


def test_the_ar_is_a_gun_only_in_capitals() -> None:
    assert cues("I've got the AR right here.")["weapon"].detail == {"weapon": "gun"}
    assert "weapon" not in cues("We are here, the car is parked.")


# ---------------------------------------------------------------- the fine-tuned model (0.5)

SUICIDAL_RULES_MISS = "I do not want to be alive anymore, everything is pointless and I am tired."


def test_the_model_adds_a_suicide_cue_the_rules_miss() -> None:
    turn, ctx = Turn(text=SUICIDAL_RULES_MISS, side="subject"), Context()
    assert "suicide_cue" not in {a.label for a in CueAnalyzer(use_model=False).analyze(turn, ctx)}
    added = {a.label: a for a in CueAnalyzer().analyze(turn, ctx)}["suicide_cue"]
    assert added.detail == {"source": "model"}
    assert added.evidence[0].start == 0 and added.evidence[0].end == len(SUICIDAL_RULES_MISS)


@pytest.mark.parametrize(
    "text",
    [
        "If anybody comes through that door, she's dead.",
        "They'll all be better off without me.",
        "I want a car and two hundred thousand dollars by five o'clock.",
        "I've got a gun.",
        "I'm dying for a smoke.",
    ],
)
def test_rule_labels_are_kept_unchanged_when_the_model_is_on(text: str) -> None:
    turn, ctx = Turn(text=text, side="subject", at=T0), Context()
    rules = CueAnalyzer(use_model=False).analyze(turn, ctx)
    both = CueAnalyzer().analyze(turn, ctx)
    assert [(a.label, a.evidence, a.detail, a.score) for a in rules] == [
        (a.label, a.evidence, a.detail, a.score) for a in both if a.detail.get("source") != "model"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Make sure it isn't my daughter who finds me.",
        "No one needs to see this part.",
        "They'll cope better without me.",
        "I left my brother the passwords to everything.",
        "I'm going off the bridge.",
        "I only need one bullet.",
        "Just send your men in.",
        "I'm not doing another ten years.",
        "The medals are boxed for my grandson.",
        "The engine's been running for an hour.",
        "Nothing I do makes a difference.",
    ],
)
def test_final_arrangements_falls_and_invitations_to_the_police_are_suicide_cues(text: str) -> None:
    assert "suicide_cue" in cues(text)


@pytest.mark.parametrize(
    "text",
    ["I'll say goodbye to the city when I retire.", "Her mum can say goodbye at the gate.", "Don't send them in."],
)
def test_goodbyes_to_places_others_goodbyes_and_a_plea_not_to_come_in_are_not_suicide_cues(text: str) -> None:
    assert "suicide_cue" not in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "Call the police and he won't see tomorrow.",
        "Don't try to be a hero.",
        "She's safe as long as nobody comes up the stairs.",
        "You want this to go sideways?",
        "You'll get her back in pieces.",
    ],
)
def test_veiled_threats_in_other_words_are_threats(text: str) -> None:
    assert "threat" in cues(text)


def test_something_broken_to_pieces_is_not_a_threat() -> None:
    assert "threat" not in cues("The vase is in pieces and the dog is hiding.")


@pytest.mark.parametrize(
    "text", ["Nobody's coming out until my lawyer is here.", "You've got twenty minutes to move those trucks."]
)
def test_conditions_for_coming_out_and_tasks_against_the_clock_are_demands(text: str) -> None:
    assert "demand" in cues(text)


def test_time_to_think_is_not_a_demand() -> None:
    assert "demand" not in cues("You have ten minutes to think about it.")


def test_a_ransom_named_in_numbers_and_money_words_alone_is_judged_and_is_a_demand() -> None:
    found = cues("Fifty thousand dollars. Small bills.")
    assert "demand" in found and not found["demand"].low_confidence


@pytest.mark.parametrize(
    "text",
    [
        "She's okay while nobody touches the back door.",
        "I've got the rifle and I know how to use it.",
        "Her first, then me.",
        "Come up the path and I'll put one through your bonnet.",
        "Don't make me call his brother.",
    ],
)
def test_more_veiled_threats_are_threats(text: str) -> None:
    assert "threat" in cues(text)


@pytest.mark.parametrize("text", ["The pistol is only for me.", "Six shells and I only need one of them."])
def test_a_weapon_kept_for_himself_is_a_suicide_cue(text: str) -> None:
    assert "suicide_cue" in cues(text)


def test_not_yet_to_have_you_taken_something_is_a_suicide_cue() -> None:
    assert "suicide_cue" in cues("Not yet. They're on the sink.", previous="Have you taken anything tonight?")


@pytest.mark.parametrize("text", ["Go away.", "Stay on that side.", "Tell them not to shoot.", "ok. dont go yet"])
def test_keeping_police_away_or_on_the_line_is_a_demand(text: str) -> None:
    assert "demand" in cues(text)


def test_staying_where_he_is_is_not_a_demand() -> None:
    assert "demand" not in cues("I'll stay here tonight, I think.")


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("I want my kids brought here by noon or someone gets hurt.", "my kids brought here"),  # no deadline, no threat
        ("I want a car, a driver and no cops.", "a car, a driver and no cops"),
        ("Nobody's coming out until I talk to my wife.", "I talk to my wife"),  # not "I talk to my"
        # until 0.26.2 what he would do once he has it, and when he wants it, were read as the item
        ("Bring me my daughter, then we talk.", "my daughter"),
        ("Send the food first, then we see.", "the food first"),
        ("Get me a lawyer on the phone now.", "a lawyer on the phone"),
        ("Get Dr. Halloran up here NOW or this nurse is gonna regret it.", "Dr. Halloran up here"),
    ],
)
def test_a_demands_item_is_the_thing_without_what_follows_it(text: str, item: str) -> None:
    assert cues(text)["demand"].detail["item"] == item


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("Hey. Send in a six-pack an' I'll put her on.", "a six-pack"),
        ("Get me a pack of Reds an' I'll come out on the porch.", "a pack of Reds"),
        ("get me smokes n we'll talk", "smokes"),
        ("Bring a car & you can have her.", "a car"),
        ("I want a taxi out back an' no coppers in the yard.", "a taxi out back an' no coppers in the yard"),
    ],
)
def test_an_item_stops_at_and_as_he_says_it_before_a_clause_of_its_own(text: str, item: str) -> None:
    """An item stops at "an'", "n" and "&" before a clause with its own subject as at "and" (cues 0.29.3); a second
    thing joined by them stays in the item, as with "and"."""
    assert cues(text)["demand"].detail["item"] == item


def demands(text: str) -> list[Annotation]:
    turn = Turn(text=text, side="subject", at=T0)
    return [a for a in CueAnalyzer(use_model=False).analyze(turn, Context()) if a.label == "demand"]


@pytest.mark.parametrize(
    "text",
    [
        "I want cigarettes and food. And I want a car.",  # the trainers' line: the car was never heard
        "I want cigarettes and food, and I want a car.",  # one sentence: the item ran on into the second want
        "i want cigarettes and food and i want a car",
    ],
)
def test_demands_listed_one_after_another_are_each_their_own_demand(text: str) -> None:
    found = demands(text)
    assert [a.detail["item"] for a in found] == ["cigarettes and food", "a car"]
    assert [text[a.evidence[0].start : a.evidence[0].end] for a in found][1].endswith("want a car")


def test_a_want_and_a_get_in_two_sentences_are_two_demands_but_a_get_inside_a_want_is_one() -> None:
    assert [a.detail["item"] for a in demands("I want a car. Get me cigarettes.")] == ["a car", "cigarettes"]
    assert [a.detail["item"] for a in demands("I want you to get me a car.")] == ["you to get me a car"]
    assert [a.detail["item"] for a in demands("I need you to bring what we need.")] == ["you to bring what we need"]
    assert [a.detail["item"] for a in demands("Turn them off. Turn them off right now!")] == ["Turn them off"]


def demands_after(text: str, *before: tuple[str, str]) -> list[Annotation]:
    """The demand cues of his turn ``text`` after the window ``before`` ((side, text), oldest first)."""
    window = tuple(Turn(text=said, side="subject" if side == "S" else "negotiator") for side, said in before)
    turn = Turn(text=text, side="subject", at=T0)
    return [a for a in CueAnalyzer(use_model=False).analyze(turn, Context(window=window)) if a.label == "demand"]


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("And a car.", "a car"),
        ("Oh, and cigarettes.", "cigarettes"),
        ("Plus a phone charger.", "a phone charger"),
        ("And a reporter.", "a reporter"),  # a demand on its own until cues 0.22.0, whatever came before it
    ],
)
def test_a_fragment_adding_an_item_right_after_his_demand_is_a_demand_for_that_item(text: str, item: str) -> None:
    """The trainers' line, said in two turns: "I want cigarettes and food." then "And a car."; the car was heard
    with the connector as its item ("And a car"), "Oh, and cigarettes." not at all."""
    found = demands_after(text, ("S", "I want cigarettes and food."))
    assert [a.detail["item"] for a in found] == [item]
    assert text[found[0].evidence[0].start : found[0].evidence[0].end].endswith(item)
    # The negotiator may answer in between: the demand is still his last turn's.
    assert [a.detail["item"] for a in demands_after(text, ("S", "I want a pizza."), ("N", "Okay, I hear you."))] == [
        item
    ]


@pytest.mark.parametrize("text", ["And a car.", "Oh, and cigarettes.", "Plus a phone charger."])
def test_the_same_fragment_after_a_turn_with_no_demand_is_no_demand(text: str) -> None:
    assert demands_after(text, ("S", "I'm so tired of all this."), ("N", "Tell me about it.")) == []
    assert demands_after(text) == []


def test_a_demand_further_back_in_the_window_is_one_an_item_can_be_added_to() -> None:
    before = (
        ("S", "I want cigarettes and food."),
        ("N", "What else?"),
        ("S", "I don't know."),
        ("N", "Take your time."),
    )
    assert [a.detail["item"] for a in demands_after("And a car.", *before)] == ["a car"]
    assert [
        a.detail["item"] for a in demands_after("Plus cigarettes.", ("S", "I want food."), ("S", "And a car."))
    ] == ["cigarettes"]


@pytest.mark.parametrize("text", ["And a car drove past.", "And then the cops came.", "And my mom laughed."])
def test_a_story_going_on_after_his_demand_is_no_demand(text: str) -> None:
    assert demands_after(text, ("S", "I want cigarettes and food.")) == []


def test_an_item_added_in_the_same_turn_after_a_demand_is_its_own_demand() -> None:
    assert [a.detail["item"] for a in demands("I want cigarettes. And a car.")] == ["cigarettes", "a car"]
    assert [a.detail["item"] for a in demands("Then a pizza. And the car too.")] == ["Then a pizza", "the car"]
    assert [a.detail["item"] for a in demands("And a car. I want cigarettes.")] == ["cigarettes"]  # after it only


@pytest.mark.parametrize(
    ("text", "item"),
    [
        # the reviewer's: the item was the words the rule needed, "Get those"
        ("Get those cruisers off my street", "those cruisers off my street"),
        ("I know who you are. Get those cars off my street.", "those cars off my street"),
        # a verb fragment: the polite opener and the verb, not what is asked for
        ("Maybe. Yes. Can you call her?", "call her"),
        ("can you call my brother. hes 22. he'll know what to do", "call my brother"),
        ("Can you get Dr. Feld on the phone? He doesn't think I'm crazy.", "Dr. Feld on the phone"),  # not "Dr"
        ("Don't come any closer. I've got my dad's pistol.", "Don't come any closer"),
        ("Send them in.", "Send them in"),  # "them in" names nothing: the verb stays
        ("Would you tell him to go home to his own wife.", "tell him to go home to his own wife"),
        ("You get her when the money's counted.", "get her"),  # not "her"
        # a time: "got"/"have" was left of "you have until ... to ..."
        ("ok. u got till 10 to sort it or im not doing nothing", "sort it"),
        ("Good. You have until tonight at eleven to do the first withdrawal.", "do the first withdrawal"),
        ("Yeah, and you got fifteen minutes to get a car to the alley. Fifteen!", "a car"),
        (  # not "our faces": "till ... to" is no time given unless he has it
            "I've sat him down, and he's going to listen to every one of us till he says sorry to our faces.",
            "he's going to listen to every one of us",
        ),
        # the sentence end the match opened on, a word cut in the middle
        ("He's alright while you behave. Two hundred thousand. Dollars, not local.", "Two hundred thousand"),
        ("12 years in this flat. kids grew up here.", "12 years in this flat"),
        # a list's opener is no item (its items: test_each_item_of_a_counted_list_is_a_demand_of_its_own)
        ("Here's what we want. One, hot food, real food, not the slop.", "hot food"),
        ("1 food for 1 firewood isn't a good trade for me.", "1 food for 1 firewood isn't a good trade"),  # no marker
        ("It was. So here's what we want. Hearings back on, in writing.", "Hearings back on"),
    ],
)
def test_a_request_found_by_its_wording_names_the_clause_it_asks_for(text: str, item: str) -> None:
    """Until cues 0.23.0 the item of a request found by its wording was the pattern's match, so the board offered
    "D: Get those", "D: Can you call", "D: got" or "D: . Two hundred thousand."."""
    assert [a.detail["item"] for a in demands(text)] == [item]


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("You send the coffee, he walks.", "the coffee"),  # the consequence after a comma
        ("Bring the money and you will hear him.", "the money"),  # ... after "and you will"
        ("Bring me a six-pack and I'll think about it.", "a six-pack"),
        ("Release my brother from county jail and I let these people go.", "my brother from county jail"),
        ("And I want the helicopter gone, it's making me crazy.", "the helicopter gone"),
        ("Tell the cops to shut it down if you want her back.", "Tell the cops to shut it down"),
        # cut at about ten words, where the phrase ends (until 0.26.8 "... to look me", the ten words less "in")
        (
            "I want somebody from the bank down here to look me in the eye.",
            "somebody from the bank down here to look me in the eye",
        ),
        ("I want a car and I want the oxy out of that safe, and if she won't.", "the oxy out of that safe"),
    ],
)
def test_an_item_stops_where_what_follows_it_begins(text: str, item: str) -> None:
    assert [a.detail["item"] for a in demands(text)][-1] == item


def test_an_item_that_names_nothing_on_its_own_keeps_its_verb() -> None:
    assert [a.detail["item"] for a in demands("Call them. Call the president.")] == ["Call them", "the president"]
    assert [a.detail["item"] for a in demands("Turn it off. Turn it off, it's reading me.")] == ["Turn it off"]


def test_an_item_added_by_a_fragment_is_what_is_wanted_not_who_wants_it() -> None:
    """The reviewer's: "And passengers want water." after a demand gave "passengers want water"."""
    found = demands_after("And passengers want water.", ("S", "I want a bus and a driver."))
    assert [a.detail["item"] for a in found] == ["water"]


@pytest.mark.parametrize(
    ("text", "items"),
    [
        # the reviewer's: "three" was the item, and the list was lost
        (
            "Our demands are three. A bus to the airport, a million dollars, and nobody follows us.",
            ["A bus to the airport", "a million dollars", "nobody follows us"],
        ),
        ("I have two demands: food and a phone.", ["food", "a phone"]),  # no demand at all until 0.24.0
        (
            "Here's what I want. One, a car, two, a phone, three, nobody follows us.",
            ["a car", "a phone", "nobody follows us"],
        ),
        ("Here's what I want. One, a car. Two, a phone.", ["a car", "a phone"]),
        (
            "I want: one, bus to airport. Two, airplane with pilot, full fuel.",
            ["bus to airport", "airplane with pilot"],
        ),
        (
            "One. The county reverses the lien. Two. My dog comes back today.",
            ["The county reverses the lien", "My dog comes back today"],
        ),
        (
            "Number one, an inquiry. Number two, a doctor on this wing every day.",
            ["an inquiry", "a doctor on this wing every day"],
        ),
        (
            "We ask two things. First, that our statement is read. Second, that the fourteen are released.",
            ["our statement is read", "the fourteen are released"],
        ),
        (
            "First, the medical unit. Second, the lockdowns. Third, we want a reporter.",
            ["the medical unit", "the lockdowns", "a reporter"],
        ),
        # announced, a sentence each; "And ..." still an item; the comma inside an item does not split it
        (
            "So here's what I want. My job back, in writing, signed by the CEO. A public apology."
            " And my pension restored.",
            ["My job back", "A public apology", "my pension restored"],
        ),
        ("My demands are these: a car, a pilot and fuel.", ["a car", "a pilot", "fuel"]),
        # no more than the count said; a sentence that is no item ends the list
        ("I want two things. A car. A phone. A pizza.", ["A car", "A phone"]),
        ("Here's what I want. A car at the back. You have until six.", ["A car at the back"]),
        # a want before the list stays a demand of its own
        (
            "Then we want the same thing. Here's what I need."
            " A van, two hundred thousand in used bills, and your snipers gone.",
            ["the same thing", "A van", "two hundred thousand in used bills", "your snipers gone"],
        ),
    ],
)
def test_each_item_of_a_counted_list_is_a_demand_of_its_own(text: str, items: list[str]) -> None:
    """Until cues 0.24.0 the sentence that announced the list, or its first number, was read as one request: the
    item was "three", only the first item was kept, or "I have two demands: ..." was no demand at all."""
    assert [a.detail["item"] for a in demands(text)] == items


@pytest.mark.parametrize(
    "text",
    [
        "Don't be sorry. Be useful. You got till I count to sixty. Then I turn around with this thing. One. Two.",
        "One. One old man. The other stays.",  # a number said, no list
        "First things first, tell me your name.",
        "I counted them, one, two, three, and then the lights went out.",
    ],
)
def test_numbers_said_without_items_are_no_list(text: str) -> None:
    assert len(demands(text)) <= 1


def test_a_list_ended_by_a_word_for_all_of_it_keeps_what_came_before() -> None:
    """ "These are the conditions. Both." names no item: "Two million" said before it stays the demand."""
    found = demands(
        "Thank me with money. Two million, and the company leaves the valley. These are the conditions. Both."
    )
    assert [a.detail["item"] for a in found] == ["Two million"]


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("He needs insulin.", "insulin"),  # the reviewer's: the item was "He needs insulin"
        ("he need insulin", "insulin"),
        ("He has the sugar sickness, he need insulin.", "insulin"),
        ("She needs her insulin at six and there's nobody there to give it to her.", "her insulin"),
        ("My daughter needs her inhaler.", "her inhaler"),
        ("He's old, he needs his medicine.", "his medicine"),
        ("My boy is going to need a doctor.", "a doctor"),
    ],
)
def test_a_need_relayed_for_someone_with_him_names_the_thing_needed(text: str, item: str) -> None:
    """A hostage's or companion's need he relays is a demand to log (demands-deadlines.md: medical care, captives'
    welfare), and the board's "D:" button and the ledger name what is needed: until cues 0.24.1 the item was the
    whole clause ("He needs insulin", "she needs her pills at eight and eight")."""
    assert [a.detail["item"] for a in demands(text)] == [item]


@pytest.mark.parametrize(
    "text",
    ["He needs to calm down.", "She wants nothing to do with me.", "he wants to kill me", "She wants a divorce."],
)
def test_what_someone_else_wants_for_themselves_is_no_demand(text: str) -> None:
    assert demands(text) == []


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("The kids want their mother.", "their mother"),
        ("My wife wants to talk to a lawyer", "to talk to a lawyer"),
        ("The kids want to go home", "to go home"),
        ("The hostages want food.", "food"),
        ("The baby needs milk.", "milk"),
        ("The old man needs his pills.", "his pills"),
        ("The kids want out.", "The kids want out"),  # "out" alone names nothing
    ],
)
def test_what_someone_held_with_him_wants_is_a_demand_relayed(text: str, item: str) -> None:
    """Captives' welfare, a lawyer, a call to family are negotiable items (demands-deadlines.md) and the subject
    asks for them on their behalf; until cues 0.25.0 only a need for a medical thing said of "he"/"she"/"the X"
    was heard, so "The kids want their mother." was no demand."""
    assert [a.detail["item"] for a in demands(text)] == [item]


@pytest.mark.parametrize(
    "text",
    [
        "My wife wants a divorce.",
        "My wife wants the kids.",  # a custody complaint, not a relayed request
        "My kids want to see me.",
        "My mother wants me to come home.",
        "The dog wants her tea.",
        "She wants to leave me.",
    ],
)
def test_what_his_family_wants_of_him_is_no_relayed_demand(text: str) -> None:
    assert demands(text) == []


# ------------------------------------------------ his death asked for: a demand marked own_death (0.26.5, 0.26.10)


@pytest.mark.parametrize(
    "text",
    [
        "I want them to kill me.",
        "I want you to shoot me.",
        "I need you to end it.",
        "I want the police to shoot me.",
        "Get them to shoot me.",
        "I just want you to shoot me and get it over with.",
    ],
)
def test_asking_to_be_killed_is_a_suicide_cue_and_a_demand_no_ledger_takes(text: str) -> None:
    # The labelled sets count "Shoot me" as a demand too (docs/labelling-guide.md), so the label stays; the item is
    # marked, and neither the board's "D:" buttons nor the advisor's demand cards offer it (ledger_item).
    found = cues(text)
    assert "suicide_cue" in found
    assert found["demand"].detail["own_death"] is True
    assert ledger_item(found["demand"].detail) is None


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("Make them shoot me. That's all I'm asking.", "them shoot me"),
        ("Then let them come in. Let them shoot me.", "them shoot me"),
        ("Yes! Finally someone who listens. Tell them to shoot me.", "them to shoot me"),
        ("Just have your snipers kill me.", "your snipers kill me"),
    ],
)
def test_his_death_asked_of_them_by_make_let_tell_or_have_is_a_demand_no_ledger_takes(text: str, item: str) -> None:
    # Suicide cues that no demand rule read until cues 0.29.2; the training sets label each a demand too.
    found = cues(text)
    assert found["suicide_cue"].detail["clue"] == "asks_to_be_killed"
    assert found["demand"].detail == {"item": item, "own_death": True}


def test_his_death_asked_for_beside_other_demands_is_a_demand_of_its_own() -> None:
    # "Get them to shoot me." was read only where no want or give/get verb was (until cues 0.29.2).
    found = demands("I want cigarettes and a car. Get them to shoot me.")
    assert [(a.detail["item"], ledger_item(a.detail)) for a in found] == [
        ("cigarettes and a car", "cigarettes and a car"),
        ("them to shoot me", None),
    ]


@pytest.mark.parametrize("text", ["Don't let them shoot me.", "I won't let him kill me.", "They'll make him shoot me."])
def test_his_fear_of_being_shot_is_no_demand_for_his_death(text: str) -> None:
    # ("Don't let them shoot me." asks them not to, a demand the ledger may take, as writer 17 labels it)
    assert not any(a.detail.get("own_death") for a in demands(text))


@pytest.mark.parametrize("text", ["I want them to kill me.", "I want you to shoot me.", "I need you to end it."])
def test_the_analyser_keeps_the_demand_for_his_death_marked(text: str) -> None:
    turn = Turn(text=text, side="subject", at=T0)
    (demand,) = [a for a in CueAnalyzer().analyze(turn, Context()) if a.label == "demand"]
    assert demand.detail["own_death"] is True


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("I want them to leave.", "them to leave"),
        ("I want you to kill the lights.", "you to kill the lights"),  # "kill" the lights: a thing done, no death
        ("I want them to stop filming.", "them to stop filming"),
        ("I want them to kill the power.", "them to kill the power"),
    ],
)
def test_someone_told_to_act_on_something_else_is_still_a_demand(text: str, item: str) -> None:
    detail = cues(text)["demand"].detail
    assert detail["item"] == item and "own_death" not in detail and ledger_item(detail) == item


def test_a_demand_beside_his_death_asked_for_is_kept_and_a_time_for_it_is_still_a_deadline() -> None:
    turn = Turn(text="I want a car. And I want them to shoot me.", side="subject", at=T0)
    found = CueAnalyzer(use_model=False).analyze(turn, Context())
    assert "suicide_cue" in {a.label for a in found}
    assert [ledger_item(a.detail) for a in found if a.label == "demand"] == ["a car", None]
    assert cues("I want them to shoot me by six.")["deadline"].detail["expression"] == "by six"


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("He's gonna need a doctor.", "a doctor"),
        ("he's gonna need a doctor", "a doctor"),
        ("hes gonna need a doctor", "a doctor"),
        ("He's going to need insulin.", "insulin"),
        ("She's going to need her inhaler.", "her inhaler"),
        ("They're going to need water.", "water"),
        ("He'll need insulin.", "insulin"),
        ("My son's gonna need his inhaler.", "his inhaler"),
    ],
)
def test_a_need_he_says_someone_is_going_to_have_names_the_thing_needed(text: str, item: str) -> None:
    """Until cues 0.26.6 "'s gonna need" was spelt after a space ("he 's gonna need"), so "he's gonna need a
    doctor", where the 's is glued to "he", was no demand, nor was "he's going to need insulin" at all."""
    assert [a.detail["item"] for a in demands(text)] == [item]


@pytest.mark.parametrize(
    "text",
    [
        "He's gonna need a minute.",
        "She's going to need to calm down.",
        "She's going to need to calm down",
        "We're gonna need to talk about this",
        "You're going to need a bigger boat",
    ],
)
def test_a_need_that_names_nothing_to_bring_is_still_no_demand(text: str) -> None:
    assert demands(text) == []


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("The old man here's gonna need his pills.", "his pills"),
        ("The old man here needs his pills.", "his pills"),
        ("My little girl in here is gonna need her inhaler.", "her inhaler"),
        ("He's going to need a lawyer.", "a lawyer"),
        ("She'll need an attorney.", "an attorney"),
    ],
)
def test_a_need_relayed_for_someone_described_or_for_a_lawyer_names_the_thing_needed(text: str, item: str) -> None:
    """A need he relays for someone with him is a demand to log (demands-deadlines.md: captives' welfare, a
    lawyer). Until cues 0.27.1 the one who needs it had to be one word after "the"/"my" ("the old man here" was
    not) and the thing a medical one, so neither turn was a demand and the board offered no "D:" button."""
    assert [a.detail["item"] for a in demands(text)] == [item]


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("I want my brother released.", "my brother released"),  # how a want keeps what is to be done
        ("I want my brother, Dr Samir Haidari, released.", "my brother, Dr Samir Haidari, released"),
        ("I'd like my brother, Dr Samir Haidari, released.", "my brother, Dr Samir Haidari, released"),
        ("I want my brother, Dr. Samir Haidari, released.", "my brother, Dr. Samir Haidari, released"),
        (
            "I would like the regional director, Mr. Abernathy, to come down here.",
            "the regional director, Mr. Abernathy, to come down here",
        ),
        ("I want to talk to my PO, Ms. Grant.", "to talk to my PO, Ms. Grant"),
        ("You have until six to release my brother, Dr Samir Haidari.", "release my brother, Dr Samir Haidari"),
        ("Get me to St. Luke's.", "to St. Luke's"),
    ],
)
def test_a_name_set_after_the_person_it_names_stays_in_the_item(text: str, item: str) -> None:
    """Until cues 0.26.7 the comma before the name ended a request's clause ("I'd like my brother, Dr Samir
    Haidari, released." gave "my brother") and a title's full stop ended a want ("... my PO, Ms")."""
    assert [a.detail["item"] for a in demands(text)] == [item]


@pytest.mark.parametrize(
    ("text", "item", "expression"),
    [
        ("Release my brother, Dr Samir Haidari, today.", "my brother, Dr Samir Haidari", "today"),
        ("We want the minister of interior to resign, today.", "the minister of interior to resign", "today"),
        ("Release my brother, Dr Samir Haidari, by tonight.", "my brother, Dr Samir Haidari", "by tonight"),
        ("Release my brother, Dr Samir Haidari, by six.", "my brother, Dr Samir Haidari", "by six"),
    ],
)
def test_the_day_he_wants_it_on_is_the_deadline_not_part_of_the_item(text: str, item: str, expression: str) -> None:
    """Until cues 0.27.2 the day stayed in the item beside the deadline ("D: my brother, Dr Samir Haidari, today")."""
    found = cues(text)
    assert (found["demand"].detail["item"], found["deadline"].detail["expression"]) == (item, expression)


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("Release my brother today.", "my brother today"),
        ("I want the money in my bank today.", "the money in my bank today"),
        ("Don't call my parents tonight.", "Don't call my parents tonight"),
    ],
)
def test_a_day_the_deadline_rules_do_not_read_stays_in_the_item(text: str, item: str) -> None:
    """The training sets label most such days no deadline (five of seven); the item is then where the day shows."""
    found = cues(text)
    assert "deadline" not in found
    assert found["demand"].detail["item"] == item


@pytest.mark.parametrize(
    ("text", "item"), [("I want a car, right away.", "a car"), ("Bring the food straight away.", "the food")]
)
def test_how_soon_he_wants_it_is_no_part_of_the_item(text: str, item: str) -> None:
    assert demands(text)[0].detail["item"] == item


def test_each_item_of_a_list_keeps_the_name_of_the_person_it_names() -> None:
    found = demands("One, my brother, Dr Samir Haidari, released. Two, a car.")
    assert [a.detail["item"] for a in found] == ["my brother, Dr Samir Haidari, released", "a car"]


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("I'd like the food, Mr Reyes, and a car.", "the food"),  # food is no person to name
    ],
)
def test_a_name_he_addresses_stays_out_of_the_item(text: str, item: str) -> None:
    assert demands(text)[0].detail["item"] == item


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("Bring the food, Sam.", "the food"),
        ("I want a car, Sam.", "a car"),
        ("Bring the food now, Sam.", "the food"),
        ("Keep your phone on, Daniel.", "your phone on"),
        ("Send the food in, Mr. Reyes.", "the food"),
        ("Get me a pizza, Sam, or I shoot.", "a pizza"),
    ],
)
def test_a_name_he_addresses_at_the_end_of_a_verbs_item_stays_out_of_it(text: str, item: str) -> None:
    """Until cues 0.27.3 the want and give/get items kept it ("D: the food, Sam"): only the clause of a request
    read by its wording (``cue_items.clause_end``) stopped before it."""
    assert [a.detail["item"] for a in demands(text)] == [item]


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("I want my brother, Dr Samir Haidari, released.", "my brother, Dr Samir Haidari, released"),
        ("Release my brother, Dr Samir Haidari.", "my brother, Dr Samir Haidari"),
        # the training sets' own: a name after a person word names that person, with a title or without
        ("I want my daughter, Ellen.", "my daughter, Ellen"),
        ("I want my union rep too, Shaz Okoye, she's got all the paperwork.", "my union rep too, Shaz Okoye"),
        ("Get me my lawyer, Detective Reyes.", "my lawyer, Detective Reyes"),
    ],
)
def test_a_name_after_a_person_word_is_the_persons_not_whom_he_addresses(text: str, item: str) -> None:
    assert [a.detail["item"] for a in demands(text)] == [item]


@pytest.mark.parametrize(
    ("text", "window", "item"),
    [
        ("Get me my lawyer, Sam.", ((None, "Hi, I'm Sam. Who am I talking to?"),), "my lawyer"),
        ("Get me my lawyer, Detective Reyes.", ((None, "This is Detective Reyes."),), "my lawyer"),
        ("Get me my lawyer, Detective Reyes.", (("Dana Reyes", "Okay."),), "my lawyer"),
        # another name than the negotiator's stays the person's
        ("I want my daughter, Ellen.", ((None, "Hi, I'm Sam."),), "my daughter, Ellen"),
    ],
)
def test_the_negotiators_name_the_window_shows_is_whom_he_addresses(
    text: str, window: tuple[tuple[str | None, str], ...], item: str
) -> None:
    turns = tuple(Turn(text=said, side="negotiator", speaker=speaker) for speaker, said in window)
    found = CueAnalyzer(use_model=False).analyze(Turn(text=text, side="subject"), Context(window=turns))
    assert [a.detail["item"] for a in found if a.label == "demand"] == [item]


@pytest.mark.parametrize("text", ["Thank you, Mr. Mayor.", "Listen to me, Mr. President.", "No, Mr. Chief."])
def test_a_title_and_a_name_that_is_also_a_demandable_word_are_no_demand(text: str) -> None:
    # the title's full stop made "Mayor." a sentence of its own, read as a demand for the mayor
    assert demands(text) == []


@pytest.mark.parametrize(
    ("text", "item"),
    [
        # the phrase the tenth word leaves open is closed by the word or two after it
        (
            "First, that the communiqué of our movement is read on the national radio. Second, that our four"
            " compañeros are released.",
            "the communiqué of our movement is read on the national radio",
        ),
        ("I want a car with the keys in it and a full tank.", "a car with the keys in it and a full tank"),
        (
            "I want the manager to come on TV and say I'm not a thief.",
            "the manager to come on TV and say I'm not a thief",
        ),
        # else the cut moves back to where the phrase it would cut begins
        (
            "I want the doctor in the family room, not in some office full of cops.",
            "the doctor in the family room",
        ),
        (
            "I want a car out front, full tank, engine running, and nobody following.",
            "a car out front, full tank, engine running",
        ),
        (
            "I want him to read my three complaints out loud, into that camera on the news van.",
            "him to read my three complaints out loud",
        ),
        # a name is whole where it is cut
        (
            "I want this bus going to Stansted and a ticket to Alicante waiting at the desk.",
            "this bus going to Stansted and a ticket to Alicante",
        ),
    ],
)
def test_a_long_item_is_cut_where_a_phrase_ends(text: str, item: str) -> None:
    assert demands(text)[0].detail["item"] == item


@pytest.mark.parametrize(
    ("text", "item"),
    [
        (
            "I want the ruling overturned in writing, signed, slid under the door.",
            "the ruling overturned in writing, signed, slid under the door",
        ),
        (
            "I want the approval letter from the insurance company, signed, in my hand before Chidi goes on dialysis.",
            "the approval letter from the insurance company, signed",
        ),
    ],
)
def test_a_long_item_is_never_cut_inside_a_word(text: str, item: str) -> None:
    """The want pattern reaches 60 characters: the item ended there, "... slid under the doo", "... in m"."""
    assert demands(text)[0].detail["item"] == item


@pytest.mark.parametrize(
    ("text", "before", "items"),
    [
        ("Second, no retaliation.", (("N", "What do you want?"), ("S", "First, a car.")), ["no retaliation"]),
        (
            "Second, no retaliation. Third, a phone call with my mother.",
            (("S", "I want a car."), ("N", "Okay.")),
            ["no retaliation", "a phone call with my mother"],
        ),
        (
            "Number four, a journalist from outside.",
            (("S", "I want a car."), ("N", "Okay.")),
            ["a journalist from outside"],
        ),
        # the list's first item was no demand the rules heard, but it opened the list
        (
            "Second, no retaliation. No one goes to the hole for today.",
            (("S", "We have a list. Eight items. First, that the transfers be halted."), ("N", "Go on.")),
            ["no retaliation"],
        ),
    ],
)
def test_a_list_he_goes_on_with_in_a_later_turn_is_a_demand_per_item(
    text: str, before: tuple[tuple[str, str], ...], items: list[str]
) -> None:
    assert [a.detail["item"] for a in demands_after(text, *before)] == items


@pytest.mark.parametrize(
    ("text", "before"),
    [
        ("Second, no retaliation.", (("N", "Hi."),)),  # no demand and no list before it
        ("Four. Nobody is hurt.", (("S", "I want a car."), ("N", "How many are in there?"))),  # a count
        ("Third. I keep stuffing it up.", (("S", "I want a car."), ("N", "Okay."))),  # a sentence of his
        ("Second of the Five-Oh-Eighth. Good men.", (("S", "I want a car."), ("N", "What unit?"))),
    ],
)
def test_a_number_that_goes_on_with_no_list_of_demands_is_no_demand(
    text: str, before: tuple[tuple[str, str], ...]
) -> None:
    assert demands_after(text, *before) == []


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("First, a car.", "a car"),
        (
            "We have a list. Eight items. First, that the transfers to the Fulton facility be halted pending review.",
            "the transfers to the Fulton facility be halted pending review",
        ),
        (
            "I have a list. Number one: the regional director comes to the loading bay, in person.",
            "the regional director comes to the loading bay",
        ),
        ("Number one, Hollis gets his insulin. Today.", "Hollis gets his insulin"),
    ],
)
def test_the_first_item_of_a_list_he_opens_is_a_demand(text: str, item: str) -> None:
    """One numbered item is no list (two at least), so until cues 0.27.4 "First, a car." was no demand unless it
    answered "what do you want?"; the training sets label each such opening a demand (three of three)."""
    assert [a.detail["item"] for a in demands(text)] == [item]


@pytest.mark.parametrize(
    "text",
    [
        "First, that I am not a criminal. I am a teacher.",  # the training sets': a sentence of his, no item
        "One. One old man. The other stays.",  # how many
        "One. Maybe one. I think.",
        "First, thank you for calling.",
        "First, you listen to me.",
    ],
)
def test_a_first_that_opens_no_item_is_no_demand(text: str) -> None:
    assert demands(text) == []


# ---------------------------------------------------------------- his echo of a suicide question, denied (0.27.5)


@pytest.mark.parametrize(
    "text",
    [
        "Kill myself? No.",
        "What, like end it all? No.",  # the simulator's own hedged denial (sim/realizer.py)
        "Kill myself? No way. I want my money.",
        "Kill myself? Of course not.",
        "End it? Nope. I just want my kids back.",
    ],
)
def test_his_echo_of_a_suicide_question_denied_at_once_is_no_suicide_cue(text: str) -> None:
    assert "suicide_cue" not in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "Kill myself? No. Not tonight.",  # the door left open
        "Kill myself? Maybe.",
        "Kill myself? Yeah, I have.",
        "Would I kill myself? Not yet.",
        "Kill myself? No... I don't know anymore.",
        "I'm going to kill myself tonight and nobody will stop me? No.",  # no echo: a stated intent of his own
    ],
)
def test_an_echo_not_refused_or_a_long_question_of_his_own_stays_a_suicide_cue(text: str) -> None:
    assert "suicide_cue" in cues(text)


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("Send in the food.", "the food"),
        ("Send the food in.", "the food"),
        ("Send in a doctor now.", "a doctor"),
        ("Bring the doctor in here.", "the doctor"),
        ("Bring in my brother.", "my brother"),
    ],
)
def test_the_in_a_sent_thing_goes_by_is_no_part_of_the_item(text: str, item: str) -> None:
    """Until cues 0.27.6 the board's "D:" button read "in the food" or "the food in"."""
    assert [a.detail["item"] for a in demands(text)] == [item]


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("Release him today.", "Release him today"),
        ("Release him.", "Release him"),
        ("Free him now.", "Free him"),
        ("Let him go.", "Let him go"),
        ("Let her go today.", "Let her go today"),
        ("Let go of her!", "Let go of her"),
        ("Free my brother.", "my brother"),
        ("Let my brother go.", "my brother"),
        ("Just let the hostages go and we talk.", "the hostages"),
        ("Let Samir go.", "Samir"),
        ("Release my brother today.", "my brother today"),
        ("Release her brother.", "her brother"),
        ("Can you please release him?", "release him"),
    ],
)
def test_someone_he_wants_set_free_is_a_demand_with_whom_as_its_item(text: str, item: str) -> None:
    """Until cues 0.27.6 "release" was read only before a determiner, so "Release him today.", "Let her go." and
    "Free my brother." were no demand; a pronoun keeps the words said, as "him" names nobody on the board."""
    assert [a.detail["item"] for a in demands(text)] == [item]


@pytest.mark.parametrize(
    "text",
    [
        "I won't let him go.",
        "Let it go.",
        "Let me go.",
        "I had to let her go last year.",
        "So why doesn't she just let him go?",
        "I should end it with this girl and release her.",
    ],
)
def test_letting_go_said_of_himself_or_a_thing_is_no_release_demand(text: str) -> None:
    assert demands(text) == []


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("I'd like my lawyer, Sam.", "my lawyer, Sam"),
        ("Get me my lawyer, Sam.", "my lawyer, Sam"),
        ("I want my lawyer, Sam.", "my lawyer, Sam"),
        ("Can you call my brother, Samir?", "call my brother, Samir"),
    ],
)
def test_a_name_after_a_person_word_reads_the_same_in_every_wording(text: str, item: str) -> None:
    """Until cues 0.27.6 a polite request ("I'd like ...") left an untitled name at the sentence's end out and a
    give/get verb kept it; the training sets' such names in demands all name the person ("my daughter, Ellen")."""
    assert [a.detail["item"] for a in demands(text)] == [item]


def test_the_negotiators_name_leaves_a_polite_requests_item_too() -> None:
    found = demands_after("I'd like my lawyer, Sam.", ("N", "Hi, I'm Sam. Who am I talking to?"))
    assert [a.detail["item"] for a in found] == ["my lawyer"]


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("I'm gonna need a lawyer.", "a lawyer"),
        ("I'm going to need a doctor.", "a doctor"),
        ("Im gonna need a doctor", "a doctor"),
        ("We're going to need food and water.", "food and water"),
    ],
)
def test_a_need_he_says_ahead_for_himself_is_a_demand(text: str, item: str) -> None:
    """demands-deadlines.md: until cues 0.27.6 only a relayed need said ahead was one ("He's gonna need a
    doctor."), not his own."""
    assert [a.detail["item"] for a in demands(text)] == [item]


@pytest.mark.parametrize(
    "text",
    [
        "I'm gonna need a minute.",
        "I'm going to need some time.",
        "I'm gonna need to think.",
        "we were gonna need it",
        "I'm gonna need another beer for this conversation.",
    ],
)
def test_a_minute_or_a_thought_he_will_need_is_no_demand(text: str) -> None:
    assert demands(text) == []


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("I want cigarettes, Marlboro Reds.", "cigarettes, Marlboro Reds"),
        ("I want cigarettes, Marlboro.", "cigarettes, Marlboro"),
        ("Get me a beer, Stella Artois.", "a beer, Stella Artois"),
        # one plain word after a thing is whom he addresses, as in the training sets ("a beer, Nicky")
        ("I want cigarettes, Sam.", "cigarettes"),
    ],
)
def test_a_brand_after_a_thing_word_stays_in_the_item(text: str, item: str) -> None:
    """Until cues 0.27.6 "cigarettes, Marlboro Reds" lost the brand, read as a name he addresses."""
    assert [a.detail["item"] for a in demands(text)] == [item]


# ---------------------------------------------------------------- threats the rules missed or invented (0.28.0)


@pytest.mark.parametrize(
    "text",
    [
        "I want to kill him.",  # a wish to harm someone named
        "I wanna hurt her so bad.",
        "Honestly? I'd love to strangle that bastard.",
        "We want to shoot Gary.",
        "If he touches the kids again I swear I'll break his neck.",  # harm named by the body part
        "Come near the car and I'm gonna slit her throat.",
        "Box us in and I'll do him, I swear down.",  # "do him": the act in a few words
        "You come up them stairs, I'm putting him through that window.",
        "Then I'll give the teller a taste of the blade.",
        "Move the plane and I will light it.",  # fire set to what he has doused
        "One step closer and I strike a match.",
        "You try anything and I don't know what I'll do with this gun.",
        "If you come in I'll... I don't know what I'll do.",
        "I ain't gonna hurt her unless somebody makes me.",  # harm denied only until a condition
        "I'm not going to touch him. Unless your guys come in.",
        "Bring the car round and nobody has to get hurt.",
        "You want to keep her safe, you get me the money.",
        "Anyone comes through that door, I'm not responsible for what happens.",
        "After six I cannot answer for the younger men.",
        "After that it ain't my fault what happens.",
    ],
)
def test_threat_wordings_the_rules_missed(text: str) -> None:
    """Each is a shape the training sets label a threat (harm to others, conditional or veiled) that no rule
    read before cues 0.28.0."""
    assert "threat" in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "I cut onions with it, I'm a cook.",  # a tool's use told
        "I cut my hand open on the glass.",
        "I've got the gun. I just use it on myself.",  # self-harm is a suicide cue only
        "My wife, she die two years ago.",  # a death told in the past, in a learner's English
        "Finally somebody gets it.",  # understands
        "You're the first person who gets it.",
        "I wrote the kids a note. Make sure they get it.",
    ],
)
def test_harm_words_the_rules_read_as_threats_are_no_threat(text: str) -> None:
    """Shapes the rules called threats on the training sets until cues 0.28.0, where no writer does."""
    assert "threat" not in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "I could kill for a coffee.",
        "My wife'll kill me.",
        "I want to kill this call.",
        "That joke killed me.",
        "I want to kill myself.",
        "I don't want to hurt anybody.",
        "I'll do her hair after.",
        "If she leaves, I don't know what I'll do.",  # grief, not a threat
        "I light the candle every night for her.",
    ],
)
def test_figures_of_speech_near_the_new_threat_wordings_are_no_threat(text: str) -> None:
    """The hard negatives of the wordings cues 0.28.0 added: a wish needs a person as its object, "do him" no
    object after it, "I don't know what I'll do" a weapon or a person, and a fire a doused thing."""
    assert "threat" not in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "I could kill him, but I'd just end up in jail.",
        "Honestly I could kill him, but I'd just end up in jail and they'd have nobody.",
        "I'd shoot him, but I'd go down for it.",
        "I could strangle her... but what good would it do?",
        "I could kill him. But I won't.",
        "I want to hurt him, but he ain't worth it.",
    ],
)
def test_a_harm_he_talks_himself_out_of_is_no_threat(text: str) -> None:
    """A harm he could do or wishes, with the reason he will not (cues 0.29.0): no writer labels a threat there."""
    assert "threat" not in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "I could kill him.",
        "I could kill him, but not yet.",  # the reason only waits
        "I'll kill him, but I'll end up in jail.",  # a plan, not a hypothetical
        "I could kill her, but I won't if you bring the car.",  # a condition
    ],
)
def test_a_harm_he_could_do_without_a_reason_not_to_stays_a_threat(text: str) -> None:
    assert "threat" in cues(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'd rather kill one of them than go back inside.",
        "I'd sooner shoot him than let him walk out of here.",
        "I'd rather kill one of them with my own hands than let them reach the children.",
        "Which is why I'd rather burn it than watch him sell it off.",
        "We'd rather kill everyone in here than give up.",
    ],
)
def test_a_preference_to_harm_someone_over_his_own_lot_is_a_threat(text: str) -> None:
    assert "threat" in cues(text)


@pytest.mark.parametrize(
    "text",
    ["I'd rather kill myself than go back inside.", "I'd rather shoot the breeze than talk to you.", "I'd rather die."],
)
def test_a_preference_for_his_own_death_or_a_figure_of_speech_is_no_threat(text: str) -> None:
    assert "threat" not in cues(text)


ASKED = Context(window=(Turn(text="Are you thinking about killing yourself?", side="negotiator"),))


@pytest.mark.parametrize("text", ["Kill myself? No.", "What, like end it all? No.", "No.", "Nope. No.", "I'm not."])
def test_the_model_does_not_add_back_a_suicide_cue_to_his_refusal(text: str) -> None:
    # The rules withheld it; the model, reading the question's and the act's words, still put it on the board (0.28.1).
    turn = Turn(text=text, side="subject", at=T0)
    assert "suicide_cue" not in {a.label for a in CueAnalyzer().analyze(turn, ASKED)}


@pytest.mark.parametrize("text", ["Kill myself? Maybe.", "No. Not yet.", "No. I don't know."])
def test_the_model_keeps_a_suicide_cue_the_refusal_does_not_cover(text: str) -> None:
    turn = Turn(text=text, side="subject", at=T0)
    assert "suicide_cue" in {a.label for a in CueAnalyzer().analyze(turn, ASKED)}


@pytest.mark.parametrize(
    "text", ["I want to kill him.", "I wanna hurt her.", "I really want to shoot him.", "I want to stab Gary."]
)
def test_the_model_adds_no_demand_to_his_wish_to_harm_someone(text: str) -> None:
    # The rules read a threat; the model read "I want" as a demand beside it, with no thing asked for (0.29.4).
    labels = [a.label for a in CueAnalyzer().analyze(Turn(text=text, side="subject", at=T0), Context())]
    assert labels == ["threat"]


@pytest.mark.parametrize(
    ("text", "harm_only"),
    [
        ("I want to kill him.", True),
        ("I'd love to strangle that bastard.", True),
        ("I want to kill him. I want a lawyer.", False),  # a want of something else leaves the model its say
        ("I want to kill this call.", False),
        ("I want a car.", False),
    ],
)
def test_only_a_turn_whose_every_want_is_a_harm_bars_the_models_demand(text: str, harm_only: bool) -> None:
    assert wishes_harm(text) is harm_only


ON_THE_TABLE = (
    ("N", "Are you thinking about killing yourself?"),
    ("S", "Yeah."),
)


def after(before: tuple[tuple[str, str], ...], text: str, *, use_model: bool = False) -> dict[str, Annotation]:
    """The cues of his turn ``text`` after the window ``before`` ((side, text), oldest first; "N" negotiator)."""
    window = tuple(Turn(text=said, side="negotiator" if side == "N" else "subject") for side, said in before)
    turn = Turn(text=text, side="subject", at=T0)
    return {a.label: a for a in CueAnalyzer(use_model=use_model).analyze(turn, Context(window=window))}


@pytest.mark.parametrize(
    ("asked", "answer", "clue", "words"),
    [
        ("Do you have a plan?", "Over the rail. The river's high.", "plan_or_means", ["rail"]),
        ("How would you do it?", "The shotgun.", "plan_or_means", ["shotgun"]),
        ("Do you have anything with you that you were planning to use?", "The rope is in the wardrobe.",
         "plan_or_means", ["rope"]),
        ("When were you thinking of doing it?", "Tonight. When she's asleep.", "time_reference",
         ["Tonight", "When she's asleep"]),
        ("Have you decided when?", "At seven.", "time_reference", ["At seven"]),
        ("Do you have a plan?", "Yes.", "plan_or_means", ["Yes"]),
        ("When would you do it?", "Yeah.", "time_reference", ["Yeah"]),
        ("Do you have a plan for how?", "my cousin got her boyfriend gun in the closet", "plan_or_means", ["gun"]),
    ],
)  # fmt: skip
def test_his_answer_to_a_plan_question_with_suicide_on_the_table_is_a_suicide_cue(
    asked: str, answer: str, clue: str, words: list[str]
) -> None:
    # indicators.md, "When cues rise": after a yes, ask about the plan, the means and the timing; his answer names
    # no suicide, and the rules read none in "Tonight." or "The shotgun." until cues 0.30.0
    cue = after((*ON_THE_TABLE, ("N", asked)), answer)["suicide_cue"]
    assert (cue.detail["kind"], cue.detail["clue"]) == ("answer_to_plan_question", clue)
    assert [answer[e.start : e.end] for e in cue.evidence] == words


def test_his_own_suicide_cue_earlier_in_the_window_puts_suicide_on_the_table() -> None:
    before = (("S", "They'd all be better off without me."), ("N", "I hear you. How would you do it?"))
    assert after(before, "The shotgun.")["suicide_cue"].detail["clue"] == "plan_or_means"


@pytest.mark.parametrize(
    "before",
    [
        (("N", "Do you have a plan?"),),  # for getting home, for the robbery: suicide is not on the table
        (("N", "Is anyone hurt?"), ("S", "No."), ("N", "How would you do it?")),
    ],
)
def test_a_plan_question_with_no_suicide_on_the_table_reads_no_answer_as_a_cue(
    before: tuple[tuple[str, str], ...],
) -> None:
    assert "suicide_cue" not in after(before, "Tonight. The shotgun.")
    assert "suicide_cue" not in after(before, "Yes.")


@pytest.mark.parametrize(
    "answer",
    [
        "No.",
        "I haven't got a plan.",
        "I'm not going to do anything.",
        "I don't have a gun, if that's what you mean.",
        "No. Not the pills, not anything.",
        "there's no rope, nothing like that",
        "Good God, no. Tonight's the darts final.",  # an oath before the no (cues 0.31.0)
    ],
)
def test_his_denial_of_a_plan_is_no_suicide_cue(answer: str) -> None:
    assert "suicide_cue" not in after((*ON_THE_TABLE, ("N", "Do you have a plan?")), answer)


@pytest.mark.parametrize(
    ("asked", "answer"),
    [
        ("Do you have a plan?", "I haven't got a plan."),
        ("Do you have a plan?", "No plan."),
        ("When were you thinking of doing it?", "I'm not going to do anything."),
        ("When were you thinking of doing it?", "I wouldn't do it."),
        ("Do you have a plan?", "Nah, nothing like that."),
    ],
)
def test_the_model_does_not_add_a_suicide_cue_to_his_denial_of_a_plan(asked: str, answer: str) -> None:
    # the model read the question's words and put "suicide_cue, source: model" on each (until cues 0.30.0)
    assert "suicide_cue" not in after((*ON_THE_TABLE, ("N", asked)), answer, use_model=True)


def test_no_plan_to_a_thoughts_question_is_no_denial_the_model_is_kept_from() -> None:
    # he denied no thought: the model keeps its say there
    assert "suicide_cue" in after(ON_THE_TABLE[:1], "I haven't got a plan.", use_model=True)


@pytest.mark.parametrize(
    ("asked", "answer", "cue"),
    [
        ("Mrs. Pike, are you thinking about taking your own life?", "Yes.", True),
        ("I'm wondering if you're thinking about ending your life.", "ye", True),
        ("Are you thinking about jumping, Mr. Bell?", "Maybe.", True),
        ("Do you want us to end the call?", "Yeah.", False),  # the cue rules' own reading took it for one
        ("Are you gonna jump in and help?", "Yeah.", False),
    ],
)
def test_a_yes_is_read_by_the_one_reading_of_a_suicide_question(asked: str, answer: str, cue: bool) -> None:
    # cues 0.30.1: suicide_questions.suicide_asked, which the simulator, debrief and advisor share
    assert ("suicide_cue" in cues(answer, previous=asked)) is cue


@pytest.mark.parametrize(
    ("asked", "answer", "clue", "words"),
    [
        ("Mr Hendry, are you thinking about taking your own life?", "Margaret's tablets. The whole bottle.",
         "plan_or_means", ["tablets"]),
        ("Major, are you planning to use the rifle on yourself?", "At oh-six-hundred. First light.",
         "time_reference", ["oh-six-hundred", "First light"]),
        ("Are you thinking about killing yourself, Marcus?", "My sidearm's on the table.", "plan_or_means",
         ["sidearm"]),
        ("Are you thinking about killing yourself tonight?", "When the sun comes up.", "time_reference",
         ["When the sun comes up"]),
        ("Are you thinking about killing yourself?", "Not today. Tomorrow, maybe.", "time_reference", ["Tomorrow"]),
        ("Are you thinking about killing yourself?", "Yeah. Tonight, when she's asleep.", "time_reference",
         ["Yeah", "Tonight", "when she's asleep"]),
    ],
)  # fmt: skip
def test_a_means_or_a_time_he_discloses_to_a_direct_suicide_question_is_a_suicide_cue(
    asked: str, answer: str, clue: str, words: list[str]
) -> None:
    # asked plainly, he often answers with the how or the when rather than a yes; the rules read them only after a
    # plan question until cues 0.31.0
    cue = cues(answer, previous=asked)["suicide_cue"]
    assert (cue.detail["kind"], cue.detail["clue"]) == ("answer_to_direct_question", clue)
    assert [answer[e.start : e.end] for e in cue.evidence] == words


@pytest.mark.parametrize(
    ("asked", "answer"),
    [
        ("Are you thinking about killing yourself?", "No. Not tonight."),
        ("Are you thinking about killing yourself?", "I don't have a gun."),
        ("Have you had any thoughts of ending your life?", "Good God, no. I've got a man coming Friday."),
        ("You're not going to do anything silly, are you?", "At oh-six-hundred."),  # hedged: the wording asked none
        ("Where are you parked?", "My sidearm's on the table."),
        ("Do you have a plan?", "At oh-six-hundred. First light."),  # asked cold
    ],
)
def test_a_denied_or_unasked_means_or_time_is_no_suicide_cue(asked: str, answer: str) -> None:
    assert "suicide_cue" not in cues(answer, previous=asked)
