"""The policy in force, recorded in the incident's log where advice is computed (``derived.record_policy_in_force``).

Why: the after-action report replays the advice; without the policy in the log it replayed under the file in
force when the report was made, so a report made after the agency changed its file said the team's board had
shown advice it never showed.
"""

from __future__ import annotations

from pathlib import Path

from talkdown.domain.enums import DemandCategory, IncidentType
from talkdown.domain.events import AdvicePolicyRecorded
from talkdown.services import entries, incidents
from talkdown.services.advise import advise_incident
from talkdown.services.derived import POLICY_ACTOR
from talkdown.services.live import board_view
from talkdown.services.wiring import App, build_app

BARRED = "policy_bars_concession"


def _with_policy(app: App, policy: Path | None, **changes: object) -> App:
    """Another process on the same database, as a console or a command started with another policy would be."""
    return build_app(app.settings.model_copy(update={"policy_file": policy, **changes}), clock=app.clock)


def _policy_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _recorded(app: App, incident_id: str) -> list[tuple[int, str, AdvicePolicyRecorded]]:
    return [
        (env.seq, env.actor, env.payload)
        for env in app.store.load(incident_id)
        if isinstance(env.payload, AdvicePolicyRecorded)
    ]


def _ransom_incident(app: App) -> tuple[str, str]:
    incident_id = incidents.open_incident(app, title="Bank", incident_type=IncidentType.HOSTAGE)
    demand_id, _ = entries.record_demand(app, incident_id, item="a million dollars", category=DemandCategory.MONEY)
    return incident_id, demand_id


def test_advice_records_the_policy_once_with_its_content_and_fingerprint(app: App, tmp_path: Path) -> None:
    harrow = _with_policy(app, _policy_file(tmp_path, "harrow.yaml", "agency: Harrow\nno_concessions: true\n"))
    incident_id, _ = _ransom_incident(harrow)
    first = advise_incident(harrow, incident_id)
    advise_incident(harrow, incident_id)
    board_view(harrow, incident_id)
    [(seq, actor, event)] = _recorded(harrow, incident_id)
    assert actor == POLICY_ACTOR and event.file == "harrow.yaml"
    assert event.content["agency"] == "Harrow" and event.content["no_concessions"] is True
    assert harrow.policy is not None and event.fingerprint == harrow.policy.fingerprint
    assert first.head_seq == seq  # the answer names the head the record made


def test_a_commands_policy_is_a_what_if_and_is_not_recorded(app: App, tmp_path: Path) -> None:
    harrow = _with_policy(app, _policy_file(tmp_path, "harrow.yaml", "agency: Harrow\n"))
    incident_id, _ = _ransom_incident(harrow)
    other = _policy_file(tmp_path, "other.yaml", "agency: Visiting team\nno_concessions: true\n")
    advise_incident(harrow, incident_id, policy_file=other)
    assert _recorded(harrow, incident_id) == []
    advise_incident(harrow, incident_id)
    [(_, _, event)] = _recorded(harrow, incident_id)
    assert event.file == "harrow.yaml" and event.content["agency"] == "Harrow"


def test_with_no_policy_file_opening_a_board_writes_nothing_until_a_file_was_recorded(app: App, tmp_path: Path) -> None:
    # A log that records no policy followed the doctrine defaults: the demo and most teams never write a record,
    # and a board's first look is not an entry in the log. The defaults are recorded after another policy only.
    incident_id, _ = _ransom_incident(app)
    head = incidents.get_incident(app, incident_id).head_seq
    board_view(app, incident_id)
    advise_incident(app, incident_id)
    assert _recorded(app, incident_id) == [] and incidents.get_incident(app, incident_id).head_seq == head
    board_view(_with_policy(app, _policy_file(tmp_path, "harrow.yaml", "agency: Harrow\n")), incident_id)
    entries.add_note(app, incident_id, text="Harrow's file withdrawn")
    board_view(app, incident_id)
    assert [event.file for _, _, event in _recorded(app, incident_id)] == ["harrow.yaml", None]


def test_two_consoles_with_different_policies_record_a_switch_only_after_an_entry(app: App, tmp_path: Path) -> None:
    # Each record wakes the other console's boards; recorded again at once, two consoles would write without end.
    harrow = _with_policy(app, _policy_file(tmp_path, "harrow.yaml", "agency: Harrow\n"))
    kent = _with_policy(app, _policy_file(tmp_path, "kent.yaml", "agency: Kent\n"))
    incident_id, _ = _ransom_incident(app)
    board_view(kent, incident_id)
    board_view(harrow, incident_id)  # the head is the other console's record: not now
    assert len(_recorded(app, incident_id)) == 1
    entries.add_note(app, incident_id, text="Phone line restored")
    board_view(harrow, incident_id)
    board_view(kent, incident_id)
    assert [event.file for _, _, event in _recorded(app, incident_id)] == ["kent.yaml", "harrow.yaml"]


def test_nothing_is_recorded_on_a_closed_incident(app: App) -> None:
    incident_id, _ = _ransom_incident(app)
    incidents.close_incident(app, incident_id, outcome="surrendered")
    board_view(app, incident_id)
    assert _recorded(app, incident_id) == []


def test_a_board_that_cannot_write_the_record_still_shows_its_advice(app: App, tmp_path: Path) -> None:
    # A checkpoint folder that is a file refuses every write (TD607): the record is logged as not made, and the
    # board, which a viewer may be reading, still opens with the policy's advice.
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    policy = _policy_file(tmp_path, "harrow.yaml", "agency: Harrow\nno_concessions: true\n")
    incident_id, demand_id = _ransom_incident(app)
    board = board_view(_with_policy(app, policy, checkpoint_dir=blocked), incident_id)
    assert f"{BARRED}:{demand_id}" in {a.advice_id for a in board.advice}
    assert _recorded(app, incident_id) == []


def test_the_boards_demand_buttons_leave_out_his_own_death_asked_for() -> None:
    # "I want you to shoot me. And a car." is a demand for a car and a suicide-by-cop sign: the board offered
    # "D: you to shoot me" for the demand ledger beside "D: a car".
    from talkdown.analysis.base import Context, Turn
    from talkdown.analysis.cues import CueAnalyzer
    from talkdown.services.live import demand_items

    turn = Turn(text="I want you to shoot me. And I want a car.", side="subject")
    anns = CueAnalyzer(use_model=False).analyze(turn, Context())
    assert {a.label for a in anns} >= {"suicide_cue", "demand"}
    assert demand_items(anns) == ["a car"]
