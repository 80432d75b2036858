"""``talkdown cases list|show|search|like|import``: the historical case library at the command line.

Machine output (``--json``) is one document on stdout; its shape is the case schema of ``cases.yaml``
plus ``origin`` (``shipped`` or ``user``), so a script can read shipped and agency cases alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from talkdown.cli.state import JSON_OPTION, STATE, echo_json
from talkdown.doctrine.cases import Case, Outcome
from talkdown.doctrine.similarity import Neighbour, rests_on_uncertain
from talkdown.doctrine.situation import Situation, demand_kinds
from talkdown.domain.enums import IncidentType
from talkdown.domain.text import counted
from talkdown.services import cases as svc

app = typer.Typer(no_args_is_help=True)
console = Console()
# Every case field and query shown here goes through ``escape``: Rich reads "[...]" as markup, so an agency case or a
# search for "[/]" made every command that printed it fail with an internal MarkupError (and "[red]" restyled text).


def _case_json(lc: svc.LibraryCase) -> dict[str, Any]:
    return {**lc.case.model_dump(mode="json"), "origin": lc.origin}


def _outcome(case: Case) -> str:
    return case.outcome.value.replace("_", " ") if case.outcome else "unknown"


UNCERTAIN = "(uncertain in the sources)"
SAMPLE = "A small, famous-case sample: most real incidents end in negotiated surrender."


def _doubt(case: Case, *paths: str) -> str:
    """`` (uncertain in the sources)`` after a figure whose field the case lists under ``uncertain``."""
    return f" {UNCERTAIN}" if any(case.is_uncertain(p) for p in paths) else ""


def _outcome_line(case: Case) -> str:
    """``outcome: ... detail``, saying so when the sources leave the outcome in doubt (escaped for Rich)."""
    doubt = _doubt(case, "outcome") if case.outcome is not None else ""
    return f"outcome: {_outcome(case)}{doubt}. {escape(case.outcome_detail or '')}"


def _mark(origin: str) -> str:
    """The " [agency]" after an agency case's name (escaped for Rich), so no one takes it for a shipped one."""
    return r" \[agency]" if origin == "user" else ""


def _cell(case: Case, field: str, value: str | None) -> str:
    """A table cell: ``?`` when unknown, the value with ``?`` after it when the sources leave it in doubt."""
    if value is None:
        return "?"
    return f"{value}?" if case.is_uncertain(field) else value


def _table(rows: list[svc.LibraryCase], title: str) -> Table:
    # The year, hostages, hours and outcome columns are where a reader compares cases at a glance; a figure the
    # case lists under "uncertain" (a hostage range stored as its lower bound) looked as sure as any other.
    table = Table("id", "year", "type", "hostages", "hours", "outcome", "name", title=title)
    for lc in rows:
        c = lc.case
        year = _cell(c, "year", None if c.year is None else str(c.year))
        hostages = _cell(c, "hostages", None if c.hostages is None else str(c.hostages))
        hours = _cell(c, "duration_hours", None if c.duration_hours is None else f"{c.duration_hours:g}")
        outcome = _cell(c, "outcome", _outcome(c)) if c.outcome else _outcome(c)
        name = escape(c.name) + _mark(lc.origin)
        table.add_row(escape(c.id), year, c.type.value, hostages, hours, outcome, name)
        if any(cell.endswith("?") and cell != "?" for cell in (year, hostages, hours, outcome)):
            table.caption = "? after a value: uncertain in the sources (cases show ID says which)"
    return table


@app.command("list")
def list_(
    incident_type: IncidentType | None = typer.Option(None, "--type", help="Only cases of this type (or tag)."),
    outcome: Outcome | None = typer.Option(None, "--outcome", help="Only cases that ended this way."),
    json_out: bool = JSON_OPTION,
) -> None:
    """List the library: shipped historical cases, then your agency's own."""
    rows = svc.list_cases(STATE.app(), incident_type=incident_type, outcome=outcome)
    if json_out:
        echo_json([_case_json(lc) for lc in rows])
        return
    console.print(_table(rows, f"Cases ({len(rows)})"))
    console.print(SAMPLE, style="dim")


@app.command("show")
def show(
    case_id: str = typer.Argument(..., help="Case id, e.g. norrmalmstorg-1973."), json_out: bool = JSON_OPTION
) -> None:
    """Show one case in full: what happened, demands, concessions, outcome, deaths, lessons, sources, uncertainty."""
    lc = svc.get_case(STATE.app(), case_id)
    if json_out:
        echo_json(_case_json(lc))
        return
    c = lc.case
    place = escape(", ".join(p for p in (c.place.site, c.place.city, c.place.country) if p) or "place not stated")
    title = f"[bold]{escape(c.name)}[/] ({escape(c.id)}, {c.year or 'year unknown'}){_mark(lc.origin)}"
    console.print(title, highlight=False)
    if lc.origin == "user":
        console.print(f"agency case, imported from {escape(lc.file)}", highlight=False)
    # The primary type first: it is what "same type" in cases like compares (weight 3), the tags only overlap.
    tags = sorted(t.value for t in c.type_tags if t is not c.type)
    also = f" (also {', '.join(tags)})" if tags else ""
    hostages = "?" if c.hostages is None else f"{c.hostages}{_doubt(c, 'hostages')}"
    console.print(f"{place}\ntype {c.type.value}{also}; hostages {hostages}", highlight=False)
    console.print(_outcome_line(c), highlight=False)
    start, end = c.start, c.end
    dates = f"{start} to {end}" if start and end else f"from {start}" if start else f"until {end}" if end else None
    for label, value in (
        ("dates", dates and dates + _doubt(c, "start", "end")),
        ("duration", None if c.duration_hours is None else f"{c.duration_hours:g} h{_doubt(c, 'duration_hours')}"),
        ("hostages held", c.hostages_note),
        ("subjects", _subjects(c)),
        ("channel", _channel(c)),
        ("deaths", ". ".join(p for p in (c.deaths.counted(), c.deaths.note or "") if p)),
    ):
        if value:
            console.print(f"{label}: {escape(value)}", highlight=False)
    sections = (("Demands", c.demands), ("Concessions", c.concessions), ("Key events", c.key_events))
    for title, items in (*sections, ("Lessons", c.lessons)):
        if items:
            console.print(f"[bold]{title}[/]{_doubt(c, title.lower().replace(' ', '_'))}")
            for item in items:
                console.print(f"  - {escape(item)}", highlight=False)
    if c.uncertain:
        console.print(f"Uncertain in the sources: {escape(', '.join(c.uncertain))}", style="yellow")
    sources = "; ".join(c.sources) or "none given"  # an agency case may cite none: say so, not "Sources: "
    console.print(f"Sources: {escape(sources)}", style="dim", highlight=False)


def _channel(c: Case) -> str | None:
    """How they talked; ``[]`` in the library means no negotiation took place, which an empty line did not say
    (In Amenas read like a case whose channel was simply not recorded)."""
    if c.channel is None:
        return c.channel_note
    said = ", ".join(ch.value.replace("_", " ") for ch in c.channel) or "none: no negotiation took place"
    return f"{said} ({c.channel_note})" if c.channel_note else said


def _subjects(c: Case) -> str:
    count = "" if c.subjects.count is None else f"{c.subjects.count}"
    motive = f"motive: {c.subjects.motive}" if c.subjects.motive else ""
    # The typology is what "subject typology" in cases like compares; show left it out.
    typology = ", ".join(t.value for t in c.subjects.typology)
    return "; ".join(p for p in (count, motive, typology and f"typology: {typology}") if p)


@app.command("search")
def search(query: str = typer.Argument(..., help="Words that must all appear."), json_out: bool = JSON_OPTION) -> None:
    """Find cases mentioning every word of the query (names, places, demands, lessons)."""
    rows = svc.search_cases(STATE.app(), query)
    if json_out:
        echo_json([_case_json(lc) for lc in rows])
        return
    console.print(_table(rows, f"Cases matching '{escape(query)}' ({len(rows)})"))


def _neighbour_json(n: Neighbour, origin: str) -> dict[str, Any]:
    return {
        "case_id": n.case.id,
        "name": n.case.name,
        "score": n.score,
        "origin": origin,
        "matches": [
            {
                "feature": m.feature,
                "similarity": round(m.similarity, 4),
                "reason": m.reason,
                "uncertain": rests_on_uncertain(n.case, m.feature),
            }
            for m in n.matches
        ],
        "outcome": n.case.outcome.value if n.case.outcome else None,
        "outcome_detail": n.case.outcome_detail,
        "lessons": list(n.case.lessons),
    }


def _read_as(s: Situation) -> str:
    """Every feature the comparison used, as ``--json``'s ``situation`` gives it: the reasons below compare these
    (a "duration about 34 h" matched a duration read from the description that the line did not show)."""
    tags = sorted(t.replace("_", " ") for t in s.types - {s.incident_type or ""})
    hours = s.duration_hours
    duration = "?" if hours is None else "under 0.1 h" if hours < 0.05 else f"{round(hours, 1):g} h"
    if s.duration_hours is not None and s.duration_so_far:
        duration += " so far"
    channels = ", ".join(sorted(c.replace("_", " ") for c in s.channels)) if s.channels else "?"
    also = f" (also {', '.join(tags)})" if tags else ""
    held = "hostage" in s.types or s.incident_type == "hostage"
    hostages = s.hostages if s.hostages is not None else "held, number ?" if held else "?"
    return (
        f"Read as: type {s.incident_type or '?'}{also}; "
        f"typology {', '.join(sorted(s.typology)) or '?'}; "
        f"hostages {hostages}; "
        f"demands {_demands_read(s)}; duration {duration}; channel {channels}"
    )


def _demands_read(s: Situation) -> str:
    kinds = demand_kinds(s.demands)
    return f"for {', '.join(sorted(kinds))}" if kinds else "none read"


@app.command("like")
def like(
    incident: str | None = typer.Argument(None, help="Incident id or prefix (or use --describe)."),
    describe: str | None = typer.Option(None, "--describe", help="Describe the situation in a sentence or two."),
    k: int = typer.Option(5, "--top", "-k", min=1, max=50, help="How many cases to show."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Cases like this one: the most similar past incidents, why they are similar, how they ended, lessons."""
    result = svc.like_cases(STATE.app(), incident=incident, description=describe, k=k)
    s = result.situation
    if json_out:
        echo_json(
            {
                "situation": {
                    "incident_type": s.incident_type,
                    "types": sorted(s.types),
                    "typology": sorted(s.typology),
                    "hostages": s.hostages,
                    "demands": list(s.demands),
                    "demand_kinds": sorted(demand_kinds(s.demands)),
                    "duration_hours": s.duration_hours,
                    "duration_so_far": s.duration_so_far,  # an open incident's time so far: a lower bound
                    "channels": sorted(s.channels) if s.channels is not None else None,
                },
                "neighbours": [_neighbour_json(n, result.origins[n.case.id]) for n in result.neighbours],
                "type_missing": result.type_missing,
            }
        )
        return
    console.print(_read_as(s), style="dim", highlight=False)
    if result.type_missing:
        console.print(escape(svc.type_missing_note(result.type_missing)), highlight=False)
    if not result.neighbours:
        console.print("No case has anything in common with this; describe the type, hostages or demands.")
    for n in result.neighbours:
        title = f"[bold]{escape(n.case.name)}[/] ({escape(n.case.id)}){_mark(result.origins[n.case.id])}"
        console.print(f"\n{title} similarity {n.score:.2f}", highlight=False)
        if n.matches:
            console.print("  because (similarity of each feature, 1.00 = full match):")
        else:  # the score came from text too faint to name
            console.print("  because: no single feature stood out")
        for m in n.matches:
            doubt = f"  {UNCERTAIN}" if rests_on_uncertain(n.case, m.feature) else ""
            console.print(f"    {m.shown} {m.strength:<7}  {escape(m.reason)}{doubt}", highlight=False)
        console.print(f"  {_outcome_line(n.case)}", highlight=False)
        for lesson in n.case.lessons:
            console.print(f"  lesson: {escape(lesson)}", highlight=False)
    if result.neighbours:  # their outcomes are where a reader is tempted to read a forecast
        console.print(f"\n{SAMPLE} Similar cases illustrate; their outcomes do not predict this one's.", style="dim")


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="YAML list of cases in the cases.yaml schema."),
    json_out: bool = JSON_OPTION,
) -> None:
    """Add your agency's cases (validated; shipped ids cannot be replaced)."""
    done = svc.import_cases(STATE.app(), file)
    if json_out:
        echo_json({"imported": done.ids, "removed": done.removed})
        return
    typer.echo(f"imported {counted(len(done.ids), 'case')}: {', '.join(done.ids)}")
    if done.removed:  # a file of the same name was replaced: say which of its cases are gone
        gone = f"{len(done.removed)} of its cases {'is' if len(done.removed) == 1 else 'are'}"
        typer.echo(
            f"replaced the earlier {file.stem}.yaml: {gone} no longer in your library: {', '.join(done.removed)}"
        )
