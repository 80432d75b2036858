"""Live analysis in its own process (issue #6): a posted line is analysed there, lines from other writers too,
the console still analyses in-process when there is no worker, and the board's per-process read caches
agree with the store."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.pipeline import FAILED_FAMILY, Pipeline
from talkdown.analysis.skills import SkillAnalyzer
from talkdown.analysis.strategy import StrategyAnalyzer
from talkdown.doctrine.metrics import metric_series
from talkdown.domain.annotations import Annotation
from talkdown.domain.enums import IncidentMode, IncidentType, Role
from talkdown.errors import TalkdownError
from talkdown.services import accounts, annotate, entries, incidents, live
from talkdown.services.analysis_worker import AnalysisWorker, Loop
from talkdown.services.annotate import live_pipeline, versions
from talkdown.services.wiring import App, build_app
from talkdown.web.app import create_app
from talkdown.web.config import WebConfig
from tests.conftest import cloned_database
from tests.models_extra import finish_install, half_installed_strategy, needs_strategy_graph
from tests.web.conftest import PASSWORD, make_app, seed_incident, sign_in

pytestmark = pytest.mark.integration

THREAT = "You got 10 minutes, then I shoot him."
WAIT_S = 60.0  # a spawned worker imports talkdown and loads the models first; generous for a loaded CI box


def eventually(check: Callable[[], bool]) -> bool:
    """Poll ``check`` until it holds or ``WAIT_S`` passes: the worker's result arrives in its own time."""
    deadline = time.monotonic() + WAIT_S
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def td(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The console's app on each backend: the worker is a second process writing to the same database."""
    root = tmp_path_factory.mktemp("worker")
    with contextlib.ExitStack() as stack:
        url = None
        if request.param == "postgresql":
            url = stack.enter_context(cloned_database(request.getfixturevalue("pg_template")))
        app = make_app(root, database_url=url)
        accounts.add_user(app, username="scribe", role=accounts.AccountRole.SCRIBE, password=PASSWORD)
        yield app
        if app.listener is not None:
            app.listener.stop()
        app.store.engine.dispose()


def _client(td: App, config: WebConfig | None = None) -> TestClient:
    return TestClient(create_app(td, config=config), raise_server_exceptions=False)


def _labels(client: TestClient, incident_id: str, seq: int) -> set[str]:
    found = client.get(f"/api/incidents/{incident_id}/annotations").json().get(str(seq), [])
    return {a["label"] for a in found}


@pytest.mark.slow
def test_a_posted_line_is_analysed_by_the_worker_process_and_served_by_the_api(td: App) -> None:
    incident_id = seed_incident(td)
    with _client(td) as client:  # entering runs the lifespan, which spawns the worker
        worker: AnalysisWorker | None = client.app.state.analysis_worker  # type: ignore[attr-defined]
        assert worker is not None and worker.pid not in (None, os.getpid())
        sign_in(client, "scribe")
        posted = client.post(f"/api/incidents/{incident_id}/utterances", json={"speaker": "subj", "text": THREAT})
        assert posted.status_code == 201
        seq = posted.json()["seq"]
        assert worker.notified == 1  # handed to the worker: the route did not analyse it in-process
        assert eventually(lambda: {"threat", "deadline"} <= _labels(client, incident_id, seq))
        assert worker.is_alive()
    assert not worker.is_alive() and worker.exitcode == 0  # stopped with the app, not killed


@pytest.mark.slow
def test_the_worker_catches_up_at_start_and_analyses_a_woken_incident_at_once(td: App) -> None:
    incident_id = seed_incident(td)
    left = entries.say(td, incident_id, speaker="subj", text=THREAT)  # unanalysed, as after a crash
    worker = AnalysisWorker(td.settings, sweep_s=3600)  # no sweep after the first: only wake-ups count
    worker.start()
    try:
        assert eventually(lambda: left in live.analysed_seqs(td, incident_id, [left]))
        woken = entries.say(td, incident_id, speaker="subj", text="I want a car.")
        assert worker.notify(incident_id)
        assert eventually(lambda: woken in live.analysed_seqs(td, incident_id, [woken]))
    finally:
        worker.stop()
    assert worker.exitcode == 0


@pytest.mark.slow
def test_the_worker_analyses_a_line_another_process_wrote_without_a_wake_up(td: App) -> None:
    incident_id = seed_incident(td)
    worker = AnalysisWorker(td.settings, sweep_s=0.2)
    worker.start()
    try:
        assert eventually(lambda: live.analysed_seqs(td, incident_id, [4]) == {4})  # the seed's line: started
        seq = entries.say(td, incident_id, speaker="subj", text=THREAT)  # as the CLI does: nobody notifies
        assert eventually(lambda: seq in live.analysed_seqs(td, incident_id, [seq]))
    finally:
        worker.stop()
    assert worker.exitcode == 0


def test_without_the_worker_a_posted_line_is_analysed_in_process_after_the_response(td: App) -> None:
    incident_id = seed_incident(td)
    with _client(td, WebConfig(analysis_worker=False)) as client:
        assert client.app.state.analysis_worker is None  # type: ignore[attr-defined]
        sign_in(client, "scribe")
        seq = client.post(f"/api/incidents/{incident_id}/utterances", json={"speaker": "subj", "text": THREAT}).json()[
            "seq"
        ]
        # TestClient runs background tasks before it returns the response, so no waiting is needed here.
        assert {"threat", "deadline"} <= _labels(client, incident_id, seq)


def test_a_worker_that_is_not_running_refuses_wake_ups_so_the_route_analyses_itself(td: App) -> None:
    worker = AnalysisWorker(td.settings)
    assert worker.notify("any") is False
    worker.stop()  # stopping one that never ran is harmless, as on a failed start
    assert worker.notify("any") is False


def test_a_sweep_takes_live_incidents_whose_head_moved_and_leaves_training_and_study_alone(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path)
    try:
        live_id = seed_incident(app)
        training = incidents.open_incident(
            app, title="drill", incident_type=IncidentType.BARRICADE, mode=IncidentMode.TRAINING
        )
        study = incidents.open_incident(
            app, title="case", incident_type=IncidentType.BARRICADE, mode=IncidentMode.STUDY
        )
        loop = Loop(app)
        loop.sweep()
        assert loop.pending == {live_id}
        assert loop.analyse() == 1 and not loop.pending
        loop.sweep()
        assert loop.pending == set()  # nothing moved: an idle sweep analyses nothing
        entries.say(app, live_id, speaker="subj", text=THREAT)
        entries.add_party(app, training, name="Trainee", role=Role.PRIMARY)  # a drill logged by hand
        entries.add_party(app, study, name="Subject", role=Role.SUBJECT)
        loop.sweep()
        assert loop.pending == {live_id}
    finally:
        app.store.engine.dispose()


def test_a_failing_incident_is_logged_by_id_and_the_others_are_still_analysed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(tmp_path)
    try:
        incident_id = seed_incident(app)
        seq = entries.say(app, incident_id, speaker="subj", text=THREAT)
        loop = Loop(app, heads={"no-such-incident": 3})
        loop.pending = {"no-such-incident", incident_id}
        with caplog.at_level(logging.ERROR, logger="talkdown.services.analysis_worker"):
            loop.analyse()
        assert seq in live.analysed_seqs(app, incident_id, [seq])
        (record,) = caplog.records
        assert "no-such-incident" in record.getMessage() and THREAT not in record.getMessage()
        assert "no-such-incident" not in loop.heads  # so the next sweep looks at it again
    finally:
        app.store.engine.dispose()


def test_a_line_marked_before_the_worker_reached_it_still_gets_the_deadline_its_cue_parsed(td: App) -> None:
    incident_id = seed_incident(td)
    seq = entries.say(td, incident_id, speaker="subj", text=THREAT)  # logged, not analysed yet
    marked = live.mark_from_line(td, incident_id, seq=seq, mark=live.Mark.DEADLINE)
    state = incidents.get_incident(td, incident_id)
    said = state.utterance_at(seq)
    assert said is not None
    assert round((state.deadlines[marked.entity_id].due_at - said.when).total_seconds() / 60) == 10


# The board's reads in the serving process, kept per process so a refresh costs the new lines only.


def test_the_metric_series_kept_per_process_equals_a_replay_of_the_whole_log(td: App) -> None:
    incident_id = seed_incident(td)
    first = live.metrics_over_time(td, incident_id)
    hostage, _ = entries.record_hostage(td, incident_id, alias="Owen")
    demand, _ = entries.record_demand(td, incident_id, item="a car")
    entries.say(td, incident_id, speaker="subj", text=THREAT)
    entries.grant_concession(td, incident_id, what="cigarettes", in_exchange_for="a call", demand_id=demand)
    entries.release_hostage(td, incident_id, hostage_id=hostage)
    later = live.metrics_over_time(td, incident_id)
    assert later[: len(first)] == first and len(later) == len(first) + 5
    assert list(later) == metric_series(td.store.load(incident_id))


def test_cached_annotations_equal_the_store_and_pick_up_lines_analysed_later(td: App) -> None:
    incident_id = seed_incident(td)
    seq = entries.say(td, incident_id, speaker="subj", text=THREAT)
    assert seq not in live.annotations_of(td, incident_id, [seq])  # not analysed yet, and not cached as empty
    live.analyse_pending(td, incident_id)
    stored = {seq: anns for (seq, _basis), anns in td.annotations.list(incident_id, versions(live_pipeline())).items()}
    assert live.annotations_of(td, incident_id, [seq]) == {seq: stored[seq]}
    assert live.annotations_of(td, incident_id) == stored


def test_the_lines_view_holds_the_lines_asked_for_as_recorded_with_the_parties(td: App) -> None:
    incident_id = seed_incident(td)
    kept = entries.say(td, incident_id, speaker="neg1", text="I hear you.")
    live.lines_view(td, incident_id, [kept])  # folded up to here; the retraction below must reach it
    gone = entries.say(td, incident_id, speaker="subj", text=THREAT)
    entries.retract_entry(td, incident_id, ref_seq=gone, reason="wrong line")
    view, _ = live.lines_view(td, incident_id, [kept, gone])
    recorded = incidents.get_incident(td, incident_id)
    assert view.utterances == [u for u in recorded.utterances if u.seq in (kept, gone)]
    assert view.parties == recorded.parties and view.incident_id == incident_id
    assert [u.retracted for u in view.utterances] == [False, True]
    with pytest.raises(TalkdownError) as unknown:
        live.lines_view(td, "no-such-incident", [1])
    assert unknown.value.code == "TD201"


# A line where an analyser could not run (its model still being copied in) is analysed again, on a timer.

NEGOTIATOR_LINE = "You sound really angry about how tonight went."


def _strategy_state(td: App, incident_id: str, seq: int) -> set[str]:
    """The families the board reads for a line's strategy analyser: a failure, a result, or both."""
    anns = live.annotations_of(td, incident_id, [seq]).get(seq, [])
    return {a.family for a in anns if a.analyzer == "strategy"}


@needs_strategy_graph
def test_the_worker_retries_a_line_whose_model_could_not_run_then_backs_off_while_it_still_fails(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(tmp_path)
    try:
        extra = half_installed_strategy(tmp_path)
        pipe = Pipeline((SkillAnalyzer(), StrategyAnalyzer(extra_dir=extra)), on_error="record")
        incident_id = seed_incident(app)
        seq = entries.say(app, incident_id, speaker="neg1", text=NEGOTIATOR_LINE)
        loop = Loop(app, retry_s=3600, pipeline=pipe)

        def failures_after_a_round() -> int:
            """How often the strategy analyser failed on the line in one sweep and analysis."""
            caplog.clear()
            with caplog.at_level(logging.WARNING, logger="talkdown.analysis.pipeline"):
                loop.sweep()
                loop.analyse()
            return sum(f"strategy failed on seq {seq}" in r.getMessage() for r in caplog.records)

        assert failures_after_a_round() == 1  # the graph is missing
        assert failures_after_a_round() == 1  # tried again at the next sweep, without a new line
        line_basis = annotate.bases(incidents.get_incident(app, incident_id), {seq})[seq]
        assert set(loop.failed) == {(incident_id, seq, line_basis)}
        assert failures_after_a_round() == 0  # still failing: not again before retry_s
        restarted = Loop(app, pipeline=pipe)
        restarted.sweep()
        assert set(restarted.failed) == {(incident_id, seq, line_basis)}  # a new worker retries it at once
        finish_install(extra)
        loop.failed[incident_id, seq, line_basis].due = 0.0  # retry_s has passed
        assert failures_after_a_round() == 0
        (rows,) = app.annotations.list(incident_id, annotate.versions(pipe), seqs=[seq]).values()
        assert {a.family for a in rows if a.analyzer == "strategy"} == {FAILED_FAMILY, "esconv_strategy"}  # kept
        loop.sweep()
        assert loop.failed == {}  # settled: never tried again
    finally:
        app.store.engine.dispose()


@pytest.mark.slow
@needs_strategy_graph
def test_a_console_worker_gives_a_line_its_analysis_once_the_model_can_run_without_a_new_line(
    tmp_path: Path,
) -> None:
    extra = half_installed_strategy(tmp_path)
    app = build_app(make_app(tmp_path).settings.model_copy(update={"extra_models": extra}))
    worker = AnalysisWorker(app.settings, sweep_s=0.2, retry_s=0.5)
    try:
        incident_id = seed_incident(app)
        seq = entries.say(app, incident_id, speaker="neg1", text=NEGOTIATOR_LINE)  # as the CLI logs it
        worker.start()
        assert eventually(lambda: _strategy_state(app, incident_id, seq) == {FAILED_FAMILY})
        finish_install(extra)
        assert eventually(lambda: _strategy_state(app, incident_id, seq) == {"esconv_strategy"})  # the board's read
    finally:
        worker.stop()
        app.store.engine.dispose()
    assert worker.exitcode == 0


def test_an_incident_whose_analysis_keeps_raising_is_tried_again_later_not_at_every_sweep(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(tmp_path)
    incident_id = seed_incident(app)
    with app.store.engine.begin() as conn:  # a damaged row, as with raw database access: every load raises TD501
        conn.execute(text("DROP TRIGGER IF EXISTS events_no_update"))
        conn.execute(text("UPDATE events SET body = '{' WHERE incident_id = :i AND seq = 4"), {"i": incident_id})
    app.store.engine.dispose()
    fresh = build_app(app.settings)  # nothing of the log cached
    try:
        loop = Loop(fresh, sweep_s=3600)
        with caplog.at_level(logging.ERROR, logger="talkdown.services.analysis_worker"):
            for _ in range(3):
                loop.sweep()
                loop.analyse()
        assert sum(incident_id in r.getMessage() for r in caplog.records) == 1  # not again within sweep_s
        loop.broken[incident_id].due = 0.0  # sweep_s has passed
        loop.sweep()
        assert loop.pending == {incident_id}
    finally:
        fresh.store.engine.dispose()


@needs_strategy_graph
def test_a_failed_line_corrected_since_is_retried_on_its_new_words_only(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        extra = half_installed_strategy(tmp_path)
        pipe = Pipeline((SkillAnalyzer(), StrategyAnalyzer(extra_dir=extra)), on_error="record")
        incident_id = seed_incident(app)
        seq = entries.say(app, incident_id, speaker="neg1", text=NEGOTIATOR_LINE)
        loop = Loop(app, retry_s=3600, pipeline=pipe)
        loop.sweep()
        loop.analyse()  # fails: the graph is missing
        entries.correct_entry(
            app, incident_id, ref_seq=seq, field="text", value="You sound angry about tonight.", reason="misheard"
        )
        loop.sweep()
        loop.analyse()  # the corrected words: they fail too
        now = annotate.bases(incidents.get_incident(app, incident_id), {seq})[seq]
        assert set(loop.failed) == {(incident_id, seq, now)}  # the old words' failure is no line to retry
        finish_install(extra)
        loop.failed[incident_id, seq, now].due = 0.0
        loop.analyse()
        assert loop.failed == {}
    finally:
        app.store.engine.dispose()


class _BrokenOnce:
    """An analyser whose model could not run the first time it was asked, and then runs and finds nothing: most
    lines carry no cue, so a retry that works often gives no label at all."""

    name: ClassVar[str] = "broken_once"
    version: ClassVar[str] = "1.0"
    requires: ClassVar[frozenset[str]] = frozenset()
    produces: ClassVar[frozenset[str]] = frozenset({"broken_once"})

    def __init__(self) -> None:
        self.calls = 0

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        self.calls += 1
        if self.calls == 1:
            raise OSError("model file still being copied in")
        return ()


def test_a_retry_that_works_but_finds_no_label_settles_the_line_and_is_not_retried_again(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        analyser = _BrokenOnce()
        pipe = Pipeline((SkillAnalyzer(), analyser), on_error="record")
        incident_id = seed_incident(app)
        loop = Loop(app, retry_s=30, pipeline=pipe)
        loop.sweep()
        loop.analyse()  # the analyser fails on the incident's one line
        ((_, seq, line_basis),) = loop.failed
        loop.analyse()  # retried at once: it runs, and finds nothing there
        assert analyser.calls == 2
        assert loop.failed == {}  # settled: not retried every ten minutes from now on
        assert annotate.failed_lines(app, pipe, incident_id) == {}  # nor by 'talkdown analyze --incident'
        stored = app.annotations.list(incident_id, versions(pipe), seqs=[seq])
        read = annotate.current(stored, {seq: line_basis})[seq]
        assert not annotate.unsettled(read)  # the board shows no failure on the line, and stops watching it
        assert {a.family for a in read} <= {"talkdown_skill"}  # and no row of the retry's own
        restarted = Loop(app, pipeline=pipe)
        restarted.sweep()
        assert restarted.failed == {}  # a new worker does not pick it up either
        assert analyser.calls == 2
    finally:
        app.store.engine.dispose()
