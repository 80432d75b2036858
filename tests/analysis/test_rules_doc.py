"""docs/analysis-rules.md names each rule analyser with the version that ships.

Why a test: the table's versions were left behind by every release but one (skills read 0.2.1 while 0.9.2
shipped), so a reader could not tell which rules the page describes.
"""

from __future__ import annotations

import re
from pathlib import Path

from talkdown.analysis.registry import DEFAULT_ANALYZERS

DOC = Path(__file__).resolve().parents[2] / "docs" / "analysis-rules.md"


def test_the_rules_table_gives_each_analysers_shipped_version() -> None:
    rows = dict(re.findall(r"^\| `(\w+)` (\d+\.\d+\.\d+) \|", DOC.read_text(encoding="utf-8"), re.M))
    shipped = {cls.name: cls.version for cls in DEFAULT_ANALYZERS if cls.name in rows}
    assert set(shipped) == {"skills", "avoid", "cues", "change_talk", "outburst", "stairway"}
    assert rows == shipped
