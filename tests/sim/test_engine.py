"""The subject engine: doctrine-shaped dynamics, determinism, repetition, injects."""

from __future__ import annotations

from importlib import resources

import pytest

from talkdown.analysis.registry import default_pipeline
from talkdown.sim.debrief import better_lines, build_debrief
from talkdown.sim.engine import AVOID_WEIGHTS, PROMISE_DUE, SUICIDAL, SimulatedSubject, Step, turn_rng
from talkdown.sim.reading import SIM_FAMILIES, LineReader
from talkdown.sim.realizer import GENERIC, VENTING_AROUSAL
from talkdown.sim.scenario import load_scenario, parse_scenario, shipped_ids
from talkdown.sim.state import SubjectState, SubjectView, ViewItem
from tests.sim.test_scenario import without_reaction_again
from tests.trainee_scripts import FALSE_PROMISE, LATE_TRADE

LISTENING = [
    "What's going on for you right now?",
    "Sounds like you're exhausted from carrying all of this on your own.",
    "Tell me more about that.",
    "It sounds like you feel nobody has been listening to you.",
    "I'm hearing a lot of hurt underneath the anger.",
]


def _play(subject: SimulatedSubject, lines: list[str], seed: int = 1) -> tuple[list[str], SubjectState]:
    view = SubjectView(subject.scenario.id, (ViewItem("subject", subject.opening(turn_rng(seed, 0)), 1),))
    replies, state = [], subject.initial_state()
    for turn, line in enumerate(lines, start=1):
        if line.startswith("/inject "):
            view = view.extended(ViewItem("inject", line, 2 * turn, line.split()[1]))
            continue
        view = view.extended(ViewItem("trainee", line, 2 * turn))
        reply = subject.respond(view, turn_rng(seed, turn))
        view = view.extended(ViewItem("subject", reply.text, 2 * turn + 1))
        replies.append(reply.text)
        state = reply.state
    return replies, state


def test_the_same_seed_and_lines_give_the_same_session() -> None:
    subject = SimulatedSubject(load_scenario("domestic_barricade"))
    assert _play(subject, LISTENING, seed=5) == _play(SimulatedSubject(subject.scenario), LISTENING, seed=5)


def test_another_seed_varies_the_wording_but_not_the_state() -> None:
    """The state follows what the trainee said, not how the subject happened to word his replies. Read by the
    rule analysers: the learned ones also read the previous turn, so a borderline label can flip with the
    wording ("That's not true." after "Don't tell me what to do" gets flat_no at p 0.48 against its threshold
    0.475 on an AVX2-only host, not after another wording), and with the CPU's int8 kernels."""
    rules = LineReader(default_pipeline(fast=True).subset(SIM_FAMILIES))
    subject = SimulatedSubject(load_scenario("domestic_barricade"), reader=rules)
    lines = ["You're wrong about her.", "Be reasonable.", "That's not true.", "Calm down."]
    a, state_a = _play(subject, lines, seed=1)
    b, state_b = _play(subject, lines, seed=2)
    assert a != b
    assert state_a == state_b
    assert state_a != subject.initial_state()  # the lines moved it: the equality above is not of two untouched states


def test_listening_skills_build_trust_and_lower_arousal() -> None:
    subject = SimulatedSubject(load_scenario("bank_robbery"))
    _, state = _play(subject, LISTENING[:3])
    start = subject.initial_state()
    assert state.trust > start.trust + 0.2
    assert state.arousal < start.arousal - 0.1


def test_behaviours_to_avoid_raise_arousal_and_cost_trust() -> None:
    subject = SimulatedSubject(load_scenario("bank_robbery"))
    _, state = _play(subject, ["Calm down, it's not that bad.", "That's a ridiculous thing to want."])
    start = subject.initial_state()
    assert state.arousal >= start.arousal + 0.15
    assert state.trust < start.trust


def test_influence_before_rapport_backfires_but_after_rapport_it_does_not() -> None:
    subject = SimulatedSubject(load_scenario("bridge"))
    influence = "You need to climb back over now."
    early = subject.trace(_view(subject, [influence]))[-1]
    assert early.intent.key == "backfire"
    assert early.after.arousal > early.before.arousal and early.after.trust < early.before.trust
    rapport_lines = [*LISTENING, "Who matters most to you?", "Sounds like you feel you let them all down."]
    steps = subject.trace(_view(subject, [*rapport_lines, influence]))
    assert steps[-2].after.stage >= 2, "the listening lines must reach rapport for this test to mean anything"
    late = steps[-1]
    assert late.intent.key != "backfire"
    dyn = subject.scenario.dynamics
    assert late.after.arousal - late.before.arousal < dyn.backfire_arousal / 2
    assert late.before.trust - late.after.trust < dyn.backfire_trust / 2


def test_repeating_one_empathic_phrase_loses_its_effect_and_never_resolves() -> None:
    subject = SimulatedSubject(load_scenario("teenager"))
    phrase = "Sounds like you're going through a lot."
    replies, state = _play(subject, [phrase] * 40)
    gains = [s.after.trust - s.before.trust for s in subject.trace(_view(subject, [phrase] * 4))]
    assert gains[0] > 0 and gains[2] < gains[0] / 4
    assert state.outcome != "resolved"
    assert any("keep saying" in r or "already" in r or "card" in r for r in replies)


def _view(subject: SimulatedSubject, lines: list[str]) -> SubjectView:
    return SubjectView(subject.scenario.id, tuple(ViewItem("trainee", ln, i) for i, ln in enumerate(lines, start=1)))


def test_an_inject_changes_his_state_and_he_reacts_to_it() -> None:
    subject = SimulatedSubject(load_scenario("bridge"))
    replies, with_inject = _play(subject, [LISTENING[0], "/inject media_helicopter", LISTENING[1]])
    _, without = _play(subject, [LISTENING[0], LISTENING[1]])
    assert with_inject.arousal > without.arousal
    assert "news chopper" in replies[-1]


def test_an_inject_issued_again_gets_other_words_not_his_scripted_reaction_verbatim() -> None:
    """Issued a second time once he had replied (the chopper comes back), an inject got its scripted reaction word
    for word, like a recording. Issued again, he says one of the scenario's ``reaction_again`` lines, drawn by the
    seeded realizer and not one he just said; the inject moves him as much as the first time."""
    subject = SimulatedSubject(load_scenario("bank_robbery"))
    inject = subject.scenario.inject("media_helicopter")
    lines = [LISTENING[0], "/inject media_helicopter", LISTENING[1], "/inject media_helicopter", LISTENING[2]]
    lines += ["/inject media_helicopter", LISTENING[3]]
    replies, _ = _play(subject, lines, seed=3)
    first, second, third = replies[1], replies[2], replies[3]
    assert first.startswith(inject.reaction), first
    again = []
    for reply in (second, third):
        assert inject.reaction not in reply, reply
        again.append(next((said for said in inject.reaction_again if reply.startswith(said)), None))
        assert again[-1] is not None, reply
    assert again[0] != again[1]  # nor the line he used on the issue before
    assert _play(SimulatedSubject(subject.scenario), lines, seed=3)[0] == replies  # seeded: reproducible
    said = (ViewItem("trainee", LISTENING[0], 1), ViewItem("inject", "x", 2, inject.id), ViewItem("trainee", "Hm.", 3))
    view = SubjectView(subject.scenario.id, said)
    issued = view.extended(ViewItem("inject", "x", 4, inject.id))
    assert subject.state_of(issued).arousal - subject.state_of(view).arousal == pytest.approx(inject.arousal)


def test_an_inject_with_no_words_for_a_second_issue_has_its_reaction_framed_as_heard_again() -> None:
    """A scenario of the instructor's own may give no ``reaction_again``: the scripted line, the only place the
    trainee hears what happened, comes in one of the realizer's frames ("Not again. ..."), not bare."""
    text = (resources.files("talkdown.sim") / "scenarios" / "bridge.yaml").read_text(encoding="utf-8")
    scenario = parse_scenario(without_reaction_again(text), file="mine.yaml")
    inject = scenario.inject("media_helicopter")
    assert not inject.reaction_again, "the scenario must have no words for it issued again"
    lines = [LISTENING[0], "/inject media_helicopter", LISTENING[1], "/inject media_helicopter", LISTENING[2]]
    seen = set()
    for seed in range(6):
        replies, _ = _play(SimulatedSubject(scenario), lines, seed=seed)
        assert replies[1].startswith(inject.reaction), replies[1]
        framed = [f.format(reaction=inject.reaction) for f in GENERIC["inject_again"]]
        frame = next((f for f in framed if replies[2].startswith(f)), None)
        assert frame is not None, replies[2]
        seen.add(frame)
    assert len(seen) > 1  # the seed varies the frame


def test_his_state_now_includes_an_inject_issued_since_his_last_reply() -> None:
    subject = SimulatedSubject(load_scenario("bridge"))
    opening = (ViewItem("subject", "Stay back.", 1),)
    before = SubjectView("bridge", (*opening, ViewItem("inject", "x", 2, "wife_arrives")))
    assert subject.state_of(before).arousal == subject.initial_state().arousal + 0.1  # his initial state, before
    said = SubjectView("bridge", (*opening, ViewItem("trainee", LISTENING[0], 2), ViewItem("subject", "Hm.", 3)))
    after = said.extended(ViewItem("inject", "x", 4, "media_helicopter"))
    assert subject.state_of(after).arousal > subject.state_of(said).arousal  # the gauges lagged by one line
    assert subject.trace(after) == subject.trace(said)  # the exchanges (debrief, replies) are unchanged


def test_hooks_help_and_triggers_hurt() -> None:
    subject = SimulatedSubject(load_scenario("bridge"))
    _, hook = _play(subject, [LISTENING[0], "Tell me about your grandson."])
    _, trigger = _play(subject, [LISTENING[0], "Tell me about the bank."])
    assert hook.trust > trigger.trust
    assert trigger.arousal > hook.arousal


def test_facts_once_told_are_never_contradicted_or_repeated() -> None:
    subject = SimulatedSubject(load_scenario("bridge"))
    replies, state = _play(subject, LISTENING * 2)
    facts = {f.id: f.text for f in subject.scenario.persona.backstory}
    told = [fid for fid in state.revealed]
    assert len(told) == len(set(told))
    for fid in told:
        assert sum(facts[fid] in r for r in replies) == 1


def test_a_demand_or_deadline_he_raises_is_said_even_on_a_turn_he_also_confirms() -> None:
    """Every demand and deadline the log records was said by him: the trainee can only answer what he hears."""
    subject = SimulatedSubject(load_scenario("bank_robbery"))
    view = SubjectView("bank_robbery", (ViewItem("subject", subject.opening(turn_rng(2, 0)), 1),))
    lines = [
        "My name is Sam. I'm here and I'm listening. What's going on in there?",
        "Sounds like this went really wrong, really fast.",
        "That's not something I can decide, but I'll pass it up to the people who decide.",
        "It sounds like you're scared about what happens next.",
        "You sound exhausted.",
        "Tell me more about that.",
        "So what I'm hearing is that this was supposed to be quick and now you're stuck, and you're worried about "
        "going back inside. Is that right?",  # 'That's right' and, on schedule, the food demand
    ]
    raised = []
    for turn, line in enumerate(lines, start=1):
        view = view.extended(ViewItem("trainee", line, 2 * turn))
        reply = subject.respond(view, turn_rng(2, turn))
        view = view.extended(ViewItem("subject", reply.text, 2 * turn + 1))
        for effect in reply.effects:
            if effect.kind in ("demand_raised", "deadline_stated"):
                raised.append((reply.intent.key, effect.ref))
                spec = subject.scenario.persona
                said = [d.say for d in spec.deadlines if d.id == effect.ref] or next(
                    d.say for d in spec.demands if d.id == effect.ref
                )
                assert any(s in reply.text for s in said), (effect.ref, reply.text)  # was 'Yeah. That's right.'
    assert ("confirm", "food") in raised


EMBASSY_TRADES = [
    "My name is Sam. I'm listening. What's going on for you today?",
    "It sounds like you feel nobody has ever listened to your people.",
    "That's not something I can decide, but I'll pass it up to the people who decide.",
    "Tell me more about that.",
    "It sounds like you're exhausted from carrying all of this.",
    "I'll pass that up to the people who decide.",
    "So what you're saying is your people have been forgotten and you feel this is the only way to be heard. "
    "Is that right?",
    "You sound frightened about what happens next.",
    "I'll push for the broadcast. In return, could the pregnant woman come out as a sign of good faith?",
    "Tell me more about your comrades.",
    "I'll push for the food. In return, could the sick man come out?",
    "It sounds like you feel the world has looked away.",
    "I'll push for the food and cigarettes. In return, could someone come out as a sign of good faith?",
]


def _releases(subject: SimulatedSubject, lines: list[str]) -> list[tuple[str, str, str]]:
    """(hostage id, his alias, the reply on that exchange) for each release the engine decided."""
    view = SubjectView(subject.scenario.id, (ViewItem("subject", subject.opening(turn_rng(0, 0)), 1),))
    out = []
    for turn, line in enumerate(lines, start=1):
        view = view.extended(ViewItem("trainee", line, 2 * turn))
        reply = subject.respond(view, turn_rng(0, turn))
        view = view.extended(ViewItem("subject", reply.text, 2 * turn + 1))
        out += [(e.ref, e.value, reply.text) for e in reply.effects if e.kind == "hostage_freed"]
    return out


def test_a_hostage_he_releases_is_named_in_his_reply_even_when_another_note_leads() -> None:
    """HostageReleased goes on the board with his reply: he must say it. Before, a release on the exchange he
    also asked for a withheld demand ('You still haven't told me anything about food...') or said 'I'm not there
    yet' was logged and never voiced, so the trainee never learned the pregnant woman had walked out."""
    releases = _releases(SimulatedSubject(load_scenario("embassy_siege")), EMBASSY_TRADES)
    assert len(releases) >= 2, "the trades must free hostages for this test to mean anything"
    for _hostage, alias, reply in releases:
        assert alias.casefold() in reply.casefold(), (alias, reply)


def test_a_trade_frees_the_hostage_a_demand_still_open_names_not_one_already_out() -> None:
    """embassy_siege: the broadcast releases the pregnant woman, food and cigarettes the sick man. Once she was
    out, the next trade freed the first hostage on the list (the press attaché), because only the first
    tradeable demand's hostage was looked for."""
    scenario = load_scenario("embassy_siege")
    releases = _releases(SimulatedSubject(scenario), EMBASSY_TRADES)
    named = {d.id: d.releases for d in scenario.persona.demands}
    assert [alias for _, alias, _ in releases] == [named["broadcast"], named["food"]]


def test_he_never_says_he_is_still_waiting_to_hear_about_a_demand_he_raises_in_that_reply() -> None:
    """A way out offered on the exchange a demand falls due: he asks for it, and is not ready yet. Before, he
    said "You still haven't told me anything about food and cigarettes" before asking for them."""
    subject = SimulatedSubject(load_scenario("embassy_siege"))
    view = SubjectView(subject.scenario.id, (ViewItem("subject", subject.opening(turn_rng(0, 0)), 1),))
    raised_with_a_way_out = 0
    for turn, line in enumerate(EMBASSY_TRADES, start=1):
        view = view.extended(ViewItem("trainee", line, 2 * turn))
        reply = subject.respond(view, turn_rng(0, turn))
        view = view.extended(ViewItem("subject", reply.text, 2 * turn + 1))
        for effect in reply.effects:
            if effect.kind == "demand_raised":
                waiting = [t.format(item=effect.value).casefold() for t in GENERIC["not_yet_demand"]]
                assert not any(w in reply.text.casefold() for w in waiting), reply.text
                raised_with_a_way_out += reply.state.stage == 3 and subject.trace(view)[-1].reading.influence
    assert raised_with_a_way_out, "a demand must fall due beside a way out for this test to mean anything"


def test_asked_straight_out_about_suicide_he_answers_the_question() -> None:
    """indicators.md, "When cues rise": ask directly. The engine rewarded the question (trust up, hopelessness
    down) but his reply ignored it: "Nobody's asked me anything about me in months.\""""
    subject = SimulatedSubject(load_scenario("bridge"))
    question = "Are you thinking about killing yourself tonight?"
    replies, _ = _play(subject, [LISTENING[0], LISTENING[1], question])
    answers = GENERIC.get("suicide_answer", ())  # no such reply, before
    assert any(answer in replies[-1] for answer in answers), replies[-1]
    replies, _ = _play(subject, [LISTENING[0], LISTENING[1], "Tell me more about that."])
    assert not any(answer in replies[-1] for answer in answers)


DIRECT_SUICIDE = (
    "Are you suicidal?",
    "Have you thought about killing yourself?",
    "Are you having thoughts of suicide?",
    "Are you thinking about killing yourself tonight?",
)
HEDGED_SUICIDE = ("You're not thinking of killing yourself, are you?", "You don't want to die, do you?")


@pytest.mark.parametrize("scenario_id", ["bridge", "teenager"])
def test_a_direct_suicide_question_gets_his_honest_answer_and_a_hedged_one_a_denial(scenario_id: str) -> None:
    """indicators.md, "When cues rise": ask directly and plainly; hesitant wording shows the negotiator's fear. The
    engine read suicide questions with its own regex: "You're not thinking of killing yourself, are you?" got "You're
    the first one to ask me straight out" (and the trust a direct question earns), while "Are you suicidal?" went
    unanswered. It now reads them as the debrief does (``reading.suicide_asked``): a direct one gets his answer and
    moves him, a hedged one gets the "no" it asks for, which is not the truth here, and moves nothing."""
    subject = SimulatedSubject(load_scenario(scenario_id))
    answers, denials = GENERIC["suicide_answer"], GENERIC.get("suicide_deflect", ())
    _, before = _play(subject, LISTENING[:2])
    for question in DIRECT_SUICIDE:
        replies, state = _play(subject, [*LISTENING[:2], question])
        assert any(answer in replies[-1] for answer in answers), (question, replies[-1])
        assert state.trust > before.trust, question
        assert state.hopelessness < before.hopelessness, question
        direct = state
    for question in HEDGED_SUICIDE:
        replies, state = _play(subject, [*LISTENING[:2], question])
        assert not any(answer in replies[-1] for answer in answers), (question, replies[-1])
        assert any(denial in replies[-1] for denial in denials), (question, replies[-1])
        assert state.trust < direct.trust, question  # no gain: he drifts as after any line with no listening in it
        assert state.hopelessness == before.hopelessness, question


def test_asked_hedged_again_he_denies_it_in_other_words() -> None:
    """His denial is drawn from the realizer's table like his other reactions: the same words twice in a row
    would sound like a recording."""
    subject = SimulatedSubject(load_scenario("bridge"))
    replies, _ = _play(subject, [LISTENING[0], HEDGED_SUICIDE[0], HEDGED_SUICIDE[1]])
    said = [next((d for d in GENERIC.get("suicide_deflect", ()) if d in r), None) for r in replies[1:]]
    assert None not in said, replies
    assert said[0] != said[1], replies


def test_a_plan_for_getting_home_is_no_suicide_question() -> None:
    """The engine's own regex took any "do you have a plan" for a suicide question, so "Do you have a plan for
    getting home?" got "...Yeah. I've thought about it." and a trust gain."""
    subject = SimulatedSubject(load_scenario("bridge"))
    _, before = _play(subject, LISTENING[:2])
    replies, state = _play(subject, [*LISTENING[:2], "Do you have a plan for getting home?"])
    said = (*GENERIC["suicide_answer"], *GENERIC.get("suicide_deflect", ()))
    assert not any(line in replies[-1] for line in said), replies[-1]
    assert state.hopelessness == before.hopelessness


# The shipped subjects with no suicidal thoughts at the start (hopelessness at the engine's gate, 0.5, or below).
NOT_SUICIDAL = [sid for sid in shipped_ids() if load_scenario(sid).initial.hopelessness <= SUICIDAL]
PLAIN_NO = {r: GENERIC.get(f"suicide_no.{r}", ()) for r in ("irritated", "surprised", "dismissive")}


def _plain_no_said(reply: str) -> str | None:
    """The register of the plain "no" in his reply, or None when he gave none."""
    return next((register for register, lines in PLAIN_NO.items() if any(line in reply for line in lines)), None)


def test_some_shipped_subjects_have_no_suicidal_thoughts() -> None:
    """The tests below would pass on an empty list."""
    assert {"bank_robbery", "kidnap_ransom", "embassy_siege"} <= set(NOT_SUICIDAL)


@pytest.mark.parametrize("scenario_id", NOT_SUICIDAL)
@pytest.mark.parametrize("question", [DIRECT_SUICIDE[0], "You're not going to do anything silly, are you?"])
def test_a_subject_with_no_suicidal_thoughts_answers_a_suicide_question_with_a_plain_no(
    scenario_id: str, question: str
) -> None:
    """A man who is not suicidal, asked about it, says so (indicators.md, "When cues rise": the negotiator asks
    directly when cues rise, and the question is how he finds out). His reply fell through to his mood or a
    backstory fact, as if the question had not been heard; "Kill myself? No." is what a real one would say. Not
    his suicidal answer, nor the denial a suicidal man gives a hedged question: his "no" is the truth. Worded for
    his register: worked up (arousal at the venting line), irritated; calmer, surprised if he is expressive,
    dismissive if he is there for what he can get."""
    scenario = load_scenario(scenario_id)
    subject = SimulatedSubject(scenario)
    for prefix in (LISTENING[:1], LISTENING[:5]):
        replies, state = _play(subject, [*prefix, question])
        assert state.hopelessness <= SUICIDAL, (prefix, state)
        expected = (
            "irritated"
            if state.arousal >= VENTING_AROUSAL
            else "surprised"
            if scenario.persona.expressive
            else "dismissive"
        )
        assert _plain_no_said(replies[-1]) == expected, (len(prefix), state.arousal, replies[-1])
        suicidal = (*GENERIC["suicide_answer"], *GENERIC["suicide_deflect"])
        assert not any(line in replies[-1] for line in suicidal), replies[-1]


@pytest.mark.parametrize(
    ("scenario_id", "listened", "register"),
    [("bank_robbery", 1, "irritated"), ("kidnap_ransom", 5, "dismissive"), ("domestic_barricade", 5, "surprised")],
)
def test_his_plain_no_is_irritated_worked_up_surprised_if_expressive_dismissive_if_not(
    scenario_id: str, listened: int, register: str
) -> None:
    """Each register is reached by a shipped subject: the parametrised test above holds on every one."""
    replies, _ = _play(SimulatedSubject(load_scenario(scenario_id)), [*LISTENING[:listened], DIRECT_SUICIDE[0]])
    assert _plain_no_said(replies[-1]) == register, replies[-1]


@pytest.mark.parametrize("scenario_id", ["bank_robbery", "kidnap_ransom", "embassy_siege"])
def test_asked_straight_out_a_subject_with_no_suicidal_thoughts_holds_nothing_against_it(scenario_id: str) -> None:
    """Doctrine tells the negotiator to ask directly when cues rise, and a cue does not tell who is suicidal: the
    direct question cost a man who is not the drift of any line with no listening move in it (arousal +0.02,
    trust -0.01), so a trainee learned that asking can cost. It now costs and gains nothing. A hedged one pays
    the drift, as it does asked a suicidal man (no gain: its wording is not the one taught)."""
    subject = SimulatedSubject(load_scenario(scenario_id))
    drift = subject.scenario.dynamics.drift
    # Against a line with no listening move that asks nothing ("It's getting late."): whatever else the exchange
    # brings (bank_robbery presses for his car on it) is the same for all three.
    _, small_talk = _play(subject, [*LISTENING[:3], "It's getting late."])
    _, direct = _play(subject, [*LISTENING[:3], DIRECT_SUICIDE[0]])
    _, hedged = _play(subject, [*LISTENING[:3], "You're not going to do anything silly, are you?"])
    assert direct.arousal == pytest.approx(small_talk.arousal - drift), (small_talk, direct)
    assert direct.trust == pytest.approx(small_talk.trust + drift / 2), (small_talk, direct)
    assert (direct.hopelessness, direct.face) == (small_talk.hopelessness, small_talk.face)
    gauges = ("arousal", "trust", "hopelessness", "face")
    assert [getattr(hedged, g) for g in gauges] == [getattr(small_talk, g) for g in gauges], (small_talk, hedged)


def test_a_scenario_may_give_his_own_words_for_his_plain_no() -> None:
    """The generic "no"s suit the shipped subjects; an instructor whose man would say it his own way writes it
    under ``voice.not_suicidal`` (optional), and he says one of those lines instead."""
    text = resources.files("talkdown.sim").joinpath("scenarios/kidnap_ransom.yaml").read_text(encoding="utf-8")
    own = ["Me? I have a daughter's wedding in June. No.", "Ha. No. I plan to spend the money."]
    text = text.replace("  voice:\n", "  voice:\n    not_suicidal:\n" + "".join(f'      - "{o}"\n' for o in own), 1)
    subject = SimulatedSubject(parse_scenario(text, file="mine.yaml"))
    replies, _ = _play(subject, [LISTENING[0], DIRECT_SUICIDE[0], *LISTENING[1:3], HEDGED_SUICIDE[1]])
    assert any(o in replies[1] for o in own), replies[1]
    assert any(o in replies[-1] for o in own), replies[-1]
    assert _plain_no_said(replies[1]) is None, replies[1]


THOUGHTS = "Are you thinking about killing yourself?"
PLAN_NO = {r: GENERIC.get(f"suicide_plan_no.{r}", ()) for r in ("irritated", "surprised", "dismissive")}


def _suicidal(scenario_id: str) -> SimulatedSubject:
    """A shipped subject made suicidal (hopelessness 0.8), his scenario otherwise as shipped."""
    scenario = load_scenario(scenario_id)
    return SimulatedSubject(
        scenario.model_copy(update={"initial": scenario.initial.model_copy(update={"hopelessness": 0.8})})
    )


def _parts(subject: SimulatedSubject, lines: list[str]) -> tuple[str, ...]:
    """The decided parts of his reply to the last line, after the same conversation ``_play`` has."""
    view = SubjectView(subject.scenario.id, (ViewItem("subject", subject.opening(turn_rng(1, 0)), 1),))
    for turn, line in enumerate(lines, start=1):
        view = view.extended(ViewItem("trainee", line, 2 * turn))
        view = view.extended(ViewItem("subject", subject.respond(view, turn_rng(1, turn)).text, 2 * turn + 1))
    return subject.trace(view)[-1].intent.parts


@pytest.mark.parametrize("scenario_id", ["bridge", "teenager"])
@pytest.mark.parametrize("question", ["Do you have a plan?", "How would you do that?", "What would you use?"])
def test_asked_about_a_plan_after_his_yes_a_suicidal_subject_tells_the_means_the_scenario_gives(
    scenario_id: str, question: str
) -> None:
    """indicators.md, "When cues rise": after the yes, ask about the plan and the means. He answered "Have you
    thought about how you would kill yourself?" with his answer to the thoughts question ("...Yeah. I have."),
    and "Do you have a plan?" with his mood, so a trainee who asked learned nothing. Calmer (arousal under the
    venting line), he tells it in the scenario's words: the rail, the roof's edge."""
    subject = SimulatedSubject(load_scenario(scenario_id))
    replies, state = _play(subject, [*LISTENING, THOUGHTS, question])
    assert state.arousal < VENTING_AROUSAL and state.hopelessness > SUICIDAL, state
    own = subject.scenario.persona.voice.suicide_plan
    assert any(line in replies[-1] for line in own), replies[-1]
    assert not any(line in replies[-1] for line in GENERIC["suicide_answer"]), replies[-1]
    assert _play(subject, [*LISTENING, THOUGHTS, question]) == (replies, state)  # a seed replays it


def test_asked_when_he_answers_the_timing_and_asked_how_and_when_he_answers_both() -> None:
    subject = SimulatedSubject(load_scenario("bridge"))
    own, when = subject.scenario.persona.voice.suicide_plan, GENERIC.get("suicide_plan.when", ())
    replies, _ = _play(subject, [*LISTENING, THOUGHTS, "When were you thinking of doing it?"])
    assert any(line in replies[-1] for line in when), replies[-1]
    assert not any(line in replies[-1] for line in own), replies[-1]
    replies, _ = _play(subject, [*LISTENING, THOUGHTS, "Do you have a plan? When were you thinking of doing it?"])
    assert any(line in replies[-1] for line in own) and any(line in replies[-1] for line in when), replies[-1]


def test_a_plan_question_in_the_same_line_as_the_thoughts_question_is_answered_as_a_plan() -> None:
    """ "Do you have a plan to kill yourself?" names the act: no earlier question is needed for it to be read."""
    subject = SimulatedSubject(load_scenario("bridge"))
    replies, _ = _play(subject, [*LISTENING, "Do you have a plan to kill yourself?"])
    assert any(line in replies[-1] for line in subject.scenario.persona.voice.suicide_plan), replies[-1]


def test_worked_up_a_suicidal_subject_half_discloses_his_plan() -> None:
    """His register: worked up (arousal at the venting line), he says he has one and keeps it to himself."""
    subject = SimulatedSubject(load_scenario("bridge"))
    replies, state = _play(subject, [LISTENING[0], THOUGHTS, "Do you have a plan?"])
    assert state.arousal >= VENTING_AROUSAL, state
    assert any(line in replies[-1] for line in GENERIC.get("suicide_plan.guarded", ())), replies[-1]
    assert not any(line in replies[-1] for line in subject.scenario.persona.voice.suicide_plan), replies[-1]


def test_a_suicidal_subject_with_a_weapon_names_it_and_one_with_no_means_known_has_no_plan_worked_out() -> None:
    """No ``voice.suicide_plan``: the means are his weapons as the scenario gives them (domestic_barricade's
    kitchen knife); with no weapon either (teenager without its lines), he has the wish and no plan."""
    knife = _suicidal("domestic_barricade")
    assert _parts(knife, [*LISTENING, THOUGHTS, "How would you do it?"])[-1:] == ("@suicide_plan.how",)
    replies, _ = _play(knife, [*LISTENING, THOUGHTS, "How would you do it?"])
    assert "a kitchen knife" in replies[-1].casefold(), replies[-1]
    roof = load_scenario("teenager")
    voice = roof.persona.voice.model_copy(update={"suicide_plan": []})
    nothing = SimulatedSubject(roof.model_copy(update={"persona": roof.persona.model_copy(update={"voice": voice})}))
    for question in ("Do you have a plan?", "When would you do it?", "Do you have a plan? When would you do it?"):
        parts = _parts(nothing, [*LISTENING, THOUGHTS, question])
        assert [p for p in parts if p.startswith("@suicide")] == ["@suicide_plan.none"], (question, parts)


def _plan_no_said(reply: str) -> str | None:
    return next((register for register, lines in PLAN_NO.items() if any(line in reply for line in lines)), None)


@pytest.mark.parametrize("scenario_id", NOT_SUICIDAL)
@pytest.mark.parametrize("question", ["Do you have a plan?", "When were you thinking of doing it?"])
def test_a_subject_with_no_suicidal_thoughts_says_plainly_he_has_no_plan(scenario_id: str, question: str) -> None:
    """He answered "Do you have a plan?" after his "no" with his mood or a fact, as if unheard. He has none, and
    says so in the register of his plain "no" (irritated worked up; else surprised or dismissive), paying no
    drift for a question asked straight out."""
    scenario = load_scenario(scenario_id)
    subject = SimulatedSubject(scenario)
    replies, state = _play(subject, [*LISTENING[:3], THOUGHTS, question])
    assert state.hopelessness <= SUICIDAL, state
    expressive = "surprised" if scenario.persona.expressive else "dismissive"
    assert _plan_no_said(replies[-1]) == ("irritated" if state.arousal >= VENTING_AROUSAL else expressive), replies
    told = (*GENERIC["suicide_plan.guarded"], *GENERIC["suicide_plan.when"], *GENERIC["suicide_answer"])
    assert not any(line in replies[-1] for line in told), replies[-1]
    _, small_talk = _play(subject, [*LISTENING[:3], THOUGHTS, "It's getting late."])  # the drift, and nothing else
    drift = scenario.dynamics.drift
    assert (state.arousal, state.trust) == pytest.approx((small_talk.arousal - drift, small_talk.trust + drift / 2))


def test_a_plan_question_before_any_suicide_question_is_not_read_as_one() -> None:
    """Cold, "Do you have a plan?" is as often about getting home: he answers it as he did, as a line with no
    listening move (the drift), not with his plan."""
    subject = SimulatedSubject(load_scenario("bridge"))
    _, small_talk = _play(subject, [*LISTENING[:2], "It's getting late."])
    replies, state = _play(subject, [*LISTENING[:2], "Do you have a plan?"])
    assert not any(p.startswith("@suicide") for p in _parts(subject, [*LISTENING[:2], "Do you have a plan?"]))
    assert not any(line in replies[-1] for line in subject.scenario.persona.voice.suicide_plan), replies[-1]
    assert (state.trust, state.hopelessness) == (small_talk.trust, small_talk.hopelessness)


def test_a_plan_question_after_his_yes_moves_him_as_the_thoughts_question_does() -> None:
    """The same question taken further: asked straight out, the +0.04 trust and -0.04 hopelessness of being heard
    about what he carries; a hedged one ("You haven't got a plan, have you?") gets his denial and no gain."""
    subject = SimulatedSubject(load_scenario("bridge"))
    _, small_talk = _play(subject, [*LISTENING, THOUGHTS, "It's getting late."])
    _, plan = _play(subject, [*LISTENING, THOUGHTS, "Do you have a plan?"])
    replies, hedged = _play(subject, [*LISTENING, THOUGHTS, "You haven't got a plan, have you?"])
    assert plan.hopelessness == pytest.approx(small_talk.hopelessness - 0.04), (small_talk, plan)
    assert plan.trust > small_talk.trust, (small_talk, plan)
    assert hedged.hopelessness == small_talk.hopelessness, (small_talk, hedged)
    assert any(line in replies[-1] for line in GENERIC["suicide_deflect"]), replies[-1]


def test_on_the_bridge_a_plan_question_is_no_dare_but_a_dare_still_sets_him_off() -> None:
    """bridge's "jump" trigger listed "do it": "How would you do it?" and "When would you do it?", the questions
    indicators.md has the negotiator ask after his yes, got "You think I won't? You want to watch?" (+0.2 arousal,
    -0.08 trust) as if he had been dared. avoid.md, mirroring_death_talk: ask directly about suicide instead."""
    subject = SimulatedSubject(load_scenario("bridge"))
    dared = next(t.reply for t in subject.scenario.persona.triggers if t.id == "jump")
    for question in ("How would you do it?", "When would you do it?"):
        replies, _ = _play(subject, [*LISTENING, THOUGHTS, question])
        assert dared not in replies[-1], (question, replies[-1])
    for dare in ("Go on then, just do it.", "Then do it.", "Go ahead and do it, see if I care."):
        replies, _ = _play(subject, [*LISTENING, dare])
        assert dared in replies[-1], (dare, replies[-1])


def test_a_promise_with_no_demand_behind_it_is_called_hollow_not_something_that_never_came() -> None:
    """bridge has no demands: "I promise you, everything is going to be okay" was found out five exchanges later
    as "Nothing's here. You made that up, didn't you." (a delivery that never came), answering "Tell me about
    your grandson". The cost stays (avoid.md false_promise: a discovered lie); the words fit what was promised."""
    subject = SimulatedSubject(load_scenario("bridge"))
    promise = "I promise you, everything is going to be okay. You have my word."
    lines = [LISTENING[0], promise, *LISTENING[1:5], "Tell me more about that."]
    view = SubjectView(subject.scenario.id, (ViewItem("subject", subject.opening(turn_rng(0, 0)), 1),))
    for turn, line in enumerate(lines, start=1):
        view = view.extended(ViewItem("trainee", line, 2 * turn))
        reply = subject.respond(view, turn_rng(0, turn))
        view = view.extended(ViewItem("subject", reply.text, 2 * turn + 1))
    assert reply.intent.key == "promise_broken", "the promise must be found out for this test to mean anything"
    assert not any(line in reply.text for line in GENERIC["promise_broken"]), reply.text
    assert any(line in reply.text for line in GENERIC.get("promise_hollow", ())), reply.text


def test_a_false_promise_answers_his_demand_for_now_and_costs_when_found_out_as_the_debrief_says() -> None:
    """The line "Sure, you'll get the car, no problem" left the car unanswered for the engine: two exchanges later he
    pressed for it ("You heard me. I want a car..."), while the debrief scored the same line "promised". He now
    takes it as an answer (no pressing, no "not until I hear back about the car"), earns the trainee no credit a
    deferral would, and finds it out PROMISE_DUE exchanges later (avoid.md false_promise: trust and calm lost)."""
    scenario = load_scenario("bank_robbery")
    subject = SimulatedSubject(scenario)
    steps = subject.trace(_played_view(subject, FALSE_PROMISE))
    promised = steps[2]
    assert "false_promise" in promised.reading.avoid and "car" in promised.before.raised
    assert promised.after.phrase_counts.get("ack:car") == 1
    assert promised.after.trust < promised.before.trust  # the avoid weight, and no deferral's +0.03
    assert promised.after.promises == (("car", promised.after.turn),)
    assert [s.intent.key for s in steps[3:7]].count("demand_again") == 0  # he pressed on the 5th line, before
    found = steps[2 + PROMISE_DUE]
    assert found.intent.key == "promise_broken" and found.after.promises == ()
    assert found.after.trust < found.before.trust - 0.1
    car = next(d for d in build_debrief(session_id="s", scenario=scenario, steps=steps, trainee="t").demands)
    assert (car.demand_id, car.handled) == ("car", "promised")


def _played_view(subject: SimulatedSubject, lines: list[str], seed: int = 0) -> SubjectView:
    """The view after ``lines`` were said to him and answered, as a session logs it."""
    view = SubjectView(subject.scenario.id, (ViewItem("subject", subject.opening(turn_rng(seed, 0)), 1),))
    for turn, line in enumerate(lines, start=1):
        view = view.extended(ViewItem("trainee", line, 2 * turn))
        view = view.extended(ViewItem("subject", subject.respond(view, turn_rng(seed, turn)).text, 2 * turn + 1))
    return view


def test_he_answers_a_threat_or_a_trigger_before_raising_a_demand_due_on_that_exchange() -> None:
    """A demand falling due led his reply, so what the trainee had just said went unanswered: "Calm down, it's
    not that bad." got "I want a car at the back..." and nothing else, and "Are you worried about going back to
    prison?" (his trigger) the same. He now reacts first, then raises the demand (which the log records)."""
    subject = SimulatedSubject(load_scenario("bank_robbery"))
    car = subject.scenario.persona.demands[0]
    for line, reactions in (
        ("Calm down, it's not that bad.", GENERIC["avoid.minimizing"]),
        ("Are you worried about going back to prison?", (subject.scenario.persona.triggers[0].reply,)),
    ):
        replies, state = _play(subject, ["What's going on in there right now?", line], seed=0)
        assert "car" in state.raised, "the car must fall due on this exchange for this test to mean anything"
        assert any(r in replies[-1] for r in reactions), replies[-1]
        assert any(said in replies[-1] for said in car.say), replies[-1]


def test_his_last_reply_when_the_exchanges_run_out_answers_the_line_not_a_generic_rebuke() -> None:
    """At max_turns the outcome 'unresolved' led his reply and, having no wording of its own, was said with the
    rebuke for an unnamed behaviour to avoid: a label got "Is that what they taught you to say?"."""
    from importlib import resources

    text = (resources.files("talkdown.sim") / "scenarios" / "bridge.yaml").read_text(encoding="utf-8")
    subject = SimulatedSubject(parse_scenario(text.replace("max_turns: 40", "max_turns: 5"), file="short.yaml"))
    replies, state = _play(subject, LISTENING, seed=0)
    assert state.outcome == "unresolved"
    assert not any(rebuke in replies[-1] for rebuke in GENERIC["avoid.other"]), replies[-1]


def test_interrogation_and_self_focus_move_him_by_their_own_doctrine_weights() -> None:
    """Neither had a weight: avoid.md's own "How many are in there? What are you armed with? Which room?" (a
    rapport destroyer) and "Let me tell you about my own divorce" moved him by the unknown-behaviour default,
    arousal and trust alike, and he answered "That's not helping." Now each costs rapport more than calm (he is
    questioned or not heard, not attacked), and he says which it was."""
    kept_elsewhere = {"premature_problem_solving", "unrequested_concession", "other_avoid"}  # backfire; events; model
    assert set(better_lines()) - kept_elsewhere <= AVOID_WEIGHTS.keys()
    subject = SimulatedSubject(load_scenario("domestic_barricade"))
    dyn = subject.scenario.dynamics
    for label, line in (
        ("interrogation", "How many are in there? What are you armed with? Which room?"),
        ("self_focus", "Let me tell you about my own divorce, it was a mess."),
    ):
        arousal_w, trust_w, face_w = AVOID_WEIGHTS[label]
        assert trust_w > arousal_w and face_w <= 0
        step = subject.trace(_view(subject, [*LISTENING[:2], line]))[-1]  # some trust to lose: none is clamped
        assert step.reading.avoid == (label,), step.reading.avoid
        a0, t0, gain = step.before.arousal, step.before.trust, step.reading.listening_gain / 2  # halved: an avoid
        calm = dyn.skill_calm * gain * a0 if gain else -dyn.drift
        built = dyn.skill_trust * gain * (1 - t0) if gain else -dyn.drift / 2
        assert abs(step.after.arousal - (a0 - calm + dyn.avoid_arousal * arousal_w)) < 1e-9
        assert abs(step.after.trust - (t0 + built - dyn.avoid_trust * trust_w)) < 1e-9
        assert abs(step.after.face - (step.before.face + face_w)) < 1e-9
    asked = subject.respond(
        _view(subject, ["How many are in there? What are you armed with? Which room?"]), turn_rng(0, 1)
    )
    assert any(said in asked.text for said in GENERIC["avoid.interrogation"]), asked.text


def test_his_trigger_word_said_again_gets_an_escalating_reply_not_the_same_line_verbatim() -> None:
    """ "Prison" said twice got "Don't talk to me about prison. I'm not going back, you hear me?" twice, word for
    word, like a recording. His scripted reply comes the first time; after that he escalates, quoting the word as
    the trainee said it, in wording drawn from the seeded generator: the same seed gives the same session."""
    subject = SimulatedSubject(load_scenario("bank_robbery"))
    scripted = subject.scenario.persona.triggers[0].reply
    lines = [
        "What's going on in there right now?",
        "Are you worried about going back to prison?",
        "That's not something I can decide, but I'll pass it up to the people who decide.",  # the car he asks for
        "Is it the prison time that scares you?",
        "Tell me more about that.",
        "Did you do prison time before?",
    ]
    replies, _ = _play(subject, lines, seed=4)
    first, second, third = replies[1], replies[3], replies[5]
    assert first.startswith(scripted), first
    again = [w.replace('"{topic}"', '"prison"') for w in GENERIC["trigger_again"]]
    for reply in (second, third):
        assert scripted not in reply, reply
        assert any(reply.startswith(w) or reply.startswith(w[:1].upper() + w[1:]) for w in again), reply
    assert second != third
    steps = subject.trace(_view(subject, lines))
    rises = [s.after.arousal - s.before.arousal for s in steps if s.trainee.text in (lines[1], lines[3])]
    assert rises[1] > 0  # the word still costs what it did: only the words of his reply changed
    assert _play(SimulatedSubject(subject.scenario), lines, seed=4)[0] == replies  # seeded: reproducible


def test_his_trigger_word_beside_a_demand_he_presses_gets_his_reaction_too() -> None:
    """Pressing a demand the trainee ignored led his reply, and only the leading note was said: "Look, nobody's
    going to prison over this" got "A car with a full tank at the back door. I'm not asking again." and not a word
    about prison, though the word raised his arousal. He now reacts to the word first, then presses; said again
    on a later pressing, the word gets his escalating reply, as it would alone."""
    subject = SimulatedSubject(load_scenario("bank_robbery"))
    scripted = subject.scenario.persona.triggers[0].reply
    pressed = [w.replace("{item}", subject.scenario.persona.demands[0].item) for w in GENERIC["demand_again"]]
    trigger = "Look, nobody's going to prison over this."
    lines = [*LISTENING[:3], trigger, LISTENING[3], "Nobody said anything about prison."]
    replies, _ = _play(subject, lines, seed=0)
    steps = subject.trace(_view(subject, lines))
    for at, reaction in ((3, (scripted,)), (5, tuple(GENERIC["trigger_again"]))):
        step = steps[at]
        assert step.intent.key == "demand_again", "he must press the car here for this test to mean anything"
        words = [r.replace('"{topic}"', '"prison"') for r in reaction]
        assert any(replies[at].startswith(w[:1].upper() + w[1:]) for w in words), replies[at]
        assert any(w[:1].upper() + w[1:] in replies[at] for w in pressed), replies[at]
    assert replies[3].index(scripted) == 0  # what he just heard first, then the car
    assert _play(SimulatedSubject(subject.scenario), lines, seed=0)[0] == replies  # seeded: reproducible


def _asked(scenario_id: str, question: str, before: tuple[str, ...] = (LISTENING[0],)) -> str:
    """His reply to ``question`` after the lines ``before`` (an "/inject ID" line issues an inject)."""
    replies, _ = _play(SimulatedSubject(load_scenario(scenario_id)), [*before, question], seed=0)
    return replies[-1]


def test_asked_whether_anyone_is_hurt_he_tells_how_each_person_held_is_from_the_scenario() -> None:
    """ "Is anyone hurt in there?" got his mood or the next backstory line: only the suicide question had an
    answer. He now says how each hostage still held is (the scenario's condition, an inject's since, the medical
    needs it gives), and with no hostage in the scenario he claims none."""
    reply = _asked("bank_robbery", "Is anyone hurt in there?")
    assert "Priya is upset." in reply and "Josh and Ms. Brandt are okay." in reply, reply
    assert "Mr. Okafor is upset: heart condition, needs his pills." in reply, reply
    collapsed = _asked("bank_robbery", "Is anyone hurt?", (LISTENING[0], "/inject medical_emergency"))
    assert "Mr. Okafor is in a bad way: heart condition, needs his pills." in collapsed, collapsed
    released = _asked("bank_robbery", "Is anyone hurt in there?", tuple(LATE_TRADE))  # Mr. Okafor walked out
    assert "Okafor" not in released and "Josh and Ms. Brandt are okay." in released, released
    unknown = _asked("kidnap_ransom", "Is anyone hurt?")  # Tomas Reyes' condition: unknown, so he does not say
    assert "You'll hear how Tomas Reyes is doing when I'm ready." in unknown, unknown
    bridge = _asked("bridge", "Is anyone hurt?")
    assert any(line in bridge for line in GENERIC["answer_nobody_held"]), bridge


def test_asked_who_is_with_him_he_names_the_people_he_still_holds() -> None:
    reply = _asked("bank_robbery", "Is anyone with you?")
    assert "Priya, Josh, Ms. Brandt and Mr. Okafor" in reply, reply
    assert "Lena" in _asked("domestic_barricade", "Who's in there with you?")
    released = _asked("bank_robbery", "Is anyone with you?", tuple(LATE_TRADE))
    assert "Priya, Josh and Ms. Brandt" in released, released
    teenager = _asked("teenager", "Are you alone?")
    assert any(line in teenager for line in GENERIC["answer_nobody_held"]), teenager


def test_asked_about_a_weapon_he_names_the_scenarios_and_says_nothing_it_does_not_give() -> None:
    assert "a 9 mm handgun" in _asked("bank_robbery", "Do you have a weapon?").casefold()
    assert "a kitchen knife" in _asked("domestic_barricade", "Do you have a weapon?").casefold()
    assert "submachine guns, pistols and grenades" in _asked("embassy_siege", "What are you armed with?").casefold()
    for scenario_id in ("kidnap_ransom", "bridge"):  # kind "unknown"; no weapon given: no claim either way
        reply = _asked(scenario_id, "Do you have a weapon?")
        assert any(line in reply for line in GENERIC["answer_weapon_unsaid"]), (scenario_id, reply)


def test_asked_what_he_wants_he_says_his_demand_early_and_then_repeats_the_ones_raised() -> None:
    """avoid.md soliciting_demands: asking invites demands. Asked on the first line, he raises the car then (the
    log records it), not on exchange 2; asked again, he repeats what he has raised; with none, he wants nothing."""
    subject = SimulatedSubject(load_scenario("bank_robbery"))
    car = subject.scenario.persona.demands[0]
    first = subject.trace(_view(subject, ["What do you want?"]))[-1]
    assert [e.ref for e in first.effects if e.kind == "demand_raised"] == ["car"]
    replies, _ = _play(subject, ["What do you want?", LISTENING[1], LISTENING[2], "What do you want from us?"], seed=0)
    assert any(said in replies[0] for said in car.say), replies[0]
    assert car.item in replies[-1].casefold(), replies[-1]
    bridge = _asked("bridge", "What do you want?")
    assert any(line in bridge for line in GENERIC["answer_wants_none"]), bridge


def test_a_hook_on_an_exchange_another_note_leads_gets_its_reply_after_that_note() -> None:
    """A hook gives its reply on its first use only, and only the leading note was said: "How is your mom holding
    up?" on the exchange he pressed for the car got "A car with a full tank at the back door. I'm not asking
    again." and never a word about his mother, then or later, though the hook raised his trust. He now presses,
    then answers the hook; said again, the hook moves him less and gets no reply, as before."""
    subject = SimulatedSubject(load_scenario("bank_robbery"))
    mother = next(h for h in subject.scenario.persona.hooks if h.id == "mother")
    pressed = [w.replace("{item}", subject.scenario.persona.demands[0].item) for w in GENERIC["demand_again"]]
    lines = [*LISTENING[:3], "How is your mom holding up?", LISTENING[3], "Does your mom know where you are?"]
    replies, _ = _play(subject, lines, seed=0)
    step = subject.trace(_view(subject, lines))[3]
    assert step.intent.key == "demand_again", "he must press the car here for this test to mean anything"
    assert step.after.trust > subject.trace(_view(subject, [*LISTENING[:3], "How are you holding up?"]))[3].after.trust
    assert any(replies[3].startswith(w[:1].upper() + w[1:]) for w in pressed), replies[3]
    assert replies[3].endswith(mother.reply), replies[3]  # the car first: it leads, then what the trainee earned
    assert mother.reply not in replies[5]  # once: the hook's reply comes on its first use only
    assert _play(SimulatedSubject(subject.scenario), lines, seed=0)[0] == replies  # seeded: reproducible


def test_a_behaviour_to_avoid_beside_his_trigger_word_gets_a_short_reaction_after_the_triggers_reply() -> None:
    """ "Calm down, nobody's going to prison." got his scripted prison line and not a word about being told to calm
    down, though ``minimizing`` moved him as "Calm down" alone does. He now says the trigger's reply, then his
    reaction to the behaviour, then the car falling due. Two reactions at most: when a step back leads too, the
    trigger and the step back are said and the behaviour is not."""
    subject = SimulatedSubject(load_scenario("bank_robbery"))
    scripted = subject.scenario.persona.triggers[0].reply
    car = subject.scenario.persona.demands[0]
    line = "Calm down, nobody's going to prison."
    replies, _ = _play(subject, [LISTENING[0], line], seed=0)
    first = replies
    step = subject.trace(_view(subject, [LISTENING[0], line]))[-1]
    assert step.intent.key == "trigger" and "minimizing" in step.reading.avoid, (step.intent, step.reading.avoid)
    reaction = next((r for r in GENERIC["avoid.minimizing"] if r in replies[-1]), None)
    assert reaction is not None, replies[-1]
    assert replies[-1].index(scripted) == 0 and replies[-1].index(reaction) > 0, replies[-1]
    assert any(said in replies[-1] for said in car.say), replies[-1]  # raised on this exchange: said after
    back = [LISTENING[0], LISTENING[1], line]  # trust lost: he steps back, and that is the second reaction
    replies, _ = _play(subject, back, seed=0)
    assert subject.trace(_view(subject, back))[-1].intent.key == "regress"
    assert replies[-1].startswith(scripted), replies[-1]
    assert any(r in replies[-1] for r in GENERIC["regress"]), replies[-1]
    assert not any(r in replies[-1] for r in GENERIC["avoid.minimizing"]), replies[-1]
    alone = _play(subject, [LISTENING[0], "Are you worried about going back to prison?"], seed=0)[0][-1]
    assert not any(r in alone for family, rs in GENERIC.items() if family.startswith("avoid.") for r in rs), alone
    assert _play(SimulatedSubject(subject.scenario), [LISTENING[0], line], seed=0)[0] == first  # seeded


def _pressed(step: Step) -> list[str]:
    """The demands he presses on this exchange (raised earlier, ignored two exchanges: ``raised_at`` moves on)."""
    counts = step.after.phrase_counts
    return [d for d in step.before.raised if counts.get(f"raised_at:{d}") == step.after.turn]


def test_a_demand_he_presses_is_said_when_another_note_leads_and_two_pressed_at_once_both() -> None:
    """Pressing a demand raises his arousal (+0.06), but only the leading note was said: with food ignored, "What
    happens to me if I walk out?" (he opens) and his deadline passing quietly led, and he never said he was still
    waiting for it; in prison_disturbance, amnesty and the reporter pressed on one exchange got amnesty alone. He
    now presses after the leading note, every demand pressed in one line."""
    subject = SimulatedSubject(load_scenario("bank_robbery"))
    food = next(d for d in subject.scenario.persona.demands if d.id == "food")
    ignored = ["Tell me more about that.", "Mm-hm.", "What's been the hardest part?", "Sounds like you're tired."]
    lines = [*LATE_TRADE[:6], *ignored, "Tell me more.", "I hear you.", "What else is going on?"]
    view = _played_view(subject, lines)
    steps = subject.trace(view)
    replies = [i.text for i in view.items if i.kind == "subject"][1:]
    led = {steps[at].intent.key for at in (10, 12) if _pressed(steps[at]) == ["food"]}
    assert led == {"opens", "deadline_quiet"}, "he must press food beside these for this test to mean anything"
    pressed = [w.replace("{item}", food.item) for w in GENERIC["demand_again"]]
    for at in (10, 12):
        said = next((w for w in pressed if w.casefold() in replies[at].casefold()), None)
        assert said is not None, replies[at]
        assert replies[at].casefold().index(said.casefold()) > 0, replies[at]  # after the leading note
    prison = SimulatedSubject(load_scenario("prison_disturbance"))
    view = _played_view(prison, [*LISTENING, "Mm-hm.", "What else?", "Go on."])
    said_to = [i.text for i in view.items if i.kind == "subject"][1:]
    both = [(step, said_to[at]) for at, step in enumerate(prison.trace(view)) if len(_pressed(step)) == 2]
    assert both, "two demands must be pressed on one exchange for this test to mean anything"
    items = {d.id: d.item for d in prison.scenario.persona.demands}
    for step, reply in both:
        assert all(items[d].casefold() in reply.casefold() for d in _pressed(step)), reply
    assert _played_view(SimulatedSubject(subject.scenario), lines) == _played_view(subject, lines)  # seeded


def test_two_trigger_words_in_one_line_each_get_his_reply_the_stronger_first() -> None:
    """Each trigger word in a line moved him, but only one note led and only it was said: on the teenager's
    "Is this drama because you're in trouble with the principal?" he answered the principal (the trigger listed
    last) and never "Attention? You think I'm doing this for attention?", the stronger one, whose scripted reply
    was then spent. Both are now said, the one that raises his arousal more first; said again, each escalates,
    quoting its own word, in two different wordings."""
    teen = SimulatedSubject(load_scenario("teenager"))
    by_id = {t.id: t for t in teen.scenario.persona.triggers}
    assert by_id["attention"].arousal > by_id["principal"].arousal
    line = "Is this drama because you're in trouble with the principal?"
    replies, _ = _play(teen, [LISTENING[0], line], seed=0)
    assert replies[-1].startswith(by_id["attention"].reply), replies[-1]
    assert by_id["principal"].reply in replies[-1], replies[-1]
    bridge = SimulatedSubject(load_scenario("bridge"))
    jump, bank = (next(t for t in bridge.scenario.persona.triggers if t.id == i) for i in ("jump", "bank"))
    lines = [LISTENING[0], "Don't jump, the bank isn't worth it.", LISTENING[1], "Nobody wants you to jump for a bank."]
    for seed in range(4):
        replies, _ = _play(bridge, lines, seed=seed)
        assert replies[1].startswith(jump.reply) and replies[1].endswith(bank.reply), replies[1]
        again = [[w.replace('"{topic}"', f'"{word}"') for w in GENERIC["trigger_again"]] for word in ("jump", "bank")]
        said = [next((w for w in ws if w.casefold() in replies[3].casefold()), None) for ws in again]
        assert None not in said, replies[3]
        assert replies[3].casefold().index(said[0].casefold()) < replies[3].casefold().index(said[1].casefold())
        assert said[0].replace("jump", "") != said[1].replace("bank", ""), replies[3]  # not one wording twice
        assert _play(SimulatedSubject(bridge.scenario), lines, seed=seed)[0] == replies  # seeded: reproducible


def _said(options: tuple[str, ...], reply: str) -> str | None:
    """The wording of ``options`` (a realizer table, slots filled) that ``reply`` holds, else None."""
    return next((w for w in options if w[:1].upper() + w[1:] in reply), None)


def test_a_behaviour_to_avoid_beside_a_demand_he_presses_gets_a_short_reaction_after_it() -> None:
    """With no trigger word in the line, only the leading note was said: "Calm down, it's not that bad." on the
    exchange he pressed for the car got "A car with a full tank at the back door. I'm not asking again." and not
    a word about being told to calm down, though ``minimizing`` raised his arousal as it does alone, so the trainee
    heard no sign that the line had backfired. He now presses, then reacts, in other words when it comes again."""
    subject = SimulatedSubject(load_scenario("bank_robbery"))
    pressed = tuple(w.replace("{item}", subject.scenario.persona.demands[0].item) for w in GENERIC["demand_again"])
    lines = [*LISTENING[:3], "Calm down, it's not that bad.", LISTENING[3], "Relax. It's not the end of the world."]
    replies, _ = _play(subject, lines, seed=0)
    steps = subject.trace(_view(subject, lines))
    heard = []
    for at in (3, 5):
        step = steps[at]
        assert step.intent.key == "demand_again", "he must press the car here for this test to mean anything"
        assert step.reading.avoid == ("minimizing",), step.reading.avoid  # no trigger word beside it
        calm = subject.trace(_view(subject, [*lines[:at], LISTENING[4]]))[at]
        assert step.after.arousal > calm.after.arousal + 0.1  # it moved him
        demand, reaction = _said(pressed, replies[at]), _said(GENERIC["avoid.minimizing"], replies[at])
        assert demand is not None and reaction is not None, replies[at]
        assert replies[at].startswith(demand[:1].upper() + demand[1:]), replies[at]  # the leading note first
        heard.append(reaction)
    assert heard[0] != heard[1], replies  # said again, in other words
    assert _play(SimulatedSubject(subject.scenario), lines, seed=0)[0] == replies  # seeded: reproducible


def test_a_backfire_or_a_repeat_beside_a_demand_he_presses_is_said_too() -> None:
    """The same for the other reactions to a line: "You should just come out now." before rapport (a backfire,
    arousal +0.12) on the exchange he pressed for the car got the car alone, and so did a line said a third time
    (a repeat). Each is now said after the car. Beside his trigger word a backfire took no place in his reply
    even when the second one was free ("Come on out, nobody is going to prison."): it is said after the word's."""
    subject = SimulatedSubject(load_scenario("bank_robbery"))
    pressed = tuple(w.replace("{item}", subject.scenario.persona.demands[0].item) for w in GENERIC["demand_again"])
    scripted = subject.scenario.persona.triggers[0].reply
    opening = ["What's going on for you right now?", "Mm-hm.", "Okay."]
    same = "Sounds like you're going through a lot."
    for lines, family, trigger in (
        ([*opening, "You should just come out now."], "backfire", False),
        ([same] * 4, "repeat", False),
        ([*opening, "Come on out, nobody is going to prison."], "backfire", True),
    ):
        replies, _ = _play(subject, lines, seed=0)
        step = subject.trace(_view(subject, lines))[3]
        assert step.intent.key == "demand_again", "he must press the car here for this test to mean anything"
        calm = subject.trace(_view(subject, [*lines[:3], LISTENING[4]]))[3]
        assert step.after.arousal > calm.after.arousal + 0.1  # it moved him
        demand, reaction = _said(pressed, replies[3]), _said(GENERIC[family], replies[3])
        assert demand is not None and reaction is not None, replies[3]
        demand, reaction = demand[:1].upper() + demand[1:], reaction[:1].upper() + reaction[1:]
        if trigger:  # his trigger word first, then the backfire, then the car
            assert replies[3].startswith(scripted), replies[3]
            assert replies[3].index(scripted) < replies[3].index(reaction) < replies[3].index(demand), replies[3]
        else:  # the leading note first, then the reaction
            assert replies[3].startswith(demand) and replies[3].index(reaction) > 0, replies[3]
        assert _play(SimulatedSubject(subject.scenario), lines, seed=0)[0] == replies  # seeded: reproducible


def test_two_trigger_words_beside_a_backfire_that_leads_each_get_his_reply() -> None:
    """With a backfire or a step back leading, only the first trigger word was said with it: on the bridge, "You
    should come back over the railing. Don't jump, the bank isn't worth it." got the jump line and "Stop managing
    me", never "Don't talk to me about the bank", though the word moved him and spent that scripted reply; the
    next "bank" got "Say "bank" one more time", as if he had said it. Each trigger word's reply now comes first,
    the stronger first, then the backfire; said again, each escalates as before."""
    bridge = SimulatedSubject(load_scenario("bridge"))
    jump, bank = (next(t for t in bridge.scenario.persona.triggers if t.id == i) for i in ("jump", "bank"))
    line = "You should come back over the railing. Don't jump, the bank isn't worth it."
    lines = [LISTENING[0], line]
    step = bridge.trace(_view(bridge, lines))[-1]
    assert step.intent.key == "backfire", "a backfire must lead here for this test to mean anything"
    for seed in range(3):
        reply = _play(bridge, lines, seed=seed)[0][-1]
        backfire = _said(GENERIC["backfire"], reply)
        assert backfire is not None and reply.startswith(jump.reply) and bank.reply in reply, reply
        assert reply.index(jump.reply) < reply.index(bank.reply) < reply.index(backfire), reply
        assert _play(SimulatedSubject(bridge.scenario), lines, seed=seed)[0][-1] == reply  # seeded: reproducible
