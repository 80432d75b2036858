"""Analysis results are stored beside the log, by analyser version, and never touch the log."""

from __future__ import annotations

import pytest

from talkdown.domain.enums import IncidentType, Role
from talkdown.services import annotate, entries, incidents, verify
from talkdown.services.wiring import App

pytestmark = pytest.mark.integration


@pytest.fixture
def incident(app: App) -> str:
    incident_id = incidents.open_incident(app, title="Elm St", incident_type=IncidentType.HOSTAGE)
    entries.add_party(app, incident_id, name="Dana", role=Role.PRIMARY)
    entries.add_party(app, incident_id, name="Curtis", role=Role.SUBJECT)
    entries.say(app, incident_id, speaker="Curtis", text="If anyone comes through that door I will shoot him.")
    entries.say(app, incident_id, speaker="Dana", text="You sound really angry about how tonight went.")
    return incident_id


def test_a_threat_and_an_emotion_label_are_stored_with_evidence(app: App, incident: str) -> None:
    results = annotate.annotate_incident(app, incident)
    subject_labels = {(a.family, a.label) for a in results[4]}
    negotiator_labels = {(a.family, a.label) for a in results[5]}
    assert ("talkdown_cue", "threat") in subject_labels
    assert ("talkdown_skill", "emotion_labeling") in negotiator_labels
    threat = next(a for a in results[4] if a.label == "threat")
    text = "If anyone comes through that door I will shoot him."
    assert threat.evidence and all(0 <= s.start < s.end <= len(text) for s in threat.evidence)


def test_annotating_again_adds_nothing_and_the_log_still_verifies(app: App, incident: str) -> None:
    first = annotate.annotate_incident(app, incident)
    second = annotate.annotate_incident(app, incident)
    assert first == second
    assert verify.verify_incident(app, incident).head_seq == 5


def test_a_new_utterance_is_analysed_on_the_next_run(app: App, incident: str) -> None:
    annotate.annotate_incident(app, incident)
    seq = entries.say(app, incident, speaker="Curtis", text="I have a shotgun and nothing left to lose.")
    results = annotate.annotate_incident(app, incident)
    assert ("talkdown_cue", "weapon") in {(a.family, a.label) for a in results[seq]}
