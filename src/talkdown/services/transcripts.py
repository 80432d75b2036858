"""Import a transcript as an incident, and export an incident as a transcript.

An import is one transaction per incident built in memory first: a bad line anywhere raises before
anything is written. Every speaker becomes a party even without a mapping (role ``unknown`` until set),
because a researcher's file should never be refused for a missing option.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from talkdown.domain.enums import IncidentType, Role
from talkdown.domain.state import IncidentState
from talkdown.errors import TalkdownError
from talkdown.services._running_session import unless_ended
from talkdown.services._transcript_events import plan_incident, side_of
from talkdown.services.formats import decode, detect_format, parse, render
from talkdown.services.formats.model import Transcript, TranscriptTurn, format_stamp
from talkdown.services.incidents import get_incident, resolve_incident_id
from talkdown.services.wiring import App


def read_mapping(path: Path) -> dict[str, Role]:
    """A speaker-to-role file: YAML or JSON object ``{speaker: role}``."""
    try:
        data = yaml.safe_load(decode(path.read_bytes(), file=str(path)))
    except (OSError, yaml.YAMLError) as exc:
        raise TalkdownError("TD108", file=str(path), problem=str(exc).splitlines()[0]) from exc
    except RecursionError:  # '[[[[...' thousands deep: PyYAML composes one nested call per level
        raise TalkdownError("TD108", file=str(path), problem="the YAML is nested too deeply") from None
    if not isinstance(data, dict):
        raise TalkdownError("TD108", file=str(path), problem="expected a mapping of speaker: role")
    return {str(k): parse_role(str(v), file=str(path)) for k, v in data.items()}


def _role_named(value: str) -> Role | None:
    aliases = {"primary": Role.PRIMARY, "secondary": Role.SECONDARY, "negotiator": Role.PRIMARY}
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    return aliases.get(key) or next((r for r in Role if r.value == key), None)


def parse_role(value: str, *, file: str = "--map") -> Role:
    """A role in a speaker mapping (``--map``, ``--map-file``); TD108 names the mapping."""
    role = _role_named(value)
    if role is None:
        choices = ", ".join(r.value for r in Role)
        raise TalkdownError("TD108", file=file, problem=f"unknown role '{value}' (use one of: {choices})")
    return role


def parse_party_role(value: str) -> Role:
    """A role typed for one party (``party --role``, ``say --role``): TD105, since no speaker mapping is involved
    (``parse_role``'s TD108 said 'Speaker mapping --map' to a scribe who had typed no mapping)."""
    role = _role_named(value)
    if role is None:
        choices = ", ".join(r.value for r in Role)
        raise TalkdownError("TD105", value=value, what="role", problem=f"use one of: {choices}")
    return role


def import_transcript(
    app: App,
    path: Path,
    *,
    fmt: str | None = None,
    encoding: str | None = None,
    mapping: Mapping[str, Role] | None = None,
    incident_type: IncidentType = IncidentType.BARRICADE,
    title: str | None = None,
    start: datetime | None = None,
) -> list[str]:
    """Create one incident per conversation in the file; returns their ids. Writes nothing on error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TalkdownError("TD107", file=str(path), problem=exc.strerror or str(exc)) from exc
    text = decode(raw, file=str(path), encoding=encoding, option="--encoding")
    fmt = fmt or detect_format(path.name, text)
    transcripts = parse(text, fmt=fmt, file=str(path))
    if not transcripts:
        raise TalkdownError("TD102", file=str(path), problem="no conversation found")
    planned = [
        plan_incident(t, mapping=mapping, incident_type=incident_type, title=title or path.stem, start=start)
        for t in transcripts
    ]
    ids = []
    at = app.clock.now()
    for incident_id, events in planned:
        app.recorder.record(incident_id, events, actor=app.actor, at=at)
        ids.append(incident_id)
    return ids


@dataclass(frozen=True)
class Roleless:
    """What an import left for the user to settle: speakers with role ``unknown`` (their lines get no skill or cue
    analysis, since talkdown does not guess a side into the record) and ``--map`` names nobody in the file said."""

    speakers: dict[str, int]
    unused_map: list[str]


def roleless(app: App, ids: list[str], mapping: Mapping[str, Role]) -> Roleless:
    """Read back from the stored incidents, so the answer is what the log holds, not what the import meant."""
    lines: Counter[str] = Counter()
    named: set[str] = set()
    for incident_id in ids:
        state = get_incident(app, incident_id)
        named.update(p.name for p in state.parties.values())
        unknown = {p.party_id: p.name for p in state.parties.values() if p.role is Role.UNKNOWN}
        lines.update(unknown[u.speaker] for u in state.utterances if u.speaker in unknown)
    return Roleless(speakers=dict(lines), unused_map=sorted(set(mapping) - named))


def _elapsed(when: datetime, start: datetime) -> str:
    return format_stamp((when - start).total_seconds(), decimal=".")


def transcript_of(state: IncidentState) -> Transcript:
    """An incident's utterances as a transcript; retracted utterances are left out, corrections applied.

    Times: an imported incident keeps each line's time as written (or none, so its file round-trips byte for
    byte). An incident logged here gives each line the time since its first line was said (``hh:mm:ss.mmm``), so
    a subtitle export follows the call's real pace rather than cues invented two seconds apart, and a JSONL or
    CSV export carries the timing."""
    said = [utt for utt in state.utterances if not utt.retracted]
    logged_here = not state.source_meta and not any(utt.source_time for utt in said)
    start = min((utt.when for utt in said), default=None) if logged_here else None
    turns = []
    for utt in said:
        party = state.parties.get(utt.speaker)
        extra = dict(utt.extra)
        role = extra.pop("role", None)
        end_time = extra.pop("end_time", None)
        if role is None and party is not None:
            role = side_of(party.role) or "party"
        turns.append(
            TranscriptTurn(
                speaker=party.name if party else utt.speaker,
                text=utt.text,
                time=_elapsed(utt.when, start) if start is not None else utt.source_time,
                end_time=end_time if isinstance(end_time, str) else None,
                role=role if isinstance(role, str) else None,
                labels=utt.labels,
                extra=extra,
            )
        )
    meta = state.source_meta.get("meta")
    split = state.source_meta.get("split")
    return Transcript(
        turns=tuple(turns),
        external_id=state.external_id or state.incident_id,
        source=state.source or "talkdown",
        split=split if isinstance(split, str) else "dev",
        meta=meta if isinstance(meta, dict) else {},
    )


def export_transcript(app: App, ref: str, *, fmt: str) -> str:
    """The incident's utterances in a transcript format. A JSONL conversation needs at least one turn (its reader
    refuses an empty one), so an incident with none yet is a TD302 about the incident, where the renderer's own
    check spoke of a 'transcript 1' the user never gave."""
    # A running training session's subject intent stays out: the trainee could read it here (_running_session).
    state = unless_ended(app.recorder.current(resolve_incident_id(app, ref)))
    transcript = transcript_of(state)
    if fmt == "jsonl" and not transcript.turns:
        problem = "it has no utterances yet, and a JSONL conversation needs one (--format events exports the log)"
        raise TalkdownError("TD302", incident_id=state.incident_id, problem=problem)
    return render([transcript], fmt=fmt)
