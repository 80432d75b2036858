"""Commands ``advise``, ``advise dismiss``, ``metrics`` and ``report``: render what the services derive.

``talkdown advise INCIDENT`` and ``talkdown advise dismiss INCIDENT ADVICE_ID`` share one group: a Click
group whose first argument is not a subcommand runs ``show``, so the short form the team types most is the
default (the pattern of click-default-group, without the dependency).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from talkdown.cli.report import render_html
from talkdown.cli.state import FORCE_OPTION, JSON_OPTION, STATE, echo_json, write_output, write_pdf
from talkdown.domain.text import SHORT_TEXT_MAX
from talkdown.services.advise import advise_incident
from talkdown.services.dismiss import dismiss_advice
from talkdown.services.metrics import incident_metrics
from talkdown.services.report import build_report
from talkdown.services.streams import refuse_to_replace

INCIDENT = typer.Argument(..., help="Incident id or a unique prefix.")
POLICY = typer.Option(None, "--policy", help="Agency policy YAML overriding doctrine defaults (docs/advisor.md).")


class _DefaultShow(TyperGroup):
    """Runs ``show`` when the first argument is not a subcommand name (``talkdown advise 7f3c``)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # Typer vendors click's Context type
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


advise_app = typer.Typer(cls=_DefaultShow, no_args_is_help=True, help="Doctrine advice: show it, dismiss it.")


@advise_app.command("show")
def show(incident: str = INCIDENT, json_out: bool = JSON_OPTION, policy: Path | None = POLICY) -> None:
    """Print the current advice, most urgent first, with the events behind each item."""
    result = advise_incident(STATE.app(), incident, policy_file=policy)
    if json_out:
        echo_json(result.to_json())
        return
    console = Console()
    # The policy names the agency as its file says it: text, not markup.
    console.print(f"[bold]Advice[/] for {result.incident_id} at seq {result.head_seq} ({escape(result.policy)})")
    if not result.incident_open:
        # Said plainly: "nothing in the log calls for it" on a closed incident with suicide cues was false.
        console.print(
            f"No advice: incident {result.incident_id} is closed, and advice is given only while an incident is open. "
            f"The after-action report ('talkdown report {result.incident_id} --html FILE') replays the advice it had.",
            highlight=False,
        )
    elif not result.items:
        console.print("No advice: nothing in the log calls for it.")
    for item in result.items:
        seqs = ", ".join(str(s) for s in item.trigger_seqs)
        console.print(f"\n[bold]P{item.priority} {item.title}[/]  [dim]{item.advice_id}[/]", highlight=False)
        console.print(f"  Do: {item.action}", highlight=False)
        console.print(f"  About: {escape(item.about)}", highlight=False)  # quotes what was said and logged
        console.print(f"  Why: {item.reason} [dim]({item.doctrine_ref}; {', '.join(item.sources)})[/]", highlight=False)
        console.print(f"  Evidence: seq {seqs}", highlight=False)


@advise_app.command("dismiss")
def dismiss(
    incident: str = INCIDENT,
    advice_id: str = typer.Argument(..., help="The id shown by 'talkdown advise'."),
    reason: str = typer.Option(
        ..., "--reason", help=f"What the team decided and why (logged; up to {SHORT_TEXT_MAX} characters)."
    ),
    policy: Path | None = POLICY,
    json_out: bool = JSON_OPTION,
) -> None:
    """Set an advice item aside; the dismissal and its reason are logged as an event."""
    seq = dismiss_advice(STATE.app(), incident, advice_id=advice_id, reason=reason, policy_file=policy)
    echo_json({"seq": seq}) if json_out else typer.echo(f"seq {seq}")


def metrics(incident: str = INCIDENT, json_out: bool = JSON_OPTION) -> None:
    """Print the seed-001 metrics now and the indicators over time."""
    result = incident_metrics(STATE.app(), incident)
    if json_out:
        echo_json(result.to_json())
        return
    console = Console()
    table = Table("metric", "value", "basis", title=f"Metrics for {result.incident_id} at seq {result.head_seq}")
    for m in result.shown:
        table.add_row(m.name, m.display, m.detail)
    console.print(table)
    if result.shown_note:
        console.print(result.shown_note, style="dim", highlight=False, soft_wrap=True)
    if result.release is not None:
        factors = "; ".join(f"{f.name} {f.value} ({f.effect:+.2f} log-odds)" for f in result.release.factors)
        console.print(f"Release probability factors: {factors}. {result.release.note}", highlight=False)
    last = result.indicator_series[-1] if result.indicator_series else None
    if last is not None:
        ind = Table("indicator", "direction", "latest", "source", title=f"Indicators (latest at seq {last.seq})")
        for d in result.indicators:
            value = last.values.get(d.id)
            ind.add_row(d.label, d.direction, "unknown" if value is None else f"{value:.2f}", d.source)
        console.print(ind)


def report(
    incident: str = INCIDENT,
    pdf: Path | None = typer.Option(None, "--pdf", help="Write the report as PDF (needs WeasyPrint)."),
    html: Path | None = typer.Option(None, "--html", help="Write the report as one self-contained HTML file."),
    policy: Path | None = POLICY,
    force: bool = FORCE_OPTION,
) -> None:
    """After-action report: timeline, stairway, skills, hostages, ledger, advice, metrics charts, chain head, lessons.

    Without --pdf or --html the HTML page goes to stdout, for a pipe or a redirect (> report.html)."""
    if html is None and pdf is None and sys.stdout.isatty():
        # On a terminal the page was 100 KB of HTML and base64 charts scrolling past: nobody reads a report so.
        raise typer.BadParameter(
            "the report is an HTML page: give --pdf FILE or --html FILE, or redirect it (> report.html)",
            param_hint="--pdf / --html",
        )
    refuse_to_replace(html, pdf, force=force)
    built = build_report(STATE.app(), incident, policy_file=policy)
    page = render_html(built)
    if html is None and pdf is None:
        typer.echo(page)
        return
    if html is not None:
        write_output(html, page)
        typer.echo(f"wrote {html}")
    if pdf is not None:
        write_pdf(pdf, page)
        typer.echo(f"wrote {pdf}")


def register(app: typer.Typer) -> None:
    app.add_typer(advise_app, name="advise", help="Doctrine advice for an incident: show it, dismiss it.")
    app.command("metrics")(metrics)
    app.command("report")(report)
