"""Commands on whole logs: init, demo, import, export, verify, head, db upgrade, db backup."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from talkdown.cli.state import FORCE_OPTION, JSON_OPTION, STATE, echo_json, write_output
from talkdown.domain.enums import IncidentType
from talkdown.domain.text import counted
from talkdown.errors import TalkdownError
from talkdown.services import backup, demo, transcripts, verify
from talkdown.services.formats import FORMATS
from talkdown.services.streams import refuse_to_replace

db_app = typer.Typer(no_args_is_help=True)
console = Console()
FORMATS_AND_EVENTS = ", ".join([*FORMATS, "events"])
"""What import and export take: every transcript format, and the hash-chained event log."""


def init(json_out: bool = JSON_OPTION) -> None:
    """Create (or migrate) the database; safe to run again."""
    app = STATE.app()
    url = app.database_shown
    if json_out:
        echo_json({"database": url, "checkpoints": str(app.settings.resolved_checkpoint_dir)})
    else:
        typer.echo(f"database ready: {url}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending schema migrations."""
    init(json_out=False)


@db_app.command("backup")
def db_backup(
    file: Path = typer.Argument(..., help="The new file to write the copy to (never an existing one)."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Copy the live SQLite database to FILE, safe while the console and the CLI keep writing."""
    copy = backup.backup_database(STATE.app(), file)
    if json_out:
        removed = [str(path) for path in copy.removed]
        echo_json(
            {
                "file": str(copy.path),
                "incidents": copy.incidents,
                "events": copy.events,
                "bytes": copy.size,
                "removed_partials": removed,
            }
        )
    else:
        for path in copy.removed:
            typer.echo(f"removed {path}, a partial copy left by a backup that was stopped", err=True)
        typer.echo(f"backed up {copy.incidents} incidents, {copy.events} events to {copy.path} ({copy.size} bytes)")


def demo_cmd(
    open_: bool = typer.Option(False, "--open", help="Leave the demo incident open instead of closing it."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Record the demo barricade-with-hostage incident and print its id."""
    incident_id = demo.load_demo(STATE.app(), close=not open_, live=open_)
    if json_out:
        echo_json({"incident_id": incident_id})
    else:
        typer.echo(incident_id)


def import_cmd(
    file: Path = typer.Argument(..., help="Transcript: .txt, .vtt, .srt, .csv, .jsonl, or an events export."),
    fmt: str | None = typer.Option(None, "--format", help=f"One of {FORMATS_AND_EVENTS}."),
    encoding: str | None = typer.Option(None, "--encoding", help="e.g. latin-1 for a file that is not UTF-8."),
    map_: list[str] = typer.Option([], "--map", help="SPEAKER=ROLE, repeatable."),
    map_file: Path | None = typer.Option(None, "--map-file", help="YAML/JSON {speaker: role}."),
    incident_type: IncidentType = typer.Option(IncidentType.BARRICADE, "--type"),
    title: str | None = typer.Option(None, "--title"),
    json_out: bool = JSON_OPTION,
) -> None:
    """Import a transcript (one incident per conversation) or restore an events export."""
    app = STATE.app()
    left = None
    if fmt == "events" or (fmt is None and file.name.endswith(".events.json")):
        ids = [verify.restore_event_log(app, _read(file), file=str(file))]
    else:
        if fmt is not None and fmt not in FORMATS:
            raise TalkdownError("TD106", value=fmt, choices=FORMATS_AND_EVENTS)
        mapping = transcripts.read_mapping(map_file) if map_file else {}
        for pair in map_:
            speaker, sep, role = pair.partition("=")
            if not sep:
                raise TalkdownError("TD108", file="--map", problem=f"'{pair}' is not SPEAKER=ROLE")
            mapping[speaker.strip()] = transcripts.parse_role(role)
        ids = transcripts.import_transcript(
            app, file, fmt=fmt, encoding=encoding, mapping=mapping, incident_type=incident_type, title=title
        )
        left = transcripts.roleless(app, ids, mapping)
    if json_out:
        settle = {} if left is None else {"speakers_without_role": left.speakers, "unused_map": left.unused_map}
        echo_json({"incident_ids": ids, **settle})
        return
    for incident_id in ids:
        typer.echo(incident_id)
    if left is not None:
        _warn_roleless(left)


def _warn_roleless(left: transcripts.Roleless) -> None:
    """On stderr, so a script reading the ids from stdout is unaffected."""
    err = Console(stderr=True)
    if left.speakers:
        who = ", ".join(f"{name} ({counted(n, 'line')})" for name, n in left.speakers.items())
        example = next(iter(left.speakers))
        err.print(
            f"No role for: {escape(who)}. Their lines get no skill or cue analysis until a role is set with "
            "`talkdown party INCIDENT NAME --role subject` (or primary for a negotiator); "
            f'next time import with --map "{escape(example)}=subject".',
            style="yellow",
        )
    if left.unused_map:
        err.print(f"--map names nobody in the file: {escape(', '.join(left.unused_map))}.", style="yellow")


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TalkdownError("TD107", file=str(file), problem=str(exc)) from exc


def export_cmd(
    incident: str = typer.Argument(...),
    fmt: str = typer.Option("jsonl", "--format", help=f"{', '.join(FORMATS)}, or events (the full hash-chained log)."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File to write; default stdout."),
    force: bool = FORCE_OPTION,
) -> None:
    """Export an incident as a transcript or as its full event log with hashes."""
    refuse_to_replace(output, force=force)
    app = STATE.app()
    if fmt == "events":
        text = verify.export_event_log(app, incident)
    elif fmt in FORMATS:
        text = transcripts.export_transcript(app, incident, fmt=fmt)
    else:
        raise TalkdownError("TD106", value=fmt, choices=FORMATS_AND_EVENTS)
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_output(output, text)
        typer.echo(f"wrote {output}", err=True)


def verify_cmd(
    incident: str | None = typer.Argument(None, help="Incident id or prefix (or use --file)."),
    file: Path | None = typer.Option(None, "--file", help="Verify an events export instead of the database."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Recompute the hash chain; exits non-zero naming the first broken seq."""
    app = STATE.app()
    if file is not None:
        envelopes = verify.read_event_log(_read(file), file=str(file))
        count, head_seq = len(envelopes), envelopes[-1].seq if envelopes else 0
        head_hash, target = (envelopes[-1].hash if envelopes else ""), str(file)
    elif incident is not None:
        target, result = verify.verify_named(app, incident)  # the id itself, for the paper log, not the prefix
        count, head_seq, head_hash = result.count, result.head_seq, result.head_hash
    else:
        raise TalkdownError("TD105", value="", what="target", problem="give an incident or --file")
    if json_out:
        echo_json({"ok": True, "target": target, "events": count, "head": {"seq": head_seq, "hash": head_hash}})
    else:
        console.print(f"[green]verified[/] {escape(target)}: {count} events, head seq {head_seq} sha256 {head_hash}")


def head_cmd(incident: str = typer.Argument(...), json_out: bool = JSON_OPTION) -> None:
    """Print the verified log head for the paper log (and the last checkpoint recorded outside the database);
    a broken chain or a deleted tail exits 7 instead, naming the seq."""
    head = verify.get_verified_head(STATE.app(), incident)
    if json_out:
        echo_json(
            {
                "incident_id": head.incident_id,
                "seq": head.seq,
                "hash": head.hash,
                "checkpoint": {"seq": head.checkpoint_seq, "hash": head.checkpoint_hash},
                "paper_line": head.paper_line,
            }
        )
    else:
        typer.echo(head.paper_line)
        typer.echo(f"full sha256 {head.hash}")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo_cmd)
    app.command("import")(import_cmd)
    app.command("export")(export_cmd)
    app.command("verify")(verify_cmd)
    app.command("head")(head_cmd)
