"""ConvoKit interop: write an incident or a transcript file as a ConvoKit corpus, and read one back.

The on-disk format is ConvoKit's documented one (https://convokit.cornell.edu/documentation/data_format.html,
and ``convokit/model/corpus_helpers.py`` for the exact keys): a folder with ``utterances.jsonl`` (one
object per line: ``id``, ``conversation_id`` = the id of the conversation's first utterance, ``text``,
``speaker``, ``meta``, ``reply-to``, ``timestamp``, ``vectors``), ``speakers.json`` and
``conversations.json`` (id → ``{"meta": ..., "vectors": []}``), ``corpus.json`` (corpus meta) and
``index.json`` (the type of every meta field, as ConvoKit's ``ConvoKitIndex.to_dict`` writes it).

Why no convokit import: the package pulls in torch, spaCy and CUDA wheels (several GB), too heavy for a
dev extra or CI, so the format is tested against that schema instead (``tests/services/test_convokit_io.py``).
When reading, fields ConvoKit stored as pickles (``"bin"`` in the index, ``*-bin.p`` files) are skipped,
never unpickled (conventions §15); older spellings (``user``, ``root``, ``reply_to``) are accepted.

talkdown's own fields travel in ``meta``: the side (negotiator/subject/party), gold ``labels`` and the time
stamp as written on each utterance; ``talkdown_id``, ``source``, ``split`` and the source's own meta on
each conversation. A corpus exported by talkdown therefore reads back to the same transcripts. An incident's
utterances also carry ``meta["talkdown"]``: the labels talkdown stored for them with their scores, by family,
from the current analyser versions (``talkdown analyze --incident`` stores them; nothing is analysed here).
That field is output only: reading a corpus back ignores it, as analysis is derived and re-made on import.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import JsonValue

from talkdown import __version__
from talkdown.domain.annotations import Annotation
from talkdown.domain.enums import IncidentMode, IncidentType, Role
from talkdown.domain.state import IncidentState
from talkdown.domain.text import first_surrogate
from talkdown.errors import TalkdownError
from talkdown.services._running_session import unless_ended
from talkdown.services._transcript_events import plan_incident, side_of
from talkdown.services.formats import EXTENSIONS, Transcript, TranscriptTurn, decode, detect_format, parse, render
from talkdown.services.formats.model import parse_stamp
from talkdown.services.incidents import resolve_incident_id
from talkdown.services.live import annotations_of
from talkdown.services.streams import cannot_write, plain_suffix, refuse_to_replace
from talkdown.services.wiring import App

FILES = ("utterances.jsonl", "speakers.json", "conversations.json", "corpus.json", "index.json")
_SIDES = frozenset({"negotiator", "subject", "party"})
_OWN_META = frozenset({"side", "labels", "time", "end_time", "idx", "talkdown"})
"""Utterance meta keys talkdown writes for itself; every other key is the turn's own (``TranscriptTurn.extra``)."""
_TURN_KEYS = frozenset({"idx", "speaker", "role", "text", "time", "end_time", "labels"})
"""The JSONL turn's own keys: a ConvoKit meta field of that name cannot become a turn key, so it is not read."""


@dataclass(frozen=True)
class CorpusSummary:
    folder: Path
    conversations: int
    utterances: int
    speakers: int


# ---------------------------------------------------------------- export


def export_convokit(
    out_dir: Path,
    *,
    file: Path | None = None,
    incident: str | None = None,
    app: App | None = None,
    force: bool = False,
) -> CorpusSummary:
    """Write a transcript file (any import format) or an incident's utterances as a ConvoKit corpus.

    A folder that already holds something is refused (TD110) unless ``force``: see ``_refuse_full_folder``."""
    if not force:
        _refuse_full_folder(out_dir)
    if file is not None:
        raw = _read(file)
        text = decode(raw, file=str(file))
        transcripts = parse(text, fmt=detect_format(file.name, text), file=str(file))
        name = file.stem
    elif incident is not None and app is not None:
        # A running training session's subject intent stays out: the trainee could read it here (_running_session).
        state = unless_ended(app.recorder.current(resolve_incident_id(app, incident)))
        transcripts = [_transcript_of(state, annotations_of(app, state.incident_id))]
        name = state.incident_id
    else:
        raise TalkdownError("TD105", value="", what="source", problem="give a transcript file or an incident")
    return write_corpus(transcripts, out_dir, name=name)


def _refuse_full_folder(out_dir: Path) -> None:
    """TD110 naming ``out_dir`` and what it holds when it is a folder that is not empty. The corpus files were
    rewritten in place without a word, so exporting into the folder of an earlier export replaced that corpus
    (a researcher's only copy of it, perhaps) with one holding other conversations. An empty folder is used as
    it is; a file there is TD110 when the folder is made; ``--force`` replaces the corpus files and leaves any
    other file in the folder alone."""
    try:
        held = sorted(entry.name for entry in out_dir.iterdir()) if out_dir.is_dir() else []
    except OSError as exc:
        raise cannot_write(out_dir, exc) from exc
    if held:
        shown = ", ".join(held[:5]) + (f" and {len(held) - 5} more" if len(held) > 5 else "")
        problem = f"the folder is not empty ({shown}); add --force to replace the corpus in it"
        raise TalkdownError("TD110", file=str(out_dir), problem=problem)


def names_a_file(source: str) -> bool:
    """Whether ``export-convokit``'s first argument means a file rather than an incident: one that exists (a
    folder too), or one written as a path (a separator, a transcript extension). A mistyped file name was
    looked up as an incident id: "TD201 No incident 'calls.jsonl'" sent the user to 'incident list'; as a file
    it is TD107 "cannot read it (No such file or directory)"."""
    path = Path(source)
    return path.exists() or "/" in source or os.sep in source or plain_suffix(path) in EXTENSIONS


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TalkdownError("TD107", file=str(path), problem=exc.strerror or str(exc)) from exc


def _transcript_of(state: IncidentState, analysed: Mapping[int, Sequence[Annotation]]) -> Transcript:
    """An incident's utterances (retractions left out) with each speaker's side from its party role, and the
    labels talkdown stored for each (``extra["talkdown"]``, family -> {label: score}).

    An incident imported from a file or a corpus keeps what it was imported with: its source and split, the
    conversation's own meta (``imported_meta``) and id (``external_id``), and each line's fields beyond the
    text (``votes``, ``feedback``, ``end_time``, the file's ``party`` side for a speaker with no role). All of
    it was dropped, so a corpus imported as incidents and exported again came back with ``source: talkdown``
    and no meta, which a researcher could not join to the original data any more.

    An imported line keeps its time as written, and one the file gave none has none: it was logged at the import,
    and that instant, exported as its time, put a call's unstamped first line (Unix time) after its stamped
    ``00:00:12`` (12 s) in ConvoKit's time order, and gave it a time it was never said at."""
    from_file = state.mode is IncidentMode.STUDY  # only an import opens one (_transcript_events.plan_incident)
    turns = []
    for utt in state.utterances:
        if utt.retracted:
            continue
        party = state.parties.get(utt.speaker)
        role = party.role if party else Role.UNKNOWN
        extra: dict[str, Any] = dict(utt.extra)
        file_side, end_time = extra.pop("role", None), extra.pop("end_time", None)
        side = side_of(role) or (file_side if file_side in _SIDES else None)  # the team's role first: it is current
        if utt.seq in analysed:
            extra["talkdown"] = _by_family(analysed[utt.seq])
        turns.append(
            TranscriptTurn(
                speaker=party.name if party else utt.speaker,
                text=utt.text,
                time=utt.source_time or (None if from_file else utt.when.isoformat()),
                end_time=end_time if isinstance(end_time, str) else None,
                role=side,
                labels=utt.labels,
                extra=extra,
            )
        )
    meta: dict[str, Any] = {"incident_type": state.incident_type.value, "title": state.title}
    if state.outcome:
        meta["outcome"] = state.outcome
    if state.external_id:
        meta["external_id"] = state.external_id
    imported, split = state.source_meta.get("meta"), state.source_meta.get("split")
    if isinstance(imported, dict) and imported:
        meta["imported_meta"] = imported
    return Transcript(
        turns=tuple(turns),
        external_id=state.incident_id,
        source=state.source or "talkdown",
        split=split if isinstance(split, str) else None,
        meta=meta,
    )


def _by_family(found: Sequence[Annotation]) -> dict[str, JsonValue]:
    """family -> {label: score} (a label found twice keeps its higher score): the score is the value itself for
    ``emotion_intensity`` and ``hostility``, as in ``study analyze``'s ``<family>_scores``."""
    families: dict[str, dict[str, float]] = {}
    for a in found:
        labels = families.setdefault(a.family, {})
        labels[a.label] = max(a.score, labels.get(a.label, 0.0))
    return {family: dict(labels) for family, labels in families.items()}


def _timestamp(time: str) -> float | None:
    """ConvoKit's ``timestamp``: seconds into the call for a transcript's stamp, Unix time for an incident's
    ISO 8601 instant (ConvoKit's own corpora use Unix time); None when neither (the turn's index is used)."""
    stamp = parse_stamp(time)
    if stamp is not None:
        return stamp
    try:
        instant = datetime.fromisoformat(time)
    except ValueError:
        return None
    return instant.timestamp() if instant.tzinfo is not None else None


def _timestamps(turns: Sequence[TranscriptTurn]) -> list[float]:
    """Each turn's ``timestamp``, never going back for a turn without a time stamp of its own: ConvoKit orders a
    conversation by timestamp (``get_chronological_utterance_list``), so the line after a stamped ``[00:00:26]``
    that carries no stamp takes 26, not its index 5, which put it second. A stamp the file gives is kept as
    written; a turn before the first one takes 0; a conversation without any stamp is numbered by its turns."""
    stamps = [_timestamp(turn.time) if turn.time else None for turn in turns]
    if all(stamp is None for stamp in stamps):
        return [float(idx) for idx in range(len(turns))]
    out: list[float] = []
    for stamp in stamps:
        out.append(stamp if stamp is not None else (out[-1] if out else 0.0))
    return out


def _utterance_meta(turn: TranscriptTurn, idx: int) -> dict[str, Any]:
    """An utterance's ``meta``: talkdown's own fields, then whatever else the file gave the turn (``end_time``,
    AnnoMI's annotator ``votes``, ESConv ``feedback``, a file's other turn keys) under its own name, as ConvoKit
    keeps utterance-level fields. These were dropped, so the 10-annotator votes a researcher exports for an
    agreement study were missing from the corpus and from what it reads back to. A turn key that has one of
    talkdown's names (``side``, ``labels``, ...) cannot be kept there: talkdown's field wins."""
    meta: dict[str, Any] = {"side": turn.role, "labels": turn.labels, "time": turn.time, "idx": idx}
    if turn.end_time is not None:
        meta["end_time"] = turn.end_time
    if "talkdown" in turn.extra:
        meta["talkdown"] = turn.extra["talkdown"]
    meta.update({key: value for key, value in turn.extra.items() if key not in _OWN_META})
    return meta


def _turn_extra(meta: Mapping[str, Any]) -> dict[str, Any]:
    """The utterance meta that is the turn's own (not talkdown's fields), for ``TranscriptTurn.extra``: what
    ``_utterance_meta`` wrote from a file, or a ConvoKit corpus's own utterance fields, which an import
    carries to the JSONL turn rather than dropping them. A ``feedback`` that is not an integer is left out, as
    the JSONL format holds only ESConv's 1-5 there and ``study analyze`` would refuse the converted file."""
    return {
        key: value
        for key, value in meta.items()
        if key not in _OWN_META and key not in _TURN_KEYS and (key != "feedback" or type(value) is int)
    }


def _type_index(objects: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """ConvoKit's index: each meta key → the Python type names of its values, as ``str(type(v))`` gives them."""
    index: dict[str, list[str]] = {}
    for meta in objects:
        for key, value in meta.items():
            index.setdefault(key, [str(type(value))])
    return index


def _unique(cid: str, n: int, taken: Mapping[str, object]) -> str:
    """The id the conversation's utterances are numbered under: its own, or ``<id>#<n>`` (its position in the
    input, 0-based) when an earlier conversation of the file has that id. ConvoKit ids are unique, and two calls
    exported as ``call-1`` both wrote ``call-1-0000``, ``call-1-0001``, ...: one conversation in
    conversations.json, and an import interleaved the two calls' turns. ``talkdown_id`` keeps the id as written."""
    key, extra = cid, 0
    while f"{key}-0000" in taken:
        key, extra = f"{cid}#{n}" + (f".{extra}" if extra else ""), extra + 1
    return key


def write_corpus(transcripts: Sequence[Transcript], out_dir: Path, *, name: str) -> CorpusSummary:
    """The five files of a ConvoKit corpus in ``out_dir``; a folder the OS refuses is TD110."""
    try:
        return _write_corpus(transcripts, out_dir, name=name)
    except OSError as exc:
        raise cannot_write(out_dir, exc) from exc


def _write_corpus(transcripts: Sequence[Transcript], out_dir: Path, *, name: str) -> CorpusSummary:
    out_dir.mkdir(parents=True, exist_ok=True)
    speakers: dict[str, dict[str, Any]] = {}
    conversations: dict[str, dict[str, Any]] = {}
    utt_metas: list[dict[str, Any]] = []
    count = 0
    with (out_dir / "utterances.jsonl").open("w", encoding="utf-8") as fh:
        for n, t in enumerate(transcripts):
            cid = t.external_id or f"{name}-{n}"
            key = _unique(cid, n, conversations)
            first = f"{key}-0000"
            previous: str | None = None
            stamps = _timestamps(t.turns)
            for idx, turn in enumerate(t.turns):
                uid = f"{key}-{idx:04d}"
                meta = _utterance_meta(turn, idx)
                row: dict[str, Any] = {
                    "id": uid,
                    "conversation_id": first,
                    "text": turn.text,
                    "speaker": turn.speaker,
                    "meta": meta,
                    "reply-to": previous,
                    "timestamp": stamps[idx],
                    "vectors": [],
                }
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                utt_metas.append(meta)
                speakers.setdefault(turn.speaker, {"meta": {"side": turn.role}, "vectors": []})
                previous, count = uid, count + 1
            conv_meta = {"talkdown_id": cid, "source": t.source, "split": t.split, "source_meta": t.meta}
            conversations[first] = {"meta": conv_meta, "vectors": []}
    corpus_meta = {"name": name, "exported_by": f"talkdown {__version__}"}
    index = {
        "utterances-index": _type_index(utt_metas),
        "speakers-index": _type_index(s["meta"] for s in speakers.values()),
        "conversations-index": _type_index(c["meta"] for c in conversations.values()),
        "overall-index": _type_index([corpus_meta]),
        "version": 1,
        "vectors": [],
    }
    for filename, data in (
        ("speakers.json", speakers),
        ("conversations.json", conversations),
        ("corpus.json", corpus_meta),
        ("index.json", index),
    ):
        (out_dir / filename).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return CorpusSummary(out_dir, len(conversations), count, len(speakers))


# ---------------------------------------------------------------- import


def _bad(folder: Path, problem: str) -> TalkdownError:
    return TalkdownError("TD122", file=str(folder), problem=problem)


def _json_file(folder: Path, name: str) -> dict[str, Any]:
    path = folder / name
    if not path.is_file():
        return {}
    try:
        data = json.loads(decode(path.read_bytes(), file=str(path)))
    except (OSError, ValueError) as exc:
        raise _bad(folder, f"{name} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise _bad(folder, f"{name} is not a JSON object")
    return data


def _meta(entry: object) -> dict[str, Any]:
    """ConvoKit writes ``{"meta": ..., "vectors": ...}``; old corpora put the meta at the top level."""
    if not isinstance(entry, dict):
        return {}
    inner = entry["meta"] if isinstance(entry.get("meta"), dict) else entry
    return {str(k): v for k, v in inner.items() if not (isinstance(v, str) and v.startswith("<##bin{"))}


def _utterances(folder: Path) -> Iterator[dict[str, Any]]:
    path = folder / "utterances.jsonl"
    if not path.is_file():
        raise _bad(folder, "there is no utterances.jsonl")
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(decode(raw, file=str(path)))
            except json.JSONDecodeError as exc:  # its own "line 1 column 2 (char 1)" is of this one line
                problem = f"not valid JSON ({exc.msg}, column {exc.colno})"
                raise TalkdownError("TD101", file=str(path), line=number, problem=problem) from exc
            except ValueError as exc:  # int() refusing thousands of digits
                problem = f"not valid JSON ({str(exc).partition(':')[0]})"
                raise TalkdownError("TD101", file=str(path), line=number, problem=problem) from exc
            if not isinstance(row, dict) or not isinstance(row.get("id"), str | int):
                raise TalkdownError("TD101", file=str(path), line=number, problem="an utterance needs an 'id'")
            for key in ("text", "speaker"):  # a "\udcff" escape: valid JSON, but not text (see domain/text.py)
                if isinstance(row.get(key), str) and first_surrogate(row[key]) is not None:
                    problem = f"'{key}' holds a lone surrogate escape, which is not text"
                    raise TalkdownError("TD101", file=str(path), line=number, problem=problem)
            yield row


def read_corpus(folder: Path) -> list[Transcript]:
    """A ConvoKit corpus folder as transcripts, conversations in order of first appearance."""
    if not folder.is_dir():
        raise _bad(folder, "not a folder")
    speakers = {k: _meta(v) for k, v in _json_file(folder, "speakers.json").items()}
    convos = {k: _meta(v) for k, v in _json_file(folder, "conversations.json").items()}
    grouped: dict[str, list[tuple[TranscriptTurn, object, object]]] = {}
    for row in _utterances(folder):
        named = row.get("speaker", row.get("user"))
        # a null speaker is unknown, not "None"; so is an empty one, which the JSONL reader and a party both refuse
        speaker = "unknown" if named is None or not str(named).strip() else str(named)
        conv = str(row.get("conversation_id", row.get("root")) or row["id"])
        meta = _meta({"meta": row.get("meta") or {}})
        side = meta.get("side") if meta.get("side") in _SIDES else speakers.get(speaker, {}).get("side")
        labels: dict[str, Any] = meta["labels"] if isinstance(meta.get("labels"), dict) else {}
        clean = {str(k): [str(x) for x in v] for k, v in labels.items() if isinstance(v, list)}
        time, end_time = meta.get("time"), meta.get("end_time")
        text = row.get("text")
        turn = TranscriptTurn(
            speaker=speaker,
            text=text if isinstance(text, str) else "",
            time=time if isinstance(time, str) else None,
            end_time=end_time if isinstance(end_time, str) else None,
            role=side if side in _SIDES else None,
            labels=clean,
            extra=_turn_extra(meta),
        )
        grouped.setdefault(conv, []).append((turn, meta.get("idx"), row.get("timestamp")))
    if not grouped:
        raise _bad(folder, "utterances.jsonl holds no utterance")
    out = []
    for conv, rows in grouped.items():
        turns = _chronological(rows)
        meta = convos.get(conv, {})
        inner: dict[str, Any] = meta["source_meta"] if isinstance(meta.get("source_meta"), dict) else meta
        source, split, tid = meta.get("source"), meta.get("split"), meta.get("talkdown_id")
        out.append(
            Transcript(
                turns=tuple(turns),
                external_id=str(tid) if tid else conv,
                source=source if isinstance(source, str) else folder.name,
                split=split if isinstance(split, str) else None,
                meta=dict(inner),
            )
        )
    return out


def _chronological(rows: Sequence[tuple[TranscriptTurn, object, object]]) -> list[TranscriptTurn]:
    """A conversation's turns in the order they were said. ConvoKit keeps no order on disk: its own
    ``Conversation.get_chronological_utterance_list`` sorts by ``timestamp``, and a corpus need not list its
    utterances that way (one built from a crawl rarely does). So: talkdown's ``meta.idx`` when every turn has
    one (a corpus talkdown wrote), else ``timestamp`` when every turn has a number (stable: ties keep the file's
    order), else the file's order, which is all there is."""
    for position in (1, 2):
        keys = [row[position] for row in rows]
        if all(isinstance(k, int | float) and not isinstance(k, bool) for k in keys):
            numbers = [float(k) for k in keys if isinstance(k, int | float)]
            return [rows[n][0] for n in sorted(range(len(rows)), key=numbers.__getitem__)]
    return [row[0] for row in rows]


def convert_convokit(folder: Path, out: Path, *, force: bool = False) -> CorpusSummary:
    """A ConvoKit corpus as a talkdown JSONL file, which ``study analyze`` and ``talkdown eval`` read. An
    ``out`` that holds something is refused (TD110) unless ``force`` (``streams.refuse_to_replace``).

    JSONL needs a role on every turn; a turn whose side ConvoKit does not record becomes ``party``
    (both sides equal), the format's neutral role, and its split ``dev`` when none is recorded.
    """
    refuse_to_replace(out, force=force)
    transcripts = read_corpus(folder)
    count = 0
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as fh:
            for t in transcripts:
                turns = tuple(TranscriptTurn(**{**vars(x), "role": x.role or "party"}) for x in t.turns)
                fixed = Transcript(
                    turns=turns, external_id=t.external_id, source=t.source, split=t.split or "dev", meta=t.meta
                )
                fh.write(render([fixed], fmt="jsonl").rstrip("\n") + "\n")
                count += len(turns)
    except OSError as exc:
        raise cannot_write(out, exc) from exc
    speakers = len({x.speaker for t in transcripts for x in t.turns})
    return CorpusSummary(out, len(transcripts), count, speakers)


def import_convokit(app: App, folder: Path, *, incident_type: IncidentType = IncidentType.BARRICADE) -> list[str]:
    """Each conversation of a ConvoKit corpus becomes a STUDY incident; all are validated before any is written."""
    extra: dict[str, JsonValue] = {"format": "convokit"}
    planned = [
        plan_incident(t, incident_type=incident_type, title="convokit", extra_meta=extra) for t in read_corpus(folder)
    ]
    at = app.clock.now()
    for incident_id, events in planned:
        app.recorder.record(incident_id, events, actor=app.actor, at=at)
    return [incident_id for incident_id, _ in planned]
