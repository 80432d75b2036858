"""The seven seed-001 metrics, computed from logged events only, at any point of the log.

Seed 001 names the metrics and their ranges but gives no formula, weight or data (indicators.md, "The
seed-001 metrics"); every formula here is talkdown's own design [D], documented with inputs and limits in
``docs/metrics.md``. With no evidence logged a metric is ``None`` ("unknown"), never a default number.
Annotations are not used: the metrics must be reproducible from the legal record alone.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from talkdown.doctrine.release_model import ReleaseEstimate, estimate
from talkdown.domain.enums import (
    DemandStatus,
    HostageCondition,
    IncidentMode,
    IncidentStatus,
    IncidentType,
    StakeholderKind,
    Tone,
)
from talkdown.domain.events import (
    NOT_ENTRIES,
    ChannelOpened,
    MediaEventRecorded,
    StakeholderAdded,
    SupportStated,
)
from talkdown.domain.log import Envelope
from talkdown.domain.stamps import own_times
from talkdown.domain.state import IncidentState, evolve
from talkdown.domain.text import counted

CONDITION_SCORE = {
    HostageCondition.UNHARMED: 9.0,
    HostageCondition.DISTRESSED: 6.0,
    HostageCondition.INJURED: 3.0,
    HostageCondition.CRITICAL: 2.0,
    HostageCondition.DECEASED: 1.0,
}
NO_NEED = frozenset({"", "none", "unknown", "n/a"})
CONTACT_GAP = timedelta(minutes=10)  # utterances closer than this count as one stretch of contact [D]
MEDIA_HALF_LIFE_H = 12.0  # attention halves every 12 hours [D]
TONE_SIGN = {Tone.POSITIVE: 1, Tone.NEUTRAL: 0, Tone.NEGATIVE: -1}
METRICS = (
    "hostage_wellbeing",
    "negotiation_duration_h",
    "concession_level",
    "release_probability",
    "international_support",
    "media_exposure",
    "diplomatic_impact",
)

DIPLOMATIC_METRICS = ("international_support", "media_exposure", "diplomatic_impact")
# "The first four fit any incident; the last three mainly kidnap-abroad and state-level cases" (indicators.md,
# "The seed-001 metrics"). talkdown has no "abroad" flag, so kidnap for ransom counts, with the types the
# release model calls political; any other incident shows them as soon as a diplomatic-track entry is logged.
DIPLOMATIC_TYPES = frozenset(
    {
        IncidentType.KIDNAP_FOR_RANSOM,
        IncidentType.TERRORIST,
        IncidentType.HIJACKING,
        IncidentType.MASS_HOSTAGE,
        IncidentType.DIPLOMATIC_STATE,
    }
)


@dataclass(frozen=True)
class Metric:
    """One metric now; ``applies`` is False for a diplomatic metric on an incident it does not fit (the board,
    the report and the terminal table leave it out, ``--json`` keeps it with the flag)."""

    id: str
    name: str
    value: float | None
    display: str
    detail: str = ""
    applies: bool = True


@dataclass(frozen=True)
class MetricPoint:
    seq: int
    at: str
    values: dict[str, float | None] = field(default_factory=dict)


def hostage_wellbeing(state: IncidentState) -> tuple[float | None, str]:
    """Mean per-hostage score 1-10 from the logged condition; +1 once released alive; -1 for a need still open."""
    scores: list[float] = []
    for h in state.hostages.values():
        base = CONDITION_SCORE.get(h.condition)
        if base is None:
            continue
        if h.released_at is not None and h.condition is not HostageCondition.DECEASED:
            base += 1.0
        elif h.medical_needs.strip().lower() not in NO_NEED and h.condition is not HostageCondition.UNHARMED:
            base -= 1.0
        scores.append(min(10.0, max(1.0, base)))
    if not scores:
        return None, "no hostage condition logged"
    return round(sum(scores) / len(scores), 1), f"{counted(len(scores), 'hostage')} with a logged condition"


def _said_times(state: IncidentState) -> list[datetime]:
    """When each line still standing was said, in order.

    A transcript imported without a start date logs every line at the moment of import and keeps the
    transcript's own time as written (``source_time``); those times, counted from the incident's opening, are
    then the only record of the gaps between lines, so they are used when every line has one.
    """
    live = [u for u in state.utterances if not u.retracted]
    own = own_times(state) if state.mode is IncidentMode.STUDY else []
    return own if len(own) == len(live) else sorted(u.when for u in live)


def negotiation_duration(state: IncidentState, now: datetime) -> tuple[float | None, str]:
    """Hours from first contact (first utterance or diplomatic channel) to close or now; contact hours beside.

    A STUDY incident (an imported transcript) is a past conversation: it runs to its last line, not to the wall
    clock, which only said how long ago it was imported.
    """
    times = _said_times(state)
    channels = [r.at for r in state.diplomatic if isinstance(r.event, ChannelOpened)]
    starts = times[:1] + channels
    if not starts:
        return None, "no contact logged"
    if state.mode is IncidentMode.STUDY and times:
        end = times[-1]
    else:
        end = state.closed_at if state.status is IncidentStatus.CLOSED and state.closed_at else now
    hours = max(0.0, (end - min(starts)).total_seconds() / 3600)
    contact = sum((b - a for a, b in itertools.pairwise(times) if b - a < CONTACT_GAP), timedelta())
    return round(hours, 2), f"{contact.total_seconds() / 3600:.1f} h in contact"


def concession_level(state: IncidentState) -> tuple[float | None, str]:
    """Share of demands met (partly met = half), withdrawn demands left out; 0-100 %."""
    demands = [d for d in state.demands.values() if d.status is not DemandStatus.WITHDRAWN]
    if not demands:
        # "no demand logged" beside a ledger of withdrawn demands read as if the scribe had missed them
        return (
            None,
            f"{counted(len(state.demands), 'demand')} logged, all withdrawn" if state.demands else "no demand logged",
        )
    met = sum(
        1.0 if d.status is DemandStatus.MET else 0.5 if d.status is DemandStatus.PARTIALLY_MET else 0.0 for d in demands
    )
    traded = sum(bool(c.in_exchange_for.strip()) for c in state.concessions.values())
    return round(
        100 * met / len(demands), 1
    ), f"{counted(len(demands), 'demand')}; {traded}/{len(state.concessions)} concessions traded"


@cache
def _release(incident_type: IncidentType, held: int) -> ReleaseEstimate:
    return estimate(incident_type, hostages_held=held)


def release_probability(state: IncidentState) -> tuple[float | None, str, ReleaseEstimate | None]:
    """The release model's figure for the hostages still held; once none is, what happened: the share of the
    recorded hostages released alive (100 % when all are out alive).

    Why observed and not the model once nobody is held: with every hostage dead the model, asked about zero
    hostages held, gave its no-hostage base rate (75 % on a hostage incident), and with one dead and one out
    the row said "all recorded hostages released".
    """
    alive = [h for h in state.hostages.values() if h.condition is not HostageCondition.DECEASED]
    held = sum(h.released_at is None for h in alive)
    if state.hostages and held == 0:
        out = sum(h.released_at is not None for h in alive)
        if out == len(state.hostages):
            return 100.0, "all recorded hostages released (observed)", None
        return (
            round(100 * out / len(state.hostages), 1),
            f"observed: {out} of {counted(len(state.hostages), 'recorded hostage')} released alive",
            None,
        )
    est = _release(state.incident_type, held)
    return round(100 * est.probability, 1), f"80% band {100 * est.low:.0f}-{100 * est.high:.0f} %", est


def _stakeholder_kinds(state: IncidentState) -> dict[str, StakeholderKind]:
    return {
        r.event.stakeholder_id: r.event.stakeholder_kind
        for r in state.diplomatic
        if isinstance(r.event, StakeholderAdded)
    }


def _speaker_of(state: IncidentState) -> Callable[[SupportStated], str]:
    """Who a statement counts under: its linked stakeholder, else the stakeholder of that name (case aside, as
    ``talkdown diplomatic support`` matches ``by``), else its casefolded name.

    Why: statements were keyed by the text typed, so "UN" and "un", or "UN" before and after it was added as a
    stakeholder, were two bodies (both tones stood in International Support, and a media outlet's statement
    logged before it was added counted as a government's in Diplomatic Relations Impact).
    """
    by_name: dict[str, str] = {}
    for r in state.diplomatic:
        if isinstance(r.event, StakeholderAdded):
            by_name.setdefault(r.event.name.strip().casefold(), r.event.stakeholder_id)

    def speaker(event: SupportStated) -> str:
        name = event.by.strip().casefold()
        return event.stakeholder_id or by_name.get(name, name)

    return speaker


def international_support(state: IncidentState) -> tuple[float | None, str]:
    """Net supporters: latest stated tone per stakeholder (+1/0/-1; ``_speaker_of``), plus 1 per multilateral
    channel."""
    speaker = _speaker_of(state)
    latest: dict[str, int] = {}
    multilateral = 0
    for r in state.diplomatic:
        if isinstance(r.event, SupportStated):
            latest[speaker(r.event)] = TONE_SIGN[r.event.tone]
        elif isinstance(r.event, ChannelOpened) and r.event.channel_kind.value == "multilateral":
            multilateral += 1
    if not latest and not multilateral:
        return None, "no statement of support logged"
    score = sum(latest.values()) + multilateral
    level = "high" if score >= 3 else "medium" if score >= 1 else "low"
    return float(
        score
    ), f"{level}: {sum(v > 0 for v in latest.values())} supporting, {sum(v < 0 for v in latest.values())} opposed"


def media_exposure(state: IncidentState, now: datetime) -> tuple[float | None, str]:
    """Sum of logged media reach (1-5) decayed with a 12 h half-life: attention now, not ever."""
    total = 0.0
    n = 0
    for r in state.diplomatic:
        if isinstance(r.event, MediaEventRecorded) and r.at <= now:
            age_h = (now - r.at).total_seconds() / 3600
            total += r.event.reach * 0.5 ** (age_h / MEDIA_HALF_LIFE_H)
            n += 1
    if n == 0:
        return None, "no media event logged"
    level = "high" if total >= 8 else "medium" if total >= 3 else "low"
    return round(total, 2), f"{level}: {counted(n, 'media event')}"


def diplomatic_impact(state: IncidentState) -> tuple[float | None, str]:
    """tanh(sum / 3) of signed diplomatic events: statements by governments or intermediaries (+1/-1), and
    0.5 for each channel opened (engagement); -1 negative ... +1 positive."""
    kinds = _stakeholder_kinds(state)
    speaker = _speaker_of(state)
    signed = 0.0
    n = 0
    for r in state.diplomatic:
        if isinstance(r.event, SupportStated):
            kind = kinds.get(speaker(r.event))
            if kind in (StakeholderKind.GOVERNMENT, StakeholderKind.INTERMEDIARY, None):
                signed += TONE_SIGN[r.event.tone]
                n += 1
        elif isinstance(r.event, ChannelOpened):
            signed += 0.5
            n += 1
    if n == 0:
        return None, "no diplomatic event logged"
    return round(math.tanh(signed / 3), 2), counted(n, "signed diplomatic event")


def diplomatic_metrics_apply(state: IncidentState) -> bool:
    """Whether the three diplomatic metrics fit this incident: its type is a kidnap or state-level one, or the
    team logged a diplomatic-track entry (then hiding them would hide what was recorded)."""
    return state.incident_type in DIPLOMATIC_TYPES or bool(state.diplomatic)


def shown_metrics(metrics: Iterable[Metric], state: IncidentState) -> tuple[tuple[Metric, ...], str]:
    """The metrics a panel shows, and the sentence saying which were left out and why ("" when none).

    Why leave them out: on a barricade or a suicide intervention three rows reading "unknown" for international
    support, media exposure and diplomatic impact suggest the team has something to log there; they have not.
    """
    shown = tuple(m for m in metrics if m.applies)
    hidden = [m.name for m in metrics if not m.applies]
    if not hidden:
        return shown, ""
    names = ", ".join(hidden[:-1]) + f" and {hidden[-1]}" if len(hidden) > 1 else hidden[0]
    kind = state.incident_type.value.replace("_", " ")
    note = (
        f"{names} are left out: seed 001 ties them to kidnap-abroad and state-level cases, and this {kind} "
        "incident has no diplomatic-track entry. They show once one is logged (talkdown diplomatic)."
    )
    return shown, note


def measured_at(state: IncidentState, now: datetime) -> datetime:
    """The time the metrics are taken at: ``now``, or the close for a closed incident.

    Why here and not in each caller: the report passed the close time and ``talkdown metrics`` and the board
    passed the wall clock, so a closed incident's media exposure kept decaying on the board and in ``--json``
    while its after-action report kept the value at the close, and the two disagreed about the same log.
    """
    if state.status is IncidentStatus.CLOSED and state.closed_at is not None:
        return state.closed_at
    return now


def current_metrics(state: IncidentState, now: datetime) -> tuple[list[Metric], ReleaseEstimate | None]:
    """All seven metrics as of ``now`` (close time for a closed incident), with a display string each."""
    now = measured_at(state, now)
    wb, wb_d = hostage_wellbeing(state)
    dur, dur_d = negotiation_duration(state, now)
    con, con_d = concession_level(state)
    rel, rel_d, est = release_probability(state)
    sup, sup_d = international_support(state)
    med, med_d = media_exposure(state, now)
    dip, dip_d = diplomatic_impact(state)

    def show(value: float | None, fmt: str) -> str:
        return "unknown" if value is None else fmt.format(value)

    diplomatic = diplomatic_metrics_apply(state)
    metrics = [
        Metric("hostage_wellbeing", "Hostage Well-being Index", wb, show(wb, "{:.1f} / 10"), wb_d),
        Metric("negotiation_duration_h", "Negotiation Duration", dur, show(dur, "{:.1f} h"), dur_d),
        Metric("concession_level", "Concession Level", con, show(con, "{:.0f} %"), con_d),
        Metric("release_probability", "Release Probability", rel, _release_display(rel, est), rel_d),
        Metric("international_support", "International Support", sup, show(sup, "{:+.0f}"), sup_d, diplomatic),
        Metric("media_exposure", "Media Exposure", med, show(med, "{:.1f}"), med_d, diplomatic),
        Metric("diplomatic_impact", "Diplomatic Relations Impact", dip, show(dip, "{:+.2f}"), dip_d, diplomatic),
    ]
    return metrics, est


def _release_display(value: float | None, est: ReleaseEstimate | None) -> str:
    """The row's percentage, rounded once from the model's figure.

    Why not from ``value``: that is already rounded to 0.1, and rounding 74.53 to 74.5 and then to a whole
    number gave "74 %" in the row while the paragraph and the board's line under it, formatted from the
    estimate itself, said "75 %" for the same incident.
    """
    if est is not None:
        return f"{100 * est.probability:.0f} %"
    return "unknown" if value is None else f"{value:.0f} %"


def metric_series(envelopes: Iterable[Envelope]) -> list[MetricPoint]:
    """The metrics after every entry, each evaluated at that entry's time (replay; no look-ahead).

    A recorded policy (``NOT_ENTRIES``) is folded in but gets no point: it is written when someone looks at the
    board, and its point evaluated the time-bound metrics (duration, media exposure) at that look and ran the
    report's chart on to it.
    """
    state = IncidentState()
    points: list[MetricPoint] = []
    for env in envelopes:
        evolve(state, env)
        if env.kind in NOT_ENTRIES:
            continue
        metrics, _ = current_metrics(state, env.at)
        points.append(MetricPoint(env.seq, env.at.isoformat(), {m.id: m.value for m in metrics}))
    return points
