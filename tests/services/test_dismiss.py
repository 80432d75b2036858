"""Dismissing advice (``services/dismiss.py``) finds the card in the analysis the board reads, not in a new run;
``talkdown advise`` lists the cards from that analysis too.

Why: the board's cards come from the analysis the console's worker stored beside each line, while the dismissal ran
the whole pipeline over every line of the log again (0.8 s at 200 lines, 1 s at 400, per click after a new line).
Where the two differed (the worker behind, rows stored on other windows), the card the team clicked was not the one
the dismissal found: refused with TD240, or another card set aside.
"""

from __future__ import annotations

import pytest

from talkdown.domain.annotations import Annotation
from talkdown.domain.enums import IncidentType, Role
from talkdown.domain.events import AdviceDismissed
from talkdown.errors import TalkdownError
from talkdown.services.advise import advise_incident
from talkdown.services.annotate import annotate_incident, bases, done_row, live_pipeline, versions
from talkdown.services.dismiss import dismiss_advice
from talkdown.services.entries import say
from talkdown.services.incidents import open_incident
from talkdown.services.live import board_view
from talkdown.services.wiring import App

MISS_ME = "Nobody would even miss me."  # a suicide cue, as the cue analyser reads it
DOG = "I already gave my dog to my sister. She'll take better care of him."  # another
LAWYER = "I'm not coming out till my lawyer calls."  # none
AROUND = "I just want this to be over. I won't be around tomorrow."  # another


def _subject_says(app: App, *lines: str) -> tuple[str, list[int]]:
    incident = open_incident(app, title="Apartment 4B", incident_type=IncidentType.BARRICADE)
    return incident, [say(app, incident, speaker="Dale", text=line, role_if_new=Role.SUBJECT) for line in lines]


def _store_cues_on(app: App, incident: str, cued: set[int]) -> str:
    """Store every line as analysed by the live pipeline with a suicide cue on the lines ``cued`` and nothing else,
    as the worker's rows that differ from a run now; returns the suicide card they key."""
    wanted = versions(live_pipeline())
    cue = next(info for info in live_pipeline().describe() if "talkdown_cue" in info.produces)
    suicide_cue = Annotation(
        analyzer=cue.name, analyzer_version=cue.version, family="talkdown_cue", label="suicide_cue", score=0.9
    )
    lines = bases(app.recorder.current(incident)).items()
    app.annotations.add(
        incident, [(seq, b, (*((suicide_cue,) if seq in cued else ()), done_row(wanted))) for seq, b in lines]
    )
    return f"rising_suicide_cues:c{max(cued)}"


def _on_board(app: App, incident: str) -> set[str]:
    return {a.advice_id for a in board_view(app, incident).advice}


def _dismissed(app: App, incident: str) -> list[str]:
    return [env.payload.advice_id for env in app.store.load(incident) if isinstance(env.payload, AdviceDismissed)]


def test_a_dismissal_sets_aside_the_card_the_stored_analysis_gives_and_runs_no_analysis_when_every_line_has_it(
    app: App,
) -> None:
    # Rows stored as the worker's for every line, differing from what a run now gives: a cue on the lawyer line,
    # none on the dog line (a line's rows were computed on the window it had then).
    incident, (miss_me, dog, lawyer) = _subject_says(app, MISS_ME, DOG, LAWYER)
    shown, fresh = _store_cues_on(app, incident, {miss_me, lawyer}), f"rising_suicide_cues:c{dog}"
    assert shown == f"rising_suicide_cues:c{lawyer}"
    assert shown in _on_board(app, incident) and fresh not in _on_board(app, incident)

    # The card a run of the pipeline would give is not current on the board: refused, as a typo is.
    with pytest.raises(TalkdownError) as refused:
        dismiss_advice(app, incident, advice_id=fresh, reason="Not on our board")
    assert refused.value.code == "TD240"
    # The card the team sees is the one set aside (it was refused with TD240 while a new run gave another key).
    dismiss_advice(app, incident, advice_id=shown, reason="MHC already on the phone with him")
    assert _dismissed(app, incident) == [shown] and shown not in _on_board(app, incident)


def test_a_dismissal_sets_aside_the_card_shown_while_the_worker_has_not_analysed_the_newest_line(app: App) -> None:
    incident, (_, dog) = _subject_says(app, MISS_ME, DOG)
    annotate_incident(app, incident)  # the console's worker, caught up
    around = say(app, incident, speaker="Dale", text=AROUND)  # logged; the worker has not stored its analysis yet
    shown = f"rising_suicide_cues:c{dog}"
    assert shown in _on_board(app, incident)
    dismiss_advice(app, incident, advice_id=shown, reason="MHC already on the phone with him")
    assert _dismissed(app, incident) == [shown] and shown not in _on_board(app, incident)

    # The card ``talkdown advise`` gives from every line's analysis (the board's, once the worker stores the new
    # line's) is current too: a team with no console, whose lines nobody stored, dismisses what the terminal showed.
    newest = f"rising_suicide_cues:c{around}"
    assert newest in {a.advice_id for a in advise_incident(app, incident).items}
    dismiss_advice(app, incident, advice_id=newest, reason="Still on the phone with him")
    assert _dismissed(app, incident) == [shown, newest]
    with pytest.raises(TalkdownError) as refused:
        dismiss_advice(app, incident, advice_id=f"rising_suicide_cues:c{around + 1}", reason="No such card")
    assert refused.value.code == "TD240"


def test_advise_gives_the_cards_the_board_shows_where_the_stored_analysis_differs_from_a_new_run(app: App) -> None:
    # `talkdown advise` ran the whole pipeline again, so where a line's stored rows differ from a run now it listed a
    # card the board did not show, which the dismissal (reading the board's analysis) then refused.
    incident, seqs = _subject_says(app, MISS_ME, DOG, LAWYER)
    shown = _store_cues_on(app, incident, {seqs[0], seqs[2]})
    listed = [a.advice_id for a in advise_incident(app, incident).items]
    assert listed == [a.advice_id for a in board_view(app, incident).advice] and shown in listed
    dismiss_advice(app, incident, advice_id=shown, reason="MHC already on the phone with him")
    assert shown not in {a.advice_id for a in advise_incident(app, incident).items}
