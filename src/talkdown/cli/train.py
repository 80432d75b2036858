"""``talkdown train``: practise against a simulated subject in the terminal, inject, debrief.

The interactive chat reads lines from the trainee; ``/inject ID`` lets an instructor at the same keyboard
issue an inject (another terminal can use ``talkdown train inject``: the subject reads injects from the log),
``/state`` shows the gauges, ``/quit`` stops. With ``--script FILE --json`` the trainee's lines come from a
file, one per line, and the transcript, final state and outcome print as one JSON document.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from talkdown.cli.state import FORCE_OPTION, JSON_OPTION, STATE, echo_json, write_output, write_pdf
from talkdown.domain.display_time import labelled
from talkdown.domain.text import SHORT_TEXT_MAX, counted, first_surrogate, is_blank
from talkdown.errors import INPUT, TalkdownError
from talkdown.services import train
from talkdown.services.streams import refuse_to_replace

app = typer.Typer(no_args_is_help=True, help="Practise against a simulated subject; inject; debrief.")
SESSION = typer.Argument(..., help="Training session id (an incident id) or a unique prefix.")
LLM_URL = typer.Option(
    None, "--llm-url", envvar="TALKDOWN_TRAIN_LLM_URL", help="OpenAI-compatible endpoint to word replies (off)."
)
console = Console()


@app.command("list")
def list_command(as_json: bool = JSON_OPTION) -> None:
    """The shipped scenarios and the doctrine each trains."""
    scenarios = train.list_scenarios()
    if as_json:
        echo_json([asdict(s) for s in scenarios])
        return
    # Ids are what 'train run' and '/inject' take: never cut to 'domestic_barrica…' in an 80-column terminal
    # (both id columns keep their width, one inject per line; type and title wrap instead).
    table = Table()
    table.add_column("id", min_width=max((len(s.scenario_id) for s in scenarios), default=2), no_wrap=True)
    table.add_column("type", overflow="fold")
    table.add_column("title")
    longest = max((len(i) for s in scenarios for i in s.injects), default=7)
    table.add_column("injects", min_width=longest, no_wrap=True)
    for s in scenarios:
        table.add_row(s.scenario_id, s.incident_type, escape(s.title), "\n".join(s.injects))
    console.print(table)


@app.command("sessions")
def sessions_command(as_json: bool = JSON_OPTION) -> None:
    """The training sessions, newest first: whose, of what, running or how it ended (to resume or debrief)."""
    sessions = train.list_sessions(STATE.app())
    if as_json:
        echo_json([{**asdict(s), "opened_at": s.opened_at.isoformat()} for s in sessions])
        return
    table = Table("session", "opened", "trainee", "scenario", "status", title="Training sessions")
    table.columns[0].no_wrap = table.columns[1].no_wrap = True  # the id is what 'resume' and 'debrief' take
    zone = STATE.settings().display_zone  # the team's clock, as the board's tables (the record stays UTC: --json)
    for s in sessions:
        opened = labelled(s.opened_at, zone, "%Y-%m-%d %H:%M")
        table.add_row(s.session_id, opened, escape(s.trainee), escape(s.title.removeprefix("Training: ")), s.status)
    console.print(table if sessions else "No training sessions yet. Start one with 'talkdown train run SCENARIO'.")


@app.command("run")
def run_command(
    scenario: str = typer.Argument(..., help="Scenario id (see 'talkdown train list') or a scenario YAML file."),
    seed: int = typer.Option(0, "--seed", help="Seed for the subject's wording; same seed and lines, same session."),
    script: Path | None = typer.Option(None, "--script", help="Read the trainee's lines from this file."),
    trainee: str | None = typer.Option(
        None, "--trainee", help="Your name, to compare with your earlier sessions (default: your account name)."
    ),
    llm_url: str | None = LLM_URL,
    as_json: bool = JSON_OPTION,
) -> None:
    """Start a session and talk to the subject (interactive, or scripted with --script)."""
    if as_json and script is None:  # the chat is for a person: JSON needs the lines from a file
        raise typer.BadParameter(
            "--json needs --script FILE (the interactive chat prints no JSON).", param_hint="--json"
        )
    application = STATE.app()
    if llm_url:  # a bad URL starts no session either
        train.check_llm_url(llm_url)
    lines = None
    if script is not None:  # a bad script starts no session
        numbered = _script_lines(script)
        _check_injects(script, numbered, train.get_scenario(scenario))
        lines = [line for _, line in numbered]
    if trainee is None:  # one shared 'Trainee' made every unnamed session everyone's "earlier session"
        trainee = application.actor.removeprefix("user:")
    started = train.start_session(application, scenario=scenario, seed=seed, trainee=trainee, allow_file=True)
    if lines is not None:
        _run_script(started, lines, llm_url=llm_url, as_json=as_json)
        return
    console.print(f"[dim]session {started.session_id} · {started.scenario_id} · seed {seed}[/]")
    console.print(f"[dim]Type your lines. {COMMANDS}[/]")
    console.print(f"[bold red]Subject:[/] {escape(started.opening)}")
    try:
        _chat(started.session_id, llm_url=llm_url)
    except KeyboardInterrupt:  # Ctrl-C is how a terminal user stops: end like /quit, with the way to the debrief
        console.print("\n[yellow]Interrupted. Every line the subject answered is saved in the session.[/]")
    _print_summary(started.session_id)


RECAP = 6  # lines of the transcript shown again on resuming: enough to pick up the thread


@app.command("resume")
def resume_command(session: str = SESSION, llm_url: str | None = LLM_URL) -> None:
    """Go on talking in a session that has not ended (after /quit, Ctrl-C or a closed terminal)."""
    resumed = train.resume_session(STATE.app(), session)
    console.print(f"[dim]session {resumed.session_id} · {resumed.scenario_id} · seed {resumed.seed} (resumed)[/]")
    console.print(f"[dim]Type your lines. {COMMANDS}[/]")
    if len(resumed.transcript) > RECAP:
        console.print(f"[dim]… {len(resumed.transcript) - RECAP} earlier lines[/]")
    for speaker, text in resumed.transcript[-RECAP:]:
        who = "[bold red]Subject:[/]" if speaker == "subject" else "[bold cyan]You:[/]"
        console.print(f"{who} {escape(text)}", highlight=False)
    try:
        _chat(resumed.session_id, llm_url=llm_url)
    except KeyboardInterrupt:
        console.print("\n[yellow]Interrupted. Every line the subject answered is saved in the session.[/]")
    _print_summary(resumed.session_id)


def _chat(session_id: str, *, llm_url: str | None) -> None:
    """Read the trainee's lines until the session ends, /quit or end of input; each turn is committed."""
    application = STATE.app()
    outcome = None
    while outcome is None:
        try:
            line = console.input("[bold cyan]You:[/] ").strip()
        except EOFError:
            break
        if is_blank(line):  # an empty line, or zero-width characters alone: nothing said
            continue
        if first_surrogate(line) is not None:  # bytes the terminal's encoding could not read (domain/text.py)
            console.print("[red]Part of that line could not be read as UTF-8 text; type it again.[/]")
            continue
        command, _, argument = line.partition(" ")
        if command in QUIT:
            break
        if command == "/inject":
            _inject(session_id, argument.strip())
            continue
        if command == "/state":
            gauges = train.get_session_state(application, session_id)
            console.print("  ".join(f"{k} {v}" for k, v in gauges.items()), style="yellow")
            continue
        if command.startswith("/"):  # a typo of a command is not a line said to the subject (nor scored)
            console.print(f"[yellow]{COMMANDS}[/]")
            continue
        try:
            result = train.take_turn(application, session_id, text=line, llm_url=llm_url)
        except TalkdownError as exc:
            if exc.code == "TD331":  # an instructor ended it meanwhile ('train end'): the summary, not exit 5
                console.print("[yellow]The session was ended meanwhile; that line was not said.[/]")
                break
            if exc.family is not INPUT:  # only a line he could not take (TD1xx) leaves the chat running
                raise
            console.print(f"[red]{escape(exc.message)}[/]")
            continue
        console.print(f"[bold red]Subject:[/] {escape(result.reply)}")
        outcome = result.outcome


QUIT = ("/quit", "/exit")
COMMANDS = "Commands: /inject ID, /state, /quit. A line starting with / is never said to the subject."


def _inject(session_id: str, inject_id: str) -> None:
    try:
        seq = train.issue_inject(STATE.app(), session_id, inject=inject_id)
    except TalkdownError as exc:
        console.print(f"[red]{escape(exc.message)}[/]")
        return
    console.print(f"[yellow]inject {inject_id} logged at seq {seq}[/]")


def _script_lines(script: Path) -> list[tuple[int, str]]:
    """The lines to play with their line numbers, up to a /quit: blank lines and # comments left out."""
    try:
        lines = [ln.strip() for ln in script.read_text(encoding="utf-8-sig").splitlines()]
    except (OSError, UnicodeDecodeError) as exc:
        raise TalkdownError("TD107", file=str(script), problem=str(exc)) from exc
    kept = []
    for number, line in enumerate(lines, start=1):
        command = line.partition(" ")[0]
        if command in QUIT:
            break
        if command.startswith("/") and command not in ("/inject", "/state"):
            problem = f"unknown command '{command}' (use /inject ID, /state or /quit)"
            raise TalkdownError("TD101", file=str(script), line=number, problem=problem)
        if len(line) > train.MAX_LINE:
            problem = f"the line is {len(line):,} characters long; a line may have up to {train.MAX_LINE:,}"
            raise TalkdownError("TD101", file=str(script), line=number, problem=problem)
        if not is_blank(line) and not line.startswith("#"):
            kept.append((number, line))
    return kept


def _check_injects(script: Path, lines: list[tuple[int, str]], scenario: train.ScenarioInfo) -> None:
    """An inject the scenario does not have, or one issued twice before he replies, would stop the script half-way."""
    pending: dict[str, int] = {}  # injects since the last line said, and where: he reacts to each once
    for number, line in lines:
        command, _, argument = line.partition(" ")
        if command == "/state":
            continue
        if command != "/inject":
            pending.clear()
            continue
        inject = argument.strip()
        if inject not in scenario.injects:
            choices = ", ".join(scenario.injects) or "(none)"
            problem = f"scenario {scenario.scenario_id} has no inject '{inject}' (choose one of: {choices})"
            raise TalkdownError("TD101", file=str(script), line=number, problem=problem)
        if inject in pending:
            problem = f"inject '{inject}' is issued again with no line said since line {pending[inject]}"
            raise TalkdownError("TD101", file=str(script), line=number, problem=problem)
        pending[inject] = number


def _run_script(started: train.SessionStarted, lines: list[str], *, llm_url: str | None, as_json: bool) -> None:
    application = STATE.app()
    transcript: list[dict[str, object]] = [{"speaker": "subject", "text": started.opening}]
    result = None
    not_said = 0  # lines after the outcome: the session ended, they were never said (nor scored)
    for index, line in enumerate(lines):
        command, _, argument = line.partition(" ")
        if command == "/inject":
            try:
                seq = train.issue_inject(application, started.session_id, inject=argument.strip())
            except TalkdownError as exc:  # TD302: about a hostage a trade freed meanwhile, unknowable beforehand
                if exc.code != "TD302":
                    raise
                transcript.append({"inject": argument.strip(), "refused": exc.message})
                continue
            transcript.append({"inject": argument.strip(), "seq": seq})
            continue
        if command == "/state":
            transcript.append({"state": train.get_session_state(application, started.session_id)})
            continue
        result = train.take_turn(application, started.session_id, text=line, llm_url=llm_url)
        transcript.append({"speaker": "trainee", "text": line, "seq": result.trainee_seq})
        transcript.append({"speaker": "subject", "text": result.reply, "seq": result.reply_seq})
        if result.outcome is not None:
            not_said = sum(1 for rest in lines[index + 1 :] if not rest.startswith("/"))
            break
    out = {
        "session_id": started.session_id,
        "scenario": started.scenario_id,
        "seed": started.seed,
        "transcript": transcript,
        "final_state": result.state if result else None,
        "outcome": (result.outcome or "in progress") if result else "not started",  # as the debrief says
        "not_said": not_said,
    }
    if as_json:
        echo_json(out)
    else:
        for entry in transcript:  # the script's injects and /state too, as the chat prints them (and --json has them)
            if "speaker" in entry:
                console.print(f"[bold]{entry['speaker']}:[/] {escape(str(entry['text']))}", highlight=False)
            elif "refused" in entry:
                console.print(f"[yellow]inject {entry['inject']} refused: {escape(str(entry['refused']))}[/]")
            elif "inject" in entry:
                console.print(f"[yellow]inject {entry['inject']} logged at seq {entry['seq']}[/]", highlight=False)
            elif isinstance(gauges := entry.get("state"), dict):
                console.print("  ".join(f"{k} {v}" for k, v in gauges.items()), style="yellow", highlight=False)
        if not_said:
            left = counted(not_said, "line")
            console.print(f"[yellow]The session ended; {left} of the script after that were not said.[/]")
        _print_summary(started.session_id)


def _print_summary(session_id: str) -> None:
    d = train.get_debrief(STATE.app(), session_id, compare=False)  # the summary shows no earlier sessions
    console.print(f"\n[bold]Outcome:[/] {d.outcome}." + (f" {escape(d.outcome_reason)}" if d.outcome_reason else ""))
    console.print(f"Highest stairway step: {d.highest_stage}. {d.listening_said}")
    if d.repeated:
        console.print(d.repeated_said, style="yellow", highlight=False)
    for a in d.avoid[:5]:
        console.print(
            f'[red]seq {a.seq}[/] {a.doctrine_id}: "{escape(a.line)}" → better: {escape(a.better)}', highlight=False
        )
    if d.outcome in ("in progress", "not started"):  # the session is still open
        console.print(f"[dim]Go on later: talkdown train resume {session_id}[/]")
    console.print(f"[dim]Full debrief: talkdown train debrief {session_id}[/]")


@app.command("inject")
def inject_command(
    session: str = SESSION,
    inject: str = typer.Argument(..., help="Inject id (see 'talkdown train list')."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Issue an instructor's inject; the subject reacts on his next reply."""
    seq = train.issue_inject(STATE.app(), session, inject=inject)
    echo_json({"seq": seq}) if as_json else typer.echo(f"seq {seq}")


@app.command("end")
def end_command(
    session: str = SESSION,
    reason: str = typer.Option(
        "", "--reason", help=f"Why it was stopped (up to {SHORT_TEXT_MAX} characters); the debrief quotes it."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Stop a running session before it comes to an outcome (it ends 'unresolved'); its debrief stays."""
    seq = train.end_session(STATE.app(), session, reason=reason)
    echo_json({"seq": seq}) if as_json else typer.echo(f"seq {seq}")


@app.command("debrief")
def debrief_command(
    session: str = SESSION,
    as_json: bool = JSON_OPTION,
    html: Path | None = typer.Option(None, "--html", help="Write the debrief as HTML to this file."),
    pdf: Path | None = typer.Option(None, "--pdf", help="Write the debrief as PDF (needs WeasyPrint)."),
    force: bool = FORCE_OPTION,
) -> None:
    """The scored debrief: outcome, stairway, skills, behaviours to avoid with better lines, suicide risk, demands,
    history."""
    if as_json and (html is not None or pdf is not None):  # the JSON was dropped, silently
        raise typer.BadParameter("--json prints the debrief; --html and --pdf write it to files.", param_hint="--json")
    refuse_to_replace(html, pdf, force=force)
    application = STATE.app()
    if html is not None or pdf is not None:  # both when both are named (the PDF was dropped, silently)
        page = train.export_html(application, session)
        if html is not None:
            write_output(html, page)
            typer.echo(str(html))
        if pdf is not None:  # the report's PDF path: one WeasyPrint guard (TD740), nothing fetched
            write_pdf(pdf, page)
            typer.echo(str(pdf))
        return
    d = train.get_debrief(application, session)
    if as_json:
        echo_json(d.to_dict())
        return
    opened = f" · opened {d.opened_on(STATE.settings().display_zone)}" if d.opened_at else ""
    exchanges = counted(d.turns, "exchange")
    console.print(f"[bold]{escape(d.scenario_title)}[/] · trainee {escape(d.trainee)}{opened} · {exchanges}")
    console.print(f"[bold]Outcome:[/] {d.outcome}." + (f" {escape(d.outcome_reason)}" if d.outcome_reason else ""))
    console.print(f"Highest step: {d.highest_stage}. {d.listening_said}")
    if d.repeated:
        console.print(d.repeated_said, style="yellow", highlight=False)
    if d.stairway:
        console.print("Step after each of your lines: " + ", ".join(f"{seq} {stage}" for seq, stage in d.stairway))
    for title, header, used in (
        ("Active-listening skills", "skill", d.listening_skills),
        ("Other moves", "move", d.other_moves),
    ):
        table = Table(header, "turns", title=title)
        for k, v in used.items():
            table.add_row(k, str(v))
        console.print(table if used else f"{title}: none.")
    avoid = Table("seq", "your line", "why, and a better line")  # why: in --json and the HTML only, before
    avoid.add_column("behaviour", overflow="fold")  # an id: wrapped whole, never cut to 'premature_problem_so…'
    avoid.columns.insert(2, avoid.columns.pop())
    for a in d.avoid:
        avoid.add_row(str(a.seq), escape(a.line), a.doctrine_id, f"{escape(a.why)}\n[bold]→[/] {escape(a.better)}")
    console.print(avoid if d.avoid else "No behaviour to avoid.")
    if d.suicide_risk is not None:
        console.print("[bold]Suicide risk[/]")
        for sentence in d.suicide_risk.said:
            console.print(escape(sentence), highlight=False)
    for x in d.demands:
        console.print(f"Demand '{escape(x.item)}': {x.handled}. {x.doctrine}", highlight=False)
    for line in d.deadlines:
        console.print(escape(line), highlight=False)
    for released in d.releases:
        console.print(f"Released: {escape(released)}", highlight=False)
    for i in d.injects:
        console.print(f"Inject at seq {i.seq}: {i.inject_id} ({escape(i.name)}); {i.reacted}.", highlight=False)
    zone = STATE.settings().display_zone
    for s in d.earlier:
        opened = labelled(datetime.fromisoformat(s.opened_at), zone, "%Y-%m-%d %H:%M")
        turns = counted(s.turns, "turn")
        listened = f"listening {s.listening_rate:.0%} of {turns}" if s.turns else "no line said"
        avoided = f"{counted(s.avoid_count, 'behaviour')} to avoid"  # the HTML's 'avoid' column, and --json's
        console.print(f"Earlier: {opened} {s.scenario_id} {s.outcome} {listened}, {avoided}", highlight=False)
