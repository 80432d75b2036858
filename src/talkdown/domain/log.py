"""The hash chain: the only module that encodes events for hashing.

Why our own encoding: a log must verify years later, after pydantic and Python upgrades. The canonical
form is fixed here (sorted keys, no whitespace, UTF-8, no NaN, timestamps as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``,
fields equal to their defaults left out so adding an optional field never changes old hashes) and pinned
by golden-vector tests, so a library change fails a test instead of making old logs look tampered.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from talkdown.domain.events import AnyEvent, Fact

GENESIS_HASH = "0" * 64
FORMAT_VERSION = 1
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class Envelope(BaseModel):
    """One event in its place in one incident's chain."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = 1  # format version of the hashed body; parsed from it, never set by hand
    incident_id: str = Field(min_length=1, max_length=64)
    seq: int = Field(ge=1)
    at: datetime
    actor: str = Field(min_length=1, max_length=200)
    payload: AnyEvent
    prev_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")

    @property
    def kind(self) -> str:
        return self.payload.kind


def format_time(value: datetime) -> str:
    """The one timestamp spelling used in hashes, exports and the database."""
    if value.tzinfo is None:
        raise ValueError("naive datetime in an event; all times are aware UTC")
    return value.astimezone(UTC).strftime(_TIME_FORMAT)


def _plain(value: Any) -> Any:
    """Turn a model dump into JSON-safe values with our own, pinned spellings."""
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def payload_dict(payload: Fact) -> dict[str, Any]:
    """The payload as hashed: defaults left out (see module docstring), ``kind`` always kept."""
    data = _plain(payload.model_dump(mode="python", exclude_defaults=True))
    data["kind"] = payload.kind  # type: ignore[attr-defined]  # every concrete Fact declares kind
    return dict(data)


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def body_dict(*, incident_id: str, seq: int, at: datetime, actor: str, prev_hash: str, payload: Fact) -> dict[str, Any]:
    return {
        "v": FORMAT_VERSION,
        "incident_id": incident_id,
        "seq": seq,
        "at": format_time(at),
        "actor": actor,
        "prev_hash": prev_hash,
        "payload": payload_dict(payload),
    }


def canonical_bytes(*, incident_id: str, seq: int, at: datetime, actor: str, prev_hash: str, payload: Fact) -> bytes:
    """The exact bytes that are hashed (and stored, and exported) for one event."""
    body = body_dict(incident_id=incident_id, seq=seq, at=at, actor=actor, prev_hash=prev_hash, payload=payload)
    return _dumps(body).encode("utf-8")


def content_fingerprint(content: dict[str, Any]) -> str:
    """The sha256 (hex) of a JSON document in the log's canonical encoding: how an agency policy is named in the log.

    Here because this module alone encodes for hashing: one spelling, so the fingerprint a console records, the one
    ``decide`` checks and the one a report prints are the same for the same content, whatever its key order.

    >>> content_fingerprint({"b": 1, "a": "x"}) == content_fingerprint({"a": "x", "b": 1})
    True
    """
    return hashlib.sha256(_dumps(_plain(content)).encode("utf-8")).hexdigest()


def envelope_bytes(env: Envelope) -> bytes:
    return canonical_bytes(
        incident_id=env.incident_id,
        seq=env.seq,
        at=env.at,
        actor=env.actor,
        prev_hash=env.prev_hash,
        payload=env.payload,
    )


def seal(*, incident_id: str, seq: int, at: datetime, actor: str, prev_hash: str, payload: AnyEvent) -> Envelope:
    """Wrap an event in its envelope and compute its hash."""
    at = datetime.fromisoformat(format_time(at).replace("Z", "+00:00"))  # truncate to what is stored
    raw = canonical_bytes(incident_id=incident_id, seq=seq, at=at, actor=actor, prev_hash=prev_hash, payload=payload)
    return Envelope(
        incident_id=incident_id,
        seq=seq,
        at=at,
        actor=actor,
        payload=payload,
        prev_hash=prev_hash,
        hash=hashlib.sha256(raw).hexdigest(),
    )


def chain(
    events: Iterable[AnyEvent],
    *,
    incident_id: str,
    after_seq: int,
    after_hash: str,
    at: datetime,
    actor: str,
) -> list[Envelope]:
    """Seal events that follow the head ``(after_seq, after_hash)``, each linked to the one before."""
    out: list[Envelope] = []
    prev, seq = after_hash, after_seq
    for event in events:
        seq += 1
        env = seal(incident_id=incident_id, seq=seq, at=at, actor=actor, prev_hash=prev, payload=event)
        out.append(env)
        prev = env.hash
    return out


def parse_body(body: str | bytes, hash_: str) -> Envelope:
    """Rebuild an envelope from stored canonical JSON; raises ValueError on anything malformed."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    if not text.endswith("}") or '"hash"' in text[-80:]:
        raise ValueError("not a talkdown event body")
    # One validation pass straight from JSON (pydantic's Rust parser): splice the stored hash into the body.
    try:
        return Envelope.model_validate_json(text[:-1] + ',"hash":' + json.dumps(hash_) + "}")
    except ValidationError as exc:
        raise ValueError(f"{exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from exc


def export_line(env: Envelope) -> str:
    """One event as one canonical JSON line (its body plus its hash), the unit of every export."""
    body = body_dict(
        incident_id=env.incident_id,
        seq=env.seq,
        at=env.at,
        actor=env.actor,
        prev_hash=env.prev_hash,
        payload=env.payload,
    )
    body["hash"] = env.hash
    return _dumps(body)


def parse_export_line(line: str) -> Envelope:
    """Inverse of :func:`export_line`; the result still has to pass :func:`verify`."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("hash"), str):
        raise ValueError("an event line needs a 'hash'")
    hash_ = data.pop("hash")
    return parse_body(_dumps(data), hash_)


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a chain: the first broken seq, if any, and the verified head."""

    count: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify(envelopes: Iterable[Envelope], *, incident_id: str | None = None) -> Verification:
    """Recompute every hash and link; stop at the first seq that does not check out."""
    prev_hash, expected, count = GENESIS_HASH, 1, 0
    for env in envelopes:
        problem = _check(env, expected=expected, prev_hash=prev_hash, incident_id=incident_id)
        if problem:
            return Verification(count, expected - 1, prev_hash, broken_seq=expected, problem=problem)
        prev_hash, expected, count = env.hash, expected + 1, count + 1
    return Verification(count, expected - 1, prev_hash)


def _check(env: Envelope, *, expected: int, prev_hash: str, incident_id: str | None) -> str:
    if env.seq != expected:
        return f"is missing (found seq {env.seq} where seq {expected} belongs)"
    if incident_id is not None and env.incident_id != incident_id:
        return f"belongs to incident {env.incident_id}"
    if env.prev_hash != prev_hash:
        return "does not link to the event before it (prev_hash differs)"
    if hashlib.sha256(envelope_bytes(env)).hexdigest() != env.hash:
        return "does not match its hash"
    return ""
