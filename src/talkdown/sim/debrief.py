"""The scored debrief of a training session, computed from the log (through the engine's trace), never stored.

What a trainee learns from (issue 7): the outcome; the stairway over time; which listening skills were used
and how often; each behaviour to avoid with the exact line and a better one (avoid.md's own "Better" lines,
written for talkdown); how demands and deadlines were handled against demands-deadlines.md; whether he gave
suicide cues and the trainee then asked him about suicide directly; and how this session compares with the
trainee's earlier ones. Rendering to HTML lives here too (plain ``html.escape``, no template engine: sim may not
import one), so the CLI and the web console export the same document.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from datetime import datetime, tzinfo

from talkdown.analysis.avoid_doctrine import UNKNOWN, better_lines
from talkdown.analysis.cues import find_cues
from talkdown.analysis.skills import ACTIVE_LISTENING
from talkdown.analysis.suicide_questions import PLAIN_QUESTION
from talkdown.domain.display_time import labelled
from talkdown.domain.text import breakable_html, counted
from talkdown.sim.answers import says_yes
from talkdown.sim.engine import IGNORED_AFTER, PROMISE_DUE, Step, demand_answer
from talkdown.sim.scenario import Scenario
from talkdown.sim.state import STAGES, SubjectView


@dataclass(frozen=True)
class AvoidItem:
    seq: int
    line: str
    doctrine_id: str
    why: str
    better: str


@dataclass(frozen=True)
class InjectItem:
    """An instructor's inject: when it was issued, and the trainee's line after which he reacted (None: no line yet)."""

    seq: int
    inject_id: str
    name: str
    reacted_after: int | None

    @property
    def reacted(self) -> str:
        """When he reacted to it, in the trainee's terms."""
        if self.reacted_after is None:
            return "not yet: no line was said after it"
        return f"in his reply to your line at seq {self.reacted_after}"


@dataclass(frozen=True)
class DemandItem:
    demand_id: str
    item: str
    negotiable: bool
    handled: str
    doctrine: str


ASK_WHY = (
    "When suicide cues rise, ask him directly and plainly about thoughts and plans, then who cares about him "
    '(indicators.md, "When cues rise"): hesitant wording shows the negotiator\'s fear.'
)
PLAN_WHY = (
    'Once he says yes, ask about his plan, the means and when (indicators.md, "When cues rise": thoughts, then '
    "plans): the risk is higher with a more lethal method, and depends on the time frame he states."
)


@dataclass(frozen=True)
class SuicideQuestion:
    """A line of the trainee's that asked him about suicide."""

    seq: int
    line: str


@dataclass(frozen=True)
class SuicideRisk:
    """His first suicide cue, and whether the trainee asked him about suicide directly (indicators.md).

    ``asked`` is the trainee's first direct question in the session (None: never asked); ``asked_after`` which of
    the trainee's lines after the first cue it was (0: before it); ``lines_after`` how many followed the cue;
    ``hedged`` every question that hedged (a euphemism, or led to a "no"), each to be asked as ``better``.
    ``yes`` is the trainee's line he first said yes to (None: he never did); ``plan`` the trainee's first direct
    question about his plan, the means or the timing from that line on, and ``lines_after_yes`` how many followed.
    """

    cue_seq: int
    cue_line: str
    asked: SuicideQuestion | None
    asked_after: int
    lines_after: int
    hedged: tuple[SuicideQuestion, ...] = ()
    why: str = ASK_WHY
    better: str = PLAIN_QUESTION  # the better line for a hedged question
    yes: SuicideQuestion | None = None
    plan: SuicideQuestion | None = None
    lines_after_yes: int = 0
    plan_why: str = PLAN_WHY

    @property
    def said(self) -> tuple[str, ...]:
        """The part in sentences, for the terminal and the HTML alike."""
        out = [f'His first suicide cue, at seq {self.cue_seq}: "{self.cue_line}"']
        if self.asked is not None:
            when = "before it" if not self.asked_after else f"your {_ordinal(self.asked_after)} line after it"
            out.append(f'You asked him directly at seq {self.asked.seq}, {when}: "{self.asked.line}"')
        elif self.lines_after:
            out.append(
                f"You never asked him directly about suicide in the {counted(self.lines_after, 'line')} you said "
                "after it."
            )
        else:
            out.append("No line of yours followed it, so whether you asked is not scored.")
        plan = self._plan_said
        if plan:
            out.append(plan)
        for q in self.hedged:
            out.append(f'At seq {q.seq} you asked about it hedged: "{q.line}" Better, plainly: "{self.better}"')
        return (*out, *((self.plan_why,) if plan else ()), self.why)

    @property
    def _plan_said(self) -> str:
        """Whether a question about his plan followed his yes ('' when he said none, or no line followed it)."""
        if self.yes is None or (self.plan is None and not self.lines_after_yes):
            return ""
        yes = f"He said yes to your line at seq {self.yes.seq}"
        if self.plan is None:
            lines = counted(self.lines_after_yes, "line")
            return f"{yes}, and you never asked about a plan, the means or when in the {lines} you said after it."
        if self.plan.seq == self.yes.seq:
            return f'You asked about his plan in the line he said yes to, at seq {self.plan.seq}: "{self.plan.line}"'
        return f'{yes}, and you asked about his plan at seq {self.plan.seq}: "{self.plan.line}"'


@dataclass(frozen=True)
class SessionSummary:
    """The few numbers compared across a trainee's sessions."""

    session_id: str
    scenario_id: str
    opened_at: str  # ISO 8601 UTC, as --json gives it; the HTML body and the terminal show the team's clock
    outcome: str
    turns: int
    listening_rate: float
    avoid_count: int


@dataclass(frozen=True)
class Debrief:
    session_id: str
    scenario_id: str
    scenario_title: str
    trainee: str
    outcome: str
    outcome_reason: str
    turns: int
    stairway: tuple[tuple[int, str], ...]
    highest_stage: str
    skills: dict[str, int]
    listening_rate: float
    avoid: tuple[AvoidItem, ...]
    demands: tuple[DemandItem, ...]
    deadlines: tuple[str, ...]
    releases: tuple[str, ...]
    trains: tuple[str, ...]
    earlier: tuple[SessionSummary, ...] = field(default=())
    listening_turns: int = 0  # turns with an active-listening skill: listening_rate's numerator
    injects: tuple[InjectItem, ...] = ()  # what the instructor changed: a jump in the stairway may be his doing
    opened_at: str = ""  # ISO 8601 UTC, when the session was opened ('' if unknown); shown on the team's clock
    repeated: tuple[int, ...] = ()  # seqs of lines that nearly repeated an earlier one: he tuned them out
    suicide_risk: SuicideRisk | None = None  # None: he gave no suicide cue (or the conversation was not given)

    @property
    def repeated_said(self) -> str:
        """The lines he heard as a repeat, or '' when none: what a parrot with a 100% listening share failed on."""
        if not self.repeated:
            return ""
        seqs = ", ".join(str(seq) for seq in self.repeated)
        lines = "1 of your lines" if len(self.repeated) == 1 else f"{len(self.repeated)} of your lines"
        return (
            f"{lines} repeated an earlier one nearly word for word (seq {seqs}): each repeat moves him less, "
            "and from the third use of a phrase it irritates him. Vary your words."
        )

    @property
    def listening_said(self) -> str:
        """The listening share with what it is counted on; none for a session where nothing was said."""
        if not self.turns:  # '0% of your turns' scored lines nobody said
            return "No line was said to him, so nothing is scored."
        turns = counted(self.turns, "turn")
        return f"An active-listening skill in {self.listening_turns} of {turns} ({self.listening_rate:.0%})."

    def opened_on(self, zone: tzinfo | None) -> str:
        """When the session was opened, on the team's clock with the zone's abbreviation ('' if unknown)."""
        return labelled(datetime.fromisoformat(self.opened_at), zone, "%Y-%m-%d %H:%M") if self.opened_at else ""

    def summary(self, opened_at: str) -> SessionSummary:
        return SessionSummary(
            self.session_id, self.scenario_id, opened_at, self.outcome, self.turns, self.listening_rate, len(self.avoid)
        )

    @property
    def listening_skills(self) -> dict[str, int]:
        """The active-listening skills used, by turns (skills.md's list), most used first."""
        return {k: v for k, v in self.skills.items() if k in ACTIVE_LISTENING}

    @property
    def other_moves(self) -> dict[str, int]:
        """The analyser's other labels (validation, closed question, suggestion, ...): skills.md's "Other moves"."""
        return {k: v for k, v in self.skills.items() if k not in ACTIVE_LISTENING}

    def to_dict(self) -> dict[str, object]:
        return {**asdict(self), "listening_skills": self.listening_skills, "other_moves": self.other_moves}


def build_debrief(
    *,
    session_id: str,
    scenario: Scenario,
    steps: list[Step],
    trainee: str,
    earlier: tuple[SessionSummary, ...] = (),
    injects: tuple[tuple[int, str, str], ...] = (),
    view: SubjectView | None = None,
) -> Debrief:
    """Score a session from its trace; ``earlier`` are the trainee's previous sessions, oldest first.

    ``injects`` are the logged ones as (seq, inject id, name): listed, each with the line he reacted after.
    ``view`` is the conversation ``steps`` were traced from: his lines in it are read for suicide cues.
    """
    better = better_lines()
    skills: dict[str, int] = {}
    avoid: list[AvoidItem] = []
    for step in steps:
        for label in sorted(step.reading.skills - {"other"}):  # "other" is the skills analyser's "no skill"
            skills[label] = skills.get(label, 0) + 1
        ids = list(step.reading.avoid)
        if step.reading.influence and step.before.stage < 2:
            ids.append("premature_problem_solving")
        for doctrine_id in ids:
            why, line = better.get(doctrine_id, UNKNOWN)
            avoid.append(AvoidItem(step.trainee.seq, step.trainee.text, doctrine_id, why, line))
    listening = sum(1 for s in steps if s.reading.skills & set(ACTIVE_LISTENING))
    last = steps[-1].after if steps else None
    stairway = tuple((s.trainee.seq, s.after.stage_name) for s in steps)
    return Debrief(
        session_id=session_id,
        scenario_id=scenario.id,
        scenario_title=scenario.title,
        trainee=trainee,
        outcome=(last.outcome or "in progress") if last else "not started",
        outcome_reason=last.outcome_reason if last else "",
        turns=len(steps),
        stairway=stairway,
        highest_stage=STAGES[max((s.after.stage for s in steps), default=0)],
        skills=dict(sorted(skills.items(), key=lambda kv: (-kv[1], kv[0]))),
        listening_rate=round(listening / len(steps), 3) if steps else 0.0,
        avoid=tuple(avoid),
        demands=_demands(scenario, steps),
        deadlines=_deadlines(scenario, steps),
        releases=tuple(e.value for s in steps for e in s.effects if e.kind == "hostage_freed"),
        trains=tuple(scenario.trains),
        earlier=earlier,
        listening_turns=listening,
        injects=tuple(
            InjectItem(seq, inject_id, name, next((s.trainee.seq for s in steps if s.trainee.seq > seq), None))
            for seq, inject_id, name in injects
        ),
        repeated=tuple(s.trainee.seq for s in steps if s.repeats),
        suicide_risk=_suicide_risk(view, steps) if view is not None else None,
    )


def _first_suicide_cue(view: SubjectView) -> tuple[int, str] | None:
    """His first line with a suicide cue, read by the cue analyser's rules with the line said to him just before.

    Why the rules with that context: the avoid analyser already asks the same rules of his lines while the trace is
    computed (cached, no model pass), and with the line before, "Yeah." answering "Are you thinking about killing
    yourself?" is a cue, as on the board. The cue model is left out: a pass per line of his, for every debrief and
    every earlier session compared, and its int8 output may vary by CPU, so a debrief would too.
    """
    before: str | None = None
    for item in view.items:
        if item.kind == "inject":
            continue
        if item.kind == "subject":
            if any(c.label == "suicide_cue" for c in find_cues(item.text, previous_negotiator=before)):
                return item.seq, item.text
            before = None
        else:
            before = item.text
    return None


def _suicide_risk(view: SubjectView, steps: list[Step]) -> SuicideRisk | None:
    """Whether the trainee asked directly about suicide once he gave a cue (indicators.md, "When cues rise")."""
    cue = _first_suicide_cue(view)
    if cue is None:
        return None
    cue_seq, cue_line = cue
    after = [s for s in steps if s.trainee.seq > cue_seq]
    direct = next((s for s in steps if s.reading.suicide_asked == "direct"), None)
    asked = SuicideQuestion(direct.trainee.seq, direct.trainee.text) if direct else None
    yes = next((k for k, s in enumerate(steps) if says_yes(s.intent)), None)
    from_yes = steps[yes:] if yes is not None else []
    plan = next((s for s in from_yes if s.reading.plan_asked and s.reading.plan_asked.how == "direct"), None)
    return SuicideRisk(
        cue_seq=cue_seq,
        cue_line=cue_line,
        asked=asked,
        asked_after=next((k for k, s in enumerate(after, start=1) if s is direct), 0),
        lines_after=len(after),
        hedged=tuple(
            SuicideQuestion(s.trainee.seq, s.trainee.text) for s in steps if s.reading.suicide_asked == "hedged"
        ),
        yes=SuicideQuestion(from_yes[0].trainee.seq, from_yes[0].trainee.text) if from_yes else None,
        plan=SuicideQuestion(plan.trainee.seq, plan.trainee.text) if plan else None,
        lines_after_yes=max(len(from_yes) - 1, 0),
    )


def _demands(scenario: Scenario, steps: list[Step]) -> tuple[DemandItem, ...]:
    """How the first answer after each demand measured up to demands-deadlines.md, and whether it came late.

    Every later line is searched, as the engine does (a deferral or trade answers the demand whenever it
    comes): looking at only the next three said "not answered" of a demand the trainee traded for on the
    fourth, for which the subject had let a hostage go. An answer after he started pressing says so.
    """
    out = []
    for i, step in enumerate(steps):
        for effect in step.effects:
            if effect.kind != "demand_raised":
                continue
            spec = next(d for d in scenario.persona.demands if d.id == effect.ref)
            handled, doctrine = (
                "not answered",
                "Acknowledge every demand: defer it upward or explore it (demands-deadlines.md).",
            )
            if i == len(steps) - 1:  # raised in his last reply: nothing of the trainee's to score, as for an inject
                handled, doctrine = "no line after it", "No line was said after he raised it, so it is not scored."
            for k, later in enumerate(steps[i + 1 :], start=1):
                answer = demand_answer(later.reading)  # the engine's own reading: both say what happened
                if answer == "refused":
                    handled, doctrine = (
                        "refused outright",
                        "No flat no, even to a non-negotiable demand: defer, explore, offer an alternative.",
                    )
                elif answer == "promised":
                    handled, doctrine = (
                        "promised",
                        "Never promise what will not be delivered (false_promise): he took it as an answer, and "
                        f"finds it out {PROMISE_DUE} exchanges later, at a cost in trust and calm.",
                    )
                elif answer == "traded":
                    handled = "traded"
                    doctrine = (
                        "Quid pro quo: something back for anything given."
                        if spec.negotiable
                        else "Not negotiable (demands-deadlines.md): discuss it to buy time, do not trade it."
                    )
                elif answer == "deferred":
                    handled, doctrine = "deferred", "Good: the negotiator does not decide; passing it up buys time."
                else:
                    continue
                if k > IGNORED_AFTER:  # he pressed for it meanwhile, agitated (engine: IGNORED_AFTER)
                    doctrine += (
                        f" It came late: at seq {later.trainee.seq}, your {_ordinal(k)} line after he raised it."
                    )
                break
            out.append(DemandItem(spec.id, spec.item, spec.negotiable, handled, doctrine))
    return tuple(out)


def _ordinal(n: int) -> str:
    """A line counted in a sentence.

    >>> [_ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _deadlines(scenario: Scenario, steps: list[Step]) -> tuple[str, ...]:
    out = []
    reminders = sum(1 for s in steps if "setting_deadline" in s.reading.avoid)
    for step in steps:
        for effect in step.effects:
            # His reply, not the trainee's line (step.trainee.seq), is where he set it: say which is which.
            if effect.kind == "deadline_stated":
                out.append(
                    f"After your line at seq {step.trainee.seq}, he set a deadline, due in {effect.turns} more "
                    f'exchanges: "{effect.value}"'
                )
            elif effect.kind == "deadline_passed":
                how = "passed quietly (progress)" if effect.value == "quiet" else "was acted on"
                out.append(f"After your line at seq {step.trainee.seq}, deadline {effect.ref} {how}.")
    if reminders:
        out.append(
            f"You mentioned or set deadlines {counted(reminders, 'time')}; doctrine: never remind him of his own."
        )
    return tuple(out)


def render_html(d: Debrief, *, zone: tzinfo | None) -> str:
    """A self-contained HTML document (inline CSS) for printing or PDF export: ``render_body`` in a page."""
    e = html.escape
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Debrief: {e(d.scenario_title)}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:60em}}table{{border-collapse:collapse;margin:.5em 0 1.5em}}
td,th{{border:1px solid #999;padding:.25em .5em;vertical-align:top;text-align:left}}h1{{font-size:1.4em}}
.outcome{{font-size:1.2em;font-weight:bold}}</style></head><body>
{render_body(d, zone=zone)}
</body></html>
"""


def render_body(d: Debrief, *, zone: tzinfo | None) -> str:
    """The debrief itself, every value escaped: the file ``--html`` writes and the console's debrief page.

    One body for both, so they cannot drift; it holds no style (the console's CSP refuses inline CSS: the page
    styles ``.debrief`` from its own stylesheet) and no link (WeasyPrint fetches nothing). ``zone`` is the team's
    clock (``TALKDOWN_TIMEZONE``; None: this computer's), on which an earlier session's opening time is shown
    with its abbreviation, as on the board; the model (and ``--json``) keeps it in UTC.
    """
    e = html.escape

    def rows(items: list[list[str]], *, columns: int) -> str:
        cells = "".join("<tr>" + "".join(f"<td>{breakable_html(c)}</td>" for c in row) + "</tr>" for row in items)
        return cells or f'<tr><td colspan="{columns}">None.</td></tr>'  # an empty table said nothing

    listening = rows([[k, str(v)] for k, v in d.listening_skills.items()], columns=2)
    other = rows([[k, str(v)] for k, v in d.other_moves.items()], columns=2)
    avoid = rows([[str(a.seq), a.line, a.doctrine_id, a.why, a.better] for a in d.avoid], columns=5)
    demands = rows([[x.item, "yes" if x.negotiable else "no", x.handled, x.doctrine] for x in d.demands], columns=4)
    stair = rows([[str(seq), stage] for seq, stage in d.stairway], columns=2)
    earlier = rows(
        [
            [
                labelled(datetime.fromisoformat(s.opened_at), zone, "%Y-%m-%d %H:%M"),
                s.scenario_id,
                s.outcome,
                str(s.turns),
                f"{s.listening_rate:.0%}" if s.turns else "-",  # no line said: no share of lines
                str(s.avoid_count),
            ]
            for s in d.earlier
        ],
        columns=6,
    )
    lists = "".join(f"<li>{e(x)}</li>" for x in (*d.deadlines, *(f"Released: {r}" for r in d.releases)))
    injects = rows([[str(i.seq), i.inject_id, i.name, i.reacted] for i in d.injects], columns=4)
    trains = "".join(f"<li>{e(t)}</li>" for t in d.trains)
    exchanges = counted(d.turns, "exchange")
    repeated = f"<p>{e(d.repeated_said)}</p>" if d.repeated else ""
    suicide = (
        "<h2>Suicide risk</h2>" + "".join(f"<p>{breakable_html(x)}</p>" for x in d.suicide_risk.said)
        if d.suicide_risk
        else ""
    )
    opened = f" &middot; opened {e(d.opened_on(zone))}" if d.opened_at else ""
    return f"""<div class="debrief">
<h1>Training debrief: {e(d.scenario_title)}</h1>
<p>Session {e(d.session_id)} &middot; trainee {e(d.trainee)}{opened} &middot; {exchanges}</p>
<p class="outcome">Outcome: {e(d.outcome)}</p><p>{e(d.outcome_reason)}</p>
<h2>What this scenario trains</h2><ul>{trains}</ul>
<h2>Stairway progression</h2><p>Highest step: {e(d.highest_stage)}</p>
<table><tr><th>seq</th><th>step</th></tr>{stair}</table>
<h2>Active-listening skills</h2><p>{e(d.listening_said)}</p>{repeated}
<table><tr><th>skill</th><th>turns</th></tr>{listening}</table>
<h2>Other moves</h2><p>Labelled in your lines but not active-listening skills (affirmation is validation).</p>
<table><tr><th>move</th><th>turns</th></tr>{other}</table>
<h2>Behaviours to avoid</h2>
<table><tr><th>seq</th><th>your line</th><th>behaviour</th><th>why</th><th>better</th></tr>{avoid}</table>
{suicide}<h2>Demands and deadlines</h2>
<table><tr><th>demand</th><th>negotiable</th><th>handled</th><th>doctrine</th></tr>{demands}</table>
<ul>{lists}</ul>
<h2>Instructor's injects</h2>
<table><tr><th>seq</th><th>inject</th><th>what happened</th><th>he reacted</th></tr>{injects}</table>
<h2>Earlier sessions</h2>
<table><tr><th>opened</th><th>scenario</th><th>outcome</th><th>turns</th><th>listening</th><th>avoid</th></tr>{earlier}</table>
</div>"""
