"""The simulated subject: a state engine that reacts to what the trainee says, and decides what he says back.

Doctrine behind the update (docs/training.md lists every gain):
- listening skills build trust and lower arousal (stairway.md: listening is the base of every step);
- behaviours to avoid raise arousal and cost trust and face (avoid.md);
- influence before rapport backfires (stairway.md, "The typical failure");
- hooks help, triggers hurt; the same phrase repeated loses its effect and then irritates;
- demands ignored press harder, stalled ones wait, traded ones can buy a release (demands-deadlines.md);
- his deadline passes quietly when he is calm, and is acted on when he is not.

Why the state is a pure fold of the ``SubjectView`` with no randomness: the debrief recomputes it from the log
and gets exactly what the trainee faced. Randomness (which wording) lives only in the realizer, through the
``random.Random`` passed to ``respond``; the global generator is never used.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Literal

from talkdown.sim.answers import SUICIDE_NOTES, answer_note, answers_to, asked_how, joined, suicide_parts, weapons_said
from talkdown.sim.reading import CONFIRMABLE, EMPATHY, LineReader, Reading, mentioned, mentions, similar, tokens
from talkdown.sim.realizer import VENTING_AROUSAL, Intent, Realizer, TemplateRealizer
from talkdown.sim.scenario import Fact, Persona, Scenario
from talkdown.sim.state import SubjectState, SubjectView, ViewItem, clamp

# 0.1.1: a demand or deadline raised beside another reply is also said; 0.1.2: a release too; 0.1.3: a false
# promise answers a pending demand (demand_answer), and a refusal or promise beside a deferral earns no credit;
# 0.1.4: interrogation and self_focus have their own weights and words; 0.1.5: a trigger said again gets an
# escalating reply quoting it, not his scripted line verbatim; 0.1.6: he answers direct questions (hostages,
# who is with him, weapon, what he wants) from the scenario's facts, and asked what he wants says it early;
# 0.1.7: his trigger word heard on an exchange another note leads (a demand he presses) is answered too, first;
# 0.1.8: an inject issued again gets the scenario's reaction_again (else his reaction framed), not the same line;
# 0.1.9: a hook's reply on an exchange another note leads (a pressed demand, a release) is said after that note,
# a behaviour to avoid beside his trigger word gets a short reaction after the trigger's reply, and a demand he
# presses is said when another note leads (his deadline passing, a step back), two pressed at once in one line,
# and two trigger words in one line each get his reply, the stronger first; 0.1.10: a reaction to the line (a
# behaviour to avoid, a backfire, a repeat) on an exchange another note leads and no trigger word is in the line
# is said briefly after that note (two reactions at most, as beside a trigger word), and beside a trigger word
# a backfire or a repeat takes the free second place, and beside a backfire or a step back that leads every trigger
# word in the line is said, not the first alone; 0.1.11: a suicide question is read as the debrief reads it
# (reading.suicide_asked): a direct one ("Are you suicidal?") gets his honest answer, a hedged one ("You're not
# thinking of killing yourself, are you?") a denial and no gain, and "Do you have a plan for getting home?" neither;
# 0.1.12: a subject with no suicidal thoughts answers a suicide question with a plain "no" in his register (it fell
# through to his mood or a fact), and asked straight out he pays no drift for it; 0.1.13: a question about his plan,
# the means or the timing once suicide is on the table ("Do you have a plan?", "How would you do it?") gets an answer
# from the scenario's facts (suicidal: his means, or half of it when worked up; not: a plain "no plan"), not the
# answer to the thoughts question or his mood, and counts as a suicide question, direct or hedged
VERSION = "0.1.13"

# Per avoid id: (arousal weight, trust weight, face change) [D]; harsher for what attacks him or his face.
AVOID_WEIGHTS: dict[str, tuple[float, float, float]] = {
    "threat": (2.0, 1.5, -0.10),
    "ultimatum": (1.8, 1.2, -0.05),
    "face_attack": (1.8, 1.5, -0.20),
    "arguing": (1.3, 1.0, -0.08),
    "flat_no": (1.3, 1.0, -0.05),
    "dismissing_demand": (1.2, 1.0, -0.08),
    "minimizing": (1.0, 1.0, -0.03),
    "setting_deadline": (1.0, 0.8, 0.0),
    "false_promise": (0.2, 0.3, 0.0),
    "trigger_word": (0.6, 0.4, -0.03),
    "why_question": (0.5, 0.4, -0.02),
    "empty_understanding": (0.5, 0.6, 0.0),
    "contested_stock_phrase": (0.25, 0.3, 0.0),
    "soliciting_demands": (0.3, 0.3, 0.0),
    "claiming_authority": (0.4, 0.4, 0.0),
    "hiding_identity": (0.4, 0.6, 0.0),
    "mirroring_death_talk": (0.3, 0.3, 0.0),
    # avoid.md: an interview is "a rapport destroyer" and fact questions are heard as a suspect's (trust above
    # arousal, a little face, as a why question); talking about oneself moves the spotlight off him: he is not
    # attacked, only not heard (as empty understanding). Both fell to the unknown default (0.5, 0.5, 0.0).
    "interrogation": (0.6, 0.8, -0.02),
    "self_focus": (0.3, 0.6, 0.0),
}
STRONG_AVOID = ("threat", "face_attack", "ultimatum", "arguing", "flat_no", "dismissing_demand", "minimizing")
SUICIDAL = 0.5  # hopelessness above which he has suicidal thoughts to tell or deny [D]
PROMISE_DUE = 5  # exchanges until an undeliverable promise is found out [D]
IGNORED_AFTER = 2  # exchanges a demand may go unanswered before he presses [D]


DemandAnswer = Literal["refused", "promised", "traded", "deferred"]


def demand_answer(r: Reading) -> DemandAnswer | None:
    """How a trainee line answers a pending demand, or None: one reading for the engine and the debrief.

    Why one function: the engine took only a deferral, a trade or a refusal as an answer, so after "Sure, you'll
    get the car, no problem" he pressed for the car as if nothing had been said, while the debrief scored the
    same line "promised". A false promise is an answer (he believes it, for now); what it costs is the avoid
    weight now and, when it is found out ``PROMISE_DUE`` exchanges later, trust and calm (avoid.md
    false_promise: a discovered lie destroys trust). The order is the debrief's: a refusal or a promise in the
    same line as a deferral is what he hears, and earns no credit for the deferral.
    """
    if "flat_no" in r.avoid or "dismissing_demand" in r.avoid:
        return "refused"
    if "false_promise" in r.avoid:
        return "promised"
    if r.trade:
        return "traded"
    if r.deferral:
        return "deferred"
    return None


def turn_rng(seed: int, turn: int) -> random.Random:
    """The generator for one reply: seeded by session seed and exchange number, so replay needs no rng state.

    Seeding per exchange (not one generator per session) lets the debrief or a replay recompute any single
    reply without replaying the realizer's draws before it. Never the global generator (conventions, sim).
    """
    return random.Random(f"{seed}:{turn}")  # noqa: S311  # wording variety, not security


@dataclass(frozen=True)
class Effect:
    """Something the reply makes true that the log records (a demand, a deadline, a release, the end)."""

    kind: Literal["demand_raised", "deadline_stated", "deadline_passed", "hostage_freed", "ended"]
    ref: str = ""
    value: str = ""
    turns: int = 0


@dataclass(frozen=True)
class Step:
    """One exchange: the trainee's line, how it was read, the state before and after, and the decided reply."""

    trainee: ViewItem
    reading: Reading
    before: SubjectState
    after: SubjectState
    intent: Intent
    effects: tuple[Effect, ...]
    repeats: int = 0  # earlier trainee lines this one nearly repeats: each cuts its effect, from 2 it irritates


@dataclass(frozen=True)
class Reply:
    text: str
    state: SubjectState
    intent: Intent
    effects: tuple[Effect, ...]
    realizer: str


class SimulatedSubject:
    """A subject for one scenario; ``respond(view, rng)`` is all a session needs."""

    def __init__(self, scenario: Scenario, *, reader: LineReader | None = None, realizer: Realizer | None = None):
        self.scenario = scenario
        self.reader = reader or LineReader()
        self.realizer: Realizer = realizer or TemplateRealizer()

    def initial_state(self) -> SubjectState:
        i = self.scenario.initial
        return SubjectState(arousal=i.arousal, trust=i.trust, hopelessness=i.hopelessness, face=i.face)

    def opening(self, rng: random.Random) -> str:
        """His first line when the phone is answered."""
        intent = Intent("opening", (self.scenario.persona.voice.opening,))
        return self.realizer.realize(intent, self.scenario, SubjectView(self.scenario.id, ()), rng).text

    def trace(self, view: SubjectView) -> list[Step]:
        """Fold the whole view: one ``Step`` per trainee line, injects applied where they happened."""
        return self._fold(view)[0]

    def state_of(self, view: SubjectView) -> SubjectState:
        """His state now: after the last exchange and any inject issued since (the instructor's gauges)."""
        return self._fold(view)[1]

    def _fold(self, view: SubjectView) -> tuple[list[Step], SubjectState]:
        state = self.initial_state()
        steps: list[Step] = []
        window: list[tuple[str, str]] = []
        pending_injects: list[str] = []  # his reactions to the injects issued since his last reply, in order
        issued: dict[str, int] = {}  # times each inject was issued so far
        for item in view.items:
            if item.kind == "subject":
                window.append(("subject", item.text))
            elif item.kind == "inject":
                state = self._apply_inject(state, item.inject_id)
                pending_injects.append(_inject_reaction(self.scenario, item.inject_id, issued.get(item.inject_id, 0)))
                issued[item.inject_id] = issued.get(item.inject_id, 0) + 1
            elif state.outcome is None:
                reading = self.reader.read(item.text, tuple(window))
                step = self._exchange(state, item, reading, view, tuple(pending_injects))
                steps.append(step)
                state = step.after
                pending_injects = []
                window.append(("negotiator", item.text))
        return steps, state  # an inject after the last line moved him too: the gauges showed it only a line later

    def respond(self, view: SubjectView, rng: random.Random) -> Reply:
        """His reply to the last trainee line in ``view`` (which must end the view, injects aside)."""
        steps = self.trace(view)
        if not steps or not any(i.kind == "trainee" for i in view.items[-1:]):
            raise ValueError("respond() needs a view that ends with a trainee line")
        step = steps[-1]
        spoken = self.realizer.realize(step.intent, self.scenario, view, rng)
        return Reply(spoken.text, step.after, step.intent, step.effects, spoken.realizer)

    # --- one exchange -------------------------------------------------------------------------------------

    def _apply_inject(self, state: SubjectState, inject_id: str) -> SubjectState:
        inj = self.scenario.inject(inject_id)
        return replace(
            state,
            arousal=clamp(state.arousal + inj.arousal),
            trust=clamp(state.trust + inj.trust),
            hopelessness=clamp(state.hopelessness + inj.hopelessness),
            face=clamp(state.face + inj.face),
            injects_seen=state.injects_seen + 1,
        )

    def _exchange(
        self, before: SubjectState, item: ViewItem, r: Reading, view: SubjectView, reactions: tuple[str, ...]
    ) -> Step:
        sc, dyn = self.scenario, self.scenario.dynamics
        earlier = [tokens(i.text) for i in view.items if i.kind == "trainee" and i.seq < item.seq]
        mine = tokens(item.text)
        repeats = sum(similar(mine, t) for t in earlier)
        novelty = dyn.repetition_decay**repeats
        s = replace(before, turn=before.turn + 1)
        arousal, trust, hope, face = s.arousal, s.trust, s.hopelessness, s.face
        notes: list[str] = []  # what the reply should address, most important first
        prefix: list[str] = list(reactions)
        effects: list[Effect] = []

        # Asked straight out by a negotiator who heard a cue, a man with no suicidal thoughts answers "no" and holds
        # nothing against it: the question costs nothing, not even the drift of a line with no listening move in it
        # (arousal +0.02, trust -0.01), which "Is anyone hurt in there?" pays. indicators.md, "When cues rise", and
        # skills.md ``direct_suicide_question`` tell the negotiator to ask plainly; avoid.md lists no cost for it;
        # and a cue does not tell who is suicidal (finding out is what the question is for), so a subject who
        # charged for a "needless" question would teach trainees to ask only when sure, which is asking too late.
        # It gains nothing either: the +0.04 trust and -0.04 hopelessness of a suicidal subject are his being heard
        # about what he carries, and this man carries nothing of the kind. A hedged question pays the drift, as it
        # does asked a suicidal man: its wording is not the one doctrine teaches.
        asked = asked_how(r)
        asked_plainly = asked == "direct" and hope <= SUICIDAL
        gain = r.listening_gain * novelty * (0.5 if r.avoid else 1.0)
        if gain:
            trust += dyn.skill_trust * gain * (1 - trust)
            arousal -= dyn.skill_calm * gain * arousal
            if trust >= dyn.stage_trust[0] and r.skills & EMPATHY:
                hope -= 0.03 * gain
        elif not asked_plainly:
            arousal += dyn.drift
            trust -= dyn.drift / 2
        if repeats >= 2:
            arousal += dyn.repetition_irritation * (repeats - 1)
            notes.append("repeat")
        if r.face_honoring:
            face += 0.06 * novelty
        if "affirmation" in r.skills:
            face += 0.04 * novelty
        # Asked about suicide while he is suicidal (indicators.md, "When cues rise"): asked straight out, he answers
        # honestly, and being asked moves him; asked hedged ("You're not thinking of killing yourself, are you?",
        # "You don't want to die, do you?"), he hears that the asker wants a "no" and gives one, which is not the
        # truth, and the question earns nothing. One reading with the debrief (``reading.suicide_asked``): the
        # engine's own regex answered hedged questions as direct ones, ignored "Are you suicidal?", and took "Do
        # you have a plan for getting home?" for a suicide question.
        # With no suicidal thoughts (hopelessness at ``SUICIDAL`` or below), either question gets the truth, a plain
        # "no" worded for his register (realizer ``_plain_no``; a scenario may give his own words): it fell through
        # to his mood or a backstory fact, as if the question had not been heard. A question about his plan, the
        # means or the timing (``Reading.plan_asked``) is the same question taken further, and moves him the same
        # way; what he answers is his plan (``suicide_note``).
        suicide_note = answer_note(r, suicidal=hope > SUICIDAL)
        if asked == "direct" and hope > SUICIDAL:
            trust += 0.04 * novelty
            hope -= 0.04 * novelty
        if suicide_note is not None:
            notes.append(suicide_note)
        if r.ambivalence and trust >= dyn.stage_trust[0]:
            hope -= 0.05 * novelty
        for doctrine_id in r.avoid:
            wa, wt, wf = AVOID_WEIGHTS.get(doctrine_id, (0.5, 0.5, 0.0))
            arousal += dyn.avoid_arousal * wa
            trust -= dyn.avoid_trust * wt
            face += wf
            if doctrine_id == "minimizing":
                hope += 0.03
            if doctrine_id == "mirroring_death_talk":
                hope += 0.08
        strong = [a for a in r.avoid if a in STRONG_AVOID]
        if strong:
            notes.append(f"avoid.{strong[0]}")
        elif r.avoid and not gain:
            notes.append(f"avoid.{r.avoid[0]}")

        counts = dict(s.phrase_counts)
        for hook in sc.persona.hooks:
            if any(mentions(item.text, k) for k in hook.keywords):
                used = counts.get(f"hook:{hook.id}", 0)
                counts[f"hook:{hook.id}"] = used + 1
                factor = dyn.repetition_decay**used
                trust += hook.trust * factor
                hope += hook.hopelessness * factor
                arousal += hook.arousal * factor
                face += hook.face * factor
                if used == 0:
                    notes.append(f"hook:{hook.id}")
        said: dict[str, str] = {}  # slot values his reply may quote from the trainee's line
        triggered: list[tuple[float, str]] = []  # (arousal it adds, note) for each trigger word in the line
        for trig in sc.persona.triggers:
            word = next((w for w in (mentioned(item.text, k) for k in trig.keywords) if w), None)
            if word is not None:
                arousal += trig.arousal
                trust += trig.trust
                face += trig.face
                # His scripted reply once; said again, the word gets an escalating reply quoting it, worded by
                # the seeded realizer: the same line verbatim each time sounded like a recording, not a man.
                heard = counts.get(f"trigger:{trig.id}", 0)
                counts[f"trigger:{trig.id}"] = heard + 1
                triggered.append((trig.arousal, f"{'trigger' if heard == 0 else 'trigger_again'}:{trig.id}"))
                said[f"topic:{trig.id}"] = word  # each escalating reply quotes its own word
        # Two trigger words in one line each get his reply, the one that moves him more first (ties: the
        # scenario's order); the last one listed led alone, and the other's scripted reply was never said.
        triggered.sort(key=lambda t: -t[0])
        notes[:0] = [note for _, note in triggered]
        if triggered:
            said["topic"] = said[f"topic:{triggered[0][1].partition(':')[2]}"]

        # influence moves: gated by the stairway (stairway.md)
        if r.influence and s.stage < 2:
            arousal += dyn.backfire_arousal
            trust -= dyn.backfire_trust
            face -= 0.03
            notes.insert(0, "backfire")

        s = replace(
            s,
            arousal=clamp(arousal),
            trust=clamp(trust),
            hopelessness=clamp(hope),
            face=clamp(face),
            phrase_counts=MappingProxyType(counts),
        )
        s, demand_notes, demand_effects = self._demands(s, r, item)
        answers, answer_slots = answers_to(sc, s, r, view, item, demand_notes)
        said.update(answer_slots)
        notes = _ordered(demand_notes, notes + answers)
        effects += demand_effects
        s, stage_note = self._stage(s, r)
        if stage_note:
            notes.insert(0, stage_note)
        s, end_effects = self._end(s)
        effects += end_effects
        if s.outcome in ("resolved", "failed"):  # his way out or his act; running out of exchanges is the
            notes.insert(0, s.outcome)  # exercise's end, not his: he answers the line (it read "That's not helping.")
        fact = None
        if s.outcome is None and (
            not notes or notes[0].partition(":")[0] in ("confirm", "hook", *SUICIDE_NOTES, "answer")
        ):
            fact = _fact_to_reveal(self.scenario, s, r, item)
            if fact is not None:
                s = replace(s, revealed=(*s.revealed, fact.id))
        intent = _intent(self.scenario, s, notes, prefix, fact.text if fact else None, said)
        return Step(item, r, before, s, intent, tuple(effects), repeats)

    def _demands(self, s: SubjectState, r: Reading, item: ViewItem) -> tuple[SubjectState, list[str], list[Effect]]:
        """Raise demands and deadlines on schedule; react to how the last one was handled."""
        p, notes, effects = self.scenario.persona, [], []
        counts = dict(s.phrase_counts)
        raised, released, promises = list(s.raised), list(s.released), list(s.promises)
        arousal, trust, face = s.arousal, s.trust, s.face
        open_demands = [d for d in p.demands if d.id in raised and counts.get(f"ack:{d.id}", 0) == 0]
        answer = demand_answer(r)
        for d in open_demands:
            if answer is not None:
                counts[f"ack:{d.id}"] = 1
                if answer in ("traded", "deferred"):
                    trust += 0.03  # refused and promised: answered badly, paid for by the avoid weights
            elif s.turn - counts.get(f"raised_at:{d.id}", s.turn) >= IGNORED_AFTER:
                arousal += 0.06
                counts[f"raised_at:{d.id}"] = s.turn
                notes.append(f"demand_again:{d.id}")
        if "false_promise" in r.avoid:
            promises.append((raised[-1] if raised else "promise", s.turn))
        for ref, at in list(promises):
            if s.turn - at >= PROMISE_DUE:
                promises.remove((ref, at))
                trust -= 0.2
                arousal += 0.1
                notes.insert(0, f"promise_broken:{ref}")  # ref "promise": no demand behind it (hollow)
        held = [h for h in p.hostages if h.id not in released]
        tradeable = [d for d in p.demands if d.id in raised and d.negotiable and d.releases]
        if r.trade and held and tradeable and s.stage >= 2 and counts.get("trade_turn", -9) < s.turn - 2:
            counts["trade_turn"] = s.turn
            # A hostage one of his demands names and who is still held: the first demand's may be out already
            # (a second trade in embassy_siege freed the press attaché, not the sick man food and cigarettes
            # buy). The first one held when no demand names one still held, as before.
            freed = next((h for d in tradeable for h in held if h.alias == d.releases), held[0])
            released.append(freed.id)
            face += 0.03
            trust += 0.04
            notes.insert(0, f"released:{freed.id}")
            effects.append(Effect("hostage_freed", freed.id, freed.alias))
        # Asked what he wants before he has said it, he says it now (avoid.md soliciting_demands: asking invites
        # demands): the next demand on his schedule comes early. Asked once he has, he repeats them (answers).
        asked = "wants" in r.asks and not raised
        first = min(p.demands, key=lambda d: d.raise_at, default=None)
        for d in p.demands:
            due = s.turn >= d.raise_at or (asked and d is first)
            if d.id not in raised and due and not any(n.startswith("demand:") for n in notes):
                raised.append(d.id)
                counts[f"raised_at:{d.id}"] = s.turn
                notes.append(f"demand:{d.id}")
                effects.append(Effect("demand_raised", d.id, d.item))
        deadlines, done = list(s.deadlines), list(s.deadlines_done)
        reminded = "setting_deadline" in r.avoid
        for dl in p.deadlines:
            if dl.id not in deadlines and s.turn >= dl.set_at and (dl.demand is None or dl.demand in raised):
                deadlines.append(dl.id)
                counts[f"due:{dl.id}"] = s.turn + dl.in_turns
                notes.append(f"deadline:{dl.id}")
                effects.append(Effect("deadline_stated", dl.id, dl.say, dl.in_turns))
            elif dl.id in deadlines and dl.id not in done:
                if reminded:
                    counts[f"reminded:{dl.id}"] = counts.get(f"reminded:{dl.id}", 0) + 1
                if s.turn >= counts[f"due:{dl.id}"]:
                    done.append(dl.id)
                    threshold = dl.harm_above - 0.1 * counts.get(f"reminded:{dl.id}", 0)
                    quiet = arousal < threshold
                    notes.insert(0, f"deadline_{'quiet' if quiet else 'harm'}:{dl.id}")
                    effects.append(Effect("deadline_passed", dl.id, "quiet" if quiet else "harm"))
                    trust += 0.03 if quiet else -0.1
                    if not quiet:
                        arousal = max(arousal, self.scenario.failure.arousal)
        s = replace(
            s,
            arousal=clamp(arousal),
            trust=clamp(trust),
            face=clamp(face),
            raised=tuple(raised),
            released=tuple(released),
            promises=tuple(promises),
            deadlines=tuple(deadlines),
            deadlines_done=tuple(done),
            phrase_counts=MappingProxyType(counts),
        )
        return s, notes, effects

    def _stage(self, s: SubjectState, r: Reading) -> tuple[SubjectState, str]:
        """Climb at most one step per exchange; fall back when trust or calm is lost (stairway.md)."""
        dyn, res = self.scenario.dynamics, self.scenario.resolution
        t = dyn.stage_trust
        stage = s.stage
        allowed = sum(s.trust >= x - 0.05 for x in t)
        if s.arousal > 0.85:
            allowed = min(allowed, 1)
        if stage > allowed and stage < 4:
            return replace(s, stage=allowed), "regress"
        if stage == 0 and s.trust >= t[0] and r.skills & EMPATHY:
            return replace(s, stage=1), ""
        if stage == 1 and s.trust >= t[1] and r.skills & CONFIRMABLE:
            return replace(s, stage=2), "confirm"
        if stage == 2 and s.trust >= t[2] and s.arousal <= dyn.influence_arousal and r.listening_gain:
            return replace(s, stage=3), "opens"
        if stage == 3 and (r.influence or r.calibrated or r.face_honoring):
            ready = (
                s.trust >= res.trust
                and s.arousal <= res.arousal
                and s.hopelessness <= res.hopelessness
                and s.face >= res.face
                and s.turn >= res.min_turns
            )
            unanswered = [
                d for d in self.scenario.persona.demands if d.id in s.raised and not s.phrase_counts.get(f"ack:{d.id}")
            ]
            if ready and not unanswered:
                return replace(s, stage=4), ""
            if unanswered and all(s.phrase_counts.get(f"raised_at:{d.id}") == s.turn for d in unanswered):
                return s, ""  # he raises (or presses) it in this very reply: no "still haven't told me" first
            if unanswered:
                return s, f"not_yet_demand:{unanswered[0].id}"
            return s, "not_yet_hopeless" if s.hopelessness > res.hopelessness else "not_yet"
        return s, ""

    def _end(self, s: SubjectState) -> tuple[SubjectState, list[Effect]]:
        fail = self.scenario.failure
        hot = s.hot_turns + 1 if s.arousal >= fail.arousal else 0
        s = replace(s, hot_turns=hot)
        if s.stage == 4:
            return replace(s, outcome="resolved", outcome_reason="he agreed to the way out"), [
                Effect("ended", "resolved", "he agreed to the way out")
            ]
        if hot >= fail.turns:
            reason = f"{fail.outcome}: arousal stayed at the top for {hot} exchanges"
            return replace(s, outcome="failed", outcome_reason=reason), [Effect("ended", "failed", reason)]
        if s.turn >= self.scenario.max_turns:
            reason = f"no resolution within {self.scenario.max_turns} exchanges"
            return replace(s, outcome="unresolved", outcome_reason=reason), [Effect("ended", "unresolved", reason)]
        return s, []


def _ordered(demand_notes: list[str], line_notes: list[str]) -> list[str]:
    """What his reply addresses, most pressing first: his reaction to the line before a demand falling due.

    A demand or deadline raised on schedule led before anything the trainee said, so "Calm down" or his
    trigger word went unanswered on that exchange; it is said after the reaction anyway (``_intent``), as
    the log records it. Other demand news (a release, a promise found out, a demand pressed, a deadline
    passing) still leads, and the notes a fact may follow (a hook, his answer to the suicide or a direct question) still
    come after. Which note leads decides whether a fact is told; on an exchange that raises something none
    is, before or now (no fact follows a reaction or a raised demand), so the state is the same.
    """
    raised = [n for n in demand_notes if n.partition(":")[0] in ("demand", "deadline")]
    if not raised:
        return demand_notes + line_notes
    after = [n for n in line_notes if n.partition(":")[0] in ("hook", *SUICIDE_NOTES, "answer")]
    reactions = [n for n in line_notes if n not in after]
    return [n for n in demand_notes if n not in raised] + reactions + raised + after


def _intent(
    sc: Scenario, s: SubjectState, notes: list[str], prefix: list[str], fact: str | None, said: dict[str, str]
) -> Intent:
    """Pick what he says: the most pressing note first, then a fact if the trainee earned one, else his mood.

    ``said`` holds slot values taken from the trainee's line (the trigger word he used).
    """
    p = sc.persona
    parts = list(prefix)
    main = notes[0] if notes else ""
    slots: dict[str, str] = dict(said)
    if s.outcome == "resolved":
        return Intent("resolution", (*parts, p.voice.resolution))
    if s.outcome == "failed":
        return Intent("failure", (*parts, p.voice.failure))
    for note in notes:
        kind, _, ref = note.partition(":")
        if kind == "released":
            slots["alias"] = next(h.alias for h in p.hostages if h.id == ref)
        if kind in ("deadline_quiet", "deadline_harm", "promise_broken") and note != main:
            parts.append(_promise(ref) if kind == "promise_broken" else f"@{kind}")
    key = main.partition(":")[0] or "mood"
    ref = main.partition(":")[2]
    # His trigger word heard on an exchange another note leads (he presses a demand the trainee ignored, a
    # release, "Don't tell me what to do", a step back) moved him all the same, so he says so first: it is what
    # he just heard. Before, only the leading note was said, and "Look, nobody's going to prison over this" beside
    # a pressed demand got the demand alone while his arousal rose by the trigger's weight. A behaviour to avoid in
    # the same line gets a short reaction after it (``_reactions``). Without a trigger word, a reaction that does
    # not lead is said briefly after the leading note instead (``_reactions_after``).
    reacted = _reactions(notes, main)
    after = _reactions_after(notes, reacted)
    pressed = [n.partition(":")[2] for n in notes if n.partition(":")[0] == "demand_again"]
    parts += [_triggered(p, n) if n.partition(":")[0] in _TRIGGER else f"@{n}" for n in reacted]
    if main in reacted:
        pass
    elif key == "hook":
        parts.append(next(h.reply for h in p.hooks if h.id == ref))
    elif key == "demand_again":  # two pressed at once: both in one line, not the first alone
        slots["item"] = joined([d.item for d in p.demands if d.id in pressed])
        parts.append("@demand_again")
    elif key in ("demand", "not_yet_demand"):
        slots["item"] = next(d.item for d in p.demands if d.id == ref)
        parts.append(_raised(sc, s.turn, key, ref) if key == "demand" else f"@{key}")
    elif key == "deadline":
        parts.append(_raised(sc, s.turn, key, ref))
    elif key == "promise_broken":
        parts.append(_promise(ref))
    elif key == "answer":
        parts.append(f"@answer_{ref}")
    elif key in SUICIDE_NOTES:
        parts += suicide_parts(sc, s, main)
    elif key != "mood":
        parts.append(f"@{key}")
    parts += [f"@{n}" for n in after]
    # A demand or deadline raised on a turn another note leads (he confirms a summary, a hostage goes out) is
    # still logged as DemandRecorded/DeadlineSet, so he must still say it, after his main reply; before, the
    # board showed a demand he never voiced. A release led by another note (he presses a withheld demand, he is
    # "not there yet") is logged as HostageReleased just the same, so he says that too. A hook's reply comes on
    # its first use only, so a hook on an exchange another note leads (a pressed demand, a release, a behaviour to
    # avoid) is answered after that note: dropped, it was never said, then or later, though it moved him. A demand
    # he presses (arousal +0.06) on an exchange another note leads (his deadline passing, "What happens to me if
    # I walk out?", a step back) is pressed after it, all of them in one line, unless the leading "Not until I
    # hear back about ..." names it already. Only the wording changes: the state is the same either way.
    unsaid = [d for d in pressed if key != "demand_again" and not (key == "not_yet_demand" and d == ref)]
    for note in notes[1:]:
        kind, _, ref = note.partition(":")
        if kind in ("demand", "deadline") and note != main:
            parts.append(_raised(sc, s.turn, kind, ref))
        elif kind == "hook" and note != main:
            parts.append(next(h.reply for h in p.hooks if h.id == ref))
        elif kind == "demand_again" and unsaid and ref == unsaid[0]:  # its own item: the leading note may hold one
            slots[f"item:{ref}"] = joined([d.item for d in p.demands if d.id in unsaid])
            parts.append(f"@demand_again:{ref}")
        elif kind == "released" and note != main:
            parts.append(f"@{kind}")
        elif kind in SUICIDE_NOTES and note != main:
            parts += suicide_parts(sc, s, note)
        elif kind == "answer" and note != main:
            parts.append(f"@answer_{ref}")
    if fact is not None:
        parts.append(fact)
    if key == "mood" and fact is None:
        parts.append("@venting" if s.arousal >= VENTING_AROUSAL else "@calmer")
    slots["exit"] = p.voice.exit
    if "@suicide_plan.how" in parts:  # what he would use, when the scenario gives no words of his own for it
        slots["means"] = weapons_said(p)
    return Intent(key, tuple(parts), tuple(sorted(slots.items())), s.arousal)


_TRIGGER = ("trigger", "trigger_again")


_LEADING_REACTION = ("backfire", "regress")  # reactions a stage or influence rule puts before his trigger word
_REACTION = ("backfire", "regress", "repeat")  # with "avoid.*" and _TRIGGER: what the line itself did to him


def _is_reaction(note: str) -> bool:
    """Whether a note is his reaction to the trainee's line (it moved him), not news of his own (a demand)."""
    return note.partition(":")[0] in (*_TRIGGER, *_REACTION) or note.startswith("avoid.")


def _reactions(notes: list[str], main: str) -> list[str]:
    """The reactions said at the head of his reply beside his trigger word, in order: each trigger word, then the
    others while two are not said yet (a backfire or a step back that leads, whatever the count), or none.

    His trigger word comes first (it is what he just heard), then his reaction to a behaviour to avoid in the same
    line: "Calm down, nobody's going to prison" got his scripted prison line alone, while ``minimizing`` moved him
    as much as "Calm down" alone, which gets "Don't tell me to calm down." A backfire or a step back that leads is
    the second reaction instead (it was already said), and the behaviour to avoid is not: two reactions, then
    whatever else he has to say, keep the reply short. Two trigger words in the line are the two reactions, the
    stronger first, and beside a backfire or a step back that leads both come before it: only the first was said,
    and the second's scripted reply, spent unsaid, came back as "Say "bank" one more time". A trigger word is never
    left out; the behaviours to avoid, backfires and repeats fill what room is left. A backfire or a repeat that
    does not lead takes the second place as a behaviour to avoid does, in the engine's order (a backfire first):
    beside a pressed demand, "Come on out, nobody is going to prison" said the trigger's line and the demand, and
    the free place stayed empty. Without a trigger word there is none here: the leading note is said first, and the
    reactions after it (``_reactions_after``).
    """
    heard = [n for n in notes if n.partition(":")[0] in _TRIGGER]  # the stronger first (``_exchange``)
    if not heard:
        return []
    if main in _LEADING_REACTION:
        return [*heard, main]
    return [*heard, *(n for n in notes if _is_reaction(n) and n not in heard)][: max(2, len(heard))]


def _reactions_after(notes: list[str], reacted: list[str]) -> list[str]:
    """His reactions to the line said briefly after the leading note when no trigger word is in the line, in order.

    Why: only the leading note was said, so "Calm down, it's not that bad" on the exchange he pressed for the car
    got "A car with a full tank at the back door. I'm not asking again." and not a word about being told to calm
    down, while ``minimizing`` raised his arousal as it does alone (+0.14); "You should just come out now" before
    rapport (a backfire, +0.12) and a line said a third time (a repeat) went unsaid the same way, so the trainee
    heard no sign that the line had backfired. They are said in the engine's order, two reactions at most with
    the leading note if it is one (a step back, a backfire, a repeat), as beside a trigger word (``_reactions``,
    which says them when the line holds one). Worded from the realizer's tables, so one said again gets other
    words.
    """
    if reacted or not notes:
        return []
    room = 1 if _is_reaction(notes[0]) else 2
    return [n for n in notes[1:] if _is_reaction(n)][:room]


def _inject_reaction(sc: Scenario, inject_id: str, before: int) -> str:
    """His reaction to an inject: the scenario's line the first time; issued again, that line in other words.

    An instructor may issue an inject again once he has replied to it (the chopper comes back, the old man
    collapses again), and the same scripted line came back word for word, like a recording. Issued again, the
    realizer frames his line as news heard again ("Not again. ..."), drawn from the seeded generator, so a seed
    replays it; the line itself is kept, for it is the only place the trainee hears what happened.
    """
    return sc.inject(inject_id).reaction if before == 0 else f"@inject_again:{inject_id}"


def _triggered(p: Persona, note: str) -> str:
    """His reply to a trigger word: his scripted line the first time, an escalating one quoting it after."""
    kind, _, ref = note.partition(":")
    return next(t.reply for t in p.triggers if t.id == ref) if kind == "trigger" else f"@trigger_again:{ref}"


def _promise(ref: str) -> str:
    """His words finding out a promise: one made with a demand pending did not come; one with none was hollow.

    ("I promise, everything's going to be okay" on the bridge was found out as "Nothing's here. You made that
    up", a delivery nobody had spoken of.)
    """
    return "@promise_hollow" if ref == "promise" else "@promise_broken"


def _raised(sc: Scenario, turn: int, kind: str, ref: str) -> str:
    """His words raising a demand (its lines in turn, one every third exchange) or a deadline."""
    p = sc.persona
    if kind == "demand":
        demand = next(d for d in p.demands if d.id == ref)
        return demand.say[(turn // 3) % len(demand.say)]
    return next(d.say for d in p.deadlines if d.id == ref)


def _fact_to_reveal(sc: Scenario, s: SubjectState, r: Reading, item: ViewItem) -> Fact | None:
    """Open questions and reflections uncover backstory he has not told yet, in order or by topic."""
    if not ({"open_question", "emotion_labeling", "paraphrasing", "summarizing", "minimal_encourager"} & r.skills):
        return None
    candidates = [f for f in sc.persona.backstory if f.id not in s.revealed and s.trust >= f.min_trust]
    if not candidates:
        return None
    topical = [f for f in candidates if any(mentions(item.text, k) for k in f.keywords)]
    return (topical or candidates)[0]
