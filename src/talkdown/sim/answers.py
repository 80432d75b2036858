"""What the simulated subject answers the trainee's direct questions with: hurt, who is with him, his weapon, what
he wants, and suicide (his thoughts, a plan, the means, the timing).

Why apart from ``engine.py``: the engine decides how a line moves his state and which kinds of reply follow; these
helpers only turn the scenario's facts into the notes and slot values of an answer. None of them changes the
state, so the engine's fold and this module can be read (and tested) on their own.
"""

from __future__ import annotations

from typing import Literal

from talkdown.domain.enums import HostageCondition
from talkdown.sim.reading import Reading
from talkdown.sim.realizer import VENTING_AROUSAL, Intent
from talkdown.sim.scenario import HostageSpec, Persona, Scenario
from talkdown.sim.state import SubjectState, SubjectView, ViewItem

_CONDITION = {
    HostageCondition.DISTRESSED: "is upset",
    HostageCondition.INJURED: "is hurt",
    HostageCondition.CRITICAL: "is in a bad way",
    HostageCondition.DECEASED: "is dead",
}


def answers_to(
    sc: Scenario, s: SubjectState, r: Reading, view: SubjectView, item: ViewItem, demand_notes: list[str]
) -> tuple[list[str], dict[str, str]]:
    """His answers to the trainee's direct questions, only from what the scenario says: notes and slot values.

    Why: asked "Is anyone hurt?", "Is anyone with you?" or "Do you have a weapon?" he answered something else
    (his mood, the next backstory line), as if unheard; only the suicide question had an answer. Each answer is
    the scenario's own facts: the hostages still held (not released), each in the condition the scenario and any
    inject since gave him, with his medical needs; the weapons' kinds; the demands he has raised. What the
    scenario does not say, he does not either: no hostage, he holds nobody; an unknown weapon, he will not say.
    The answers decide wording only; the one question that moves the state, what he wants, is in ``_demands``.
    """
    p = sc.persona
    notes: list[str] = []
    slots: dict[str, str] = {}
    held = _held(sc, s, view, item.seq)
    for topic in r.asks:
        if topic in ("hurt", "with_you") and not p.hostages:
            family = "nobody_held"
        elif topic in ("hurt", "with_you") and not held:
            family = "all_out"
        elif topic == "hurt":
            family, slots["hurt"] = "hurt", _how_they_are(held)
        elif topic == "with_you":
            family, slots["who"] = "with_you", joined([h.alias for h, _ in held])
        elif topic == "weapon":
            weapons = weapons_said(p)
            family = "weapon" if weapons else "weapon_unsaid"
            if weapons:
                slots["weapon"] = weapons
        elif any(n.startswith("demand:") for n in demand_notes):
            continue  # the demand he raises in this reply is his answer
        elif s.raised:
            family = "wants"
            slots["items"] = joined([d.item for d in p.demands if d.id in s.raised])
        else:
            family = "wants_none"
        if f"answer:{family}" not in notes:
            notes.append(f"answer:{family}")
    return notes, slots


def _held(sc: Scenario, s: SubjectState, view: SubjectView, seq: int) -> list[tuple[HostageSpec, HostageCondition]]:
    """The hostages still with him, each in the condition the scenario gave and the injects before ``seq`` left."""
    condition = {h.id: h.condition for h in sc.persona.hostages}
    for i in view.items:
        if i.kind == "inject" and i.seq < seq:
            inj = sc.inject(i.inject_id)
            if inj.hostage is not None and inj.hostage_condition is not None:
                condition[inj.hostage] = inj.hostage_condition
    return [(h, condition[h.id]) for h in sc.persona.hostages if h.id not in s.released]


def _how_they_are(held: list[tuple[HostageSpec, HostageCondition]]) -> str:
    """'Mr. Okafor is upset: heart condition, needs his pills. Josh and Ms. Brandt are okay.' Worst news first."""
    said = []
    for h, condition in held:
        if condition in _CONDITION:
            needs = f": {h.medical_needs}" if h.medical_needs else ""
            said.append(_capital(f"{h.alias} {_CONDITION[condition]}{needs}."))
    for condition, how in ((HostageCondition.UNHARMED, "okay"), (HostageCondition.UNKNOWN, "")):
        names = [h.alias for h, c in held if c is condition]
        if not names:
            continue
        verb = "is" if len(names) == 1 else "are"
        if how:
            said.append(_capital(f"{joined(names)} {verb} {how}."))
        else:  # the scenario does not say: neither does he
            said.append(f"You'll hear how {joined(names)} {verb} doing when I'm ready.")
    return " ".join(said)


def joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _with_article(kind: str) -> str:
    """'a 9 mm handgun', 'an axe'; a plural or a list of kinds ('rifles', 'blades and batons') as it is."""
    if "," in kind or " and " in kind or kind.endswith("s"):
        return kind
    return f"{'an' if kind[:1].casefold() in 'aeiou' else 'a'} {kind}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# his answer to a direct suicide question, his denial of a hedged one, and his plain "no" when he is not suicidal;
# his answer to a plan question, and his plain "no plan"
SUICIDE_NOTES = ("suicide_answer", "suicide_deflect", "suicide_no", "suicide_plan", "suicide_plan_no")


def asked_how(r: Reading) -> Literal["direct", "hedged"] | None:
    """How the line asks about suicide, a plan question included: directly if any of it does."""
    ways = (r.suicide_asked, r.plan_asked.how if r.plan_asked else None)
    return "direct" if "direct" in ways else "hedged" if "hedged" in ways else None


def answer_note(r: Reading, *, suicidal: bool) -> str | None:
    """What he answers a suicide question with: a note of ``SUICIDE_NOTES`` (``suicide_plan:how+when``), or None.

    A plan question leads, unless it is hedged beside a plain question about his thoughts, which he answers
    instead: "Are you thinking about killing yourself? You haven't got a plan, have you?" gets his yes. Asked
    about the plan or the means, he answers "how"; about the timing, "when"; both, both (``suicide_parts``).
    """
    plan = r.plan_asked
    if plan is not None and (plan.how == "direct" or r.suicide_asked != "direct"):
        if not suicidal:
            return "suicide_plan_no"
        if plan.how == "hedged":
            return "suicide_deflect"
        asks = dict.fromkeys("when" if topic == "timing" else "how" for topic in plan.topics)
        return f"suicide_plan:{'+'.join(asks)}"
    if r.suicide_asked is None:
        return None
    if not suicidal:
        return "suicide_no"
    return "suicide_answer" if r.suicide_asked == "direct" else "suicide_deflect"


def suicide_parts(sc: Scenario, s: SubjectState, note: str) -> list[str]:
    """The parts of his answer to a suicide question; for a plan, from what the scenario says he would use.

    Why: asked "Do you have a plan?" or "How would you do it?" after his yes, he answered as he had to the
    thoughts question ("...Yeah. I've thought about it."), or with his mood, so the trainee learned nothing of
    what indicators.md has the negotiator find out next (risk is higher with a more lethal method, and depends
    on the stated time frame). He tells the means in the scenario's words (``voice.suicide_plan``: the rail on
    the bridge, the roof's edge), else his weapon, and with neither known he has no plan worked out, only the
    wish to die. Worked up (from ``VENTING_AROUSAL``, where he vents) he half-discloses: he has one, and keeps
    it to himself. Asked when, he names no hour (no scenario says one): soon.
    """
    kind, _, ref = note.partition(":")
    if kind != "suicide_plan":
        return [f"@{kind}"]
    if s.arousal >= VENTING_AROUSAL:
        return ["@suicide_plan.guarded"]
    if not (sc.persona.voice.suicide_plan or weapons_said(sc.persona)):
        return ["@suicide_plan.none"]
    return [f"@suicide_plan.{ask}" for ask in ref.split("+")]


def says_yes(intent: Intent) -> bool:
    """Whether his reply owns suicidal thoughts: his honest answer to the question, or his plan (told or kept).

    The debrief credits a plan question after it (indicators.md, "When cues rise": thoughts, then plans).
    """
    return any(part == "@suicide_answer" or part.startswith("@suicide_plan.") for part in intent.parts)


def weapons_said(p: Persona) -> str:
    """His weapons as he would say them ('a 9 mm handgun', 'rifles'), or '' when the scenario knows none."""
    kinds = [w.kind for w in p.weapons if w.kind.strip().casefold() != "unknown"]
    return joined([_with_article(k) for k in kinds]) if kinds else ""
