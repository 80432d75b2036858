"""CSV transcripts: what spreadsheets, survey tools and hand-labelled training sets produce.

Read: a header row naming at least ``speaker`` and ``text`` (matched without regard to case or surrounding
spaces); optional ``time``, ``end_time`` and ``role``; any ``label:<family>`` column holds that family's labels
separated by ``;``; every other column goes to ``extra`` under its header name. Cells are stripped; an empty
cell means "not given" (no key in ``extra``, no family in ``labels``, ``None`` for a time or role), and a label
cell holding just ``-`` means "labelled, none applies" (an empty list), which JSONL files need for negatives.
A header without ``speaker`` or ``text`` is TD101 naming what it lacks and what it has; one that starts like the
tables ``study analyze --csv`` writes (``file``, ``conversation_id``, ``conversation_index``) is TD102: results,
not a transcript, though the per-utterance table has ``speaker`` and ``text`` columns too.

The delimiter is the one of ``,``, ``;`` and tab that splits the header into cells naming both ``speaker`` and
``text``. ``csv.Sniffer`` was tried first and rejected: it guesses from character counts over the sample and
picks ``;`` for a comma file whose utterances contain semicolons, while the header we require settles it exactly.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula ("CSV injection": a line such
as ``=HYPERLINK(...)`` said in an incident would become a live link in the export). ``render`` writes such a
cell with a leading apostrophe, which a spreadsheet shows as text and does not display, and ``parse`` drops it
again; a lone ``-`` (no formula, and the "none applies" label cell) is left as it is. The rule is reversible:
a cell gets the apostrophe when it matches ``^'*[-=+@]``, and loses one when it matches ``^'+[-=+@]``.

What it represents: one transcript; speaker (non-empty); text, role and times stripped (times in any spelling
:func:`~talkdown.services.formats.model.seconds` accepts); labels whose names are non-empty, stripped and free of
``;`` (a list may be empty); ``extra`` values that are non-empty stripped strings under keys that are not one of
the columns above. Lost: JSONL conversation fields and non-string ``extra`` values (written as JSON text).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Sequence

from talkdown.errors import TalkdownError

from .cues import only_transcript
from .model import STAMP_EXPECTED, JSONValue, Transcript, TranscriptTurn, parse_stamp

FORMAT = "csv"
FORMULA = re.compile(r"^'*[-=+@]")
"""A cell a spreadsheet would run (after any apostrophes): anchored, so Arrow's regex reads it the same."""
_CORE = ("speaker", "text", "time", "end_time", "role")
_LABEL = "label:"
_NONE_APPLIES = "-"
_DELIMITERS = (",", ";", "\t")
_STUDY_RESULTS_ORDER = ("file", "conversation_id", "conversation_index")
_STUDY_RESULTS = frozenset(_STUDY_RESULTS_ORDER)
"""The columns both tables of ``study analyze --csv`` start with: the mark of a results table, not a transcript."""


def parse(text: str, *, file: str) -> list[Transcript]:
    """Read a CSV transcript: one turn per data row."""
    rows = _rows(text, file=file)
    try:
        header_line, header = next(rows)
    except StopIteration:
        raise TalkdownError("TD102", file=file, problem="the file is empty") from None
    _refuse_study_results(header, file=file)
    columns = _columns(header, file=file, line=header_line)
    turns = tuple(_turn(cells, columns, file=file, line=line) for line, cells in rows)
    if not turns:
        raise TalkdownError("TD102", file=file, problem="the header has no rows under it")
    return [Transcript(turns)]


def _rows(text: str, *, file: str) -> Iterator[tuple[int, list[str]]]:
    """Non-empty records with the file line each starts on, in the delimiter the header uses."""
    lines = [line + "\n" for line in text.split("\n")]
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return
    reader = csv.reader(lines, delimiter=_delimiter(lines[first]), strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise TalkdownError("TD101", file=file, line=start, problem=f"unreadable CSV ({error})") from None
        if any(cell.strip() for cell in cells):
            yield start, cells
        start = reader.line_num + 1


def _delimiter(header: str) -> str:
    for delimiter in _DELIMITERS:
        try:
            cells = {cell.strip().lower() for cell in next(csv.reader([header], delimiter=delimiter))}
        except csv.Error:
            continue
        if {"speaker", "text"} <= cells:
            return delimiter
    return ","


def _refuse_study_results(header: list[str], *, file: str) -> None:
    """TD102 for a table ``talkdown study analyze --csv`` wrote (its per-utterance or per-conversation results,
    both starting ``file, conversation_id, conversation_index``). The per-utterance one has ``speaker`` and
    ``text`` columns, so a folder holding an earlier study's results read it as a transcript: every analysed row
    became a turn again, with the old labels as the turn's fields, and the new study counted it as a call."""
    names = {unguard(cell.strip()).lower() for cell in header}
    if names >= _STUDY_RESULTS:
        problem = (
            "it is a talkdown study results table (columns " + ", ".join(_STUDY_RESULTS_ORDER) + ", ...), not a "
            "transcript; take it out of the inputs"
        )
        raise TalkdownError("TD102", file=file, problem=problem)


def _columns(header: list[str], *, file: str, line: int) -> list[str]:
    """Normalised column names: the known ones in lower case, ``label:`` kept, others as written."""
    names: list[str] = []
    for cell in header:
        name = unguard(cell.strip())
        if name.lower() in _CORE:
            name = name.lower()
        elif name.lower().startswith(_LABEL):
            name = _LABEL + name[len(_LABEL) :].strip()
            if name == _LABEL:
                raise TalkdownError("TD101", file=file, line=line, problem="a 'label:' column needs a family name")
        if not name:
            raise TalkdownError("TD101", file=file, line=line, problem="a column has no name")
        if name in names:
            raise TalkdownError("TD101", file=file, line=line, problem=f"the column '{name}' appears twice")
        names.append(name)
    lacking = [name for name in ("speaker", "text") if name not in names]
    if lacking:
        problem = (
            f"the header has no {' and no '.join(repr(name) for name in lacking)} column (a transcript CSV names "
            f"'speaker' and 'text'; this one names {', '.join(repr(name) for name in names)})"
        )
        raise TalkdownError("TD101", file=file, line=line, problem=problem)
    return names


def _turn(cells: list[str], columns: list[str], *, file: str, line: int) -> TranscriptTurn:
    if len(cells) != len(columns):
        raise TalkdownError(
            "TD101", file=file, line=line, problem=f"{len(cells)} cells, but the header has {len(columns)} columns"
        )
    row = {name: unguard(cell.strip()) for name, cell in zip(columns, cells, strict=True)}
    if not row["speaker"]:
        raise TalkdownError("TD101", file=file, line=line, problem="the speaker is empty")
    for key in ("time", "end_time"):
        if row.get(key) and parse_stamp(row[key]) is None:
            raise TalkdownError("TD104", file=file, line=line, value=row[key], expected=STAMP_EXPECTED)
    labels: dict[str, list[str]] = {}
    extra: dict[str, JSONValue] = {}
    for name, value in row.items():
        if name.startswith(_LABEL) and value:
            found = [label.strip() for label in value.split(";")]
            labels[name[len(_LABEL) :]] = [] if value == _NONE_APPLIES else [label for label in found if label]
        elif name not in _CORE and not name.startswith(_LABEL) and value:
            extra[name] = value
    return TranscriptTurn(
        row["speaker"],
        row["text"],
        time=row.get("time") or None,
        end_time=row.get("end_time") or None,
        role=row.get("role") or None,
        labels=labels,
        extra=extra,
    )


def render(transcripts: Sequence[Transcript]) -> str:
    """Write one transcript as comma-separated CSV with a header, only the columns some turn uses."""
    turns = only_transcript(transcripts, fmt=FORMAT).turns
    columns = ["speaker", "text"] + [key for key in _CORE[2:] if any(getattr(turn, key) for turn in turns)]
    columns += list(dict.fromkeys(_LABEL + family for turn in turns for family in turn.labels))
    columns += list(dict.fromkeys(key for turn in turns for key in turn.extra))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([guard(name) for name in columns])
    for turn in turns:
        writer.writerow([guard(cell) for cell in _cells(turn, columns)])
    return buffer.getvalue()


def guard(cell: str) -> str:
    """The cell as a spreadsheet will not run it (module docstring); ``unguard`` undoes it."""
    return "'" + cell if cell != _NONE_APPLIES and FORMULA.match(cell) else cell


def unguard(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and FORMULA.match(cell[1:]) else cell


def _cells(turn: TranscriptTurn, columns: list[str]) -> list[str]:
    cells: list[str] = []
    for name in columns:
        if name.startswith(_LABEL) and name[len(_LABEL) :] in turn.labels:
            labels = turn.labels[name[len(_LABEL) :]]
            cells.append(";".join(labels) if labels else _NONE_APPLIES)
        elif name in _CORE:
            cells.append(getattr(turn, name) or "")
        else:
            value = turn.extra.get(name)
            cells.append("" if value is None else value if isinstance(value, str) else json.dumps(value))
    return cells
