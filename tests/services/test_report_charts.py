"""Where matplotlib keeps its config and font cache when talkdown draws the report's charts."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from talkdown.doctrine.metrics import MetricPoint
from talkdown.services.report_charts import MPLCONFIGDIR, draw_charts, use_config_dir
from tests.cli.in_process import talkdown


def test_matplotlib_gets_talkdowns_cache_folder_unless_the_user_named_one(tmp_path: Path) -> None:
    environ: dict[str, str] = {}
    use_config_dir(tmp_path / "data" / "cache" / "matplotlib", environ)
    assert environ == {MPLCONFIGDIR: str(tmp_path / "data" / "cache" / "matplotlib")}
    assert (tmp_path / "data" / "cache" / "matplotlib").is_dir()
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700  # a data folder made here is private, as build_app's
    own = {MPLCONFIGDIR: "/srv/mpl"}
    use_config_dir(tmp_path / "elsewhere", own)
    assert own == {MPLCONFIGDIR: "/srv/mpl"} and not (tmp_path / "elsewhere").exists()


def test_a_cache_folder_that_cannot_be_made_gives_matplotlib_a_private_temporary_one(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the folder should be", encoding="utf-8")
    environ: dict[str, str] = {}
    use_config_dir(tmp_path / "cache" / "matplotlib", environ)
    chosen = Path(environ[MPLCONFIGDIR])
    assert chosen.is_dir() and chosen.name.startswith("talkdown-matplotlib-") and os.access(chosen, os.W_OK)


@pytest.mark.slow
@pytest.mark.integration
def test_a_report_under_a_home_nobody_can_write_prints_no_matplotlib_warning_and_leaves_no_temp_folder(
    tmp_path: Path,
) -> None:
    # matplotlib's folder is under the home folder: with one it could not write, every report printed
    # "mkdir -p failed ... Matplotlib created a temporary cache directory at /tmp/matplotlib-..." on stderr.
    data, temp, out = tmp_path / "data", tmp_path / "tmp", tmp_path / "report.html"
    temp.mkdir()
    home = tmp_path / "home"
    home.write_text("a file, so that not even root can make folders in it", encoding="utf-8")
    incident = talkdown(
        "incident", "new", "Elm St", env={"TALKDOWN_DATA_DIR": str(data), "TALKDOWN_DATABASE_URL": None}
    )
    hidden = {MPLCONFIGDIR, "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "TALKDOWN_DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    env |= {"HOME": str(home), "TMPDIR": str(temp), "TALKDOWN_DATA_DIR": str(data)}
    argv = [sys.executable, "-m", "talkdown", "report", incident.stdout.strip(), "--html", str(out)]
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "" and out.is_file()
    assert list(temp.iterdir()) == []
    assert list((data / "cache" / "matplotlib").glob("fontlist-*.json"))


T0 = datetime(2026, 3, 14, 19, 0, tzinfo=UTC)
FIRST_COLOUR = "#1f77b4"  # matplotlib's first line colour: the chart's first series


def _first_series(uri: str) -> tuple[list[str], int]:
    """The drawn path of a chart's first series (clipped to the plot, unlike its legend swatch) and its markers."""
    svg = base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")
    paths = re.findall(rf'<path d="([^"]*)" clip-path="[^"]*" style="[^"]*stroke: {FIRST_COLOUR}', svg)
    markers = len(re.findall(rf'<g clip-path="[^"]*">\s*<use [^>]*style="[^"]*stroke: {FIRST_COLOUR}', svg))
    return paths, markers


def _metric_points(*minutes: int) -> list[MetricPoint]:
    return [MetricPoint(i + 1, (T0 + timedelta(minutes=m)).isoformat(), {}) for i, m in enumerate(minutes)]


def test_a_stairway_stage_reached_once_is_drawn_up_to_the_last_line(tmp_path: Path) -> None:
    # A step line ends at its last change: one stage reached at 19:01 drew no segment, the chart came out empty
    # and matplotlib spread its axis over 2025-2029.
    charts = draw_charts(
        _metric_points(0, 1, 30),
        [],
        [(T0 + timedelta(minutes=1), 1)],
        zone=UTC,
        cache_dir=tmp_path,
        last_line_at=T0 + timedelta(minutes=25),
    )
    paths, _ = _first_series(charts.stairway)
    assert len(paths) == 1 and paths[0].count("L") >= 1


def test_a_log_of_one_event_shows_its_one_known_value_as_a_point(tmp_path: Path) -> None:
    points = [MetricPoint(1, T0.isoformat(), {"concession_level": 0.0})]  # the first series of the metrics chart
    charts = draw_charts(points, [], [], zone=UTC, cache_dir=tmp_path)
    assert _first_series(charts.metrics)[1] == 1


def test_the_diplomatic_track_gets_its_own_chart_only_where_the_report_shows_it(tmp_path: Path) -> None:
    # The report charted 3 of the 7 metrics: support, media and relations impact had a row "as of now" and no
    # history, though they are the ones that move on a kidnap abroad.
    points = [
        MetricPoint(1, T0.isoformat(), {"international_support": None}),
        MetricPoint(2, (T0 + timedelta(minutes=5)).isoformat(), {"international_support": 1.0}),
        MetricPoint(3, (T0 + timedelta(minutes=9)).isoformat(), {"international_support": 2.0}),
    ]
    shown = draw_charts(points, [], [], zone=UTC, cache_dir=tmp_path, diplomatic=True)
    paths, _ = _first_series(shown.diplomatic)
    assert len(paths) == 1 and paths[0].count("L") >= 2  # net support stepping from +1 to +2
    assert draw_charts(points, [], [], zone=UTC, cache_dir=tmp_path).diplomatic == ""


def test_a_chart_with_nothing_to_draw_says_so_instead_of_an_empty_frame(tmp_path: Path) -> None:
    # An incident with no subject turn got an indicators chart and a stairway chart of bare axes, the time axis
    # reading 0.0 to 1.0.
    points = [MetricPoint(1, T0.isoformat(), {"release_probability": 80.0})]  # a new incident's one known metric
    charts = draw_charts(points, [], [], zone=UTC, cache_dir=tmp_path)
    for uri in (charts.indicators, charts.stairway):
        assert 'id="empty"' in base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")
    assert 'id="empty"' not in base64.b64decode(charts.metrics.split(",", 1)[1]).decode("utf-8")


def _tick_labels(uri: str) -> list[str]:
    """The x tick labels of a chart: matplotlib's SVG names each text it draws in a comment."""
    svg = base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")
    return re.findall(r"<!-- (\d[\d:. -]*) -->", svg.split('id="matplotlib.axis_2"')[0])


def test_an_incident_of_a_few_seconds_gets_clock_time_ticks_not_microseconds(tmp_path: Path) -> None:
    # Lines a second apart made matplotlib label sub-second ticks "41:43.000000", "41:43.200000": minutes,
    # seconds and six zeros, with no hour.
    start = T0 + timedelta(seconds=43)
    charts = draw_charts(
        [MetricPoint(1, start.isoformat(), {}), MetricPoint(2, (start + timedelta(seconds=1)).isoformat(), {})],
        [],
        [(start, 1), (start + timedelta(seconds=1), 2)],
        zone=UTC,
        cache_dir=tmp_path,
        last_line_at=start + timedelta(seconds=1),
    )
    labels = _tick_labels(charts.stairway)
    assert labels and all(re.fullmatch(r"\d\d:\d\d:\d\d(\.\d{1,3})?", label) for label in labels), labels
    assert f"{start:%H:%M:%S}" in labels
