"""Analysis results are stored beside the log, by analyser version, and never touch the log."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from talkdown.analysis.change_talk import ChangeTalkAnalyzer
from talkdown.analysis.cues import CueAnalyzer
from talkdown.analysis.pipeline import FAILED_FAMILY, Pipeline
from talkdown.analysis.skills import SkillAnalyzer
from talkdown.analysis.strategy import StrategyAnalyzer
from talkdown.domain.annotations import Annotation
from talkdown.domain.clock import FixedClock
from talkdown.domain.enums import IncidentType, Role
from talkdown.services import annotate, entries, incidents, live, verify
from talkdown.services.wiring import App, build_app
from talkdown.settings import Settings
from tests.models_extra import finish_install, half_installed_strategy, needs_strategy_graph

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


def _cues(results: dict[int, list[Annotation]], seq: int) -> set[str]:
    return {a.label for a in results[seq] if a.family == "talkdown_cue"}


def test_a_corrected_line_is_analysed_again_and_its_old_analysis_is_no_longer_its_own(app: App, incident: str) -> None:
    # Keyed by seq alone, a line corrected from "kill myself" to "grab a smoke" kept its suicide cue on the board,
    # in analyze --incident and in the API, while the advice (computed afresh) said nothing.
    seq = entries.say(app, incident, speaker="Curtis", text="I'm going to kill myself tonight.")
    assert "suicide_cue" in _cues(annotate.annotate_incident(app, incident), seq)
    assert "suicide_cue" in _cues(live.annotations_of(app, incident), seq)
    entries.correct_entry(
        app, incident, ref_seq=seq, field="text", value="I'm going to grab a smoke.", reason="misheard"
    )
    assert "suicide_cue" not in _cues(annotate.annotate_incident(app, incident), seq)
    assert "suicide_cue" not in _cues(live.annotations_of(app, incident, [seq]), seq)
    assert "suicide_cue" not in _cues(live.annotations_of(app, incident), seq)
    entries.correct_entry(
        app, incident, ref_seq=seq, field="text", value="I'm going to kill myself tonight.", reason="x"
    )
    assert "suicide_cue" in _cues(annotate.annotate_incident(app, incident), seq)  # the first rows are its own again


def test_a_role_given_to_the_speaker_has_his_lines_analysed_as_that_side(app: App, incident: str) -> None:
    entries.add_party(app, incident, name="Voice", role=Role.UNKNOWN)
    seq = entries.say(app, incident, speaker="Voice", text="You have until nine or I shoot the hostage.")
    live.analyse_pending(app, incident)
    assert "threat" not in _cues(live.annotations_of(app, incident), seq)  # an unknown speaker's cues are not read
    entries.set_party_role(app, incident, party="Voice", role=Role.SUBJECT)
    live.analyse_pending(app, incident)
    assert "threat" in _cues(live.annotations_of(app, incident), seq)


def test_a_clock_time_he_says_is_read_on_the_teams_wall_clock(tmp_path: Path, clock: FixedClock) -> None:
    """The README: times are shown, and a typed clock time is read, in TALKDOWN_TIMEZONE. A clock time the subject
    said was read against the line's UTC instant instead, so 'until nine' said at 14:42 in Chicago became 21:00
    UTC (16:00 there): a countdown five hours short on the board of any team not on UTC. Both paths are checked:
    'talkdown analyze --incident' and the console's (live.analyse_pending)."""
    chicago = ZoneInfo("America/Chicago")
    settings = Settings(data_dir=tmp_path / "data", checkpoint_dir=tmp_path / "cp", actor="user:test",
                        timezone="America/Chicago")  # fmt: skip
    app = build_app(settings, clock=clock)
    try:
        for analyse in (annotate.annotate_incident, _analysed_by_the_console):
            incident_id = incidents.open_incident(app, title="Elm St", incident_type=IncidentType.BARRICADE)
            entries.add_party(app, incident_id, name="Curtis", role=Role.SUBJECT)
            seq = entries.say(app, incident_id, speaker="Curtis", text="You have until nine or he gets hurt.")
            said = incidents.get_incident(app, incident_id).utterance_at(seq)
            assert said is not None and said.at.astimezone(chicago).hour == 14
            [due] = [a.detail["due_at"] for a in analyse(app, incident_id)[seq] if a.label == "deadline"]
            assert datetime.fromisoformat(str(due)) == datetime(2026, 3, 14, 21, 0, tzinfo=chicago)
    finally:
        app.store.engine.dispose()


def test_a_deadline_he_gives_as_hours_and_minutes_two_minutes_away_is_advised_on_the_board(
    tmp_path: Path, clock: FixedClock
) -> None:
    """'Until 2:44' said at 14:42 was read as 02:44 the next morning (a digit time with minutes had no am/pm
    reading), so the board counted down twelve hours and the advisor, whose warning window is 15 minutes,
    showed only the high-risk factors: the team was not told its deadline was two minutes away."""
    chicago = ZoneInfo("America/Chicago")
    settings = Settings(data_dir=tmp_path / "data", checkpoint_dir=tmp_path / "cp", actor="user:test",
                        timezone="America/Chicago")  # fmt: skip
    app = build_app(settings, clock=clock)
    try:
        incident_id = incidents.open_incident(app, title="Elm St", incident_type=IncidentType.HOSTAGE)
        entries.add_party(app, incident_id, name="Curtis", role=Role.SUBJECT)
        seq = entries.say(app, incident_id, speaker="Curtis", text="You have until 2:44 or I shoot the hostage.")
        live.analyse_pending(app, incident_id)
        marked = live.mark_from_line(app, incident_id, seq=seq, mark=live.Mark.DEADLINE)
        deadline = incidents.get_incident(app, incident_id).deadlines[marked.entity_id]
        assert deadline.due_at == datetime(2026, 3, 14, 14, 44, tzinfo=chicago)
        advice = {a.rule_id: a for a in live.board_view(app, incident_id).advice}
        assert "deadline_approaching" in advice
        assert "14:44 CDT" in advice["deadline_approaching"].about
    finally:
        app.store.engine.dispose()


def _analysed_by_the_console(app: App, incident_id: str) -> dict[int, list[Annotation]]:
    live.analyse_pending(app, incident_id)
    return live.annotations_of(app, incident_id)


def test_advice_metrics_and_the_report_read_each_line_as_the_board_does(app: App, incident: str) -> None:
    # derived.annotations_for read 20 turns of context where the board's analysis reads 12, a speaker with no role
    # as "party" where the board reads "unknown", and no clock, so "until nine" had no time: the report's stairway
    # and cues could differ from what the team saw on the board.
    from talkdown.services import derived

    entries.add_party(app, incident, name="Voice", role=Role.UNKNOWN)
    entries.say(app, incident, speaker="Voice", text="Tell them to back off.")
    for n in range(14):
        entries.say(app, incident, speaker="Dana" if n % 2 else "Curtis", text=f"Line {n}: you have until nine.")
    live.analyse_pending(app, incident)
    board = live.annotations_of(app, incident)
    fresh = derived.annotations_for(app, incidents.get_incident(app, incident))
    assert board.keys() == fresh.keys()
    for seq, anns in fresh.items():
        assert _read(anns) == _read(board[seq]), seq


def _read(anns: Sequence[Annotation]) -> set[tuple[str, str, str]]:
    return {(a.family, a.label, json.dumps(a.detail, sort_keys=True)) for a in anns}


# A model that could not run once (its file still being copied in) must not leave the line without its analysis.


@needs_strategy_graph
def test_analyze_again_retries_a_line_whose_model_could_not_run_and_reads_its_result_not_the_failure(
    app: App, incident: str, tmp_path: Path
) -> None:
    extra = half_installed_strategy(tmp_path)
    pipe = Pipeline((SkillAnalyzer(), StrategyAnalyzer(extra_dir=extra)), on_error="record")
    first = annotate.annotate_incident(app, incident, pipeline=pipe)
    assert {(a.family, a.label) for a in first[5] if a.family == FAILED_FAMILY} == {(FAILED_FAMILY, "strategy")}
    finish_install(extra)
    again = annotate.annotate_incident(app, incident, pipeline=pipe)
    assert {a.family for a in again[5]} == {"talkdown_skill", "esconv_strategy"}  # the failure is settled
    assert annotate.failed_lines(app, pipe, incident) == {}
    stored = app.annotations.list(incident, annotate.versions(pipe), seqs=[5])
    (rows,) = stored.values()
    assert sum(a.family == "talkdown_skill" for a in rows) == sum(a.family == "talkdown_skill" for a in first[5])


class _OldCues(CueAnalyzer):
    version = "0.0.1"


def test_after_an_upgrade_that_changes_some_analysers_every_line_is_analysed_by_the_new_ones(
    app: App, incident: str
) -> None:
    # A line counted as analysed when it held any row of the current versions: after an upgrade that changed the
    # cue analyser and not the change-talk one, the lines kept their change-talk rows, the new cue analyser never
    # ran on them, and the board and `analyze --incident` showed no cue at all on the incidents logged before.
    before = Pipeline((ChangeTalkAnalyzer(), _OldCues()), on_error="record")
    old = annotate.annotate_incident(app, incident, pipeline=before)
    assert {(a.analyzer_version, a.label) for a in old[4] if a.family == "talkdown_cue"} == {("0.0.1", "threat")}
    after = Pipeline((ChangeTalkAnalyzer(), CueAnalyzer()), on_error="record")
    new = annotate.annotate_incident(app, incident, pipeline=after)
    assert {(a.analyzer_version, a.label) for a in new[4] if a.family == "talkdown_cue"} == {
        (CueAnalyzer.version, "threat")
    }
    assert annotate.unanalysed(app, incidents.get_incident(app, incident), after) == []
    assert not any(a.family == annotate.DONE_FAMILY for anns in new.values() for a in anns)  # never shown


def test_a_line_that_lists_two_demands_stores_and_shows_both_items(app: App) -> None:
    # The table's key (analyser, version, family, label) dropped a line's second demand: the board showed the
    # cigarettes and not the car, while the advice, which analyses afresh, warned about both.
    incident_id = incidents.open_incident(app, title="Bank", incident_type=IncidentType.HOSTAGE)
    seq = entries.say(
        app,
        incident_id,
        speaker="Curtis",
        text="I want cigarettes and food. And I want a car.",
        role_if_new=Role.SUBJECT,
    )
    pipe = Pipeline((CueAnalyzer(),), on_error="record")
    items = [a.detail["item"] for a in annotate.annotate_incident(app, incident_id, pipeline=pipe)[seq]]
    assert items == ["cigarettes and food", "a car"]
    annotate.annotate_incident(app, incident_id, pipeline=pipe)  # stored again: no-ops, nothing doubled
    (rows,) = app.annotations.list(incident_id, annotate.versions(pipe)).values()
    assert [a.detail["item"] for a in rows if a.label == "demand"] == ["cigarettes and food", "a car"]


class _CountedCues(CueAnalyzer):
    """The cue analyser, counting how often its version is read (``Pipeline.describe`` reads it for ``versions``)."""

    def __init__(self) -> None:
        super().__init__()
        self.read = 0

    def effective_version(self) -> str:
        self.read += 1
        return self.version


def test_a_batch_reads_the_pipelines_versions_as_often_for_ten_lines_as_for_two(app: App, incident: str) -> None:
    # The versions and the pipeline's mark were built again for every line (~60 µs each): fixed per pipeline,
    # they are read once per batch, so a backlog costs the same few reads as one line.
    cues = _CountedCues()
    pipe = Pipeline((cues,), on_error="record")
    annotate.annotate_incident(app, incident, pipeline=pipe)  # its two lines
    two = cues.read
    for n in range(10):
        entries.say(app, incident, speaker="Curtis", text=f"I want a car in {n + 10} minutes.")
    cues.read = 0
    after = annotate.annotate_incident(app, incident, pipeline=pipe)
    assert cues.read == two
    assert sum(any(a.label == "demand" for a in anns) for anns in after.values()) == 10  # all ten were analysed
    for n in range(10):
        entries.say(app, incident, speaker="Curtis", text=f"Nobody comes in for {n + 10} minutes.")
    cues.read = 0
    assert live.analyse_pending(app, incident, pipeline=pipe) == 10  # the console's path reads them once too
    assert cues.read <= two
