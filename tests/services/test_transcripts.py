"""Importing transcripts as incidents and exporting them again, on both backends."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from talkdown.domain.clock import FixedClock
from talkdown.domain.enums import IncidentType, Role
from talkdown.errors import TalkdownError
from talkdown.services import incidents, transcripts
from talkdown.services.entries import say
from talkdown.services.formats import render
from talkdown.services.formats.model import Transcript
from talkdown.services.wiring import App
from tests.services.formats.strategies import jsonl_transcripts

pytestmark = pytest.mark.integration
SAMPLES = Path(__file__).parents[1] / "data" / "transcripts"


@pytest.mark.parametrize("name", ["sample.txt", "sample.vtt", "sample.srt", "sample.csv", "bom.txt"])
def test_every_speaker_becomes_a_party_without_a_mapping(app: App, name: str) -> None:
    [incident_id] = transcripts.import_transcript(app, SAMPLES / name)
    state = incidents.get_incident(app, incident_id)
    assert len(state.utterances) >= 2
    speakers = {state.parties[u.speaker].name for u in state.utterances}
    assert {p.name for p in state.parties.values()} == speakers
    assert not any(u.text.startswith("\ufeff") for u in state.utterances)


def test_a_mapping_sets_roles_and_leaves_unmapped_speakers_unknown(app: App, tmp_path: Path) -> None:
    path = tmp_path / "call.txt"
    path.write_text("NEG: Hello, this is Dana.\nSUBJECT: Go away.\nMOTHER: Please, Mark.\n", encoding="utf-8")
    [incident_id] = transcripts.import_transcript(app, path, mapping={"NEG": Role.PRIMARY, "SUBJECT": Role.SUBJECT})
    roles = {p.name: p.role for p in incidents.get_incident(app, incident_id).parties.values()}
    assert roles == {"NEG": Role.PRIMARY, "SUBJECT": Role.SUBJECT, "MOTHER": Role.UNKNOWN}


def test_roleless_names_the_speakers_left_unknown_with_their_lines_and_map_names_nobody_said(
    app: App, tmp_path: Path
) -> None:
    path = tmp_path / "call.txt"
    path.write_text("NEG: Hello.\nSUBJECT: Go away.\nSUBJECT: Now.\nMOTHER: Mark.\n", encoding="utf-8")
    mapping = {"NEG": Role.PRIMARY, "Subject": Role.SUBJECT}  # a typo: the file says SUBJECT
    ids = transcripts.import_transcript(app, path, mapping=mapping)
    left = transcripts.roleless(app, ids, mapping)
    assert left.speakers == {"SUBJECT": 2, "MOTHER": 1}
    assert left.unused_map == ["Subject"]


def test_a_bad_line_names_file_and_line_and_imports_nothing(app: App, tmp_path: Path) -> None:
    path = tmp_path / "bad.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nNEG: hi\n\n2\n00:61:00,000 --> 00:62:00,000\nS: x\n")
    before = incidents.list_incidents(app)
    with pytest.raises(TalkdownError) as err:
        transcripts.import_transcript(app, path)
    assert err.value.code in {"TD101", "TD104"}
    assert err.value.fields["line"] == 6
    assert incidents.list_incidents(app) == before


def test_latin1_is_refused_with_a_hint_and_read_when_the_encoding_is_given(app: App) -> None:
    with pytest.raises(TalkdownError) as err:
        transcripts.import_transcript(app, SAMPLES / "latin1.txt")
    assert err.value.code == "TD103" and "pass --encoding latin-1" in err.value.message  # import has the option
    [incident_id] = transcripts.import_transcript(app, SAMPLES / "latin1.txt", encoding="latin-1")
    texts = " ".join(u.text for u in incidents.get_incident(app, incident_id).utterances)
    assert "José" in texts and "Ã" not in texts


def test_a_jsonl_file_with_two_conversations_makes_two_incidents_and_exports_them_back(app: App) -> None:
    ids = transcripts.import_transcript(app, SAMPLES / "sample.jsonl")
    assert len(ids) == 2
    original = (SAMPLES / "sample.jsonl").read_text(encoding="utf-8").splitlines()
    exported = [transcripts.export_transcript(app, i, fmt="jsonl").rstrip("\n") for i in ids]
    assert exported == original


def test_csv_export_keeps_labels_and_round_trips(app: App, tmp_path: Path) -> None:
    [first, _] = transcripts.import_transcript(app, SAMPLES / "sample.jsonl")
    csv_text = transcripts.export_transcript(app, first, fmt="csv")
    path = tmp_path / "again.csv"
    path.write_text(csv_text, encoding="utf-8")
    [again] = transcripts.import_transcript(app, path)
    assert transcripts.export_transcript(app, again, fmt="csv") == csv_text
    assert "label:talkdown_skill" in csv_text.splitlines()[0]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(jsonl_transcripts())
def test_export_then_import_then_export_is_byte_identical(sqlite_app: App, tmp_path: Path, t: Transcript) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text(render([t], fmt="jsonl"), encoding="utf-8")
    [first] = transcripts.import_transcript(sqlite_app, path)
    exported = transcripts.export_transcript(sqlite_app, first, fmt="jsonl")
    path.write_text(exported, encoding="utf-8")
    [second] = transcripts.import_transcript(sqlite_app, path)
    assert transcripts.export_transcript(sqlite_app, second, fmt="jsonl") == exported


def test_an_unknown_role_in_a_mapping_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text("NEG: negociator\n", encoding="utf-8")
    with pytest.raises(TalkdownError) as err:
        transcripts.read_mapping(path)
    assert err.value.code == "TD108" and "negociator" in err.value.message


def test_an_incident_logged_here_exports_the_time_since_its_first_line(app: App, clock: FixedClock) -> None:
    incident = incidents.open_incident(app, title="Elm St", incident_type=IncidentType.BARRICADE)
    say(app, incident, speaker="Dana", text="What happened tonight?", role_if_new=Role.PRIMARY)
    clock.advance(timedelta(minutes=2, seconds=30))
    say(app, incident, speaker="Mark", text="Leave me alone.", role_if_new=Role.SUBJECT)
    vtt = transcripts.export_transcript(app, incident, fmt="vtt")
    cues = [line for line in vtt.splitlines() if "-->" in line]
    # The first line's cue runs to the next line; the second starts 2 min 30 s (+ the clock's steps) later.
    assert cues[0].startswith("00:00:00.000 --> 00:02:3") and cues[1].startswith(cues[0].split(" --> ")[1])
    srt = transcripts.export_transcript(app, incident, fmt="srt")
    assert cues[1].split(" --> ")[0].replace(".", ",") in srt
    srt_cues = [line for line in srt.splitlines() if "-->" in line]
    assert srt_cues == [cue.replace(".", ",") for cue in cues]  # '00:00:00.000 --> 00:02:30,…' before
    jsonl = json.loads(transcripts.export_transcript(app, incident, fmt="jsonl"))
    assert [t["time"] for t in jsonl["turns"]] == [c.split(" --> ")[0] for c in cues]


def test_an_srt_export_imports_and_exports_again_byte_for_byte(app: App, clock: FixedClock, tmp_path: Path) -> None:
    incident = incidents.open_incident(app, title="Elm St", incident_type=IncidentType.BARRICADE)
    say(app, incident, speaker="Dana", text="What happened tonight?", role_if_new=Role.PRIMARY)
    clock.advance(timedelta(seconds=42.5))
    say(app, incident, speaker="Mark", text="Leave me alone.", role_if_new=Role.SUBJECT)
    exported = transcripts.export_transcript(app, incident, fmt="srt")
    path = tmp_path / "elm.srt"
    path.write_text(exported, encoding="utf-8")
    [imported] = transcripts.import_transcript(app, path)
    assert transcripts.export_transcript(app, imported, fmt="srt") == exported


def test_a_jsonl_export_of_an_incident_without_utterances_names_the_incident(app: App) -> None:
    incident_id = incidents.open_incident(app, title="Quiet", incident_type=IncidentType.BARRICADE)
    with pytest.raises(TalkdownError) as err:
        transcripts.export_transcript(app, incident_id, fmt="jsonl")
    assert err.value.code == "TD302" and err.value.fields["incident_id"] == incident_id
    assert transcripts.export_transcript(app, incident_id, fmt="csv").strip() == "speaker,text"
