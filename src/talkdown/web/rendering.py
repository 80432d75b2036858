"""Templates and the formatting helpers they use: evidence highlighting, chips, times.

Why highlighting is done in Python and not in the template: the utterance text is the subject's own words
and may contain anything, so it is escaped first and only then are the evidence spans wrapped in ``<mark>``;
building that string in Jinja would mean marking user text safe. Spans that overlap are merged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from talkdown.analysis.suicide_clues import stored_clue
from talkdown.doctrine.cases import Outcome
from talkdown.doctrine.metrics import MetricPoint
from talkdown.doctrine.similarity import rests_on_uncertain
from talkdown.domain.annotations import Annotation
from talkdown.domain.display_time import shown, zone_label
from talkdown.domain.enums import (
    ChannelKind,
    DemandCategory,
    DemandStatus,
    HostageCondition,
    Role,
    StakeholderKind,
    Tone,
)
from talkdown.domain.log import format_time
from talkdown.domain.state import IncidentState, Utterance
from talkdown.domain.text import DESCRIPTION_MAX, LONG_TEXT_MAX, breakable_html
from talkdown.services.diplomatic import stakeholders
from talkdown.services.live import Board, demand_items
from talkdown.services.report_timeline import diplomatic_track

HERE = Path(__file__).parent
# Families shown as chips on a line, in this order; labels meaning "nothing found" are left out.
CHIP_FAMILIES = ("talkdown_cue", "talkdown_avoid", "talkdown_skill", "change_talk", "hostility", "outburst")
QUIET_LABELS = frozenset({"none", "other", "other_avoid", "neutral", "not_hostile"})
EVIDENCE_FAMILIES = frozenset({"talkdown_cue", "talkdown_avoid", "talkdown_skill"})
PANELS = ("status", "speakers", "ledger", "hostages", "intel", "diplomatic", "advice", "stairway", "metrics", "roster")


_SPEAKER_ORDER = {Role.SUBJECT: 0, Role.PRIMARY: 1, Role.SECONDARY: 2, Role.INTERMEDIARY: 3}


@dataclass(frozen=True)
class Speaker:
    """One choice of the entry box: ``value`` is posted as the speaker (a party id, or a name to add)."""

    value: str
    name: str
    role: Role


# Offered until the incident has a party in that role; posting the name adds the party with that role.
_STAND_INS = ((Role.SUBJECT, "Subject"), (Role.PRIMARY, "Primary"))


def speakers(state: IncidentState) -> list[Speaker]:
    """Who the scribe can log as: the subject first, then the negotiators (the usual order of a call).

    Why stand-ins: a new incident has no parties, and the first line logged as "Subject" adds only the
    subject. Offering the subject and a primary until each is a party keeps both sides of the call one
    keystroke away; without it the negotiator's lines would have to be logged as the subject's.
    """
    talkers = [p for p in state.parties.values() if p.role in _SPEAKER_ORDER]
    choices = [Speaker(p.party_id, p.name, p.role) for p in talkers]
    taken = {p.name.casefold() for p in state.parties.values()}
    for role, name in _STAND_INS:
        if all(p.role != role for p in talkers) and name.casefold() not in taken:
            choices.append(Speaker(name, name, role))
    return sorted(choices, key=lambda c: (_SPEAKER_ORDER.get(c.role, 9), c.name))


@dataclass(frozen=True)
class Chip:
    family: str
    label: str
    score: float
    note: str = ""  # what kind of this label, where the analyser says (a suicide cue's clue)

    @property
    def text(self) -> str:
        label = self.label.replace("_", " ")
        return f"{label}: {self.note}" if self.note else label


def _note(ann: Annotation) -> str:
    """A suicide cue's clue in doctrine terms ("suicide cue: asks to be killed"): which kind the team weighs first."""
    clue = stored_clue(ann)
    return clue.title if clue else ""


def chips(annotations: Iterable[Annotation]) -> list[Chip]:
    out: list[Chip] = []
    seen: set[tuple[str, str]] = set()
    ordered = sorted(annotations, key=lambda a: CHIP_FAMILIES.index(a.family) if a.family in CHIP_FAMILIES else 99)
    for ann in ordered:
        if ann.family not in CHIP_FAMILIES or ann.label in QUIET_LABELS or (ann.family, ann.label) in seen:
            continue
        seen.add((ann.family, ann.label))
        out.append(Chip(ann.family, ann.label, ann.score, _note(ann)))
    return out


def highlight(text: str, annotations: Sequence[Annotation]) -> Markup:
    """The text, escaped, with the evidence of shown families wrapped in ``<mark>`` naming their labels.

    >>> from talkdown.domain.annotations import Span
    >>> a = Annotation(analyzer="c", analyzer_version="1", family="talkdown_cue", label="threat", score=1,
    ...                evidence=(Span(start=0, end=4),))
    >>> str(highlight("<b>I'll hurt", [a]))
    '<mark class="ev ev-talkdown_cue" title="threat">&lt;b&gt;I</mark>&#39;ll hurt'
    """
    spans: list[tuple[int, int, set[str], set[str]]] = []
    for ann in annotations:
        if ann.family not in EVIDENCE_FAMILIES or ann.label in QUIET_LABELS:
            continue
        for span in ann.evidence:
            start, end = max(0, span.start), min(len(text), span.end)
            if start < end:
                spans.append((start, end, {ann.family}, {ann.label}))
    spans.sort(key=lambda s: (s[0], s[1]))
    merged: list[tuple[int, int, set[str], set[str]]] = []
    for start, end, fams, labels in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2] | fams, last[3] | labels)
        else:
            merged.append((start, end, fams, labels))
    out, pos = Markup(""), 0
    for start, end, fams, labels in merged:
        classes = " ".join(f"ev-{f}" for f in sorted(fams))
        title = ", ".join(sorted(labels)).replace("_", " ")
        out += escape(text[pos:start])
        out += Markup('<mark class="ev {}" title="{}">{}</mark>').format(classes, title, text[start:end])
        pos = end
    return out + escape(text[pos:])


def iso(value: datetime | None) -> str:
    return format_time(value) if value else ""


def speaker_name(state: IncidentState, utt: Utterance) -> str:
    party = state.parties.get(utt.speaker)
    return party.name if party else utt.speaker


def sparkline(values: Sequence[float | None], *, width: int = 120, height: int = 24) -> str:
    """SVG polyline points for a metric's history, scaled to its own range (missing values skipped).

    Past a few points per pixel column the line keeps, per column, only its first, lowest, highest and last
    value (M4 downsampling): a long incident's line looks the same, a short spike is not lost, and the panel,
    re-rendered for every board each time lines arrive, costs the same at line 50 and at line 5,000.

    >>> sparkline([0.0, 1.0], width=10, height=10)
    '0.0,10.0 10.0,0.0'
    """
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return ""
    low, high = min(v for _, v in known), max(v for _, v in known)
    span = (high - low) or 1.0
    last = max(len(values) - 1, 1)
    if len(known) > 4 * (width + 1):
        known = _column_extremes(known, last, width)
    return " ".join(f"{round(i / last * width, 1)},{round(height - (v - low) / span * height, 1)}" for i, v in known)


def _column_extremes(known: list[tuple[int, float]], last: int, width: int) -> list[tuple[int, float]]:
    columns: dict[int, list[tuple[int, float]]] = {}
    for point in known:
        columns.setdefault(round(point[0] / last * width), []).append(point)
    out: list[tuple[int, float]] = []
    for points in columns.values():
        lowest, highest = min(points, key=lambda p: p[1]), max(points, key=lambda p: p[1])
        out.extend(sorted({points[0], lowest, highest, points[-1]}))
    return out


def metric_line(series: Sequence[MetricPoint], metric_id: str) -> str:
    """The sparkline of one metric of the board's series (the template called map() over the whole series)."""
    return sparkline([point.values.get(metric_id) for point in series])


def build_templates(zone: tzinfo | None = None) -> Jinja2Templates:
    """The console's templates; times show on the wall clock of ``zone`` (None: this computer's), labelled."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        # Templates ship in the package and do not change while serving: checking their files' mtimes on
        # every render showed up in the console profile under 50 boards.
        auto_reload=False,
    )
    env.filters.update(
        hhmm=lambda v: shown(v, zone) if v else "",
        day=lambda v: shown(v, zone, "%Y-%m-%d %H:%M") if v else "",
        tz=lambda v: zone_label(v, zone) if v else "",
        iso=iso,
        breakable=lambda v: Markup(breakable_html(str(v))),  # noqa: S704  # escaped by breakable_html, then <wbr>
    )
    env.globals.update(
        chips=chips,
        demand_items=demand_items,
        highlight=highlight,
        speaker_name=speaker_name,
        metric_line=metric_line,
        speakers=speakers,
        rests_on_uncertain=rests_on_uncertain,
        diplomatic_track=lambda state: diplomatic_track(state, zone),
        stakeholders=stakeholders,
    )
    env.globals.update(  # the choices the board's forms offer
        outcomes=[o.value for o in Outcome],  # the case library's outcomes, offered when closing
        demand_statuses=[v.value for v in DemandStatus],
        demand_categories=[v.value for v in DemandCategory],
        conditions=[v.value for v in HostageCondition],
        party_roles=[v.value for v in Role if v is not Role.UNKNOWN],
        stakeholder_kinds=[v.value for v in StakeholderKind],
        channel_kinds=[v.value for v in ChannelKind],
        tones=[v.value for v in Tone],
        long_text_max=LONG_TEXT_MAX,  # the forms' limits are the services' (domain/text.py), never typed again
        description_max=DESCRIPTION_MAX,
    )
    return Jinja2Templates(env=env)


class Fragments:
    """Renders the partials a board is made of, for SSE pushes (the first render uses the same partials)."""

    def __init__(self, templates: Jinja2Templates) -> None:
        self.env = templates.env

    def render(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)

    def lines(self, state: IncidentState, seqs: Iterable[int], annotations: dict[int, list[Annotation]]) -> str:
        """New utterance lines, appended to the exchange log out of band."""
        utts = [u for seq in seqs if (u := state.utterance_at(seq)) is not None]
        if not utts:
            return ""
        body = "".join(self.render("incidents/_utterance.html", state=state, utt=u, anns=annotations) for u in utts)
        return f'<div hx-swap-oob="beforeend:#log">{body}</div>'

    def replaced_lines(
        self, state: IncidentState, seqs: Iterable[int], annotations: dict[int, list[Annotation]]
    ) -> str:
        """Lines re-rendered once their analysis is stored: same element id, swapped out of band."""
        return "".join(
            self.render("incidents/_utterance.html", state=state, utt=u, anns=annotations, oob=True)
            for seq in seqs
            if (u := state.utterance_at(seq)) is not None
        )

    def session_ended(self, incident_id: str, *, why: str, idle: str, lifetime: str) -> str:
        """The banner that replaces a board's stream once its session has ended, saying why (``SessionEnd``)."""
        return self.render(
            "incidents/_session_ended.html", incident_id=incident_id, why=why, idle=idle, lifetime=lifetime
        )

    def panels(self, board: Board, names: Iterable[str] = PANELS) -> str:
        return "".join(self.render(f"incidents/_{name}.html", board=board, oob=True) for name in names)
