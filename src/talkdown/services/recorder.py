"""The write path every use case shares: catch up, decide, append, retry on a lost race.

Why a per-process cache of folded states: an append must check invariants against the current state,
and replaying a long incident on every keystroke of the scribe would miss the 10 ms target. The cache
only ever moves forward by reading the events after its head, so it stays correct when other processes
append to the same incident.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from datetime import datetime

from talkdown.domain.clock import Clock
from talkdown.domain.decide import decide
from talkdown.domain.enums import IncidentMode
from talkdown.domain.events import AnyEvent
from talkdown.domain.log import Envelope
from talkdown.domain.state import IncidentState, evolve
from talkdown.errors import TalkdownError
from talkdown.gcpause import gc_paused
from talkdown.store.events import EventStore, StaleHead

MAX_ATTEMPTS = 8
SIMULATED = "talkdown.sim"  # IncidentOpened.source of a session run by services.train against the simulated subject
OUTSIDE_TRAINING = frozenset({"note_added"})
"""What other commands may add to a training session's log: a note (an instructor's comment on the run), which
the simulated subject never reads and the debrief never scores. Anything else (a line, a demand, a release, a
correction, closing it) would change what the subject said or heard, or what the debrief counts, behind the
simulation's back."""


class Recorder:
    def __init__(self, store: EventStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._states: dict[str, IncidentState] = {}
        self._lock = threading.Lock()

    def _catch_up(self, incident_id: str) -> IncidentState:
        state = self._states.get(incident_id)
        if state is None:
            state = IncidentState()
        for env in self.store.load(incident_id, after_seq=state.head_seq):
            evolve(state, env)
        if state.head_seq > 0:
            self._states[incident_id] = state
        return state

    def current(self, incident_id: str) -> IncidentState:
        """A private copy of the incident's current state (raises NotFound for an unknown id)."""
        # An incident this process has not read yet is parsed, folded and copied whole, with the cyclic GC paused
        # (``talkdown.gcpause`` says why): opening a 50,000-event incident took twice as long without it.
        with self._lock, nullcontext() if incident_id in self._states else gc_paused():
            state = self._catch_up(incident_id)
            if state.head_seq == 0:
                raise TalkdownError("TD201", incident_id=incident_id)
            return state.snapshot()

    def is_known(self, incident_id: str) -> bool:
        """True if this process has already seen the incident (saves a query when resolving ids)."""
        return incident_id in self._states

    def record(
        self,
        incident_id: str,
        events: Sequence[AnyEvent],
        *,
        actor: str,
        at: datetime | None = None,
        training: bool = False,
    ) -> list[Envelope]:
        """Append events if the rules allow them; retried against the new head when another writer won."""
        return self.record_with(incident_id, lambda _state: events, actor=actor, at=at, training=training)

    def record_with(
        self,
        incident_id: str,
        build: Callable[[IncidentState], Sequence[AnyEvent]],
        *,
        actor: str,
        at: datetime | None = None,
        training: bool = False,
    ) -> list[Envelope]:
        """Like :meth:`record`, with events built from the current state (read-only) on every attempt.

        Why: an entry that depends on the state (the speaker's party id, say) must be rebuilt when a
        retry finds a newer head, and copying the whole state for each keystroke is what made appends slow.
        ``training`` is set by ``services.train`` alone: every other writer is refused the log of a session run
        against the simulated subject (TD332, but for a note; a training incident a scribe logs, a role-play
        with a human subject say, is written like any other). Checked here, on the one write path, so that no
        LIVE command, CLI or web, present or future, can slip a line he never answered into a debrief.
        """
        with self._lock:
            seq = 0
            for _attempt in range(MAX_ATTEMPTS):
                state = self._states.get(incident_id) or IncidentState()
                try:
                    with self.store.writing(incident_id) as tx:
                        for env in tx.load_after(state.head_seq):
                            evolve(state, env)
                        if state.head_seq > 0:
                            self._states[incident_id] = state
                        events = build(state)
                        if is_simulated_session(state) and not training:
                            _refuse_outside_training(state.incident_id, events)
                        if state.head_seq == 0 and events and events[0].kind != "incident_opened":
                            raise TalkdownError("TD201", incident_id=incident_id)
                        decide(state, events)
                        seq = state.head_seq + 1
                        envelopes = tx.append(
                            events,
                            after_seq=state.head_seq,
                            after_hash=state.head_hash,
                            actor=actor,
                            at=at or self.clock.now(),
                        )
                except StaleHead:
                    continue
                for env in envelopes:
                    evolve(state, env)
                self._states[incident_id] = state
                return envelopes
            raise TalkdownError("TD401", seq=seq, attempts=MAX_ATTEMPTS)


def is_simulated_session(state: IncidentState) -> bool:
    """Whether the incident is a session run by ``services.train`` against the simulated subject.

    Its log takes only the training commands' events and notes (:data:`OUTSIDE_TRAINING`); a training incident a
    scribe logs (a role-play with a human subject, say) is written like any other.
    """
    return state.mode is IncidentMode.TRAINING and state.source == SIMULATED


def _refuse_outside_training(incident_id: str, events: Sequence[AnyEvent]) -> None:
    for event in events:
        if event.kind not in OUTSIDE_TRAINING:
            if event.kind in ("incident_closed", "incident_reopened"):
                instead = (
                    f"Stop a running session with 'talkdown train end {incident_id}' (or 'End session' on its "
                    "training page); an ended one stays ended."
                )
            else:
                instead = (
                    f"Talk to the subject with 'talkdown train resume {incident_id}' (or the console's Training "
                    f"page); inject with 'talkdown train inject {incident_id} INJECT'; a note is allowed."
                )
            raise TalkdownError("TD332", incident_id=incident_id, what=event.kind.replace("_", " "), instead=instead)
