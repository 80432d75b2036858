"""Golden scripted incidents: each example of issue 5 fires at the right event, and nothing fires without evidence."""

from __future__ import annotations

from datetime import timedelta

from talkdown.doctrine.advisor import advise
from talkdown.doctrine.policy import Policy, RuleSetting
from talkdown.domain.enums import (
    CommitmentStatus,
    DeadlineStatus,
    DemandCategory,
    DemandStatus,
    HostageCondition,
    IncidentType,
    Role,
)
from talkdown.domain.events import (
    AdviceDismissed,
    ConcessionGranted,
    DeadlineSet,
    DeadlineStatusChanged,
    DemandRecorded,
    DemandStatusChanged,
    DutyStarted,
    HostageConditionChanged,
    HostageRecorded,
    NoteAdded,
    PromiseMade,
    PromiseStatusChanged,
)
from tests.doctrine.scripted import T0, Script


def _calm_opening(s: Script) -> None:
    s.at(1).say("neg", "Hi, this is Sam with the police negotiation team. What's going on for you tonight?")
    s.at(2).say("subj", "Nobody at that plant ever gave a damn about me.")
    s.at(3).say("neg", "Sounds like you gave them years and got treated like you didn't exist.")
    s.at(4).say("subj", "Twenty years. And then a box and a handshake.")


def test_nothing_fires_on_a_calm_incident_with_no_demands_deadlines_or_cues() -> None:
    s = Script(incident_type=IncidentType.BARRICADE)
    _calm_opening(s)
    s.at(5).log(NoteAdded(text="Tactical in position"))
    assert all(items == [] for _seq, items in s.replay())


def test_a_deadline_that_passes_quietly_fires_keep_talking_after_the_grace_window() -> None:
    s = Script()
    _calm_opening(s)
    s.at(5).say("subj", "You have until seven thirty, or this gets ugly.")
    s.log(DeadlineSet(deadline_id="dl1", due_at=T0 + timedelta(minutes=30), description="by 19:30"))
    s.at(20).say("neg", "Tell me about the job.")  # 10 min before: approaching, not passed
    s.at(33).say("subj", "Night shift mostly. I trained half the guys on that floor.")  # due + 3 min: within grace
    quiet = s.at(36).say("neg", "You trained half of them.")  # due + 6 min: passed quietly
    assert s.first_seq("deadline_approaching") == quiet - 2
    assert s.first_seq("deadline_passed_quietly") == quiet
    item = next(a for a in s.final() if a.rule_id == "deadline_passed_quietly")
    assert item.advice_id == "deadline_passed_quietly:dl1" and item.doctrine_ref == "demands-deadlines.md#deadlines"


def test_a_deadline_logged_as_passed_without_incident_fires_at_that_entry() -> None:
    s = Script()
    s.at(5).log(DeadlineSet(deadline_id="dl1", due_at=T0 + timedelta(minutes=30)))
    status = s.at(30).log(DeadlineStatusChanged(deadline_id="dl1", status=DeadlineStatus.PASSED_WITHOUT_INCIDENT))
    assert s.first_seq("deadline_passed_quietly") == status


def test_a_passed_deadline_is_not_called_quiet_when_a_hostage_is_logged_as_injured() -> None:
    s = Script()
    s.at(1).log(HostageRecorded(hostage_id="h1", alias="Owen", condition=HostageCondition.UNHARMED))
    s.at(5).log(DeadlineSet(deadline_id="dl1", due_at=T0 + timedelta(minutes=30)))
    s.at(31).log(HostageConditionChanged(hostage_id="h1", condition=HostageCondition.INJURED))
    s.at(40).log(NoteAdded(text="Shot heard"))
    assert s.first_seq("deadline_passed_quietly") is None


def test_a_demand_for_a_car_gets_discuss_to_stall_advice_and_names_the_flat_no_that_followed() -> None:
    # demands-deadlines.md: transport is "not granted; discuss to buy time", no leaving with hostages [T7 P]. A car
    # demand got no advice at all, heard or recorded, and the flat no after it (avoid.md's own example) went unnamed.
    s = Script()
    _calm_opening(s)
    said = s.at(5).say("subj", "I want a car out front.")
    heard = s.final()
    assert [a.advice_id for a in heard if a.rule_id == "transport_demand"] == [f"transport_demand:u{said}"]
    recorded = s.at(6).log(
        DemandRecorded(demand_id="d1", item="a car", category=DemandCategory.TRANSPORT, utterance_seq=said)
    )
    no = s.at(7).say("neg", "No. You're not getting a car.")
    (card,) = [a for a in s.final() if a.rule_id == "transport_demand"]
    assert card.advice_id == "transport_demand:d1" and card.trigger_seqs == (said, recorded)
    assert f"A flat no was heard at seq {no}" in card.about
    assert card.doctrine_ref == "demands-deadlines.md#negotiable-vs-non-negotiable" and "T7 P" in card.sources
    off = Policy(rules={"transport_demand": RuleSetting(enabled=False)})  # the Philippine deck trades transport
    assert not [a for a in s.final(off) if a.rule_id == "transport_demand"]


def test_his_own_death_asked_for_raises_no_demand_card_but_the_suicide_by_cop_card() -> None:
    # indicators.md: asking officers to kill him is a suicide-by-cop sign. Heard as a demand, it got a demand card
    # ("He asked for 'you to shoot me', not yet on the demand ledger") as if it were a thing to stall or trade.
    s = Script()
    _calm_opening(s)
    said = s.at(5).say("subj", "I want you to shoot me.")
    rules = {a.rule_id for a in s.final()}
    assert "suicide_by_cop_signs" in rules
    assert not any("not yet on the demand ledger" in a.about for a in s.final()), rules
    car = s.at(6).say("subj", "And I want a car out front.")
    assert [a.advice_id for a in s.final() if a.rule_id == "transport_demand"] == [f"transport_demand:u{car}"]
    assert said < car


def test_a_demand_he_repeats_after_it_was_recorded_is_not_called_missing_from_the_ledger() -> None:
    # Only a demand recorded after his words counted as "on the ledger": asking again for what the scribe had already
    # recorded raised a second card saying it was "not yet on the demand ledger", beside the ledger's own card.
    s = Script()
    _calm_opening(s)
    asked = s.at(5).say("subj", "Get me some cigarettes.")
    s.at(6).log(DemandRecorded(demand_id="d1", item="cigarettes", category=DemandCategory.TOBACCO, utterance_seq=asked))
    s.at(7).say("subj", "Where are my smokes? I want the cigarettes.")
    s.at(8).say("subj", "And I want a car.")
    s.at(9).log(DemandRecorded(demand_id="d2", item="a car", category=DemandCategory.TRANSPORT))
    s.at(10).say("subj", "Where's that car?")
    assert sorted(a.advice_id for a in s.final() if a.rule_id in ("quid_pro_quo", "transport_demand")) == [
        "quid_pro_quo:d1",
        "transport_demand:d2",
    ]
    s.at(11).log(DemandStatusChanged(demand_id="d1", status=DemandStatus.MET))
    again = s.at(12).say("subj", "I want more cigarettes.")  # met and closed: asking again is a new demand
    assert f"quid_pro_quo:u{again}" in [a.advice_id for a in s.final()]


def test_a_demand_he_keeps_repeating_before_the_scribe_records_it_is_one_card_citing_every_turn() -> None:
    # Each turn that asked for the same unrecorded item raised its own card with the same advice: on a long call a
    # subject who asked for cigarettes 189 times before anyone recorded it got 189 'Trade the small demand' cards.
    s = Script()
    _calm_opening(s)
    first = s.at(5).say("subj", "I want a pack of cigarettes.")
    s.at(6).say("neg", "Tell me what's going on.")
    second = s.at(7).say("subj", "Get me the cigarettes.")
    car = s.at(8).say("subj", "And I want a car.")
    third = s.at(9).say("subj", "Cigarettes! Now.")
    heard = [a for a in s.final() if a.advice_id.startswith(("quid_pro_quo", "transport_demand"))]
    assert sorted(a.advice_id for a in heard) == [f"quid_pro_quo:u{first}", f"transport_demand:u{car}"]
    (trade,) = [a for a in heard if a.rule_id == "quid_pro_quo"]
    assert trade.trigger_seqs == (first, second, third)
    assert f"(seq {first}, {second}, {third})" in trade.about


def test_amnesty_or_a_prisoner_release_is_deferred_upward_even_without_a_no_concessions_policy() -> None:
    # demands-deadlines.md: amnesty "police cannot grant it", prisoners "not police business; national policy". With
    # the default policy (no_concessions off) both got no advice at all, and promising them is a false promise.
    s = Script(incident_type=IncidentType.TERRORIST)
    _calm_opening(s)
    heard = s.at(5).say("subj", "I want immunity. Put it in writing.")
    prisoners = s.at(6).log(
        DemandRecorded(demand_id="d1", item="Free our comrades", category=DemandCategory.RELEASE_OF_PRISONERS)
    )
    cards = {a.advice_id: a for a in s.final() if a.rule_id == "beyond_police_authority"}
    assert set(cards) == {f"beyond_police_authority:u{heard}", "beyond_police_authority:d1"}
    assert cards["beyond_police_authority:d1"].trigger_seqs == (prisoners,)
    assert "Don't promise it" in cards["beyond_police_authority:d1"].action
    barred = s.final(Policy(no_concessions=True))  # the agency's own bar takes the prisoners' demand
    assert "policy_bars_concession:d1" in [a.advice_id for a in barred]
    assert "beyond_police_authority:d1" not in [a.advice_id for a in barred]


def test_a_demand_to_talk_to_his_wife_or_the_chief_warns_against_an_unscreened_audience() -> None:
    # demands-deadlines.md: talking to family or a named person is "limited and controlled; never as audience for a
    # final act", and wanting only the officer in charge is a suicide-by-cop sign. Both got no advice at all.
    s = Script(incident_type=IncidentType.SUICIDE_INTERVENTION)
    _calm_opening(s)
    wife = s.at(5).say("subj", "I want to talk to my wife. Put her on the phone.")
    chief = s.at(6).log(DemandRecorded(demand_id="d1", item="Talk to the chief only", category=DemandCategory.PERSON))
    cards = {a.advice_id: a for a in s.final() if a.rule_id == "third_party_demand"}
    assert set(cards) == {f"third_party_demand:u{wife}", "third_party_demand:d1"}
    assert cards["third_party_demand:d1"].trigger_seqs == (chief,)
    assert "unscreened" in cards["third_party_demand:d1"].action and "R20 S" in cards["third_party_demand:d1"].sources
    s.at(7).log(DemandRecorded(demand_id="d2", item="Let me trade places with her", category=DemandCategory.PERSON))
    assert "non_negotiable_demand:d2" in [a.advice_id for a in s.final()]  # an exchange stays non-negotiable


def test_a_deadline_keeps_its_card_from_the_due_time_until_the_grace_window_ends() -> None:
    # The approaching card vanished at the due time and "passed quietly" waited for the grace window: for those
    # minutes, when the team most needs it, the advisor said nothing about the deadline at all.
    s = Script()
    s.at(5).log(DeadlineSet(deadline_id="dl1", due_at=T0 + timedelta(minutes=30)))
    due = s.at(30).log(NoteAdded(text="Deadline time"))
    s.at(33).log(NoteAdded(text="Quiet inside"))
    replayed = dict(s.replay())
    (at_due,) = [a for a in replayed[due] if a.rule_id.startswith("deadline")]
    (later,) = [a for a in replayed[due + 1] if a.rule_id.startswith("deadline")]
    assert at_due.advice_id == later.advice_id == "deadline_approaching:dl1"
    assert "was due at 19:30 UTC (now); no outcome logged yet." in at_due.about
    assert "(3 min ago)" in later.about


def test_a_deadline_he_set_that_nobody_recorded_still_warns_when_it_is_near() -> None:
    # "You have thirty minutes ... or she gets hurt": the cue analyser parses the due time, but the approaching card
    # read recorded deadlines only, so with a busy scribe the deadline came and went with no warning at all.
    s = Script()
    said = s.at(2).say("subj", "You have thirty minutes to get me that car or she gets hurt.")
    early = s.at(10).log(NoteAdded(text="Tactical in position"))
    near = s.at(20).log(NoteAdded(text="Quiet"))
    replayed = dict(s.replay())
    assert not [a for a in replayed[early] if a.rule_id == "deadline_approaching"]
    (card,) = [a for a in replayed[near] if a.rule_id == "deadline_approaching"]
    assert card.advice_id == f"deadline_approaching:u{said}" and card.trigger_seqs == (said,)
    assert "not on the deadline ledger yet: it is due at 19:32 UTC, in 12 min." in card.about
    s.at(21).log(DeadlineSet(deadline_id="dl1", due_at=T0 + timedelta(minutes=32), utterance_seq=said))
    assert [a.advice_id for a in s.final() if a.rule_id == "deadline_approaching"] == ["deadline_approaching:dl1"]


def test_a_hostage_hurt_before_the_deadline_was_set_does_not_stop_it_passing_quietly() -> None:
    # Any hostage ever logged as injured made every deadline "not quiet" for good, though demands-deadlines.md asks
    # only that no harmful act be logged within the deadline's window.
    s = Script()
    s.at(1).log(HostageRecorded(hostage_id="h1", alias="Owen", condition=HostageCondition.INJURED))
    s.at(5).log(DeadlineSet(deadline_id="dl1", due_at=T0 + timedelta(minutes=30)))
    quiet = s.at(36).log(NoteAdded(text="No movement"))
    assert s.first_seq("deadline_passed_quietly") == quiet


def test_a_weapons_demand_fires_deflect_without_a_flat_no_when_he_says_it_and_when_it_is_recorded() -> None:
    s = Script()
    _calm_opening(s)
    said = s.at(5).say("subj", "Send in a vest or I start shooting.")
    assert s.first_seq("non_negotiable_demand") == said
    assert [a.advice_id for a in s.final() if a.rule_id == "non_negotiable_demand"] == [
        f"non_negotiable_demand:u{said}"
    ]
    s.at(6).log(DemandRecorded(demand_id="d1", item="Bulletproof vest", category=DemandCategory.WEAPONS))
    s.at(7).say("neg", "No. You're not getting a vest.")
    final = [a for a in s.final() if a.rule_id == "non_negotiable_demand"]
    assert [a.advice_id for a in final] == ["non_negotiable_demand:d1"]
    assert "flat no" in final[0].about and final[0].priority == 1


def test_a_hostage_exchange_is_non_negotiable_even_when_the_scribe_ticked_negotiable() -> None:
    s = Script()
    seq = s.at(5).log(DemandRecorded(demand_id="d1", item="Exchange the girl for the mayor", negotiable=True))
    assert s.first_seq("non_negotiable_demand") == seq


def test_an_offer_he_never_asked_for_fires_unrequested_concession_at_that_turn() -> None:
    s = Script()
    _calm_opening(s)
    offer = s.at(5).say("neg", "We can have a car out front in an hour.")  # avoid.md's own Avoid line
    assert s.first_seq("unrequested_concession") == offer
    (card,) = [a for a in s.final() if a.rule_id == "unrequested_concession"]
    assert "('We can have a car')" in card.about  # the words the avoid analyser flagged, its evidence


def test_a_small_goodwill_offer_is_not_an_unrequested_concession() -> None:
    # avoid.md's markers: a *substantive* item (car, money, media, transport, immunity, a person); food and water
    # are planned goodwill gestures. The advisor's own regex gave "I can get you some pizza" the card the avoid
    # analyser (whose definition the eval scores) never flags.
    s = Script()
    _calm_opening(s)
    s.at(5).say("neg", "I can get you some pizza and a soda.")
    assert s.first_seq("unrequested_concession") is None


def test_an_offer_after_his_request_or_made_as_a_trade_is_not_unrequested() -> None:
    asked = Script()
    asked.at(2).say("subj", "I need a ride out of here.")
    asked.at(3).say("neg", "I can get you a car.")
    traded = Script()
    traded.at(3).say("neg", "I can get you a car if you let Owen talk to me.")
    assert asked.first_seq("unrequested_concession") is None
    assert traded.first_seq("unrequested_concession") is None


def test_an_offer_of_what_he_did_not_ask_for_is_unrequested_even_after_another_demand() -> None:
    # Any demand before the offer silenced the card: after "I need a pack of cigarettes", "I can get you a car" was
    # taken as asked for.
    s = Script()
    s.at(2).say("subj", "I need a pack of cigarettes.")
    offer = s.at(3).say("neg", "I can get you a car.")
    assert s.first_seq("unrequested_concession") == offer


def test_an_item_he_asked_for_long_before_the_offer_is_still_asked_for() -> None:
    # The avoid analyser sees the turns of its window; the log is longer. A demand on the ledger, or his asking
    # for it anywhere earlier in the log, makes the offer one he asked for.
    for recorded in (False, True):
        s = Script()
        s.at(1).say("subj", "I want a car.")
        if recorded:
            s.at(1).log(DemandRecorded(demand_id="d1", item="vehicle", category=DemandCategory.TRANSPORT))
        for minute in range(2, 14):
            s.at(minute).say("neg", "Tell me more about the plant.")
            s.at(minute).say("subj", "Twenty years I gave them.")
        s.at(15).say("neg", "We can have a car out front in an hour.")
        assert s.first_seq("unrequested_concession") is None, recorded


def test_the_non_negotiable_reason_gives_alcohol_and_body_armour_the_standing_the_doctrine_pack_gives_them() -> None:
    # The reason said body armour "counts as a weapon item" and alcohol is "never traded in usual doctrine": the pack
    # marks the first as talkdown's design [D] (never to be shown as doctrine) and says sources differ on alcohol.
    s = Script()
    s.at(1).log(DemandRecorded(demand_id="d1", item="Bulletproof vest", category=DemandCategory.WEAPONS))
    (card,) = [a for a in s.final() if a.rule_id == "non_negotiable_demand"]
    assert "body armour counts as a weapon item" not in card.reason
    assert "talkdown's own choice" in card.reason and "alcohol generally is not" in card.reason


def test_a_concession_of_some_water_is_not_taken_for_the_demand_for_some_food() -> None:
    # Demand texts were matched on any shared word of four letters, "some" and "want" included: a concession of
    # "some water" counted as asked for by a demand for "some food", so the unrequested card never fired.
    s = Script()
    s.at(1).log(DemandRecorded(demand_id="d1", item="some food", category=DemandCategory.FOOD_DRINK))
    given = s.at(2).log(ConcessionGranted(concession_id="c1", what="some water"))
    (card,) = [a for a in s.final() if a.rule_id == "unrequested_concession"]
    assert card.advice_id == "unrequested_concession:c1" and card.trigger_seqs == (given,)


def test_reassurance_about_getting_out_safely_and_offers_of_time_are_not_unrequested_concessions() -> None:
    # "We can get you out of there safely" is the reassurance stairway.md's last step calls for, yet it matched
    # "we can get you" and drew "Offer not asked for: hold the offer until he asks"; so did "Do you want a minute?".
    lines = (
        "We can get you out of there safely.",
        "I'll get you through this.",
        "Nobody will hurt you. I'll bring you out myself.",
        "Do you want a minute to think?",
        "Do you want me to repeat that?",
    )
    for line in lines:
        s = Script()
        s.at(1).say("neg", line)
        assert s.first_seq("unrequested_concession") is None, line
    s = Script()
    offer = s.at(1).say("neg", "Do you want me to call your sister?")
    assert s.first_seq("unrequested_concession") == offer


def test_a_concession_with_no_return_names_a_step_the_team_can_take_to_record_it() -> None:
    # The card said "Record what came back for it", but no command or form records a return after the grant
    # (ConcessionGranted carries it; a status change does not): the card could only be dismissed or outlived.
    s = Script()
    s.at(1).log(DemandRecorded(demand_id="d1", item="water", category=DemandCategory.FOOD_DRINK))
    s.at(2).log(ConcessionGranted(concession_id="c1", what="two bottles of water", demand_id="d1"))
    (card,) = [a for a in s.final() if a.rule_id == "concession_without_return"]
    assert "Record what came back" not in card.action
    assert "dismiss this card with what it was as the reason" in card.action


def test_a_concession_logged_with_no_demand_and_no_return_fires_unrequested_concession() -> None:
    s = Script()
    seq = s.at(5).log(ConcessionGranted(concession_id="c1", what="A car out front"))
    assert s.first_seq("unrequested_concession") == seq


def test_a_small_demand_fires_quid_pro_quo_naming_the_hostage_with_medical_needs_until_it_is_traded() -> None:
    s = Script()
    hostage = s.at(1).log(HostageRecorded(hostage_id="h1", alias="Owen", medical_needs="asthma, needs his inhaler"))
    demand = s.at(5).log(DemandRecorded(demand_id="d2", item="A pack of cigarettes", category=DemandCategory.TOBACCO))
    assert s.first_seq("quid_pro_quo") == demand
    item = next(a for a in s.final() if a.rule_id == "quid_pro_quo")
    assert "Owen (asthma, needs his inhaler)" in item.about and item.trigger_seqs == (demand, hostage)
    s.at(9).log(
        ConcessionGranted(concession_id="c1", what="Cigarettes", in_exchange_for="Owen on the phone", demand_id="d2")
    )
    assert not any(a.rule_id == "quid_pro_quo" for a in s.final())


def test_influence_before_rapport_fires_at_the_negotiator_directive_in_the_venting_phase() -> None:
    s = Script()
    s.at(1).say("neg", "Hi, this is Sam with the police negotiation team.")
    s.at(2).say("subj", "Nobody at that plant ever gave a damn about me.")
    directive = s.at(3).say("neg", "You need to put the gun down and walk out right now.")
    assert s.first_seq("influence_before_rapport") == directive


def test_rising_suicide_cues_fire_at_the_second_cue_and_name_the_mental_health_consultant() -> None:
    s = Script(extra_parties=(("mhc", "Dr. Halvorsen", Role.MENTAL_HEALTH_CONSULTANT),))
    _calm_opening(s)
    s.at(6).say("subj", "They'll all be better off without me.")
    s.at(7).say("neg", "Better off without you?")
    second = s.at(8).say("subj", "After tonight none of this is my problem. Tell my mother I said goodbye.")
    assert s.first_seq("rising_suicide_cues") == second
    item = next(a for a in s.final() if a.rule_id == "rising_suicide_cues")
    assert "Dr. Halvorsen" in item.about and item.priority == 1


def test_the_rising_suicide_cues_card_says_whether_he_was_asked_plainly_hedged_or_not_at_all() -> None:
    # indicators.md, "When cues rise": ask directly and plainly; hesitant wording shows the negotiator's fear. The
    # card told the team to ask and never said whether anyone had.
    s = Script()
    _calm_opening(s)
    s.at(6).say("neg", "Are you thinking about killing yourself?")  # before these cues: not counted
    s.at(7).say("subj", "They'll all be better off without me.")
    s.at(8).say("subj", "After tonight none of this is my problem. Tell my mother I said goodbye.")

    def about() -> str:
        return next(a for a in s.final() if a.rule_id == "rising_suicide_cues").about

    assert "Not yet asked about suicide since the first of them" in about()
    hedged = s.at(9).say("neg", "You're not going to do anything silly, are you?")
    assert f"Not yet asked plainly: the question at seq {hedged} was hedged" in about()
    assert '"Are you thinking about killing yourself?"' in about()
    direct = s.at(10).say("neg", "I need to ask you straight. Are you thinking of suicide?")
    assert about().endswith(f"Asked directly since the first of them: seq {direct}.")


def test_one_statement_of_suicidal_intent_is_a_high_risk_factor_at_once() -> None:
    # indicators.md [R19 P]: "says he intends to kill himself" is a high-risk factor; one statement is enough.
    s = Script()
    _calm_opening(s)
    said = s.at(6).say("subj", "I'm going to kill myself tonight.")
    assert s.first_seq("high_risk_factors") == said
    item = next(a for a in s.final() if a.rule_id == "high_risk_factors")
    assert item.priority == 1 and "suicidal_intent" in item.about and item.trigger_seqs == (said,)


def test_a_threat_naming_a_captive_and_a_hurt_hostage_are_one_card_whose_key_grows() -> None:
    s = Script()
    _calm_opening(s)
    s.at(5).log(HostageRecorded(hostage_id="h1", alias="Owen"))
    threat = s.at(6).say("subj", "If anybody comes through that door I'll shoot her.")
    assert s.first_seq("high_risk_factors") == threat
    first = next(a for a in s.final() if a.rule_id == "high_risk_factors")
    s.at(8).log(HostageConditionChanged(hostage_id="h1", condition=HostageCondition.INJURED))
    s.at(9).say("subj", "Nothing matters anymore. I won't be around tomorrow.")
    (item,) = [a for a in s.final() if a.rule_id == "high_risk_factors"]
    assert "Owen injured" in item.about and "suicidal_intent" in item.about
    assert item.advice_id != first.advice_id  # a new factor raises a new card, even if the first was dismissed


def test_a_hostage_hurt_after_the_threat_card_was_dismissed_raises_the_card_again_citing_the_injury() -> None:
    # Threat and injury are one FBI factor, and the card's id was the set of factor names: once the team dismissed
    # the threat card, a captive logged as injured (or later dead) raised nothing, and the card cited the entry that
    # first listed the hostage (seq 5, condition unknown) as the evidence of the injury.
    s = Script()
    _calm_opening(s)
    listed = s.at(5).log(HostageRecorded(hostage_id="h1", alias="Owen"))
    threat = s.at(6).say("subj", "If anybody comes through that door I'll shoot her.")
    (card,) = [a for a in s.final() if a.rule_id == "high_risk_factors"]
    s.at(7).log(
        AdviceDismissed(advice_id=card.advice_id, rule_id=card.rule_id, advisor_version="0.1.0", reason="Noted")
    )
    assert [a for a in s.final() if a.rule_id == "high_risk_factors"] == []
    hurt = s.at(8).log(HostageConditionChanged(hostage_id="h1", condition=HostageCondition.INJURED))
    (again,) = [a for a in s.final() if a.rule_id == "high_risk_factors"]
    assert again.trigger_seqs == (threat, hurt) and listed not in again.trigger_seqs
    assert f"Owen injured (seq {hurt})" in again.about
    s.at(9).log(
        AdviceDismissed(advice_id=again.advice_id, rule_id=again.rule_id, advisor_version="0.1.0", reason="EMS")
    )
    died = s.at(10).log(HostageConditionChanged(hostage_id="h1", condition=HostageCondition.DECEASED))
    (worse,) = [a for a in s.final() if a.rule_id == "high_risk_factors"]
    assert "Owen deceased" in worse.about and died in worse.trigger_seqs


def test_a_hurt_hostage_asked_for_in_a_trade_cites_the_entry_that_logged_the_need() -> None:
    s = Script()
    listed = s.at(1).log(HostageRecorded(hostage_id="h1", alias="Owen"))
    need = s.at(2).log(
        HostageConditionChanged(hostage_id="h1", condition=HostageCondition.DISTRESSED, medical_needs="asthma")
    )
    s.at(3).log(DemandRecorded(demand_id="d1", item="cigarettes", negotiable=True, category=DemandCategory.TOBACCO))
    (trade,) = [a for a in s.final() if a.rule_id == "quid_pro_quo"]
    assert "Owen (asthma)" in trade.about and need in trade.trigger_seqs and listed not in trade.trigger_seqs


def test_a_threat_to_a_hostage_alone_is_not_told_to_ask_about_suicide_as_if_he_had_said_it() -> None:
    # The card's one action read "Treat stated suicidal intent as real: ask him directly and plainly about it" on a
    # card whose only factor was a threat naming a captive: an order to ask a man who threatened his wife whether he
    # means to kill himself, on no evidence. The suicide step is now conditional on that factor being present.
    s = Script()
    _calm_opening(s)
    s.at(6).say("subj", "If anybody comes through that door I'll shoot her.")
    (card,) = [a for a in s.final() if a.rule_id == "high_risk_factors"]
    assert "suicidal_intent" not in card.about
    assert "Treat stated suicidal intent as real" not in card.action
    assert "If suicidal intent is among them" in card.action


def test_a_card_on_a_long_call_names_a_few_seqs_and_how_many_not_every_one() -> None:
    # On a 3,000-event call the suicide card's text listed 192 seqs and the stairway card's 261 (thousands of
    # characters on the board), while the high-risk card named the last three threats as if there had been three.
    s = Script()
    for minute in range(20):
        s.at(minute).say("neg", "Here's what you need to do: put the gun down and walk out.")
        s.say("subj", "They'll all be better off without me. If anyone comes in I'll shoot her.")
    cards = {a.rule_id: a for a in s.final()}
    for rule_id in ("influence_before_rapport", "rising_suicide_cues", "high_risk_factors"):
        card = cards[rule_id]
        assert len(card.trigger_seqs) >= 20, rule_id  # the evidence keeps every seq
        assert "; 20 in all" in card.about and len(card.about) < 400, (rule_id, card.about)


def test_a_weapon_in_his_words_raises_one_card_that_a_new_kind_of_weapon_brings_back() -> None:
    # "I've got a gun" got no advice at all: weapons at the scene lower the chance of a negotiated end (indicators.md
    # "Other predictors" [R34 S]) and the team leader and tactical liaison must hear of it.
    s = Script(incident_type=IncidentType.BARRICADE)
    _calm_opening(s)
    gun = s.at(5).say("subj", "I've got a gun in here and it's loaded.")
    assert s.first_seq("weapon_mentioned") == gun
    (card,) = [a for a in s.final() if a.rule_id == "weapon_mentioned"]
    assert card.advice_id == "weapon_mentioned:gun" and card.trigger_seqs == (gun,) and "gun" in card.about
    assert card.doctrine_ref == "indicators.md#other-predictors" and "R34 S" in card.sources
    s.at(6).log(
        AdviceDismissed(advice_id=card.advice_id, rule_id=card.rule_id, advisor_version="0.1.0", reason="Intel")
    )
    s.at(7).say("subj", "I told you, I have a gun.")
    assert not [a for a in s.final() if a.rule_id == "weapon_mentioned"]  # the same weapon again: still dismissed
    knife = s.at(8).say("subj", "And a knife.")
    (again,) = [a for a in s.final() if a.rule_id == "weapon_mentioned"]
    assert again.advice_id == "weapon_mentioned:gun+knife" and knife in again.trigger_seqs


def test_a_hostage_of_unknown_condition_asks_for_a_welfare_check_until_the_condition_is_logged() -> None:
    # A captive recorded with no condition (the default) got no advice: the board read "unknown" and nothing asked the
    # team to find out, though a welfare check is one of doctrine's good trades (demands-deadlines.md).
    s = Script()
    owen = s.at(1).log(HostageRecorded(hostage_id="h1", alias="Owen"))
    (card,) = [a for a in s.final() if a.rule_id == "hostage_welfare_unknown"]
    assert card.advice_id == f"hostage_welfare_unknown:s{owen}" and card.trigger_seqs == (owen,)
    assert "No condition logged for Owen" in card.about and "welfare check" in card.action
    s.at(2).log(HostageConditionChanged(hostage_id="h1", condition=HostageCondition.UNHARMED))
    assert not [a for a in s.final() if a.rule_id == "hostage_welfare_unknown"]  # acted on: the card goes
    s.at(3).log(HostageRecorded(hostage_id="h2", alias="Mia", condition=HostageCondition.DISTRESSED))
    assert not [a for a in s.final() if a.rule_id == "hostage_welfare_unknown"]  # her condition is known


def test_a_weapon_card_names_the_kind_once_known_not_also_unspecified() -> None:
    # The demo's card read "He spoke of a weapon (gun, unspecified)": "I'm armed" adds nothing once a gun is named.
    s = Script()
    s.at(1).say("subj", "I'm armed, don't come any closer.")
    (first,) = [a for a in s.final() if a.rule_id == "weapon_mentioned"]
    assert first.advice_id == "weapon_mentioned:unspecified"
    s.at(2).say("subj", "I've got a gun in here.")
    (card,) = [a for a in s.final() if a.rule_id == "weapon_mentioned"]
    assert card.advice_id == "weapon_mentioned:gun" and "(gun)" in card.about


def test_a_calm_subject_raises_no_high_risk_factor() -> None:
    s = Script()
    _calm_opening(s)
    s.at(6).say("subj", "I'm dying for a smoke. This traffic is killing me.")
    assert s.first_seq("high_risk_factors") is None


def test_a_single_suicide_cue_does_not_fire_the_rising_rule() -> None:
    s = Script()
    s.at(6).say("subj", "They'll all be better off without me.")
    assert s.first_seq("rising_suicide_cues") is None


def test_relief_fires_when_a_negotiator_passes_the_policy_interval_and_not_for_a_scribe() -> None:
    s = Script(extra_parties=(("scribe", "Lee", Role.SCRIBE),))
    started = s.at(0).log(DutyStarted(party_id="neg"))
    s.log(DutyStarted(party_id="scribe"))
    s.at(59).log(NoteAdded(text="check"))
    due = s.at(61).log(NoteAdded(text="check"))
    policy = Policy(relief_interval_minutes=60)
    assert s.first_seq("relief_due", policy) == due
    assert [a.advice_id for a in s.final(policy) if a.rule_id == "relief_due"] == [f"relief_due:neg:{started}"]


def test_progress_fires_when_his_turns_lengthen_and_threats_fall() -> None:
    s = Script()
    short = ["I'll kill him if anybody comes through that door.", "Back off or she gets hurt.", "No.", "Whatever.",
             "Leave me alone.", "I don't care."]  # fmt: skip
    for i, line in enumerate(short):
        s.at(1 + i).say("subj", line)
        s.say("neg", "Okay.")
    long = (
        "What happened was, I worked at that warehouse for twenty years and then one morning they just told me "
        "not to come back, no reason, nothing at all."
    )
    seqs = []
    for i in range(6):
        seqs.append(s.at(10 + i).say("subj", f"{long} That was turn {i}."))
        s.say("neg", "Tell me more.")
    assert s.first_seq("progress_keep_course") == seqs[-1]


def test_dismissed_advice_stays_off_the_list_and_other_rules_still_show() -> None:
    s = Script()
    s.at(5).log(DemandRecorded(demand_id="d1", item="A rifle", category=DemandCategory.WEAPONS))
    s.log(PromiseMade(promise_id="p1", what="Call his brother", in_exchange_for="calm"))
    s.log(PromiseStatusChanged(promise_id="p1", status=CommitmentStatus.BROKEN))
    s.log(AdviceDismissed(advice_id="non_negotiable_demand:d1", rule_id="non_negotiable_demand",
                          advisor_version="0.1.0", reason="Commander already deflected it"))  # fmt: skip
    assert [a.advice_id for a in s.final()] == ["broken_promise:p1"]


def test_advice_is_ranked_by_priority_then_recency_and_policy_can_rerank_or_disable() -> None:
    s = Script()
    s.at(1).log(DemandRecorded(demand_id="d1", item="Sandwiches", category=DemandCategory.FOOD_DRINK))
    s.at(2).log(DemandRecorded(demand_id="d2", item="A rifle", category=DemandCategory.WEAPONS))
    assert [a.rule_id for a in s.final()] == ["non_negotiable_demand", "quid_pro_quo"]
    reranked = Policy(rules={"non_negotiable_demand": RuleSetting(priority=5)})
    assert [a.rule_id for a in s.final(reranked)] == ["quid_pro_quo", "non_negotiable_demand"]
    off = Policy(rules={"non_negotiable_demand": RuleSetting(enabled=False)})
    assert [a.rule_id for a in s.final(off)] == ["quid_pro_quo"]


def test_a_no_concessions_policy_bars_a_ransom_demand_that_defaults_treat_as_negotiable() -> None:
    s = Script(incident_type=IncidentType.KIDNAP_FOR_RANSOM)
    seq = s.at(1).log(DemandRecorded(demand_id="d1", item="Two million dollars", category=DemandCategory.MONEY))
    assert s.first_seq("policy_bars_concession") is None
    assert s.first_seq("policy_bars_concession", Policy(no_concessions=True)) == seq


def test_every_advice_item_names_its_evidence_and_a_doctrine_reference() -> None:
    s = Script()
    s.at(1).log(DemandRecorded(demand_id="d1", item="A rifle", category=DemandCategory.WEAPONS))
    s.at(2).say("neg", "I can get you some pizza and a soda.")
    items = s.final()
    assert items and all(a.trigger_seqs and ".md#" in a.doctrine_ref and a.sources for a in items)


def test_a_closed_incident_gets_no_advice() -> None:
    s = Script()
    s.at(1).log(DemandRecorded(demand_id="d1", item="A rifle", category=DemandCategory.WEAPONS))
    from talkdown.domain.events import IncidentClosed

    s.at(2).log(IncidentClosed(outcome="negotiated_surrender"))
    state = _state(s)
    assert advise(state, {}, Policy(), T0 + timedelta(minutes=3)) == []


def _state(s: Script):  # type: ignore[no-untyped-def]
    from talkdown.domain.state import replay

    return replay(s.envelopes)


def test_the_minutes_left_to_a_deadline_are_rounded_up_so_under_a_minute_is_not_in_0_min() -> None:
    """The minutes left were floored: 40 s before the deadline the advice read "in 0 min", which a team reads as
    already due (and 9 min 40 s read "in 9 min")."""
    for minute, said in ((29 + 20 / 60, "in 1 min."), (20 + 20 / 60, "in 10 min."), (20, "in 10 min.")):
        s = Script()
        _calm_opening(s)
        s.at(5).log(DeadlineSet(deadline_id="dl1", due_at=T0 + timedelta(minutes=30), description="by 19:30"))
        s.at(minute).say("neg", "Tell me about the job.")
        item = next(a for a in s.final() if a.rule_id == "deadline_approaching")
        assert item.about.endswith(said), (minute, item.about)


def _coached(s: Script) -> list[str]:
    return [a.advice_id for a in s.final() if a.rule_id == "negotiator_avoid"]


def test_a_negotiators_false_promise_gets_a_coaching_card_with_the_sentence_and_avoid_mds_better_line() -> None:
    # The board flagged the line; the advice panel, which the team reads first, said nothing about it.
    s = Script()
    _calm_opening(s)
    s.at(5).say("subj", "I want a helicopter on the roof.")
    line = s.at(6).say("neg", "Okay. The helicopter is on its way. Just stay calm.")
    (card,) = [a for a in s.final() if a.rule_id == "negotiator_avoid"]
    assert card.advice_id == f"negotiator_avoid:false_promise.{line}" and card.trigger_seqs == (line,)
    assert card.about.startswith(f'Sam at seq {line}, false promise: "The helicopter is on its way."')
    assert "I've passed that up the line." in card.about  # avoid.md's Better line
    assert card.doctrine_ref == "avoid.md#behaviours-negotiators-avoid"


def test_an_ultimatum_is_coached_as_an_ultimatum_and_as_a_deadline_set() -> None:
    s = Script()
    _calm_opening(s)
    line = s.at(5).say("neg", "You've got ten minutes to let them go.")
    assert sorted(_coached(s)) == [f"negotiator_avoid:setting_deadline.{line}", f"negotiator_avoid:ultimatum.{line}"]


def test_a_dismissed_coaching_card_returns_when_the_behaviour_does_and_old_lines_age_out() -> None:
    s = Script()
    _calm_opening(s)
    first = s.at(5).say("neg", "The helicopter is on its way.")
    (card,) = [a for a in s.final() if a.rule_id == "negotiator_avoid"]
    s.at(6).log(
        AdviceDismissed(advice_id=card.advice_id, rule_id=card.rule_id, advisor_version="0.1.0", reason="Noted")
    )
    assert _coached(s) == []
    again = s.at(9).say("neg", "Your money is on its way, I promise.")
    (back,) = [a for a in s.final() if a.rule_id == "negotiator_avoid"]
    assert back.advice_id == f"negotiator_avoid:false_promise.{again}" and back.trigger_seqs == (first, again)
    s.at(9 + 61).say("subj", "Still waiting.")  # past the 60-minute advice window: both lines are history
    assert _coached(s) == []


def test_lines_with_a_card_of_their_own_or_no_weight_are_not_coached() -> None:
    # An offer with no demand is unrequested_concession's card; "I'm here to help" is avoid.md's low-weight stock
    # phrase; a calm, doctrine-shaped line gets nothing.
    s = Script()
    _calm_opening(s)
    s.at(5).say("neg", "I'm here to help. I can get you a car.")
    s.at(6).say("neg", "Sounds like you've been carrying this alone for a long time.")
    assert _coached(s) == []
    assert any(a.rule_id == "unrequested_concession" for a in s.final())


def test_asking_the_officers_to_kill_him_raises_a_suicide_by_cop_card_that_a_new_kind_brings_back() -> None:
    # "Tell them to shoot me." raised only "High-risk factors: suicidal_intent", the same card as "Nothing will fix
    # this.", though asking officers to kill him is one of Perrou's suicide-by-cop indicators (indicators.md [R20 S]).
    s = Script()
    _calm_opening(s)
    s.at(5).say("subj", "Nothing will fix this.")
    assert s.first_seq("suicide_by_cop_signs") is None
    asked = s.at(6).say("subj", "Tell them to come in and shoot me.")
    assert s.first_seq("suicide_by_cop_signs") == asked
    (card,) = [a for a in s.final() if a.rule_id == "suicide_by_cop_signs"]
    assert card.priority == 1 and card.trigger_seqs == (asked,)
    assert card.about == (
        f"Suicide-by-cop indicators in his words: asks to be killed at seq {asked}. "
        f"Other suicide cues: hopelessness at seq {asked - 1}."
    )
    s.at(7).log(AdviceDismissed(advice_id=card.advice_id, rule_id=card.rule_id, advisor_version="0.3.0", reason="TL"))
    s.at(8).say("subj", "Just shoot me, I said.")  # the same kind again: stays dismissed
    assert [a for a in s.final() if a.rule_id == "suicide_by_cop_signs"] == []
    big = s.at(9).say("subj", "Tonight I'm going out big.")
    (again,) = [a for a in s.final() if a.rule_id == "suicide_by_cop_signs"]
    assert big in again.trigger_seqs and "going out fighting" in again.about
