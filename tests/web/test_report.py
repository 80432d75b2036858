"""The console's after-action report and the CLI's: one body template over one ``Report``."""

from __future__ import annotations

import re
from importlib import resources

from talkdown.cli.report import render_html
from talkdown.domain.enums import IncidentType
from talkdown.services.incidents import open_incident
from talkdown.services.report import build_report
from talkdown.services.wiring import App


def test_the_cli_report_renders_the_consoles_body_with_every_section(sqlite_app: App) -> None:
    body = resources.files("talkdown.web").joinpath("templates/incidents/_report_body.html").read_text("utf-8")
    incident = open_incident(sqlite_app, title="One body", incident_type=IncidentType.BARRICADE)
    page = render_html(build_report(sqlite_app, incident))
    assert re.findall(r"<h2>(.*?)</h2>", page) == re.findall(r"<h2>(.*?)</h2>", body)
    assert "<h2>Integrity</h2>" in page and "UTC" in page


def test_a_barricade_report_leaves_out_the_diplomatic_metrics_and_says_why(sqlite_app: App) -> None:
    incident = open_incident(sqlite_app, title="Elm St", incident_type=IncidentType.BARRICADE)
    page = render_html(build_report(sqlite_app, incident))
    assert "<td>Concession Level</td>" in page
    assert "<td>Media Exposure</td>" not in page and "<td>International Support</td>" not in page
    assert "are left out: seed 001 ties them to kidnap-abroad and state-level cases" in page
