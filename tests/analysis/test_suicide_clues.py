"""A suicide cue's clue: which of indicators.md's kinds the words are (Perrou's SbC indicators, McMains & Shannon)."""

from __future__ import annotations

import pytest

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.cues import CueAnalyzer
from talkdown.analysis.suicide_clues import CLUES, clue_of


@pytest.mark.parametrize(
    ("text", "clue"),
    [
        # indicators.md's own examples, each in the class it is listed under
        ("Just shoot me.", "asks_to_be_killed"),
        ("Make sure my brother gets the truck.", "final_arrangements"),
        ("Tell Mike he can keep the boat.", "final_arrangements"),
        ("Tell my mother I said goodbye.", "goodbye"),
        ("After tonight none of this is my problem.", "time_reference"),
        ("They'll all be better off without me.", "better_off_without_me"),
        ("Nothing will fix this.", "hopelessness"),
        ("I'm going out fighting, like a man.", "going_out_fighting"),
        # everyday paraphrases
        ("Tell your guys to walk up here and shoot me.", "asks_to_be_killed"),
        ("Thinkin' about letting them do it for me.", "asks_to_be_killed"),
        ("You'll have to shoot me.", "asks_to_be_killed"),
        ("I've been saving my tablets. There's a pile now.", "plan_or_means"),
        ("I'm going to kill myself tonight.", "stated_intent"),
        ("I've already written letters to my kids.", "final_arrangements"),
        ("Tell her I'm sorry.", "goodbye"),
        ("I won't need the car.", "time_reference"),
        ("Nobody would even notice if I was gone.", "better_off_without_me"),
        ("I've lost the will to live.", "hopelessness"),
        # the indirect wordings of cues 0.27.0, each under its kind
        ("At midnight I'm walking out that door with it in my hand. Your lot can decide.", "asks_to_be_killed"),
        ("Got the engine runnin'. Got the door shut.", "plan_or_means"),
        ("Me legs are over the rail now.", "plan_or_means"),
        ("Sent my brother the PIN for my phone an hour ago.", "final_arrangements"),
        ("The clock goes to Hugh. I've written out who gets what.", "final_arrangements"),
        ("I texted my mum sorry. So that's done.", "goodbye"),
        ("I've had a good innings.", "goodbye"),
        ("Call me whatever you want. Won't matter much longer.", "time_reference"),
        ("I'll not be seeing the morning.", "time_reference"),
        ("They'd all breathe easier if I wasn't in the house.", "better_off_without_me"),
        ("I'm just taking up space now.", "better_off_without_me"),
        ("It's never going to stop. Screenshots last forever.", "hopelessness"),
        ("There's no version of this that gets better.", "hopelessness"),
    ],
)
def test_a_cue_gets_the_kind_its_words_are_listed_under(text: str, clue: str) -> None:
    found = clue_of(text)
    assert found is not None and found.id == clue


def test_a_suicide_by_cop_sign_outranks_the_other_kinds_in_the_same_turn() -> None:
    found = clue_of("Nothing will fix this. Just send them in and let them shoot me.")
    assert found is not None and found.id == "asks_to_be_killed" and found.sbc


@pytest.mark.parametrize(
    "text", ["My wife will kill me when she finds out. I can't go on.", "They're going to shoot me anyway, so what."]
)
def test_a_fear_of_being_killed_beside_a_cue_is_no_request_to_be_killed(text: str) -> None:
    found = clue_of(text)
    assert found is None or found.id != "asks_to_be_killed"


def test_wording_of_no_kind_gets_no_clue() -> None:
    assert clue_of("Maybe.") is None


def test_only_the_suicide_by_cop_kinds_are_marked_as_such() -> None:
    assert {c.id for c in CLUES if c.sbc} == {"asks_to_be_killed", "going_out_fighting"}


def test_the_cue_analyser_puts_the_clue_beside_the_kind() -> None:
    analyzer = CueAnalyzer(use_model=False)

    def suicide(text: str, asked: str = "") -> dict[str, object]:
        window = (Turn(text=asked, side="negotiator"),) if asked else ()
        (cue,) = [a for a in analyzer.analyze(Turn(text=text, side="subject"), Context(window=window))
                  if a.label == "suicide_cue"]  # fmt: skip
        return dict(cue.detail)

    assert suicide("Just shoot me.") == {"kind": "stated", "clue": "asks_to_be_killed"}
    plain = suicide("Yes.", "Are you thinking about killing yourself?")
    assert plain == {"kind": "answer_to_direct_question"}


def test_a_cue_only_the_model_found_gets_its_clue_too() -> None:
    # The rules find no cue in "I'm so tired of all of this"; the model does (0.84 against a threshold of 0.45 here),
    # and the board should still say which kind it is.
    (cue,) = [a for a in CueAnalyzer().analyze(Turn(text="I'm so tired of all of this", side="subject"), Context())
              if a.label == "suicide_cue"]  # fmt: skip
    assert cue.detail == {"source": "model", "clue": "hopelessness"}


@pytest.mark.parametrize(
    "text", ["Nothing's going to fix this.", "Nothing's gonna help.", "Nothing is going to fix this."]
)
def test_nothings_going_to_fix_this_is_hopelessness_however_it_is_spelt(text: str) -> None:
    # The cue rules read "Nothing's going to fix this." since 0.26.11; its chip said "suicide cue" alone until 0.28.2.
    clue = clue_of(text)
    assert clue is not None and clue.id == "hopelessness"
