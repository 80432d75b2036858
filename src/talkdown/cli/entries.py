"""Commands the scribe uses during an incident: say, party, demand, deadline, promise, concession,
hostage, intel, note, correct, retract. Each prints the seq (and id) it recorded; --json as one object."""

from __future__ import annotations

from datetime import datetime

import typer

from talkdown.cli.state import JSON_OPTION, STATE, echo_json, iso_time
from talkdown.domain.display_time import labelled
from talkdown.domain.enums import (
    Channel,
    CommitmentStatus,
    Credibility,
    DeadlineStatus,
    DemandCategory,
    DemandStatus,
    HostageCondition,
    NoteKind,
    Reliability,
)
from talkdown.errors import TalkdownError
from talkdown.services import entries, incidents
from talkdown.services.transcripts import parse_party_role

INCIDENT = typer.Argument(..., help="Incident id or a unique prefix.")
demand_app = typer.Typer(no_args_is_help=True, help="Record demands and change their status.")
deadline_app = typer.Typer(no_args_is_help=True, help="Record deadlines the subject sets, and their outcome.")
promise_app = typer.Typer(no_args_is_help=True, help="The promise ledger: what was promised, kept or broken.")
concession_app = typer.Typer(no_args_is_help=True, help="Concessions granted and what they bought.")
hostage_app = typer.Typer(no_args_is_help=True, help="Hostages, their condition and release.")


def _done(seq: int | None, ident: str | None = None, *, json_out: bool = False) -> None:
    """``ID seq N`` (the id alone for a party that was already there, where nothing is recorded); ``--json``: the
    same as an object, for scripts that log on the team's behalf."""
    if json_out:
        echo_json({k: v for k, v in (("id", ident), ("seq", seq)) if v is not None})
    else:
        typer.echo(" ".join(x for x in (ident, f"seq {seq}" if seq is not None else None) if x))


def say(
    incident: str = INCIDENT,
    speaker: str = typer.Argument(..., help="Party id or name."),
    text: str = typer.Argument(...),
    channel: Channel = typer.Option(Channel.PHONE, "--channel"),
    role: str | None = typer.Option(None, "--role", help="Add the speaker with this role if not yet a party."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Log an utterance as a party."""
    role_if_new = parse_party_role(role) if role else None
    recorded = entries.say(STATE.app(), incident, speaker=speaker, text=text, channel=channel, role_if_new=role_if_new)
    _done(recorded, json_out=json_out)


def party(
    incident: str = INCIDENT,
    name: str = typer.Argument(...),
    role: str | None = typer.Option(
        None, "--role", help="e.g. subject, primary_negotiator, hostage, intermediary (a new party: unknown)."
    ),
    json_out: bool = JSON_OPTION,
) -> None:
    """Add a party, or set the role of an existing one (without --role an existing party is left as it is)."""
    app = STATE.app()
    state = incidents.get_incident(app, incident)
    existing = entries.find_party(state, name)
    if existing is not None and role is None:  # nothing to change: never reset a known role to 'unknown'
        _done(None, existing, json_out=json_out)
    elif existing is not None and role is not None:
        _done(entries.set_party_role(app, incident, party=name, role=parse_party_role(role)), json_out=json_out)
    else:
        pid, seq = entries.add_party(app, incident, name=name, role=parse_party_role(role or "unknown"))
        _done(seq, pid, json_out=json_out)


@demand_app.command("add")
def demand_add(
    incident: str = INCIDENT,
    item: str = typer.Argument(...),
    category: DemandCategory = typer.Option(DemandCategory.OTHER, "--category"),
    non_negotiable: bool = typer.Option(False, "--non-negotiable"),
    priority: int = typer.Option(3, "--priority", min=1, max=5),
    utterance_seq: int | None = typer.Option(None, "--from-seq", help="The utterance that made the demand."),
    json_out: bool = JSON_OPTION,
) -> None:
    did, seq = entries.record_demand(
        STATE.app(),
        incident,
        item=item,
        category=category,
        negotiable=not non_negotiable,
        priority=priority,
        utterance_seq=utterance_seq,
    )
    _done(seq, did, json_out=json_out)


@demand_app.command("status")
def demand_status(
    incident: str = INCIDENT,
    demand_id: str = typer.Argument(...),
    status: DemandStatus = typer.Argument(...),
    reason: str = typer.Option("", "--reason"),
    json_out: bool = JSON_OPTION,
) -> None:
    recorded = entries.change_demand(STATE.app(), incident, demand_id=demand_id, status=status, reason=reason)
    _done(recorded, json_out=json_out)


def _due(at: str | None, in_: str | None) -> datetime:
    if in_:
        return STATE.app().clock.now() + entries.parse_duration(in_)
    if at:
        try:
            datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError:  # not a date: a clock time on the team's wall clock, shown back to be checked
            zone = STATE.settings().display_zone
            due = entries.parse_clock_time(at, now=STATE.app().clock.now(), zone=zone)
            typer.echo(f"due {labelled(due, zone, '%Y-%m-%d %H:%M')}", err=True)
            return due
        due = iso_time(at)  # a date must carry its zone
        if due < STATE.app().clock.now():  # logged late, or a slip of the day or the zone: say so, keep it
            zone = STATE.settings().display_zone
            typer.echo(
                f"note: due {labelled(due, zone, '%Y-%m-%d %H:%M')} is already past; recorded as given", err=True
            )
        return due
    raise TalkdownError("TD105", value="", what="deadline", problem="give --in 30m or --at TIME")


@deadline_app.command("set")
def deadline_set(
    incident: str = INCIDENT,
    description: str = typer.Argument("", help="What the subject said would happen."),
    in_: str | None = typer.Option(None, "--in", help="Time from now: 30m, 1h30m, 20 minutes (at most 366 days)."),
    at: str | None = typer.Option(
        None, "--at", help="ISO 8601 with zone, or a clock time (21:00, 9pm, tomorrow 9am) in TALKDOWN_TIMEZONE."
    ),
    demand_id: str | None = typer.Option(None, "--demand"),
    utterance_seq: int | None = typer.Option(None, "--from-seq"),
    json_out: bool = JSON_OPTION,
) -> None:
    dlid, seq = entries.set_deadline(
        STATE.app(),
        incident,
        due_at=_due(at, in_),
        description=description,
        demand_id=demand_id,
        utterance_seq=utterance_seq,
    )
    _done(seq, dlid, json_out=json_out)


@deadline_app.command("status")
def deadline_status(
    incident: str = INCIDENT,
    deadline_id: str = typer.Argument(...),
    status: DeadlineStatus = typer.Argument(...),
    new_in: str | None = typer.Option(None, "--new-in", help="For 'extended': new time from now."),
    reason: str = typer.Option("", "--reason"),
    json_out: bool = JSON_OPTION,
) -> None:
    new_due = _due(None, new_in) if new_in else None
    seq = entries.change_deadline(
        STATE.app(), incident, deadline_id=deadline_id, status=status, new_due_at=new_due, reason=reason
    )
    _done(seq, json_out=json_out)


@promise_app.command("make")
def promise_make(
    incident: str = INCIDENT,
    what: str = typer.Argument(...),
    in_exchange_for: str = typer.Option("", "--for", help="What the subject gives in return."),
    json_out: bool = JSON_OPTION,
) -> None:
    pid, seq = entries.make_promise(STATE.app(), incident, what=what, in_exchange_for=in_exchange_for)
    _done(seq, pid, json_out=json_out)


@promise_app.command("status")
def promise_status(
    incident: str = INCIDENT,
    promise_id: str = typer.Argument(...),
    status: CommitmentStatus = typer.Argument(...),
    reason: str = typer.Option("", "--reason"),
    json_out: bool = JSON_OPTION,
) -> None:
    recorded = entries.change_promise(STATE.app(), incident, promise_id=promise_id, status=status, reason=reason)
    _done(recorded, json_out=json_out)


@concession_app.command("grant")
def concession_grant(
    incident: str = INCIDENT,
    what: str = typer.Argument(...),
    in_exchange_for: str = typer.Option("", "--for"),
    demand_id: str | None = typer.Option(None, "--demand"),
    json_out: bool = JSON_OPTION,
) -> None:
    cid, seq = entries.grant_concession(
        STATE.app(), incident, what=what, in_exchange_for=in_exchange_for, demand_id=demand_id
    )
    _done(seq, cid, json_out=json_out)


@concession_app.command("status")
def concession_status(
    incident: str = INCIDENT,
    concession_id: str = typer.Argument(...),
    status: CommitmentStatus = typer.Argument(...),
    reason: str = typer.Option("", "--reason"),
    json_out: bool = JSON_OPTION,
) -> None:
    seq = entries.change_concession(STATE.app(), incident, concession_id=concession_id, status=status, reason=reason)
    _done(seq, json_out=json_out)


@hostage_app.command("add")
def hostage_add(
    incident: str = INCIDENT,
    alias: str = typer.Argument(...),
    condition: HostageCondition = typer.Option(HostageCondition.UNKNOWN, "--condition"),
    medical_needs: str = typer.Option("", "--medical"),
    json_out: bool = JSON_OPTION,
) -> None:
    hid, seq = entries.record_hostage(
        STATE.app(), incident, alias=alias, condition=condition, medical_needs=medical_needs
    )
    _done(seq, hid, json_out=json_out)


@hostage_app.command("condition")
def hostage_condition(
    incident: str = INCIDENT,
    hostage_id: str = typer.Argument(...),
    condition: HostageCondition = typer.Argument(...),
    medical_needs: str | None = typer.Option(None, "--medical"),
    json_out: bool = JSON_OPTION,
) -> None:
    seq = entries.change_hostage(
        STATE.app(), incident, hostage_id=hostage_id, condition=condition, medical_needs=medical_needs
    )
    _done(seq, json_out=json_out)


@hostage_app.command("release")
def hostage_release(
    incident: str = INCIDENT,
    hostage_id: str = typer.Argument(...),
    condition: HostageCondition | None = typer.Option(None, "--condition"),
    json_out: bool = JSON_OPTION,
) -> None:
    _done(entries.release_hostage(STATE.app(), incident, hostage_id=hostage_id, condition=condition), json_out=json_out)


def intel(
    incident: str = INCIDENT,
    content: str = typer.Argument(...),
    source: str = typer.Option(..., "--source", help="Who or what it came from."),
    grade: str = typer.Option("F6", "--grade", help="Admiralty grade: reliability A-F + credibility 1-6, e.g. B2."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Add an intelligence item with its Admiralty grade."""
    grade = grade.strip().upper()
    if len(grade) != 2 or grade[0] not in "ABCDEF" or grade[1] not in "123456":
        raise TalkdownError("TD105", value=grade, what="Admiralty grade", problem="use a letter A-F and a digit 1-6")
    iid, seq = entries.add_intel(
        STATE.app(),
        incident,
        content=content,
        source=source,
        reliability=Reliability(grade[0]),
        credibility=Credibility(grade[1]),
    )
    _done(seq, iid, json_out=json_out)


def note(
    incident: str = INCIDENT,
    text: str = typer.Argument(...),
    action: bool = typer.Option(False, "--action", help="Record a team action rather than a note."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Add a team note or action."""
    recorded = entries.add_note(STATE.app(), incident, text=text, kind=NoteKind.ACTION if action else NoteKind.NOTE)
    _done(recorded, json_out=json_out)


def correct(
    incident: str = INCIDENT,
    seq: int = typer.Argument(..., help="The seq of the utterance to correct."),
    field: str = typer.Argument(..., help="text, speaker or channel."),
    value: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason"),
    json_out: bool = JSON_OPTION,
) -> None:
    """Correct an utterance with a new event; the original stays in the log."""
    recorded = entries.correct_entry(STATE.app(), incident, ref_seq=seq, field=field, value=value, reason=reason)
    _done(recorded, json_out=json_out)


def retract(
    incident: str = INCIDENT,
    seq: int = typer.Argument(...),
    reason: str = typer.Option(..., "--reason"),
    json_out: bool = JSON_OPTION,
) -> None:
    """Mark an utterance as logged in error; it stays in the log, struck through."""
    _done(entries.retract_entry(STATE.app(), incident, ref_seq=seq, reason=reason), json_out=json_out)


def register(app: typer.Typer) -> None:
    for fn in (say, party, intel, note, correct, retract):
        app.command()(fn)
    app.add_typer(demand_app, name="demand")
    app.add_typer(deadline_app, name="deadline")
    app.add_typer(promise_app, name="promise")
    app.add_typer(concession_app, name="concession")
    app.add_typer(hostage_app, name="hostage")
