"""The worker side of bulk analysis: one chunk of conversations in, two Arrow tables out.

Why a module of its own: this is the function a local process pool or a Dask worker runs, so it must be
importable by name, picklable in its inputs and outputs, and free of the client's state (open files,
progress, the manifest). It builds the default pipeline once per process (models load lazily) and never
touches the database. ``services/analyze_corpus.py`` owns everything else.

Why the worker parses JSONL and serialises its own tables: on a laptop the client shares the cores with the
workers, and every second it spends is taken from them. Checking a JSONL conversation against the format
costs about a tenth of what the rules cost to read it, and writing a table to a Parquet part about as much
again; done by the client, both capped two workers at barely more than one. So the client sends the raw
bytes of whole lines (with the number of the first, so an error names the file's line) and gets back Arrow
IPC bytes, which it writes to the parts folder as they are. A bad line is returned as a failure (code, message
and the error's fields), not raised: ``TalkdownError`` does not survive pickling, and the client fails that file
as it would have failed it itself.

Columns (``docs/study.md`` is the reference):

- utterances: where it came from (``file``, ``conversation_id``, ``conversation_index``, ``turn``), who said it
  (``speaker``, ``side``), ``time``, ``text``; then for every family the pipeline produces, ``<family>`` (labels,
  list of strings) and ``<family>_scores`` (their scores, same order); ``gold`` holds the labels the file
  carried (family/label pairs) so a study can compare them with talkdown's.
- conversations: counts per side, ``skill_rate`` (share of negotiator turns showing an active-listening skill,
  ``analysis.skills.ACTIVE_LISTENING``), ``skill_<label>`` (share of negotiator turns with that skill label),
  ``avoid_rate``, ``cue_<label>`` (turns with that cue), the stairway progression (stages in order of first
  reaching them), its final and peak stage, ``outcome`` where the source records one, and ``meta`` as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from talkdown.analysis.avoid import LABELS as AVOID_LABELS
from talkdown.analysis.base import Context, Side, Turn
from talkdown.analysis.cues import LABELS as CUE_LABELS
from talkdown.analysis.pipeline import FAILED_FAMILY, Pipeline
from talkdown.analysis.runtime import Runtime, configure, current
from talkdown.analysis.skills import ACTIVE_LISTENING
from talkdown.analysis.skills import LABELS as SKILL_LABELS
from talkdown.analysis.stairway import STAGES
from talkdown.domain.annotations import Annotation
from talkdown.errors import TalkdownError, clause
from talkdown.services.formats import Transcript, decode, parse

WINDOW = 8
"""Earlier turns of the same conversation given as context (as ``talkdown eval`` does)."""
_SIDES: dict[str, Side] = {"negotiator": "negotiator", "subject": "subject", "party": "party"}
_PIPELINES: dict[tuple[Runtime, bool], Pipeline] = {}
_LISTENING = frozenset(ACTIVE_LISTENING)
"""What ``skill_rate`` counts: skills.md's active-listening skills, as the study report's "Listening skills"
chart, the after-action report and the debrief do. Closed questions, suggestions, information, self-disclosure
and affirmation are its "other moves": they have their ``skill_<label>`` columns, and counted here they made a
negotiator who only asked yes/no questions score a listening rate of 1."""
_AVOID = frozenset(AVOID_LABELS)
"""What ``avoid_rate`` counts: the family's labels, not the low-confidence ``none`` the rules give a turn they cannot
judge (empty, another language), which made a silent negotiator turn a "behaviour to avoid"."""


@dataclass(frozen=True)
class Chunk:
    """Whole conversations of one input file, numbered so that a part file can be named and resumed: parsed
    ``transcripts`` (the single-conversation formats), or the raw ``lines`` of a JSONL file for the worker to
    parse (see the module docstring)."""

    chunk_id: str
    file: str
    first_index: int
    transcripts: tuple[Transcript, ...]
    families: tuple[str, ...]
    window: int = WINDOW
    speakers: tuple[tuple[str, str], ...] = ()
    """Speaker name → side for formats without roles (``--negotiator``/``--subject`` on the CLI)."""
    runtime: Runtime = field(default_factory=Runtime)
    """The client's analysis runtime: a spawned or Dask worker never ran the CLI that configured it."""
    fast: bool = False
    """Rules only (``--fast``): no model is loaded in the worker."""
    lines: bytes = b""
    """JSONL: whole lines of the file as read (blank ones included), one conversation on each other line."""
    first_line: int = 1
    """The file's 1-based number of the first of ``lines``, for errors."""
    counted: int = 0
    """The utterances the client counted in ``lines`` (for the progress bar, before any worker parsed them)."""
    encoding: str | None = None
    """How to read a line that is not UTF-8 (``--encoding``)."""

    @property
    def utterances(self) -> int:
        return self.counted if self.lines else sum(len(t.turns) for t in self.transcripts)


FieldValue = str | int | float | bool | None
"""A value of an error's field as a study failure carries it: what JSON writes as it is, anything else as text."""


def plain_fields(fields: Mapping[str, object]) -> dict[str, FieldValue]:
    """An error's template fields (``line``, ``problem``, ...) as plain values: they end in ``study analyze
    --json``, which a script reads with a JSON parser, and a ``Path`` (or any other object) there is not JSON."""
    return {
        key: value if value is None or isinstance(value, str | int | float | bool) else str(value)
        for key, value in fields.items()
    }


@dataclass(frozen=True)
class ChunkResult:
    """A chunk's two tables as Arrow IPC files (bytes: what the client writes as a part), or why its input
    could not be read (``failure``: code, message naming the file's line, and the error's fields, ``line`` among
    them)."""

    chunk_id: str
    utterances: bytes = b""
    conversations: bytes = b""
    failure: tuple[str, str, dict[str, FieldValue]] | None = None


def decoded(raw: bytes, *, file: str, encoding: str | None) -> str:
    """UTF-8 first, ``encoding`` only for bytes that are not UTF-8. Why a fallback and not an override: a corpus
    mixes old Windows exports with UTF-8 files, and cp1252 would turn every UTF-8 "é" into "Ã©"; bytes that are
    cp1252 with any accent in them are almost never valid UTF-8. It also makes TD103's advice safe to follow with
    ``--resume``: the files already done were UTF-8 and read the same either way."""
    try:
        return decode(raw, file=file, option="--encoding")
    except TalkdownError as exc:
        if exc.code != "TD103" or encoding is None:
            raise
    return decode(raw, file=file, encoding=encoding)


def jsonl_line(raw: bytes, *, file: str, number: int, encoding: str | None) -> list[Transcript]:
    """The conversation on line ``number`` of a JSONL file, checked against the format; an error names the
    file's line (the parser saw one line, so it would say line 1). A line that is not UTF-8 keeps TD103's
    likely encoding and its ``--encoding`` advice: "not valid UTF-8 (byte 107)" alone left a researcher with a
    Windows export to re-save it by hand, never learning that the option reads it as it is."""
    try:
        return parse(decoded(raw, file=file, encoding=encoding), fmt="jsonl", file=file)
    except TalkdownError as exc:
        if exc.code == "TD101":
            raise TalkdownError("TD101", file=file, line=number, problem=exc.fields["problem"]) from exc
        if exc.code == "TD103":
            fields = exc.fields
            problem = (
                f"not valid UTF-8 (byte {fields['offset']} of the line); it looks like {fields['guess']}: "
                f"re-save the file as UTF-8{clause(fields.get('hint'))}"
            )
            raise TalkdownError("TD101", file=file, line=number, problem=problem) from exc
        raise


def _transcripts(chunk: Chunk) -> tuple[Transcript, ...]:
    if not chunk.lines:
        return chunk.transcripts
    found: list[Transcript] = []
    lines = chunk.lines.split(b"\n")
    if lines[-1] == b"":  # the newline that ends the last line
        lines.pop()
    for number, raw in enumerate(lines, start=chunk.first_line):
        if raw.strip():
            found += jsonl_line(raw, file=chunk.file, number=number, encoding=chunk.encoding)
    return tuple(found)


def _ipc(table: pa.Table) -> bytes:
    """An Arrow IPC file, LZ4-compressed: a part costs the worker ~2 ms to write and the merge ~2 ms to read,
    where Parquet cost the client ~7 and ~12 ms; compressed, it is about twice a Parquet part's size on disk."""
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression="lz4")
    with pa.ipc.new_file(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue())


def pipeline(*, fast: bool = False) -> Pipeline:
    """The default pipeline of this process (``fast``: rules only), built on first use (``record``: one bad
    analyser never stops a run) and again only if the analysis runtime changed (the models-extra folder is read
    when a pipeline is built). One per worker process, by design: models load once."""
    key = (current(), fast)
    if key not in _PIPELINES:
        from talkdown.analysis.registry import default_pipeline

        _PIPELINES[key] = default_pipeline(on_error="record", fast=fast)
    return _PIPELINES[key]


def families_of(p: Pipeline) -> tuple[str, ...]:
    return (*sorted(p.produces), FAILED_FAMILY)


def utterance_schema(families: Sequence[str]) -> pa.Schema:
    fields = [
        pa.field("file", pa.string()),
        pa.field("conversation_id", pa.string()),
        pa.field("conversation_index", pa.int32()),
        pa.field("turn", pa.int32()),
        pa.field("speaker", pa.string()),
        pa.field("side", pa.string()),
        pa.field("time", pa.string()),
        pa.field("text", pa.string()),
    ]
    for fam in families:
        fields += [pa.field(fam, pa.list_(pa.string())), pa.field(f"{fam}_scores", pa.list_(pa.float32()))]
    gold = pa.list_(pa.struct([pa.field("family", pa.string()), pa.field("label", pa.string())]))
    return pa.schema([*fields, pa.field("gold", gold)])


def conversation_schema() -> pa.Schema:
    fields = [
        pa.field("file", pa.string()),
        pa.field("conversation_id", pa.string()),
        pa.field("conversation_index", pa.int32()),
        pa.field("source", pa.string()),
        pa.field("split", pa.string()),
        pa.field("turns", pa.int32()),
        pa.field("negotiator_turns", pa.int32()),
        pa.field("subject_turns", pa.int32()),
        pa.field("skill_rate", pa.float64()),
        *(pa.field(f"skill_{label}", pa.float64()) for label in SKILL_LABELS),
        pa.field("avoid_rate", pa.float64()),
        *(pa.field(f"cue_{label}", pa.int32()) for label in CUE_LABELS),
        pa.field("stairway_progression", pa.list_(pa.string())),
        pa.field("stairway_final", pa.string()),
        pa.field("stairway_peak", pa.string()),
        pa.field("outcome", pa.string()),
        pa.field("meta", pa.string()),
    ]
    return pa.schema(fields)


def analyze_chunk(chunk: Chunk) -> ChunkResult:
    """Analyse every turn of the chunk in one ``run_many`` batch and tabulate the results."""
    try:
        transcripts = _transcripts(chunk)
    except TalkdownError as exc:
        return ChunkResult(chunk.chunk_id, failure=(exc.code, exc.message, plain_fields(exc.fields)))
    turns: list[Turn] = []
    ctxs: list[Context] = []
    named = {name.strip().lower(): side for name, side in chunk.speakers}  # side_of looks names up in lower case
    for t in transcripts:
        history: list[Turn] = []
        for pos, tt in enumerate(t.turns):
            turn = Turn(text=tt.text, side=side_of(tt.speaker, tt.role, named), seq=pos, speaker=tt.speaker)
            turns.append(turn)
            ctxs.append(Context(window=tuple(history[-chunk.window :]) if chunk.window else ()))
            history.append(turn)
    if current() != chunk.runtime:
        configure(chunk.runtime)
    annotations = pipeline(fast=chunk.fast).run_many(turns, ctxs) if turns else []
    utt_rows: dict[str, list[object]] = {name: [] for name in utterance_schema(chunk.families).names}
    conv_rows: dict[str, list[object]] = {name: [] for name in conversation_schema().names}
    at = 0
    for offset, t in enumerate(transcripts):
        anns = [_by_family(found) for found in annotations[at : at + len(t.turns)]]
        sides = [tu.side for tu in turns[at : at + len(t.turns)]]
        at += len(t.turns)
        cid = t.external_id or f"{chunk.file}#{chunk.first_index + offset}"
        _add_utterances(utt_rows, chunk, t, cid, chunk.first_index + offset, sides, anns)
        _add_conversation(conv_rows, chunk, t, cid, chunk.first_index + offset, sides, anns)
    return ChunkResult(
        chunk_id=chunk.chunk_id,
        utterances=_ipc(pa.table(utt_rows, schema=utterance_schema(chunk.families))),
        conversations=_ipc(pa.table(conv_rows, schema=conversation_schema())),
    )


def side_of(speaker: str, role: str | None, named: dict[str, str]) -> Side:
    """The file's side if it gives one (negotiator or subject), else the name the user mapped (``named``:
    lower-cased name → side, so the mapping ignores case as a scribe's labels do), else the file's ``party``,
    else a guess from common labels.

    A mapped name wins over ``party`` because ``party`` says no side, not the other side: it is what
    ``import-convokit --jsonl`` writes for a speaker ConvoKit gave no side, and a transcript that went through
    ConvoKit could not be given its sides again, every turn unscored. The guess covers how scribes write
    transcripts ("NEG", "Negotiator 1", "Subject", "Caller"); anything else stays ``unknown``, which the skill
    rules do not score, rather than being guessed wrong.
    """
    if role in ("negotiator", "subject"):
        return _SIDES[role]
    name = speaker.strip().lower()
    mapped = named.get(name)  # keys in lower case: "--negotiator Dana" names the scribe's "DANA" too
    if mapped in _SIDES:
        return _SIDES[mapped]
    if role == "party":
        return "party"
    if name in {"neg", "cnt", "primary", "secondary", "tpn"} or name.startswith("negotiat"):
        return "negotiator"
    if name.startswith(("subject", "caller", "sub ")) or name in {"sub", "hostage taker"}:
        return "subject"
    return "unknown"


def _by_family(found: tuple[Annotation, ...]) -> dict[str, list[Annotation]]:
    """A turn's annotations by family, in the pipeline's order: grouped once, where each family's column and
    each rate used to scan every annotation of the turn again (a tenth of a worker's time with the rules alone)."""
    grouped: dict[str, list[Annotation]] = {}
    for a in found:
        grouped.setdefault(a.family, []).append(a)
    return grouped


def _add_utterances(
    rows: dict[str, list[object]],
    chunk: Chunk,
    t: Transcript,
    cid: str,
    index: int,
    sides: list[Side],
    anns: list[dict[str, list[Annotation]]],
) -> None:
    n = len(t.turns)
    for key, value in (("file", chunk.file), ("conversation_id", cid), ("conversation_index", index)):
        rows[key].extend([value] * n)
    rows["turn"].extend(range(n))
    rows["side"].extend(sides)
    columns = [(fam, rows[fam], rows[f"{fam}_scores"]) for fam in chunk.families]
    for tt, grouped in zip(t.turns, anns, strict=True):
        rows["speaker"].append(tt.speaker)
        rows["time"].append(tt.time)
        rows["text"].append(tt.text)
        for fam, labels, scores in columns:
            mine = grouped.get(fam, ())
            labels.append([a.label for a in mine])
            scores.append([a.score for a in mine])
        rows["gold"].append([{"family": f, "label": lab} for f, labs in sorted(tt.labels.items()) for lab in labs])


def _labels(grouped: dict[str, list[Annotation]], family: str) -> set[str]:
    return {a.label for a in grouped.get(family, ())}


def _add_conversation(
    rows: dict[str, list[object]],
    chunk: Chunk,
    t: Transcript,
    cid: str,
    index: int,
    sides: list[Side],
    anns: list[dict[str, list[Annotation]]],
) -> None:
    neg = [grouped for grouped, side in zip(anns, sides, strict=True) if side == "negotiator"]
    skills = [_labels(grouped, "talkdown_skill") for grouped in neg]
    stages = [a.label for grouped in anns for a in grouped.get("stairway", ())]  # in order: final and peak read it
    cues = [_labels(grouped, "talkdown_cue") for grouped in anns]
    progression: list[str] = []
    for stage in stages:
        if stage not in progression:
            progression.append(stage)
    values: dict[str, object] = {
        "file": chunk.file,
        "conversation_id": cid,
        "conversation_index": index,
        "source": t.source,
        "split": t.split,
        "turns": len(t.turns),
        "negotiator_turns": len(neg),
        "subject_turns": sum(1 for s in sides if s == "subject"),
        "skill_rate": _rate(sum(1 for s in skills if s & _LISTENING), len(neg)),
        "avoid_rate": _rate(sum(1 for grouped in neg if _labels(grouped, "talkdown_avoid") & _AVOID), len(neg)),
        "stairway_progression": progression,
        "stairway_final": stages[-1] if stages else None,
        "stairway_peak": max(stages, key=_stage_rank) if stages else None,
        "outcome": outcome_of(t.meta),
        "meta": json.dumps(t.meta, ensure_ascii=False, sort_keys=True),
    }
    for label in SKILL_LABELS:
        values[f"skill_{label}"] = _rate(sum(1 for s in skills if label in s), len(neg))
    for label in CUE_LABELS:
        values[f"cue_{label}"] = sum(1 for found in cues if label in found)
    for key, value in values.items():
        rows[key].append(value)


def _rate(count: int, total: int) -> float | None:
    return count / total if total else None


def _stage_rank(stage: str) -> int:
    return STAGES.index(stage) if stage in STAGES else -1


def outcome_of(meta: Mapping[str, object]) -> str | None:
    """The outcome a source records, as one readable string; ``None`` when it records none.

    ``meta.outcome`` (talkdown's own files) wins; ESConv records the seeker's emotion intensity before and
    after (1-5); CaSiNo records each side's satisfaction. Other sources have none.
    """
    outcome = meta.get("outcome")
    if isinstance(outcome, str):
        return outcome
    before, after = meta.get("initial_emotion_intensity"), meta.get("final_emotion_intensity")
    if isinstance(before, int) and isinstance(after, int):
        return f"emotion_intensity {before}->{after}"
    outcomes = meta.get("outcomes")
    if isinstance(outcomes, dict):
        parts = [
            f"{who}: {v.get('satisfaction')}"
            for who, v in sorted(outcomes.items())
            if isinstance(v, dict) and v.get("satisfaction")
        ]
        return "; ".join(parts) or None
    return None
