"""``talkdown incident new|list|show|close|reopen``."""

from __future__ import annotations

import typer
from rich.console import Console

from talkdown.cli.board import board_json, render_board
from talkdown.cli.state import JSON_OPTION, STATE, echo_json
from talkdown.domain.display_time import labelled
from talkdown.domain.enums import IncidentType
from talkdown.services import incidents

app = typer.Typer(no_args_is_help=True)
console = Console()


@app.command("new")
def new(
    title: str = typer.Argument(..., help="Short title, e.g. 'Barricade, 14 Elm St'."),
    incident_type: IncidentType = typer.Option(IncidentType.BARRICADE, "--type", help="Incident type id."),
    location: str = typer.Option("", "--location"),
    description: str = typer.Option("", "--description"),
    json_out: bool = JSON_OPTION,
) -> None:
    """Open a new incident and print its id."""
    incident_id = incidents.open_incident(
        STATE.app(), title=title, incident_type=incident_type, location=location, description=description
    )
    if json_out:
        echo_json({"incident_id": incident_id})
    else:
        typer.echo(incident_id)


@app.command("list")
def list_(json_out: bool = JSON_OPTION) -> None:
    """List incidents, oldest first."""
    rows = incidents.list_incidents(STATE.app(), status=True)
    if json_out:
        echo_json(
            [
                {
                    "incident_id": r.incident_id,
                    "title": r.title,
                    "incident_type": r.incident_type,
                    "mode": r.mode,
                    "status": r.status,
                    "opened_at": r.opened_at.isoformat(),
                    "events": r.events,
                }
                for r in rows
            ]
        )
        return
    from rich.table import Table
    from rich.text import Text

    table = Table("id", "opened", "type", "mode", "status", "events", "title", title="Incidents")
    zone = STATE.settings().display_zone
    for r in rows:
        opened = labelled(r.opened_at, zone, "%Y-%m-%d %H:%M")
        table.add_row(r.incident_id, opened, r.incident_type, r.mode, r.status, str(r.events), Text(r.title))
    console.print(table)
    if not rows:  # a new data folder: an empty table alone left a first-time user with nothing to do next
        typer.echo(EMPTY_HINT)


EMPTY_HINT = "No incidents yet. Open one with 'talkdown incident new TITLE', or record the demo with 'talkdown demo'."


@app.command("show")
def show(
    incident: str = typer.Argument(..., help="Incident id or a unique prefix."),
    lines: int = typer.Option(15, "--lines", "-n", min=0, help="How many latest exchanges to show (0: none)."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Show the incident board: parties, demands, deadlines, promises, hostages, intel, latest exchanges."""
    app_ = STATE.app()
    state = incidents.get_incident(app_, incident)
    now = app_.clock.now()
    if json_out:
        echo_json(board_json(state, now=now))
    else:
        render_board(console, state, now=now, lines=lines, zone=STATE.settings().display_zone)


@app.command("close")
def close(
    incident: str = typer.Argument(...),
    outcome: str = typer.Option(..., "--outcome", help="e.g. negotiated_surrender, negotiated_release."),
    reason: str = typer.Option("", "--reason"),
    json_out: bool = JSON_OPTION,
) -> None:
    """Close an incident (it can be reopened; nothing is deleted)."""
    seq = incidents.close_incident(STATE.app(), incident, outcome=outcome, reason=reason)
    echo_json({"seq": seq}) if json_out else typer.echo(f"closed at seq {seq}")


@app.command("reopen")
def reopen(
    incident: str = typer.Argument(...), reason: str = typer.Option("", "--reason"), json_out: bool = JSON_OPTION
) -> None:
    """Reopen a closed incident."""
    seq = incidents.reopen_incident(STATE.app(), incident, reason=reason)
    echo_json({"seq": seq}) if json_out else typer.echo(f"reopened at seq {seq}")
