"""The hash chain: canonical bytes are pinned, and every kind of tampering is named by seq."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import JsonValue

from talkdown.domain.decide import decide
from talkdown.domain.enums import IncidentType
from talkdown.domain.events import AdvicePolicyRecorded, AnyEvent, IncidentOpened, UtteranceLogged
from talkdown.domain.log import (
    GENESIS_HASH,
    Envelope,
    canonical_bytes,
    chain,
    content_fingerprint,
    export_line,
    parse_body,
    parse_export_line,
    verify,
)
from talkdown.domain.state import IncidentState, replay
from talkdown.errors import TalkdownError
from tests.strategies import event_sequences

AT = datetime(2026, 3, 14, 19, 42, 0, 123456, tzinfo=UTC)


def _seal(events: list[AnyEvent]) -> list[Envelope]:
    decide(IncidentState(), events)
    return chain(events, incident_id="abc123", after_seq=0, after_hash=GENESIS_HASH, at=AT, actor="user:test")


def test_canonical_bytes_match_the_golden_vector() -> None:
    # Pinned: if a library upgrade changes these bytes, old logs would look tampered. Never update casually.
    raw = canonical_bytes(
        incident_id="abc123",
        seq=1,
        at=AT,
        actor="user:test",
        prev_hash=GENESIS_HASH,
        payload=IncidentOpened(title="Barricade, Elm St — José", incident_type=IncidentType.HOSTAGE),
    )
    assert (
        raw
        == (
            '{"actor":"user:test","at":"2026-03-14T19:42:00.123456Z","incident_id":"abc123","payload":'
            '{"incident_type":"hostage","kind":"incident_opened","title":"Barricade, Elm St — José"},'
            '"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","seq":1,"v":1}'
        ).encode()
    )
    assert hashlib.sha256(raw).hexdigest() == "0110c6328539bc5bd6a4f0b4b035e42dd580b12efe1b7d0498a06df909f25a84"


def test_a_sealed_chain_verifies_and_reports_its_head() -> None:
    envs = _seal([IncidentOpened(title="t", incident_type=IncidentType.BARRICADE)])
    result = verify(envs)
    assert result.ok
    assert (result.count, result.head_seq, result.head_hash) == (1, 1, envs[0].hash)


def test_verify_names_the_seq_whose_text_was_changed() -> None:
    opened = IncidentOpened(title="t", incident_type=IncidentType.BARRICADE)
    from talkdown.domain.events import PartyAdded

    envs = _seal(
        [
            opened,
            PartyAdded(party_id="s", name="Subject"),
            UtteranceLogged(speaker="s", text="I want a car"),
            UtteranceLogged(speaker="s", text="now"),
        ]
    )
    forged = envs[2].model_copy(update={"payload": UtteranceLogged(speaker="s", text="I want a cab")})
    result = verify([envs[0], envs[1], forged, envs[3]])
    assert result.broken_seq == 3
    assert "hash" in result.problem


@given(event_sequences())
def test_any_event_sequence_replays_to_the_same_state(events: list[AnyEvent]) -> None:
    envs = _seal(events)
    assert replay(envs) == replay(envs)
    reparsed = [parse_body(canonical_bytes(**_fields(e)), e.hash) for e in envs]
    assert reparsed == envs
    assert replay(reparsed) == replay(envs)


def _fields(env: Envelope) -> dict[str, object]:
    return {
        "incident_id": env.incident_id,
        "seq": env.seq,
        "at": env.at,
        "actor": env.actor,
        "prev_hash": env.prev_hash,
        "payload": env.payload,
    }


@given(event_sequences(max_size=8), st.data())
def test_any_single_changed_byte_in_an_exported_line_is_detected(events: list[AnyEvent], data: st.DataObject) -> None:
    envs = _seal(events)
    lines = [export_line(e).encode() for e in envs]
    index = data.draw(st.integers(0, len(lines) - 1))
    raw = bytearray(lines[index])
    pos = data.draw(st.integers(0, len(raw) - 1))
    raw[pos] = (raw[pos] + data.draw(st.integers(1, 255))) % 256
    try:
        tampered = parse_export_line(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return  # unreadable: detected
    result = verify([*envs[:index], tampered, *envs[index + 1 :]])
    assert not result.ok
    assert result.broken_seq is not None and result.broken_seq <= index + 1


@given(event_sequences(max_size=8), st.data())
def test_a_deleted_or_swapped_event_is_named_by_seq(events: list[AnyEvent], data: st.DataObject) -> None:
    envs = _seal(events)
    i = data.draw(st.integers(0, len(envs) - 2))
    deleted = envs[:i] + envs[i + 1 :]
    swapped = [*envs[:i], envs[i + 1], envs[i], *envs[i + 2 :]]
    tampered = deleted if data.draw(st.booleans()) else swapped
    result = verify(tampered)
    assert result.broken_seq == i + 1


def test_a_naive_datetime_is_refused_at_sealing() -> None:
    with pytest.raises(ValueError, match="naive"):
        chain(
            [IncidentOpened(title="t", incident_type=IncidentType.BARRICADE)],
            incident_id="x",
            after_seq=0,
            after_hash=GENESIS_HASH,
            at=datetime(2026, 1, 1),  # noqa: DTZ001
            actor="user:test",
        )


def test_a_recorded_policy_is_named_by_the_sha256_of_its_content_in_any_key_order_and_verifies() -> None:
    content: dict[str, JsonValue] = {"agency": "Harrow", "no_concessions": True, "rules": {}}
    fingerprint = content_fingerprint(content)
    assert fingerprint == content_fingerprint(dict(reversed(content.items())))
    expected = hashlib.sha256(b'{"agency":"Harrow","no_concessions":true,"rules":{}}').hexdigest()
    assert fingerprint == expected  # the log's canonical encoding, not a library default
    opened = IncidentOpened(title="Bank", incident_type=IncidentType.HOSTAGE)
    envelopes = _seal([opened, AdvicePolicyRecorded(fingerprint=fingerprint, content=content, file="harrow.yaml")])
    verify(envelopes)
    assert replay(envelopes).advice_policy == envelopes[1].payload


def test_decide_refuses_a_policy_whose_fingerprint_names_other_content() -> None:
    opened = IncidentOpened(title="Bank", incident_type=IncidentType.HOSTAGE)
    other = content_fingerprint({"agency": "Someone else"})
    with pytest.raises(TalkdownError) as refused:
        decide(IncidentState(), [opened, AdvicePolicyRecorded(fingerprint=other, content={"agency": "Harrow"})])
    assert refused.value.code == "TD302"
