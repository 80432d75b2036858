"""``talkdown study report``: an HTML page of charts over the results of ``study analyze``.

Why hand-made SVG and no template engine here: the page must open offline on a command-post laptop with
nothing installed beyond talkdown (no matplotlib, no CDN scripts), and import-linter keeps Jinja2 in
``web/``. Safety is the same as autoescape: every value that comes from the data (conversation ids,
labels, file names) passes through :func:`_e` (``html.escape`` with quotes) before it reaches the page, and
the only unescaped strings are the SVG and HTML fragments built in this module. A test feeds a
``<script>`` conversation id through and checks it arrives escaped.

Memory stays flat: the utterance file is read one row group at a time, only three columns of it, and the
stairway timelines keep the first ``TIMELINES`` conversations only.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from talkdown import __version__
from talkdown.analysis.cues import LABELS as CUE_LABELS
from talkdown.analysis.skills import ACTIVE_LISTENING
from talkdown.analysis.stairway import STAGES
from talkdown.errors import TalkdownError
from talkdown.services.streams import cannot_write, refuse_to_replace

TIMELINES = 12
CUE_BARS = 25
_CUES = frozenset(CUE_LABELS)
"""The cues the page counts: not the low-confidence ``none`` the rules give a line they cannot judge (empty, another
language), which the cue table listed as a cue and the cue rate counted as a cue turn."""
_NEEDED = ("conversation_id", "turn", "side", "talkdown_skill", "stairway", "talkdown_cue")


@dataclass
class ReportData:
    """What the page shows, computed in one pass over the results."""

    utterances: int = 0
    conversations: int = 0
    files: set[str] = field(default_factory=set)
    skills: Counter[str] = field(default_factory=Counter)
    negotiator_turns: int = 0
    cues: Counter[str] = field(default_factory=Counter)
    timelines: dict[str, list[int]] = field(default_factory=dict)
    cue_rates: list[tuple[str, float, int]] = field(default_factory=list)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _utterances_name(conversations: Path) -> str:
    """``r.conversations.parquet`` → ``r.parquet``, the name ``study analyze`` gave the per-utterance file."""
    return conversations.name.replace(".conversations", "", 1)


_Key = tuple[str, int, str]
"""(file, conversation_index, conversation_id): one conversation of the results."""


def _names(ids: dict[_Key, str]) -> dict[_Key, str]:
    """Each conversation's label on the page: its id, and where another conversation has the same id, the file's
    name and its position in it too (``call-1 (night.jsonl #2)``), so two bars or timelines never share a title."""
    shared = Counter(ids.values())
    return {key: cid if shared[cid] == 1 else f"{cid} ({Path(key[0]).name} #{key[1]})" for key, cid in ids.items()}


def collect(results: Path) -> ReportData:
    """Read the per-utterance file row group by row group, and the per-conversation file beside it.

    A path that cannot be opened (none there, a folder, no permission) is TD107 naming why, as for every other
    input: it said "not a talkdown study results file ([Errno 2] Failed to open local file ...)", which sent the
    user to re-run the analysis when the name was only mistyped."""
    try:
        with results.open("rb"):
            pass
    except OSError as exc:
        raise TalkdownError("TD107", file=str(results), problem=exc.strerror or str(exc)) from exc
    try:
        pf = pq.ParquetFile(results)
    except (OSError, ValueError) as exc:  # pyarrow raises ArrowInvalid (a ValueError) for a non-Parquet file
        problem = str(exc).splitlines()[0]
        if results.suffix.lower() == ".csv":  # 'study analyze --csv' wrote it: say what the report reads instead
            problem = "it is a CSV export and the report reads Parquet: run the analysis again without --csv"
        raise TalkdownError("TD123", file=str(results), problem=problem) from exc
    missing = [c for c in _NEEDED if c not in pf.schema_arrow.names]
    if missing:
        problem = f"column '{missing[0]}' is missing"
        if "turns" in pf.schema_arrow.names:  # results.conversations.parquet, the table beside the results
            problem = f"it is the per-conversation table: give {_utterances_name(results)}, the results beside it"
        raise TalkdownError("TD123", file=str(results), problem=problem)
    data = ReportData()
    # A conversation is (file, conversation_index): ids repeat across files, and within one (two calls both
    # written as "call-1" in a JSONL file), where keying by id drew both calls as one bar and one timeline.
    turns: Counter[_Key] = Counter()
    cue_turns: Counter[_Key] = Counter()
    ids: dict[_Key, str] = {}
    timelines: dict[_Key, list[int]] = {}
    columns = [*_NEEDED, "file", *(["conversation_index"] if "conversation_index" in pf.schema_arrow.names else [])]
    for group in range(pf.num_row_groups):
        table = pf.read_row_group(group, columns=columns)
        rows = table.to_pylist()
        for row in rows:
            data.utterances += 1
            data.files.add(row["file"])
            if row["side"] == "negotiator":
                data.negotiator_turns += 1
                data.skills.update(row["talkdown_skill"] or [])
            cues = [label for label in row["talkdown_cue"] or [] if label in _CUES]
            data.cues.update(cues)
            key = (row["file"], row.get("conversation_index", -1), row["conversation_id"])
            ids.setdefault(key, row["conversation_id"])
            turns[key] += 1
            cue_turns[key] += bool(cues)
            stages = [STAGES.index(s) for s in row["stairway"] or [] if s in STAGES]
            if stages and (key in timelines or len(timelines) < TIMELINES):
                timelines.setdefault(key, []).append(max(stages))
    names = _names(ids)
    data.timelines = {names[key]: stages for key, stages in timelines.items()}
    # Turns with any cue, from the utterances: the conversation table counts turns per cue label, and their sum
    # counted "I want a car by noon or I stop talking" (deadline and demand) twice, a rate of 2 "cue turns per turn".
    rates = [(names[key], cue_turns[key] / n, cue_turns[key]) for key, n in turns.items()]
    data.cue_rates = sorted(rates, key=lambda r: (-r[1], r[0]))[:CUE_BARS]
    conv_path = results.with_name(f"{results.stem}.conversations{results.suffix}")
    data.conversations = pq.read_metadata(conv_path).num_rows if conv_path.is_file() else len(turns)
    return data


def _bars(items: list[tuple[str, float, str]], *, width: int = 640, unit: str = "") -> str:
    """A horizontal bar chart: one row per (label, value, note)."""
    if not items:
        return "<p class='empty'>Nothing to show.</p>"
    top = max(v for _, v, _ in items) or 1.0
    row_h, label_w = 22, 220
    out = [f"<svg role='img' width='{width}' height='{row_h * len(items) + 6}' xmlns='http://www.w3.org/2000/svg'>"]
    for i, (label, value, note) in enumerate(items):
        y = i * row_h + 3
        w = max(1, int((width - label_w - 90) * value / top))
        out.append(f"<text x='{label_w - 6}' y='{y + 15}' text-anchor='end'>{_e(label)}</text>")
        out.append(
            f"<rect x='{label_w}' y='{y}' width='{w}' height='{row_h - 6}' class='bar'><title>{_e(note)}</title></rect>"
        )
        out.append(f"<text x='{label_w + w + 6}' y='{y + 15}'>{_e(f'{value:.3g}{unit}')}</text>")
    out.append("</svg>")
    return "".join(out)


def _timeline(stages: list[int], *, width: int = 640, height: int = 110) -> str:
    """Stairway stage (0 active listening … 4 behavioural change) per analysed turn."""
    n = max(1, len(stages) - 1)
    step = (height - 20) / (len(STAGES) - 1)
    points = " ".join(f"{40 + i * (width - 50) / n:.1f},{height - 10 - s * step:.1f}" for i, s in enumerate(stages))
    grid = "".join(
        f"<line x1='40' x2='{width - 10}' y1='{y:.1f}' y2='{y:.1f}' class='grid'/>"
        f"<text x='2' y='{y + 4:.1f}' class='small'>{_e(STAGES[k][:6])}</text>"
        for k in range(len(STAGES))
        for y in (height - 10 - k * step,)
    )
    return (
        f"<svg role='img' width='{width}' height='{height}' xmlns='http://www.w3.org/2000/svg'>{grid}"
        f"<polyline points='{points}' class='line'/></svg>"
    )


_STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:60em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}svg text{font-size:12px;fill:#222}
.bar{fill:#3b6ea5}.line{fill:none;stroke:#a5473b;stroke-width:2}.grid{stroke:#ddd}.small{font-size:9px}
.empty{color:#888}table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left}
footer{color:#777;margin-top:3em}"""


def render_html(data: ReportData, *, title: str) -> str:
    skill_items = [
        (label, count / data.negotiator_turns if data.negotiator_turns else 0.0, f"{count} turns")
        for label, count in data.skills.most_common()
    ]
    listening = [item for item in skill_items if item[0] in ACTIVE_LISTENING]
    other = [item for item in skill_items if item[0] not in ACTIVE_LISTENING]
    cue_items = [(cid, rate, f"{total} cue turns") for cid, rate, total in data.cue_rates]
    timelines = (
        "".join(f"<h3>{_e(cid)}</h3>{_timeline(stages)}" for cid, stages in data.timelines.items())
        or "<p class='empty'>No stairway estimates in these results.</p>"
    )
    cues = "".join(f"<tr><td>{_e(k)}</td><td>{v}</td></tr>" for k, v in sorted(data.cues.items()))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title><style>{_STYLE}</style></head>
<body><h1>{_e(title)}</h1>
<p>{data.utterances} utterances in {data.conversations} conversations from {len(data.files)} files;
{data.negotiator_turns} negotiator turns.</p>
<h2>Listening skills (share of negotiator turns)</h2>{_bars(listening)}
<h2>Other moves (skills.md; share of negotiator turns)</h2>{_bars(other)}
<h2>Stairway timelines (first {TIMELINES} conversations)</h2>{timelines}
<h2>Cue rate per conversation (cue turns per turn, highest {CUE_BARS})</h2>{_bars(cue_items)}
<h2>Cues overall</h2><table><tr><th>cue</th><th>turns</th></tr>{cues}</table>
<footer>talkdown {_e(__version__)}: labels are talkdown's analysis, not ground truth (docs/analysis.md).</footer>
</body></html>
"""


def study_report(results: Path, *, out: Path, title: str = "talkdown study report", force: bool = False) -> ReportData:
    """Write the HTML report for ``results`` to ``out``; returns the numbers it shows. An ``out`` that holds
    something is refused (TD110) unless ``force`` (``streams.refuse_to_replace``)."""
    refuse_to_replace(out, force=force)
    data = collect(results)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render_html(data, title=title), encoding="utf-8")
    except OSError as exc:
        raise cannot_write(out, exc) from exc
    return data
