"""The after-action report of the demo incident, rendered to PDF and read back with pdftotext."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from talkdown.cli.report import render_html
from talkdown.domain.clock import FixedClock
from talkdown.domain.enums import DemandCategory, IncidentType, Role
from talkdown.domain.events import PartyAdded, UtteranceLogged
from talkdown.services import entries
from talkdown.services.advise import advise_incident
from talkdown.services.demo import load_demo
from talkdown.services.dismiss import dismiss_advice
from talkdown.services.incidents import open_incident
from talkdown.services.pdf import html_to_pdf
from talkdown.services.report import build_report
from talkdown.services.wiring import App, build_app

pytestmark = [pytest.mark.integration, pytest.mark.slow]
SECTIONS = (
    "Summary",
    "Metrics",
    "Stairway progression",
    "Skill use per negotiator",
    "Hostages",
    "Demands, deadlines and promises",
    "Advice given and what was done with it",
    "Timeline",
    "Integrity",
    "Lessons",
)


def test_the_report_model_holds_the_ledger_the_advice_history_and_a_verified_head(app: App, clock: FixedClock) -> None:
    incident = load_demo(app, close=False)
    clock.advance(timedelta(hours=4, minutes=18))  # now = 00:00, just after call 5 of the demo
    dismiss_advice(app, incident, advice_id="influence_before_rapport:s236", reason="Exit instructions at stage 5")
    report = build_report(app, incident)
    assert report.integrity.verified and report.integrity.head_seq == report.state.head_seq
    assert {a.advice_id for a in report.advice} >= {"non_negotiable_demand:d1", "deadline_passed_quietly:dl1"}
    dismissed = next(a for a in report.advice if a.advice_id == "influence_before_rapport:s236")
    assert "dismissed" in dismissed.outcome and "Exit instructions" in dismissed.outcome
    assert report.skills["Det. Dana Reyes"]["summarizing"] > 0
    assert len(report.timeline) == report.state.head_seq
    assert report.charts.metrics.startswith("data:image/svg+xml;base64,")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (Debian poppler-utils) is not installed")
def test_the_demo_pdf_contains_every_section_and_the_chain_head(sqlite_app: App, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    incident = load_demo(sqlite_app)
    report = build_report(sqlite_app, incident)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(html_to_pdf(render_html(report)))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for section in SECTIONS:
        assert section in text, section
    assert report.integrity.head_hash[:16] in text
    assert "Renee Tasker brought up to the apartment door" in text  # the demand ledger


def test_html_escapes_logged_text(sqlite_app: App) -> None:
    from talkdown.domain.enums import IncidentType
    from talkdown.services import entries
    from talkdown.services.incidents import open_incident

    incident = open_incident(sqlite_app, title="Escaping", incident_type=IncidentType.BARRICADE)
    entries.add_note(sqlite_app, incident, text="<script>alert(1)</script>")
    page = render_html(build_report(sqlite_app, incident))
    # A run of 20 characters with no space gets a break opportunity (<wbr>) for the PDF; the text is escaped around it.
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.replace("<wbr>", "")


def test_only_active_listening_is_listed_as_listening_and_the_other_moves_apart(sqlite_app: App) -> None:
    # "Listening skills:" listed every skill label, closed questions and self-disclosure among them (skills.md
    # keeps those as "other moves"), as the training debrief did.
    import re

    from talkdown.domain.enums import IncidentType, Role
    from talkdown.services import entries
    from talkdown.services.incidents import open_incident

    incident = open_incident(sqlite_app, title="Skills", incident_type=IncidentType.BARRICADE)
    entries.add_party(sqlite_app, incident, name="Dana", role=Role.PRIMARY)
    entries.add_party(sqlite_app, incident, name="Curtis", role=Role.SUBJECT)
    entries.say(sqlite_app, incident, speaker="Curtis", text="Nobody listens to me.")
    entries.say(sqlite_app, incident, speaker="Dana", text="You sound really frustrated. Are you alone in there?")
    report = build_report(sqlite_app, incident)
    assert {"emotion_labeling", "closed_question"} <= set(report.skills["Dana"])
    text = re.sub(r"<[^>]+>|\s+", " ", render_html(report))
    listening = text.split("Listening skills:", 1)[1].split(".", 1)[0]
    other = text.split("Other moves:", 1)[1].split(".", 1)[0]
    assert "emotion labeling 1" in listening and "closed question" not in listening
    assert "closed question 1" in other and "emotion labeling" not in other


def test_the_report_charts_the_diplomatic_track_where_it_shows_its_metrics(sqlite_app: App) -> None:
    from talkdown.domain.enums import IncidentType, Tone
    from talkdown.services import diplomatic
    from talkdown.services.incidents import open_incident

    abroad = open_incident(sqlite_app, title="Engineer held abroad", incident_type=IncidentType.KIDNAP_FOR_RANSOM)
    diplomatic.state_support(sqlite_app, abroad, by="ICRC", description="Calls for release", tone=Tone.POSITIVE)
    assert 'alt="Diplomatic track over time"' in render_html(build_report(sqlite_app, abroad))
    barricade = open_incident(sqlite_app, title="Barricade", incident_type=IncidentType.BARRICADE)
    assert "Diplomatic track" not in render_html(build_report(sqlite_app, barricade))


def test_the_report_lists_the_hostages_its_wellbeing_and_release_figures_come_from(sqlite_app: App) -> None:
    # The report gave a Hostage Well-being Index and a release figure but no hostage ledger to check them against
    # (demands had theirs): who was held, in what condition, with what need, released when.
    import re

    from talkdown.domain.enums import HostageCondition, IncidentType
    from talkdown.services import entries
    from talkdown.services.incidents import open_incident

    incident = open_incident(sqlite_app, title="Bank", incident_type=IncidentType.HOSTAGE)
    ann, _ = entries.record_hostage(sqlite_app, incident, alias="Ann & <b>Co</b>", condition=HostageCondition.INJURED)
    entries.change_hostage(
        sqlite_app, incident, hostage_id=ann, condition=HostageCondition.INJURED, medical_needs="cut"
    )
    entries.release_hostage(sqlite_app, incident, hostage_id=ann)
    entries.record_hostage(sqlite_app, incident, alias="Bob", condition=HostageCondition.UNHARMED)
    report = build_report(sqlite_app, incident)
    section = render_html(report).split("<h2>Hostages</h2>", 1)[1].split("<h2>", 1)[0]
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", section)]
    released_at = report.state.hostages[ann].released_at
    assert released_at is not None
    released = report.day(released_at)
    assert [c[1:] for c in cells if c] == [
        ["Ann &amp; &lt;b&gt;Co&lt;/b&gt;", "injured", "cut", released],
        ["Bob", "unharmed", "", "still held"],
    ]


def _table_layouts(page: str, css_files: list[Path]) -> list[tuple[str, int]]:
    """(table-layout, columns its colgroup gives a width) of every table WeasyPrint lays out in ``page``.

    WeasyPrint has no public API for its boxes; ``_page_box`` is the one way to read the layout it used."""
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]  # WeasyPrint ships no type hints
    from weasyprint.formatting_structure import boxes  # type: ignore[import-untyped]

    document = HTML(string=page).render(stylesheets=[CSS(filename=str(f)) for f in css_files])
    return [
        (box.style["table_layout"], sum(c.style["width"] != "auto" for g in box.column_groups for c in g.children))
        for p in document.pages
        for box in p._page_box.descendants()
        if isinstance(box, boxes.TableBox)
    ]


def test_every_report_table_is_laid_out_by_its_column_widths_not_by_its_text(sqlite_app: App) -> None:
    # With automatic table layout and overflow-wrap: anywhere, WeasyPrint measured each cell character by
    # character: the PDF of a report with one 4,000-character line took 50 s, one of 20,000 characters more than
    # ten minutes (a pasted document, a transcript turn in a language written without spaces), and the demo's
    # 14 s. Fixed layout takes the widths from each table's <colgroup> whatever the cells hold.
    pytest.importorskip("weasyprint")
    from talkdown.web.rendering import HERE, build_templates

    incident = load_demo(sqlite_app)
    report = build_report(sqlite_app, incident)
    console = build_templates().env.get_template("incidents/report_pdf.html").render(r=report, s=report.state)
    for page, css in ((render_html(report), []), (console, [HERE / "static" / "report.css"])):
        tables = _table_layouts(page, css)
        assert len(tables) >= 9
        assert {layout for layout, _ in tables} == {"fixed"}
        assert all(given >= 1 for _, given in tables)  # each table names its narrow columns' widths


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (Debian poppler-utils) is not installed")
def test_a_30000_character_line_with_no_space_gets_break_opportunities_and_its_pdf_is_made(
    sqlite_app: App, tmp_path: Path
) -> None:
    # An imported turn of 30,000 characters with no space (the events take 100,000): WeasyPrint broke it by
    # overflow-wrap alone, which added some 20 s to the PDF; the debrief's cure, <wbr> every 20 characters, now
    # serves the report's cells too, on the CLI's page and the console's PDF alike.
    pytest.importorskip("weasyprint")
    from talkdown.web.rendering import HERE, build_templates

    start = "Startofthelongline0123456789"
    line = start + "".join(chr(ord("a") + i % 26) for i in range(30_000 - len(start)))
    incident = open_incident(sqlite_app, title="Long line", incident_type=IncidentType.BARRICADE)
    subject = PartyAdded(party_id="s", name="Subject", role=Role.SUBJECT)
    sqlite_app.recorder.record(incident, [subject, UtteranceLogged(speaker="s", text=line)], actor="user:test")
    report = build_report(sqlite_app, incident)
    console = build_templates().env.get_template("incidents/report_pdf.html").render(r=report, s=report.state)
    for page, css in ((render_html(report), []), (console, [HERE / "static" / "report.css"])):
        cell = next(c for c in page.split("<td>") if c.startswith(start[:20]))
        cell = cell.split("</td>")[0]
        assert cell.count("<wbr>") == (len(line) - 1) // 20  # a break opportunity every 20 characters
        assert cell.replace("<wbr>", "") == line  # and not a character added or lost
        pdf = tmp_path / "report.pdf"
        pdf.write_bytes(html_to_pdf(page, css_files=css))
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert start[:20] in text


def test_the_report_replays_the_advice_under_the_policy_the_log_records_not_the_one_in_force_today(
    app: App, tmp_path: Path
) -> None:
    # The report replayed under the file in force when it was made: the team's board under a no-concessions policy
    # said "Agency policy bars this concession", and a report made after the file was removed did not.
    policy = tmp_path / "harrow.yaml"
    policy.write_text("agency: Harrow\nno_concessions: true\n", encoding="utf-8")
    harrow = build_app(app.settings.model_copy(update={"policy_file": policy}), clock=app.clock)
    incident = open_incident(harrow, title="Bank", incident_type=IncidentType.HOSTAGE)
    money = DemandCategory.MONEY
    demand, demand_seq = entries.record_demand(harrow, incident, item="a million dollars", category=money)
    advise_incident(harrow, incident)  # the team's advice, under Harrow's file: recorded at seq 3
    entries.add_note(harrow, incident, text="Commander briefed")

    report = build_report(app, incident)  # today: no policy file at all
    barred = next(a for a in report.advice if a.advice_id == f"policy_bars_concession:{demand}")
    assert barred.first_seq == demand_seq and barred.outcome == "current at the end of the log"
    [stretch] = report.policies
    assert (stretch.first_seq, stretch.last_seq) == (1, 4) and "recorded in the log at seq 3" in stretch.how
    assert stretch.label.startswith("Harrow (file harrow.yaml; sha256 ")

    advise_incident(app, incident)  # a console under the defaults takes over: its policy is recorded at seq 5
    entries.add_note(app, incident, text="Relief team on")
    report = build_report(app, incident)
    assert [(p.first_seq, p.last_seq) for p in report.policies] == [(1, 4), (5, 6)]
    assert "(default; sha256 " in report.policies[1].label
    barred = next(a for a in report.advice if a.advice_id == f"policy_bars_concession:{demand}")
    assert barred.outcome == "ended at seq 5 (advice policy recorded)"
    page = render_html(report)
    assert "Policy: Harrow (file harrow.yaml; sha256 " in page and "seq 5 to 6" in page

    whole = build_report(app, incident, policy_file=policy)  # --policy: one policy for the whole log, said so
    assert [(p.first_seq, p.last_seq) for p in whole.policies] == [(1, 6)] and "--policy" in whole.policies[0].how

    # A log that records no policy followed the doctrine defaults (they are recorded only after another policy):
    # a report made today under Harrow's file replays it under the defaults, and says so.
    quiet = open_incident(app, title="Quay", incident_type=IncidentType.HOSTAGE)
    entries.record_demand(app, quiet, item="a million dollars", category=money)
    advise_incident(app, quiet)
    [stretch] = build_report(harrow, quiet).policies
    assert "(default; sha256 " in stretch.label and "none is recorded in the log: the doctrine defaults" in stretch.how
    assert not any(a.advice_id.startswith("policy_bars_concession") for a in build_report(harrow, quiet).advice)
