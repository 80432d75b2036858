"""Charts for the after-action report, drawn with matplotlib (Agg) and returned as SVG data URIs.

Why SVG data URIs: the report must render offline and stand alone (one HTML file, one PDF), and vector
charts stay sharp when printed. Why here: both edges (CLI, web) embed the same charts. matplotlib is
imported lazily so the rest of talkdown works without it; a missing install is TD701 naming the [report] extra,
which also brings WeasyPrint for the PDF (naming matplotlib alone sent a user to a second error at --pdf).
"""

from __future__ import annotations

import atexit
import base64
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, cast

from talkdown.doctrine.indicators import IndicatorPoint
from talkdown.doctrine.metrics import MetricPoint
from talkdown.errors import TalkdownError


@dataclass(frozen=True)
class Charts:
    metrics: str
    indicators: str
    stairway: str
    diplomatic: str = ""  # the diplomatic track's three metrics, drawn only where the report shows them


MPLCONFIGDIR = "MPLCONFIGDIR"


def use_config_dir(folder: Path, environ: MutableMapping[str, str] = os.environ) -> None:
    """Point matplotlib's config and cache folder at ``folder`` (talkdown's cache) unless the user chose one.

    Why: matplotlib keeps them under the home folder; with one it cannot write (a locked-down laptop, a service
    account, ``HOME`` unset under systemd) every report printed "mkdir -p failed ... Matplotlib created a temporary
    cache directory at /tmp/matplotlib-..." on stderr, rebuilt its font list each time, and a process that was
    killed left that folder in /tmp. When ``folder`` cannot be made either, a private temporary folder removed at
    exit stands in, quietly. matplotlib reads the variable once, when it is first imported (see ``draw_charts``)."""
    if MPLCONFIGDIR in environ:
        return
    try:
        for missing in reversed([p for p in (folder, *folder.parents) if not p.exists()]):
            missing.mkdir(mode=0o700, exist_ok=True)  # private, as build_app makes the data folder (DATA_DIR_MODE)
        usable = os.access(folder, os.W_OK)
    except OSError:
        usable = False
    if not usable:
        folder = Path(tempfile.mkdtemp(prefix="talkdown-matplotlib-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    environ[MPLCONFIGDIR] = str(folder)


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise TalkdownError("TD701", feature="The after-action report", extra="report") from exc
    return plt


def _uri(fig: Any, plt: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _times(points: Sequence[MetricPoint | IndicatorPoint]) -> list[datetime]:
    return [datetime.fromisoformat(p.at) for p in points]


SINGLE_INSTANT_MARGIN = timedelta(minutes=5)  # the x range drawn around a log whose events share one time


def _held_to(pairs: list[tuple[datetime, float]], end: datetime | None) -> list[tuple[datetime, float]]:
    """A step line's points with its last value held until ``end`` (the log's last event), as the board reads it.

    Why: a step line ends at its last change, so a value set once (one stairway stage, one subject turn)
    drew no segment at all and its chart came out empty, and a stage reached early stopped short of the end.
    """
    if pairs and end is not None and pairs[-1][0] < end:
        return [*pairs, (end, pairs[-1][1])]
    return pairs


def _clock_label(day: datetime) -> str:
    """A sub-second tick as clock time with only the fraction it needs: 19:41:43.2, not 41:43.200000."""
    label = f"{day:%H:%M:%S}"
    return label + f".{day.microsecond:06d}".rstrip("0") if day.microsecond else label


def _readable_short_spans(ax: Any, zone: tzinfo | None) -> None:
    """Label sub-second ticks on the report's clock.

    Why: over an incident a few seconds long (a demo, a short import) matplotlib's tick locator steps in fractions
    of a second and its default label for that scale is minutes:seconds with six decimals ("41:43.000000"),
    which has no hour and reads as a fault. Longer spans keep matplotlib's labels.
    """
    from matplotlib.dates import AutoDateFormatter, num2date

    to_date = cast(Callable[[float, tzinfo | None], datetime], num2date)  # matplotlib leaves it untyped
    formatter = ax.xaxis.get_major_formatter()
    if isinstance(formatter, AutoDateFormatter):
        finest = min(formatter.scaled)  # the scale matplotlib uses below a second
        formatter.scaled[finest] = lambda x, pos=None: _clock_label(to_date(x, zone))


def _series(
    plt: Any,
    title: str,
    xs: list[datetime],
    lines: dict[str, list[float | None]],
    ylabel: str,
    zone: tzinfo | None,
    until: datetime | None = None,
    ylim: tuple[float, float] | None = None,
) -> str:
    fig, ax = plt.subplots(figsize=(6.4, 2.3), dpi=100)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if xs:
        # Ticks on the report's clock, set before plotting (matplotlib's default is UTC). This computer's own zone
        # (None) has no tzinfo matplotlib can follow across a daylight-saving change, so its offset at the
        # first point is used; the zone named at the report's top says which.
        zone = zone or xs[0].astimezone().tzinfo
        ax.xaxis.axis_date(zone)
    end = max(xs, default=None)
    if end is not None and until is not None:
        end = max(end, until)
    for label, ys in lines.items():
        pairs = _held_to([(x, y) for x, y in zip(xs, ys, strict=True) if y is not None], end)
        if pairs:
            # A lone point (every event at one instant) has no segment to draw: a marker shows it.
            marker = "o" if len({p[0] for p in pairs}) == 1 else None
            ax.step(
                [p[0] for p in pairs], [p[1] for p in pairs], where="post", label=label, linewidth=1.4, marker=marker
            )
    if ax.lines:
        _readable_short_spans(ax, zone)
    else:
        # Nothing to draw (no subject turn, no stairway estimate): the chart was an empty frame whose time axis read
        # 0.0 to 1.0, which looked like a drawing fault rather than an answer.
        ax.set_xticks([])
        ax.set_yticks([])
        ax.text(
            0.5, 0.5, "nothing logged for this chart", ha="center", va="center", transform=ax.transAxes, gid="empty"
        )
    if xs and end is not None and end == min(xs):
        # matplotlib widens a zero-width date range to years (2025-2029 around one stairway stage).
        ax.set_xlim(end - SINGLE_INSTANT_MARGIN, end + SINGLE_INSTANT_MARGIN)
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.autofmt_xdate()
    return _uri(fig, plt)


def draw_charts(
    metric_points: Sequence[MetricPoint],
    indicator_points: Sequence[IndicatorPoint],
    stairway: Sequence[tuple[datetime, int]],
    *,
    zone: tzinfo | None,
    cache_dir: Path,
    last_line_at: datetime | None = None,
    diplomatic: bool = False,
) -> Charts:
    """The report's three charts; ``cache_dir`` is talkdown's cache folder, for matplotlib's (``use_config_dir``).

    The metric and indicator lines hold their last value to the log's last entry (a recorded policy is none:
    ``NOT_ENTRIES``); the stairway, whose points are when lines were said (an import's own times), holds its stage
    to ``last_line_at``, the last line said. With
    ``diplomatic`` (the report shows the diplomatic metrics) a fourth chart draws them: the first chart holds
    the percentages only, and the report's table gave International Support, Media Exposure and Diplomatic
    Relations Impact as of now with no history, though seed 001's point is how they move."""
    if "matplotlib" not in sys.modules:  # its folder is chosen at its first import; later, setting it changes nothing
        use_config_dir(cache_dir / "matplotlib")
    plt = _pyplot()
    xs = _times(metric_points)
    until = xs[-1] if xs else None  # the metric series has a point at every entry: its last is the log's last
    metrics = _series(
        plt,
        "Seed-001 metrics over time (unknown until evidence is logged)",
        xs,
        {
            "Concession level %": [p.values.get("concession_level") for p in metric_points],
            "Release probability %": [p.values.get("release_probability") for p in metric_points],
            "Well-being x10": [
                v * 10 if (v := p.values.get("hostage_wellbeing")) is not None else None for p in metric_points
            ],
        },
        "percent",
        zone,
        until,
    )
    ixs = _times(indicator_points)
    indicators = _series(
        plt,
        "Indicators: his words per turn and risk cues (rolling windows)",
        ixs,
        {
            "Words per subject turn": [p.values.get("talking_longer") for p in indicator_points],
            "Threat cues x10": [_times10(p.values.get("threats")) for p in indicator_points],
            "Suicide cues x10": [_times10(p.values.get("suicide_cues")) for p in indicator_points],
            "Hostile turns x10": [_times10(p.values.get("hostility")) for p in indicator_points],
            "Outburst marks per turn x10": [_times10(p.values.get("outbursts")) for p in indicator_points],
        },
        "words / scaled count",
        zone,
        until,
    )
    stair = _series(
        plt,
        "Stairway stage (1 listening ... 5 behavioural change)",
        [s[0] for s in stairway],
        {"Stage": [float(s[1]) for s in stairway]},
        "stage",
        zone,
        last_line_at,
        (0.5, 5.5),  # the whole stairway, so one stage reached reads as stage 1 of 5, not as 0.96-1.04
    )
    track = ""
    if diplomatic:
        track = _series(
            plt,
            "Diplomatic track over time (at each logged event)",
            xs,
            {
                "International support (net)": [p.values.get("international_support") for p in metric_points],
                "Media exposure": [p.values.get("media_exposure") for p in metric_points],
                "Relations impact x10": [_times10(p.values.get("diplomatic_impact")) for p in metric_points],
            },
            "net count / reach / scaled",
            zone,
            until,
        )
    return Charts(metrics, indicators, stair, track)


def _times10(value: float | None) -> float | None:
    return None if value is None else value * 10
