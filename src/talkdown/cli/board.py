"""The incident board in a terminal (Rich) and as JSON: what the team leader looks at.

Every text a person typed goes into a cell as ``Text``, never as a string: Rich reads a string as markup, so a
subject's "[/]" crashed the board and "[red]" restyled it.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from talkdown.domain.display_time import labelled, shown, zone_label
from talkdown.domain.enums import DeadlineStatus
from talkdown.domain.state import IncidentState
from talkdown.services.report_timeline import diplomatic_track


def time_left(due_at: datetime, now: datetime) -> str:
    """'in 12m 05s' or '3m 10s ago': a countdown the team can read at a glance."""
    seconds = int((due_at - now).total_seconds())
    span = abs(seconds)
    hours, rest = divmod(span, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {secs:02d}s"
    return f"in {text}" if seconds >= 0 else f"{text} ago"


def _party_name(state: IncidentState, party_id: str) -> str:
    party = state.parties.get(party_id)
    return party.name if party else party_id


def render_board(
    console: Console, state: IncidentState, *, now: datetime, lines: int = 15, zone: tzinfo | None = None
) -> None:
    header = Text.assemble(
        (state.title, "bold"),
        f"  [{state.incident_type.value}]  {state.status.value}  ",
        (f"id {state.incident_id}  seq {state.head_seq}", "dim"),
    )
    console.print(Panel(header, subtitle=Text(state.location) if state.location else None))

    parties = Table("id", "name", "role", title="Parties", expand=True)
    for p in state.parties.values():
        parties.add_row(p.party_id, Text(p.name), p.role.value)

    demands = Table("id", "item", "category", "negotiable", "prio", "status", title="Demands", expand=True)
    for d in state.demands.values():
        negotiable = "yes" if d.negotiable else "[red]NO[/]"
        demands.add_row(d.demand_id, Text(d.item), d.category.value, negotiable, str(d.priority), d.status)

    deadlines = Table("id", "due", "time left", "status", "about", title="Deadlines", expand=True)
    for dl in state.deadlines.values():
        left = time_left(dl.due_at, now) if dl.status in {DeadlineStatus.PENDING, DeadlineStatus.EXTENDED} else "-"
        deadlines.add_row(dl.deadline_id, labelled(dl.due_at, zone), left, dl.status.value, Text(dl.description))

    ledger = Table("kind", "id", "what", "in exchange for", "status", title="Promises and concessions", expand=True)
    for kind, items in (("promise", state.promises), ("concession", state.concessions)):
        for c in items.values():
            ledger.add_row(kind, c.commitment_id, Text(c.what), Text(c.in_exchange_for), c.status.value)

    hostages = Table("id", "alias", "condition", "medical needs", "released", title="Hostages", expand=True)
    for h in state.hostages.values():
        released = shown(h.released_at, zone, "%H:%M") if h.released_at else ""
        hostages.add_row(h.hostage_id, Text(h.alias), h.condition.value, Text(h.medical_needs), released)

    intel = Table("id", "grade", "source", "content", title="Intelligence", expand=True)
    for i in state.intel.values():
        intel.add_row(i.intel_id, i.grade, Text(i.source), Text(i.content))

    title = f"Latest exchanges ({len(state.utterances)} in all; times {zone_label(now, zone)})"
    exchanges = Table("seq", "time", "speaker", "text", title=title)
    for utt in state.utterances[-lines:] if lines > 0 else []:  # [-0:] would be every exchange
        text = Text(utt.text, style="strike" if utt.retracted else "")
        exchanges.add_row(str(utt.seq), shown(utt.when, zone), Text(_party_name(state, utt.speaker)), text)

    tables: list[Table] = [parties, demands, deadlines, ledger, hostages, intel]
    if state.diplomatic:  # only where the track is used: most incidents have none
        track = Table("seq", "time", "entry", title="Diplomatic track", expand=True)
        for row in diplomatic_track(state, zone):
            track.add_row(str(row.seq), shown(row.at, zone), Text(row.text))
        tables.append(track)
    console.print(Group(*tables, exchanges))


def board_json(state: IncidentState, *, now: datetime) -> dict[str, Any]:
    """The same board as one JSON document for scripts; times are ISO 8601 UTC."""
    return {
        "incident_id": state.incident_id,
        "title": state.title,
        "incident_type": state.incident_type.value,
        "status": state.status.value,
        "mode": state.mode.value,
        "location": state.location,
        "opened_at": state.opened_at,
        "head": {"seq": state.head_seq, "hash": state.head_hash},
        "parties": [{"party_id": p.party_id, "name": p.name, "role": p.role.value} for p in state.parties.values()],
        "demands": [
            {
                "demand_id": d.demand_id,
                "item": d.item,
                "category": d.category.value,
                "negotiable": d.negotiable,
                "priority": d.priority,
                "status": d.status.value,
                "seq": d.seq,
            }
            for d in state.demands.values()
        ],
        "deadlines": [
            {
                "deadline_id": dl.deadline_id,
                "due_at": dl.due_at,
                "seconds_left": round((dl.due_at - now).total_seconds()),
                "status": dl.status.value,
                "description": dl.description,
                "demand_id": dl.demand_id,
            }
            for dl in state.deadlines.values()
        ],
        "promises": [_commitment(c) for c in state.promises.values()],
        "concessions": [_commitment(c) for c in state.concessions.values()],
        "hostages": [
            {
                "hostage_id": h.hostage_id,
                "alias": h.alias,
                "condition": h.condition.value,
                "medical_needs": h.medical_needs,
                "released_at": h.released_at,
            }
            for h in state.hostages.values()
        ],
        "intel": [
            {"intel_id": i.intel_id, "grade": i.grade, "source": i.source, "content": i.content}
            for i in state.intel.values()
        ],
        "notes": [{"seq": n.seq, "kind": n.note_kind.value, "text": n.text} for n in state.notes],
        "diplomatic": [{"seq": r.seq, "at": r.at, **r.event.model_dump(mode="json")} for r in state.diplomatic],
        "utterances": [
            {
                "seq": u.seq,
                "at": u.when,
                "speaker": u.speaker,
                "speaker_name": _party_name(state, u.speaker),
                "channel": u.channel.value,
                "text": u.text,
                "retracted": u.retracted,
            }
            for u in state.utterances
        ],
    }


def _commitment(c: Any) -> dict[str, Any]:
    return {"id": c.commitment_id, "what": c.what, "in_exchange_for": c.in_exchange_for, "status": c.status.value}
