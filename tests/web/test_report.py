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
