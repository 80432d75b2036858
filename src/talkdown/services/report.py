"""Use case ``talkdown report``: the after-action report as a read model, with its charts.

Why a read model here and the HTML/PDF at the edge: services may not use Jinja2 (CONVENTIONS §3), and the
web face (issue 6) should render the same ``Report`` with its own template. Everything in it is derived from
the log: the timeline shows every event (corrections as their own rows, so both versions stay visible), the
advice history replays the advisor after every event, and the integrity block carries the hash-chain head
and the result of verifying the chain at report time.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from pathlib import Path

from pydantic import ValidationError

from talkdown.analysis.avoid_doctrine import doctrine_ids
from talkdown.analysis.skills import ACTIVE_LISTENING
from talkdown.doctrine.advisor import advise
from talkdown.doctrine.evidence import AnnotationMap
from talkdown.doctrine.indicators import indicator_series
from talkdown.doctrine.metrics import (
    Metric,
    current_metrics,
    diplomatic_metrics_apply,
    metric_series,
    shown_metrics,
)
from talkdown.doctrine.policy import Policy
from talkdown.doctrine.release_model import ReleaseEstimate
from talkdown.domain import display_time
from talkdown.domain.enums import Role
from talkdown.domain.events import AdviceDismissed, AdvicePolicyRecorded
from talkdown.domain.log import Envelope
from talkdown.domain.state import IncidentState, evolve
from talkdown.errors import TalkdownError
from talkdown.services._running_session import refuse_report
from talkdown.services.accounts import SignedIn
from talkdown.services.derived import DEFAULT_POLICY, annotations_for, policy_in_force
from talkdown.services.incidents import events_through, get_incident, resolve_incident_id
from talkdown.services.report_charts import Charts, draw_charts
from talkdown.services.report_timeline import TimelineRow, policy_label, timeline_rows
from talkdown.services.verify import verify_incident
from talkdown.services.wiring import App

Counts = dict[str, dict[str, int]]
LESSONS = ("What worked", "What to change", "Follow-up for the team", "Follow-up for the people involved")
STAGES = ("active_listening", "empathy", "rapport", "influence", "behavioral_change")


@dataclass(frozen=True)
class StageChange:
    seq: int
    at: datetime
    stage: str


@dataclass(frozen=True)
class AdviceRecord:
    advice_id: str
    title: str
    about: str
    doctrine_ref: str
    first_seq: int
    first_at: datetime
    outcome: str


@dataclass(frozen=True)
class PolicyStretch:
    """The agency policy the advice is replayed under from ``first_seq`` to ``last_seq``, and why that one."""

    first_seq: int
    last_seq: int
    policy: Policy
    label: str  # its agency, file or "default", and fingerprint (``report_timeline.policy_label``)
    how: str  # recorded in the log at a seq, given for this report, or none recorded: today's


@dataclass(frozen=True)
class Integrity:
    head_seq: int
    head_hash: str
    checkpoint_seq: int | None
    verified: bool
    problem: str


@dataclass(frozen=True)
class Report:
    state: IncidentState
    generated_at: datetime
    timeline: tuple[TimelineRow, ...]
    stairway: tuple[StageChange, ...]
    skills: Counts
    avoid: Counts
    advice: tuple[AdviceRecord, ...]
    metrics: tuple[Metric, ...]
    release: ReleaseEstimate | None
    charts: Charts
    integrity: Integrity
    zone: tzinfo | None  # the clock its times are on: ``Settings.display_zone`` (None: this computer's)
    zone_note: str  # that clock named, with its offset from UTC (``display_time.zone_statement``)
    lessons: tuple[str, ...] = LESSONS
    listening_labels: tuple[str, ...] = ACTIVE_LISTENING  # the rest of ``skills`` shows as skills.md's other moves
    metrics_note: str = ""  # which metrics are left out and why (``doctrine.metrics.shown_metrics``)
    policies: tuple[PolicyStretch, ...] = ()  # the policies the advice was replayed under, named above the advice

    def clock(self, at: datetime) -> str:
        """A time of day on the report's clock (the zone is named once, at the top)."""
        return display_time.shown(at, self.zone)

    def day(self, at: datetime) -> str:
        """A date and time that stands alone (opened, due, generated), with the zone's abbreviation."""
        return display_time.labelled(at, self.zone, "%Y-%m-%d %H:%M")


def build_report(app: App, ref: str, *, policy_file: Path | None = None) -> Report:
    """Everything the after-action report shows, from the log; charts need matplotlib (TD740).

    The advice is replayed under the policy the log records at each point (``AdvicePolicyRecorded``), so a report
    made after the agency changed its file still says what the team's boards said; ``policy_file`` (the command's
    ``--policy``) replays the whole log under another policy instead, and the report says so.
    """
    # A bad file is its TD640-TD643 before any work; read once, the policy read is the one the advice replays.
    given = (policy_file, policy_in_force(app, policy_file)) if policy_file is not None else None
    state = get_incident(app, ref)
    envelopes = events_through(app, state)  # the log the state was folded from
    policies = _policy_stretches(app, envelopes, given)
    annotations = annotations_for(app, state)
    now = app.clock.now()
    metrics, release = current_metrics(state, state.closed_at or now)
    shown, metrics_note = shown_metrics(metrics, state)
    stairway = _stairway(state, annotations)
    # The team reads these times on its own clock, as on the board (the report alone used to say UTC); the zone
    # and its offset are named at the top, so each time converts back to the log's UTC exactly.
    zone = app.settings.display_zone
    # Over the log's times, which the columns without an abbreviation show; a date that stands alone (generated,
    # opened, due) carries its own, so a report printed in winter does not say the summer's incident changed clock.
    zone_note = display_time.zone_statement(
        [env.at for env in envelopes] or [now], zone, app.settings.timezone or "this computer's zone"
    )
    charts = draw_charts(
        metric_series(envelopes),
        indicator_series(envelopes, annotations),
        stairway_points(stairway),
        zone=zone,
        cache_dir=app.settings.cache_dir,
        last_line_at=max((u.when for u in state.utterances if not u.retracted), default=None),
        diplomatic=diplomatic_metrics_apply(state),
    )
    skills, avoid = _skill_use(state, annotations)
    return Report(
        state=state,
        generated_at=now,
        timeline=tuple(timeline_rows(envelopes, state, zone)),
        stairway=tuple(stairway),
        skills=skills,
        avoid=avoid,
        advice=tuple(_advice_history(envelopes, annotations, policies, zone)),
        metrics=shown,
        metrics_note=metrics_note,
        release=release,
        charts=charts,
        integrity=_integrity(app, state),
        zone=zone,
        zone_note=zone_note,
        policies=tuple(policies),
    )


def build_report_for(app: App, ref: str, *, user: SignedIn) -> Report:
    """:func:`build_report` for a console account: a running simulated session's only to an instructor (TD335).

    The CLI's ``talkdown report`` calls :func:`build_report`: it runs as the installation's operator, who holds the
    database file and reads running debriefs already.
    """
    incident_id = resolve_incident_id(app, ref)
    refuse_report(app.recorder.current(incident_id), user)
    return build_report(app, incident_id)


def stairway_points(changes: list[StageChange]) -> list[tuple[datetime, int]]:
    return [(c.at, STAGES.index(c.stage) + 1) for c in changes]


def _stairway(state: IncidentState, annotations: AnnotationMap) -> list[StageChange]:
    out: list[StageChange] = []
    for utt in state.utterances:
        labels = [a.label for a in annotations.get(utt.seq, ()) if a.family == "stairway" and a.label in STAGES]
        if labels and (not out or out[-1].stage != labels[0]):
            out.append(StageChange(utt.seq, utt.when, labels[0]))
    return out


def _skill_use(state: IncidentState, annotations: AnnotationMap) -> tuple[Counts, Counts]:
    """Skills (listening and other moves) and behaviours to avoid, counted per negotiator (skills.md, avoid.md ids)."""
    skills: dict[str, Counter[str]] = {}
    avoid: dict[str, Counter[str]] = {}
    for utt in state.utterances:
        party = state.parties.get(utt.speaker)
        if party is None or not party.role.is_negotiator or utt.retracted:
            continue
        for ann in annotations.get(utt.seq, ()):
            if ann.low_confidence:
                continue
            if ann.family == "talkdown_skill" and ann.label != "other":
                skills.setdefault(party.name, Counter())[ann.label] += 1
            elif ann.family == "talkdown_avoid":
                avoid.setdefault(party.name, Counter())[doctrine_ids(ann)[0]] += 1
    return (
        {name: dict(c.most_common()) for name, c in skills.items()},
        {name: dict(c.most_common()) for name, c in avoid.items()},
    )


def _policy_stretches(app: App, envelopes: list[Envelope], given: tuple[Path, Policy] | None) -> list[PolicyStretch]:
    """The policy for each stretch of the log: the ones it records, else the doctrine defaults; ``given`` (the
    ``--policy`` file and the policy :func:`build_report` read from it) for the whole log instead.

    Before the first recorded policy (the incident opened and lines logged before any board or ``advise`` computed
    advice under an agency file) the first recorded one is used: an agency's file is usually in force from the
    start, and it keeps a report made later the same as one made then. A log with none recorded followed the
    defaults, which are recorded only after another policy (``derived._policy_to_record``); the report says so.
    """
    head = envelopes[-1].seq if envelopes else 0
    if given is not None:
        policy_file, policy = given
        how = f"given for this report (--policy {policy_file.name}), not the one recorded in the log"
        return [PolicyStretch(1, head, policy, _label(policy, policy_file), how)]
    recorded = [(env.seq, env.payload) for env in envelopes if isinstance(env.payload, AdvicePolicyRecorded)]
    if not recorded:
        how = "none is recorded in the log: the doctrine defaults (another policy is recorded when advice is first "
        how += "computed under it)"
        return [PolicyStretch(1, head, DEFAULT_POLICY, _label(DEFAULT_POLICY, None), how)]
    out: list[PolicyStretch] = []
    for i, (seq, event) in enumerate(recorded):
        last = recorded[i + 1][0] - 1 if i + 1 < len(recorded) else head
        policy, how = _recorded_policy(app, event, seq)
        if i == 0 and seq > 1:
            how += f"; none was recorded before seq {seq}, so seq 1 to {seq - 1} is replayed under it too"
        label = policy_label(str(event.content.get("agency")), event.file, event.fingerprint)
        out.append(PolicyStretch(1 if i == 0 else seq, last, policy, label, how))
    return out


def _recorded_policy(app: App, event: AdvicePolicyRecorded, seq: int) -> tuple[Policy, str]:
    """The policy a log recorded; a content this release's ``Policy`` refuses (a setting since removed) is named
    and today's policy stands in for it, rather than the report failing."""
    try:
        return Policy.model_validate(event.content), f"recorded in the log at seq {seq}"
    except ValidationError as exc:
        problem = exc.errors()[0]["msg"]
        return (
            policy_in_force(app),
            f"recorded at seq {seq}, but unreadable by this release ({problem}): replayed "
            "under the policy in force when this report was made",
        )


def _label(policy: Policy, path: Path | None) -> str:
    return policy_label(policy.agency, path.name if path is not None else None, policy.fingerprint)


def _advice_history(
    envelopes: list[Envelope], annotations: AnnotationMap, policies: list[PolicyStretch], zone: tzinfo | None
) -> list[AdviceRecord]:
    """Replay the advisor after every event, under the policy of its stretch: when each item first appeared and what
    became of it (a recorded policy that changes the advice ends an item at its seq, naming the record)."""
    state = IncidentState()
    active: dict[str, AdviceRecord] = {}
    done: list[AdviceRecord] = []
    stretches = iter(policies)
    stretch = next(stretches, None)
    for env in envelopes:
        evolve(state, env)
        while stretch is not None and env.seq > stretch.last_seq:
            stretch = next(stretches, None)
        policy = stretch.policy if stretch is not None else Policy()
        current = {a.advice_id: a for a in advise(state, annotations, policy, env.at, zone=zone)}
        for advice_id in [i for i in active if i not in current]:
            record = active.pop(advice_id)
            payload = env.payload
            if isinstance(payload, AdviceDismissed) and payload.advice_id == advice_id:
                outcome = f"dismissed at seq {env.seq} by {env.actor}: {payload.reason}"
            elif env.kind == "incident_closed":
                outcome = "still open when the incident closed"
            else:
                outcome = f"ended at seq {env.seq} ({env.kind.replace('_', ' ')})"
            done.append(_with_outcome(record, outcome))
        for advice_id, item in current.items():
            if advice_id not in active:
                active[advice_id] = AdviceRecord(
                    advice_id,
                    item.title,
                    item.about,
                    item.doctrine_ref,
                    env.seq,
                    env.at,
                    "current at the end of the log",
                )
    done.extend(active.values())
    return sorted(done, key=lambda r: (r.first_seq, r.advice_id))


def _with_outcome(record: AdviceRecord, outcome: str) -> AdviceRecord:
    return replace(record, outcome=outcome)


def _integrity(app: App, state: IncidentState) -> Integrity:
    """The head of the log the report shows (``state``'s), the separate checkpoint, and whether the chain verifies.

    Why ``state``'s head and not one read again: it is the head of the timeline, figures and advice above it, the
    one to compare with the paper log; read again, a line a teammate logged while the report was made was named
    as its head. The verification does read the stored rows afresh, on purpose: it checks the bytes, not a fold.
    """
    checkpoint = app.store.latest_checkpoint(state.incident_id)
    try:
        verify_incident(app, state.incident_id)
        verified, problem = True, ""
    except TalkdownError as exc:
        verified, problem = False, f"{exc.code}: {exc.message}"
    return Integrity(
        state.head_seq, state.head_hash, checkpoint.seq if checkpoint is not None else None, verified, problem
    )


def negotiators(state: IncidentState) -> list[str]:
    return [p.name for p in state.parties.values() if p.role in (Role.PRIMARY, Role.SECONDARY, Role.COACH)]
