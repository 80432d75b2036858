"""The shared JSONL conversation format (``/work/shared/data/README.md``): one conversation per line.

This is the only lossless format: every field of :class:`Transcript` and :class:`TranscriptTurn` has a place.
A conversation has exactly ``id``, ``source``, ``split``, ``meta`` and ``turns`` (TD101 otherwise). A turn has
``idx`` (its position), ``speaker``, ``role``, ``text`` and ``labels``; ``time`` is kept as written (AnnoMI has
``00:09:025``, so it is not checked), ``end_time`` (talkdown's addition, absent from the shared files) fills
``TranscriptTurn.end_time``, and ``votes``, ``feedback`` and any key the contract does not know go to ``extra``
rather than being dropped. Render writes keys in the order of the shared files and ``json.dumps`` with
``ensure_ascii=False`` and default separators, as they were written, so a line parsed from them renders to the
same bytes. Rendering needs ``external_id``, ``source``, ``split`` and every ``role`` (TD105 otherwise), because
tools such as ``talkdown eval`` rely on them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, NoReturn

from talkdown.domain.text import first_surrogate
from talkdown.errors import TalkdownError

from .model import JSONValue, Transcript, TranscriptTurn

FORMAT = "jsonl"
_CONVERSATION_KEYS = ("id", "source", "split", "meta", "turns")
_TURN_CORE = ("idx", "speaker", "role", "text", "time", "end_time", "labels")
_TURN_TAIL = ("votes", "feedback")
_CONVOKIT_UTTERANCE = frozenset({"id", "conversation_id", "speaker", "text"})
"""Keys every line of a ConvoKit ``utterances.jsonl`` has: a folder of corpora given to ``study analyze`` or a
corpus file given to ``import`` met "Fix the line", when the line is right and the file is another format."""


class _Invalid(Exception):
    """A problem inside one line; ``parse`` adds the file and line number."""


def parse(text: str, *, file: str) -> list[Transcript]:
    """Read every conversation of a JSONL file; blank lines are skipped."""
    transcripts: list[Transcript] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            transcripts.append(_conversation(_load(line)))
        except _Invalid as problem:
            raise TalkdownError("TD101", file=file, line=number, problem=str(problem)) from None
    if not transcripts:
        raise TalkdownError("TD102", file=file, problem="the file holds no conversation")
    return transcripts


def _load(line: str) -> Any:
    """The raw JSON of one line: ``Any`` until ``_conversation`` has checked its shape."""

    def refuse_constant(name: str) -> NoReturn:
        raise _Invalid(f"{name} is not valid JSON")

    def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        found = dict(pairs)
        if len(found) != len(pairs):
            raise _Invalid("an object repeats a key")
        return found

    try:
        return json.loads(line, parse_constant=refuse_constant, object_pairs_hook=unique_keys)
    except RecursionError:
        raise _Invalid("the JSON is nested too deeply") from None
    except json.JSONDecodeError as error:
        # Its own words say "line 1 column 2 (char 1)" of the one line it was given, after the file's line number
        # ("bad.jsonl line 7: ... line 1 column 2"): the column alone, as `talkdown eval` says it.
        raise _Invalid(f"not valid JSON ({error.msg}, column {error.colno})") from None
    except ValueError as error:  # int() refusing thousands of digits
        raise _Invalid(f"not valid JSON ({str(error).partition(':')[0]})") from None


def _conversation(raw: object) -> Transcript:
    if not isinstance(raw, dict):
        raise _Invalid("a line must hold one JSON object")
    if tuple(sorted(raw)) != tuple(sorted(_CONVERSATION_KEYS)):
        found = f"a conversation has exactly the keys {', '.join(_CONVERSATION_KEYS)}; found {', '.join(raw)}"
        if raw.keys() >= _CONVOKIT_UTTERANCE:
            found += (
                " (a ConvoKit utterance: this is a corpus's utterances.jsonl; convert its folder with "
                "'talkdown study import-convokit FOLDER --jsonl FILE')"
            )
        raise _Invalid(found)
    ident, source, split, meta, turns = (raw[key] for key in _CONVERSATION_KEYS)
    if not isinstance(ident, str) or not ident:
        raise _Invalid("'id' must be a non-empty string")
    if not isinstance(source, str) or not isinstance(split, str):
        raise _Invalid("'source' and 'split' must be strings")
    if not isinstance(meta, dict):
        raise _Invalid("'meta' must be an object")
    if not isinstance(turns, list) or not turns:
        raise _Invalid("'turns' must be a non-empty array")
    return Transcript(tuple(_turn(turn, index) for index, turn in enumerate(turns)), ident, source, split, meta)


def _turn(raw: object, index: int) -> TranscriptTurn:
    where = f"turn {index}"
    if not isinstance(raw, dict):
        raise _Invalid(f"{where} must be an object")
    missing = [key for key in ("idx", "speaker", "role", "text", "labels") if key not in raw]
    if missing:
        raise _Invalid(f"{where} has no '{missing[0]}'")
    if type(raw["idx"]) is not int or raw["idx"] != index:
        raise _Invalid(f"{where} has 'idx' {raw['idx']!r}; it must equal its position {index}")
    if not isinstance(raw["speaker"], str) or not raw["speaker"]:
        raise _Invalid(f"{where}: 'speaker' must be a non-empty string")
    for key in ("role", "text"):
        if not isinstance(raw[key], str):
            raise _Invalid(f"{where}: '{key}' must be a string")
    for key in ("speaker", "role", "text"):
        at = first_surrogate(raw[key])
        if at is not None:  # a "\udcff" escape: valid JSON, but no Unicode text, and no store or Parquet file takes it
            raise _Invalid(f"{where}: '{key}' holds a lone surrogate escape at character {at}, which is not text")
    for key in ("time", "end_time"):
        if key in raw and not isinstance(raw[key], str):
            raise _Invalid(f"{where}: '{key}' must be a string")
    if "feedback" in raw and type(raw["feedback"]) is not int:
        raise _Invalid(f"{where}: 'feedback' must be an integer")
    return TranscriptTurn(
        raw["speaker"],
        raw["text"],
        time=raw.get("time"),
        end_time=raw.get("end_time"),
        role=raw["role"],
        labels=_labels(raw["labels"], where),
        extra={key: value for key, value in raw.items() if key not in _TURN_CORE},
    )


def _labels(raw: object, where: str) -> dict[str, list[str]]:
    if not isinstance(raw, dict):
        raise _Invalid(f"{where}: 'labels' must be an object")
    for family, labels in raw.items():
        if not isinstance(labels, list) or not all(isinstance(label, str) for label in labels):
            raise _Invalid(f"{where}: labels of '{family}' must be a list of strings")
    return raw


def render(transcripts: Sequence[Transcript]) -> str:
    """Write one line per transcript, byte-identical to the shared files for what was parsed from them."""
    return "".join(json.dumps(_conversation_object(t, n), ensure_ascii=False) + "\n" for n, t in enumerate(transcripts))


def _conversation_object(transcript: Transcript, number: int) -> dict[str, JSONValue]:
    def refuse(problem: str) -> TalkdownError:
        return TalkdownError("TD105", value=f"transcript {number + 1}", what="JSONL conversation", problem=problem)

    if not transcript.external_id or transcript.source is None or transcript.split is None:
        raise refuse("it needs an id, a source and a split; set them before exporting")
    if not transcript.turns:
        raise refuse("it has no turns")
    turns: list[JSONValue] = []
    for index, turn in enumerate(transcript.turns):
        if turn.role is None:
            raise refuse(f"turn {index} ('{turn.speaker}') has no role; map speakers to roles first")
        turns.append(_turn_object(turn, index))
    return {
        "id": transcript.external_id,
        "source": transcript.source,
        "split": transcript.split,
        "meta": transcript.meta,
        "turns": turns,
    }


def _turn_object(turn: TranscriptTurn, index: int) -> dict[str, JSONValue]:
    out: dict[str, JSONValue] = {"idx": index, "speaker": turn.speaker, "role": turn.role, "text": turn.text}
    if turn.time is not None:
        out["time"] = turn.time
    if turn.end_time is not None:
        out["end_time"] = turn.end_time
    out["labels"] = {family: list[JSONValue](labels) for family, labels in turn.labels.items()}
    out.update({key: turn.extra[key] for key in _TURN_TAIL if key in turn.extra})
    out.update({key: value for key, value in turn.extra.items() if key not in _TURN_TAIL and key not in _TURN_CORE})
    return out
