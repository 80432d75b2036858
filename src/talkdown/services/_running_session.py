"""What a running training session keeps from its trainee: the subject's intent, others' notes, the event log.

A training session logs each reply with ``extra["intent"]``: what the engine chose to answer (``hook:daughter``,
``trigger:police``, ``not_yet_demand``, ``mood``). That is the subject's hidden state in words, the thing the
trainee is there to read from the replies; an instructor watches it (with the gauges), and the debrief shows
the trace once the session has ended. ``train`` writes it, and every read that hands a running session to
someone else (the API, the ConvoKit and transcript exports) drops it here, so the rule is written once.

A note is the one entry other commands may add to a simulated session's log (``recorder.OUTSIDE_TRAINING``): an
instructor's comment on the run, which may hold what he plans next (an inject) or his assessment, debrief
material like the intent. The API leaves out notes its reader did not write by the intent's rule
(``train.as_read_by``), and the event log, which cannot leave anything out, is refused (TD334).
"""

from __future__ import annotations

from dataclasses import replace

from talkdown.domain.state import IncidentState
from talkdown.errors import TalkdownError
from talkdown.services.accounts import Permission, SignedIn
from talkdown.services.recorder import is_simulated_session

INTENT = "intent"
"""The key of ``UtteranceLogged.extra`` under which a training session logs the subject's intent."""


def is_running_session(state: IncidentState) -> bool:
    """A session against the simulated subject still being played: its trainee must not yet read the subject's
    intent or the instructor's notes. A role-play a scribe logs (mode training, a human subject) holds neither and
    is read like any incident; one rule for the exports and the refusals, which had each their own."""
    return is_simulated_session(state) and state.is_open


def without_intent(state: IncidentState) -> IncidentState:
    """The state with every utterance's ``intent`` left out (the log itself keeps it: it is the record)."""
    if not any(INTENT in utt.extra for utt in state.utterances):
        return state
    utterances = [
        replace(utt, extra={k: v for k, v in utt.extra.items() if k != INTENT}) if INTENT in utt.extra else utt
        for utt in state.utterances
    ]
    return replace(state, utterances=utterances)


def only_notes_by(state: IncidentState, actor: str) -> IncidentState:
    """The state with only the notes ``actor`` added himself (the log keeps them all: it is the record).

    Why his own: a trainee (or a colleague) who notes something during the run reads back what he wrote.
    """
    if all(note.actor == actor for note in state.notes):
        return state
    return replace(state, notes=[note for note in state.notes if note.actor == actor])


def unless_ended(state: IncidentState) -> IncidentState:
    """The state as an export shows it: a running session's intent left out, an ended session's kept."""
    return without_intent(state) if is_running_session(state) else state


def refuse_event_log(state: IncidentState, user: SignedIn) -> None:
    """TD334 for anyone but an instructor asking for a running simulated session's event log export.

    Why refuse rather than leave things out: the export is the hash-chained record, verifiable only whole, and it
    carries each reply's intent, the notes and an instructor's own scenario (``scenario_spec``). Export permission
    (team leader, instructor, admin) does not say who is training: a team leader may be the trainee. Once the
    session has ended there is nothing left to find out, and the log is exported like any other.
    """
    _refuse_while_running(state, user, "TD334")


def refuse_report(state: IncidentState, user: SignedIn) -> None:
    """TD335 for anyone but an instructor asking for a running simulated session's after-action report.

    Why: the report lists every entry (the notes an instructor added among them) and scores the trainee's lines so
    far, which is his debrief before its time (TD333 keeps that from him); an exporter may be the trainee.
    """
    _refuse_while_running(state, user, "TD335")


def _refuse_while_running(state: IncidentState, user: SignedIn, code: str) -> None:
    if is_running_session(state) and not user.may(Permission.INSTRUCT):
        raise TalkdownError(code, incident_id=state.incident_id)
