"""The console's after-action report and the CLI's are two templates over one ``Report``: keep them in step."""

from __future__ import annotations

import re
from importlib import resources


def _headings(package: str, path: str) -> list[str]:
    text = resources.files(package).joinpath(path).read_text(encoding="utf-8")
    return re.findall(r"<h2>(.*?)</h2>", text)


def test_the_console_report_has_the_sections_of_the_cli_report_in_the_same_order() -> None:
    cli = _headings("talkdown.cli", "templates/report.html")
    web = _headings("talkdown.web", "templates/incidents/_report_body.html")
    assert cli == web
    assert "Integrity" in web
