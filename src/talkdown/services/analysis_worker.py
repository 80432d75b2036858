"""Live analysis in a child process, so the console's serving process only appends and renders.

Why a process and not a thread or a background task: analysing a line costs 6–10 ms of CPU-bound Python
and onnxruntime. Run in the serving process, it held the GIL against the next append and every board's
SSE rendering, and the append p99 reached ~130 ms with 50 boards open (issue #6). In its own process it
uses the second core, and the operating system, not the GIL, shares the CPU.

How the worker learns about new lines: the serving process puts the incident id on a queue after each
logged line (a wake-up), and the worker analyses that incident at once with ``live.analyse_pending``, the
same step the console runs in-process (``live.analyse_and_find_failures``: that, then the lines to retry). A
wake-up can be lost (the worker was starting, or the line came from the CLI or another console), so every
``sweep_s`` the worker also looks at the LIVE incidents whose head moved since it last looked; its first sweep
covers every LIVE incident, so lines left unanalysed by a crash or restart get their chips. Idle, it blocks on the
queue and costs nothing but the sweep.

Why it retries lines that were analysed: an analyser that could not run (its model file being copied in, memory
short) leaves a failure record on the line, and a line with rows counts as analysed, so nobody looked at it again
(nor did a new line or ``talkdown analyze --incident``). The worker reads the lines where an analyser failed and
has given nothing since (``annotate.failed_lines``): of every LIVE incident at its first sweep, and of each
incident it has just analysed (one query on the incident's index). It analyses each such line again at once, then
after ``retry_s``, twice that, and so on up to ``RETRY_MAX_S``: a line that always fails costs one analysis every
ten minutes, not one per sweep. An incident whose analysis raises (the database stopped answering) backs off the
same way, from ``sweep_s``, but a wake-up for a new line on it is always tried.

Why no lock between the worker and anyone else: annotations are keyed by (incident, seq, analyser,
version, family, label) and inserted with "on conflict do nothing", so the worker, the serving process's
fallback and a second console may analyse the same line without harm; the cost is only CPU.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import signal
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.pipeline import Pipeline
from talkdown.domain.enums import IncidentMode
from talkdown.services.annotate import failed_lines, live_pipeline
from talkdown.services.incidents import list_incidents
from talkdown.services.live import analyse_and_find_failures
from talkdown.services.wiring import App, build_app
from talkdown.settings import Settings

log = logging.getLogger(__name__)

SWEEP_S = 5.0  # how stale a line written by another process may stay unanalysed
RETRY_S = 30.0  # a line where an analyser failed is tried again at once, then after 30 s, 60 s, 120 s ...
RETRY_MAX_S = 600.0  # ... and at most every ten minutes
PARENT_CHECK_S = 1.0  # how long an orphaned worker outlives a server that was killed
NICENESS = 5  # appends and SSE rendering come first when both cores are busy; chips may wait a little


class AnalysisWorker:
    """The serving process's handle on its analysis worker: start it, wake it per logged line, stop it.

    The child is a daemon of the "spawn" context: it dies with a server that exits normally, starts from
    a clean interpreter (no copied threads, engines or event loop, which ``fork`` would duplicate), and
    behaves the same on Linux, macOS and Windows. A server that is killed outright is noticed by the
    child within ``PARENT_CHECK_S``.
    """

    def __init__(
        self, settings: Settings, *, sweep_s: float = SWEEP_S, retry_s: float = RETRY_S, niceness: int = NICENESS
    ) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._wakeups: Queue[str | None] = ctx.Queue()
        self._stop = ctx.Event()
        self._process: BaseProcess = ctx.Process(
            target=run,
            args=(settings, self._wakeups, self._stop),
            kwargs={
                "sweep_s": sweep_s,
                "retry_s": retry_s,
                "niceness": niceness,
                "log_level": logging.getLogger().getEffectiveLevel(),
            },
            name="talkdown-analysis",
            daemon=True,
        )
        self._warned = False
        self.notified = 0  # wake-ups sent: logged at stop, to tell a busy worker from one that was never told

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def start(self) -> None:
        self._process.start()

    def is_alive(self) -> bool:
        return self._process.is_alive()

    def notify(self, incident_id: str) -> bool:
        """Wake the worker for a newly logged line; False if it is not running, so the caller analyses itself.

        Never blocks: the queue is unbounded and a feeder thread writes to the pipe.
        """
        if not self._process.is_alive():
            if not self._warned:
                self._warned = True
                log.warning("analysis worker is not running (exit code %s); analysing in-process", self.exitcode)
            return False
        try:
            self._wakeups.put_nowait(incident_id)
        except ValueError:  # the queue was closed by stop(): we are shutting down
            return False
        self.notified += 1
        return True

    @property
    def exitcode(self) -> int | None:
        return self._process.exitcode

    def stop(self, timeout_s: float = 5.0) -> None:
        """Ask the worker to finish the incident it is on, then end it; terminate it if it does not."""
        self._stop.set()
        if self._process.is_alive():
            with contextlib.suppress(ValueError):  # closed by an earlier stop()
                self._wakeups.put_nowait(None)  # the stop sentinel
            self._process.join(timeout_s)
            if self._process.is_alive():
                log.warning("analysis worker did not stop within %.0f s; terminating it", timeout_s)
                self._process.terminate()
                self._process.join(timeout_s)
        self._wakeups.close()
        self._wakeups.cancel_join_thread()  # unread wake-ups must not keep the server from exiting
        log.info("analysis worker %s stopped (exit code %s) after %d wake-ups", self.pid, self.exitcode, self.notified)


@dataclass
class Backoff:
    """How often something kept failing, and when it is tried next (monotonic seconds)."""

    attempts: int = 0
    due: float = 0.0

    def failed(self, now: float, base_s: float) -> None:
        self.due = now + min(RETRY_MAX_S, base_s * 2**self.attempts)
        self.attempts += 1


@dataclass
class Loop:
    """The worker's state: incidents to analyse now, the heads its last sweep saw, and what it retries when."""

    app: App
    sweep_s: float = SWEEP_S
    retry_s: float = RETRY_S
    pending: set[str] = field(default_factory=set)
    heads: dict[str, int] = field(default_factory=dict)
    next_sweep: float = 0.0  # monotonic; 0 sweeps at once, which catches up after a restart
    stop: Event | None = None  # set by the server: a long catch-up ends after the current incident
    failed: dict[tuple[str, int, str], Backoff] = field(default_factory=dict)  # (incident, seq, basis) of failures
    broken: dict[str, Backoff] = field(default_factory=dict)  # incidents whose analysis raised
    pipeline: Pipeline | None = None  # the live pipeline unless given (tests)
    swept: bool = False  # whether the first sweep, which also reads every LIVE line's failures, has run

    def sweep(self) -> None:
        """Queue the LIVE incidents whose head moved; training and STUDY imports are not analysed live. The first
        sweep also notes every LIVE line where an analyser failed (one query), so they are retried at startup."""
        now = time.monotonic()
        live_ids = set()
        for incident in list_incidents(self.app):
            if incident.mode != IncidentMode.LIVE:
                continue
            live_ids.add(incident.incident_id)
            if self.heads.get(incident.incident_id) != incident.events:
                backoff = self.broken.get(incident.incident_id)
                if backoff is not None and backoff.due > now:
                    continue  # its head stays unseen, so it is queued when due
                self.heads[incident.incident_id] = incident.events
                self.pending.add(incident.incident_id)
        if not self.swept:
            found = failed_lines(self.app, self.pipeline or live_pipeline())
            self.failed = {(i, seq, b): Backoff() for i in found.keys() & live_ids for seq, b in found[i]}
            self.swept = True
        self.next_sweep = time.monotonic() + self.sweep_s

    def analyse(self) -> int:
        """Analyse every pending incident, with its failed lines that are due; a failure is logged and retried
        later (``Backoff``), not in a loop."""
        done = 0
        now = time.monotonic()
        self.pending |= {i for (i, _, _), bo in self.failed.items() if bo.due <= now}
        while self.pending and not (self.stop is not None and self.stop.is_set()):
            incident_id = self.pending.pop()
            retries = {(seq, b): bo for (i, seq, b), bo in self.failed.items() if i == incident_id and bo.due <= now}
            try:
                count, found = analyse_and_find_failures(
                    self.app, incident_id, retry=retries.keys(), pipeline=self.pipeline
                )
                done += count
            except Exception as exc:  # one incident's failure must not stop live analysis of the others
                self.heads.pop(incident_id, None)
                self.broken.setdefault(incident_id, Backoff()).failed(time.monotonic(), self.sweep_s)
                # Frames only: an exception's message may quote the utterance (CONVENTIONS §10).
                frames = "".join(traceback.format_tb(exc.__traceback__))
                log.error("live analysis of incident %s failed (%s)\n%s", incident_id, type(exc).__name__, frames)
                continue
            self.broken.pop(incident_id, None)
            for backoff in retries.values():
                backoff.failed(time.monotonic(), self.retry_s)
            # This incident's failures as stored now: a new one is due at once, a settled one is dropped.
            others = {key: bo for key, bo in self.failed.items() if key[0] != incident_id}
            self.failed = others | {
                (incident_id, s, b): self.failed.get((incident_id, s, b), Backoff()) for s, b in found
            }
        return done


def drain(wakeups: Queue[str | None], timeout_s: float) -> tuple[set[str], bool]:
    """The incident ids woken within ``timeout_s`` (all that are queued once one arrives); True means stop."""
    woken: set[str] = set()
    try:
        item = wakeups.get(timeout=timeout_s) if timeout_s > 0 else wakeups.get_nowait()
        while True:
            if item is None:
                return woken, True
            woken.add(item)
            item = wakeups.get_nowait()
    except queue.Empty:
        return woken, False


def run(
    settings: Settings,
    wakeups: Queue[str | None],
    stop: Event,
    *,
    sweep_s: float = SWEEP_S,
    retry_s: float = RETRY_S,
    niceness: int = NICENESS,
    log_level: int = logging.WARNING,
) -> None:
    """The worker process's main: build its own ``App`` on the same database, then wake, analyse, repeat."""
    if not logging.getLogger().handlers:  # a spawned child starts with no logging configured
        logging.basicConfig(level=log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Ctrl+C in a terminal reaches the whole process group; the server stops the worker itself, after
    # its last request, so the worker must not die first with a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if niceness and hasattr(os, "nice"):
        os.nice(niceness)
    parent = multiprocessing.parent_process()
    app = build_app(settings)
    # Models load on first use: a throwaway turn per side loads them now, so the first chips do not wait.
    warm = [Turn(text="warm up", side="subject"), Turn(text="warm up", side="negotiator")]
    live_pipeline().run_many(warm, [Context(), Context()])
    loop = Loop(app, sweep_s=sweep_s, retry_s=retry_s, stop=stop)
    log.info("analysis worker %s started", os.getpid())
    try:
        while not stop.is_set() and (parent is None or parent.is_alive()):
            if time.monotonic() >= loop.next_sweep:
                try:
                    loop.sweep()
                except Exception as exc:  # the database may be briefly unreachable; try again next sweep
                    log.error("analysis worker sweep failed (%s)", type(exc).__name__)
                    loop.next_sweep = time.monotonic() + sweep_s
            loop.analyse()
            wait = min(PARENT_CHECK_S, max(0.0, loop.next_sweep - time.monotonic()))
            woken, stopping = drain(wakeups, wait)
            loop.pending |= woken
            if stopping:
                loop.analyse()
                break
    finally:
        app.store.engine.dispose()
    log.info("analysis worker %s stopped", os.getpid())
