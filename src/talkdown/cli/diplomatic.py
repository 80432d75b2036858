"""``talkdown diplomatic ...``: record the diplomatic track of kidnap-abroad and state-level incidents."""

from __future__ import annotations

import typer

from talkdown.cli.state import JSON_OPTION, STATE, echo_json
from talkdown.domain.enums import ChannelKind, StakeholderKind, Tone
from talkdown.services import diplomatic

app = typer.Typer(no_args_is_help=True, help="Diplomatic track: stakeholders, channels, constraints, media, support.")
INCIDENT = typer.Argument(..., help="Incident id or a unique prefix.")


def _done(recorded: tuple[str, int], json_out: bool) -> None:
    """``ID seq N``, or with ``--json`` the same as an object, like every command that records something."""
    ident, seq = recorded
    if json_out:
        echo_json({"id": ident, "seq": seq})
    else:
        typer.echo(f"{ident} seq {seq}")


@app.command("stakeholder")
def stakeholder(
    incident: str = INCIDENT,
    name: str = typer.Argument(..., help="e.g. 'ICRC', 'Government of X', 'the group holding him'."),
    kind: StakeholderKind = typer.Option(StakeholderKind.OTHER, "--kind"),
    country: str = typer.Option("", "--country"),
    stance: str = typer.Option("", "--stance", help="Free text: supportive, hostile, mediating..."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Add a government, intermediary, non-state actor or other stakeholder."""
    _done(
        diplomatic.add_stakeholder(STATE.app(), incident, name=name, kind=kind, country=country, stance=stance),
        json_out,
    )


@app.command("channel")
def channel(
    incident: str = INCIDENT,
    description: str = typer.Argument(...),
    kind: ChannelKind = typer.Option(..., "--kind"),
    with_: list[str] = typer.Option([], "--with", help="Stakeholder id or name; repeatable."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Record a negotiation channel: official, back-channel or multilateral."""
    _done(diplomatic.open_channel(STATE.app(), incident, kind=kind, description=description, with_=with_), json_out)


@app.command("constraint")
def constraint(
    incident: str = INCIDENT,
    description: str = typer.Argument(..., help="e.g. 'No-ransom law: payments to the group are a crime'."),
    legal: bool = typer.Option(False, "--legal", help="A law, as opposed to a policy."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Record a legal or policy constraint."""
    _done(diplomatic.note_constraint(STATE.app(), incident, description=description, legal=legal), json_out)


@app.command("media")
def media(
    incident: str = INCIDENT,
    outlet: str = typer.Argument(...),
    description: str = typer.Argument(...),
    tone: Tone = typer.Option(Tone.NEUTRAL, "--tone"),
    reach: int = typer.Option(1, "--reach", min=1, max=5, help="1 local .. 5 global."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Record a media event (feeds Media Exposure)."""
    recorded = diplomatic.record_media(
        STATE.app(), incident, outlet=outlet, description=description, tone=tone, reach=reach
    )
    _done(recorded, json_out)


@app.command("support")
def support(
    incident: str = INCIDENT,
    by: str = typer.Argument(..., help="Stakeholder id or name, or anyone else."),
    description: str = typer.Argument(...),
    tone: Tone = typer.Option(Tone.POSITIVE, "--tone", help="negative = condemnation or opposition."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Record a statement of support or opposition (feeds International Support)."""
    _done(diplomatic.state_support(STATE.app(), incident, by=by, description=description, tone=tone), json_out)
