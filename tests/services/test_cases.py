"""The case library use cases: agency cases import with validation and never replace shipped ones."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from talkdown.domain.annotations import Annotation
from talkdown.domain.clock import FixedClock
from talkdown.domain.enums import IncidentType, Role
from talkdown.errors import TalkdownError
from talkdown.services import cases, convokit_io
from talkdown.services.annotate import annotate_incident, bases, done_row, live_pipeline, versions
from talkdown.services.entries import record_demand, say
from talkdown.services.incidents import close_incident, open_incident
from talkdown.services.metrics import incident_metrics
from talkdown.services.transcripts import import_transcript
from talkdown.services.wiring import App

AGENCY = """\
- id: elm-street-2019
  name: "Elm Street pharmacy robbery"
  year: 2019
  type: criminal_interrupted
  type_tags: [hostage]
  subjects: {count: 1, motive: "Money for drugs", typology: [criminal]}
  hostages: 3
  duration_hours: 5
  channel: [phone]
  demands: ["A car", "Money"]
  outcome: negotiated_surrender
  outcome_detail: "He came out after the pharmacist was released."
  key_events: ["Robbery interrupted by a patrol", "Pharmacist released for cigarettes"]
  lessons: ["Small trades bought releases"]
  sources: ["Agency after-action report 19-044"]
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_agency_case_is_imported_and_then_listed_shown_searched_and_found_alike(app: App, tmp_path: Path) -> None:
    assert cases.import_cases(app, _write(tmp_path, "ours.yaml", AGENCY)).ids == ["elm-street-2019"]
    listed = cases.list_cases(app)
    assert [lc.case.id for lc in listed if lc.origin == "user"] == ["elm-street-2019"]
    assert len(listed) == 42
    assert cases.get_case(app, "elm-street-2019").case.hostages == 3
    assert [lc.case.id for lc in cases.search_cases(app, "pharmacist")] == ["elm-street-2019"]
    like = cases.like_cases(app, description="Pharmacy robbery gone wrong, the robber holds three people", k=3)
    assert "elm-street-2019" in [n.case.id for n in like.neighbours]
    assert like.origins["elm-street-2019"] == "user"


def test_a_case_with_a_shipped_id_is_refused_and_nothing_is_written(app: App, tmp_path: Path) -> None:
    clash = AGENCY.replace("elm-street-2019", "attica-1971")
    with pytest.raises(TalkdownError) as err:
        cases.import_cases(app, _write(tmp_path, "clash.yaml", clash))
    assert err.value.code == "TD320"
    assert cases.get_case(app, "attica-1971").origin == "shipped"
    assert not cases.user_cases_dir(app).exists()


def test_an_id_held_by_another_agency_file_is_refused_but_reimporting_the_same_file_updates(
    app: App, tmp_path: Path
) -> None:
    cases.import_cases(app, _write(tmp_path, "ours.yaml", AGENCY))
    with pytest.raises(TalkdownError) as err:
        cases.import_cases(app, _write(tmp_path, "copy.yaml", AGENCY))
    assert err.value.code == "TD321"
    cases.import_cases(app, _write(tmp_path, "ours.yaml", AGENCY.replace("hostages: 3", "hostages: 4")))
    assert cases.get_case(app, "elm-street-2019").case.hostages == 4


def test_an_invalid_case_file_is_an_input_error_naming_the_field(app: App, tmp_path: Path) -> None:
    bad = AGENCY.replace("type: criminal_interrupted", "type: bank_job")
    with pytest.raises(TalkdownError) as err:
        cases.import_cases(app, _write(tmp_path, "bad.yaml", bad))
    assert err.value.code == "TD120" and "type" in err.value.message


def test_a_case_file_in_another_encoding_is_td103_without_advice_to_pass_an_option_cases_import_lacks(
    app: App, tmp_path: Path
) -> None:
    """TD103 said 'pass --encoding latin-1', and 'cases import' has no --encoding: the user got a usage error."""
    path = tmp_path / "ours.yaml"
    path.write_bytes(AGENCY.replace("Elm", "Él").encode("latin-1"))
    with pytest.raises(TalkdownError) as err:
        cases.import_cases(app, path)
    assert err.value.code == "TD103" and "--encoding" not in err.value.message
    assert "Re-save it as UTF-8." in err.value.message


def test_a_hand_edited_broken_library_file_is_a_config_error(app: App) -> None:
    folder = cases.user_cases_dir(app)
    folder.mkdir(parents=True)
    (folder / "broken.yaml").write_text("- id: x\n  name: X\n  type: prison\n  colour: red\n", encoding="utf-8")
    with pytest.raises(TalkdownError) as err:
        cases.list_cases(app)
    assert err.value.code == "TD620"
    # the file once, one full stop: the parser's own "{file}: ..." inside TD620's "{file}: ..." said it twice
    assert err.value.message.count("broken.yaml") == 1 and ".." not in err.value.message
    assert "line 4, case 'x': unknown key 'colour'" in err.value.message


def test_a_library_file_saved_in_latin1_since_is_named_once_without_nothing_was_imported(app: App) -> None:
    folder = cases.user_cases_dir(app)
    folder.mkdir(parents=True)
    (folder / "ours.yaml").write_bytes(AGENCY.replace("Elm", "\u00c9lm").encode("latin-1"))
    with pytest.raises(TalkdownError) as err:
        cases.list_cases(app)
    assert err.value.code == "TD620" and err.value.message.count("ours.yaml") == 1
    assert "it looks like latin-1" in err.value.message and "Nothing was imported" not in err.value.message


def test_an_unknown_case_is_not_found(app: App) -> None:
    with pytest.raises(TalkdownError) as err:
        cases.get_case(app, "nowhere-1900")
    assert err.value.code == "TD220"


def test_cases_like_an_incident_reads_its_type_and_logged_words(app: App) -> None:
    incident = open_incident(
        app,
        title="State penitentiary, D block",
        incident_type=IncidentType.PRISON,
        description="Inmates rioting hold two officers; they want better conditions and no reprisals",
    )
    say(
        app,
        incident,
        speaker="Spokesman",
        text="Nobody leaves this block until the warden hears us",
        role_if_new=Role.SUBJECT,
    )
    record_demand(app, incident, item="An end to the lockdown and no reprisals")
    result = cases.like_cases(app, incident=incident, k=3)
    assert result.situation.incident_type == "prison"
    assert result.situation.demands == ("An end to the lockdown and no reprisals",)
    assert result.situation.channels == frozenset({"phone"})
    assert [n.case.type.value for n in result.neighbours] == ["prison"] * 3


def test_list_filters_by_type_tag_and_outcome(app: App) -> None:
    from talkdown.doctrine.cases import Outcome

    rows = cases.list_cases(app, incident_type=IncidentType.PRISON, outcome=Outcome.NEGOTIATED_SURRENDER)
    assert rows and all(lc.case.type is IncidentType.PRISON for lc in rows)
    assert all(lc.case.outcome is Outcome.NEGOTIATED_SURRENDER for lc in rows)


def test_search_matches_where_words_start_not_inside_them(app: App) -> None:
    # "Lima" found the Iranian Embassy siege too, for its "negotiating climate".
    assert [lc.case.id for lc in cases.search_cases(app, "Lima")] == ["lima-japanese-residence-1996"]
    plural = {lc.case.id for lc in cases.search_cases(app, "hostage")}
    assert "iranian-embassy-london-1980" in plural  # "hostages" starts with the word asked for
    assert cases.search_cases(app, "imate") == []


@pytest.mark.parametrize("query", ["", "   ", "  ?! ", "[/]"])
def test_a_search_with_no_word_in_it_is_refused_not_an_empty_answer(app: App, query: str) -> None:
    # It returned no case: an empty table that read as "no case matches" (an unset "$NAME" in a script, say).
    with pytest.raises(TalkdownError) as err:
        cases.search_cases(app, query)
    assert err.value.code == "TD105" and "no word to look for" in err.value.message
    assert "cases list" in err.value.message


def test_search_ignores_accents_either_way(app: App) -> None:
    # Typed on a US keyboard, "Furstenfeldbruck" and "Roman" found nothing: the sources spell them with accents.
    assert [lc.case.id for lc in cases.search_cases(app, "Furstenfeldbruck")] == ["munich-1972"]
    assert [lc.case.id for lc in cases.search_cases(app, "Agustin Roman")] == ["oakdale-1987"]
    assert [lc.case.id for lc in cases.search_cases(app, "MÚNICH")] == ["munich-1972"]


def test_search_reads_the_notes_on_hostages_channel_and_deaths(app: App) -> None:
    # The murdered captain of Lufthansa 181 is named only in the deaths note.
    assert [lc.case.id for lc in cases.search_cases(app, "Schumann")] == ["lufthansa-181-1977"]
    assert [lc.case.id for lc in cases.search_cases(app, "escaped third night")] == ["wijster-train-1975"]
    assert [lc.case.id for lc in cases.search_cases(app, "ventilation pipe")] == ["midland-city-2013"]


def test_an_open_incidents_time_so_far_is_a_lower_bound_not_its_duration(app: App, clock: FixedClock) -> None:
    # A call opened a minute ago "matched" every short case by duration: Colleyville (11 h) came up for a
    # diplomatic incident on that alone, with "duration about 11 h" as its reason.
    incident = open_incident(app, title="Consulate, 2nd floor", incident_type=IncidentType.DIPLOMATIC_STATE)
    fresh = cases.like_cases(app, incident=incident, k=10)
    assert not [m for n in fresh.neighbours for m in n.matches if m.feature == "duration"]
    assert "colleyville-2022" not in {n.case.id for n in fresh.neighbours}
    clock.advance(timedelta(hours=30))  # a day in: cases that ended sooner are known to differ
    say(app, incident, speaker="Caller", text="We are still here.", role_if_new=Role.SUBJECT)
    later = cases.like_cases(app, incident=incident, k=10)
    by_id = {n.case.id: {m.feature: m.similarity for m in n.matches} for n in later.neighbours}
    assert by_id["iran-hostage-crisis-1979"].get("duration") is None  # 444 days: this one may yet run as long
    close_incident(app, incident, outcome="negotiated_surrender")
    closed = cases.like_cases(app, incident=incident, k=10)
    assert any(m.feature == "duration" for n in closed.neighbours for m in n.matches)  # now its real duration


def test_cases_like_an_incident_read_suicidal_from_the_analysis_of_his_lines_not_only_his_words(app: App) -> None:
    # No word of the typology table ("suicide", "kill himself", "jump") is in these lines; the cue analyser reads
    # both as suicide cues (hopelessness and burdensomeness, giving possessions away), and the board shows them.
    incident = open_incident(app, title="Apartment 4B", incident_type=IncidentType.BARRICADE)
    for line in ("Nobody would even miss me.", "I already gave my dog to my sister. She'll take better care of him."):
        say(app, incident, speaker="Dale", text=line, role_if_new=Role.SUBJECT)
    result = cases.like_cases(app, incident=incident, k=3)
    assert "suicidal" in result.situation.typology
    calm = open_incident(app, title="Apartment 5C", incident_type=IncidentType.BARRICADE)
    say(app, calm, speaker="Ray", text="I'm not coming out till my lawyer calls.", role_if_new=Role.SUBJECT)
    assert "suicidal" not in cases.like_cases(app, incident=calm, k=3).situation.typology


def test_cases_like_an_incident_reads_the_stored_analysis_of_his_lines_and_answers_as_when_it_ran_it(
    app: App,
) -> None:
    # "Cases like this" ran the whole analysis pipeline over every line of the log on each request after a new
    # line (0.5 s at 200 lines, 0.9 s at 400), where the board reads the analysis stored beside each line.
    sad = open_incident(app, title="Apartment 4B", incident_type=IncidentType.BARRICADE)
    for line in ("Nobody would even miss me.", "I already gave my dog to my sister. She'll take better care of him."):
        say(app, sad, speaker="Dale", text=line, role_if_new=Role.SUBJECT)
    say(app, sad, speaker="Dana", text="Tell me about your dog.", role_if_new=Role.PRIMARY)
    unstored = cases.like_cases(app, incident=sad, k=5)
    annotate_incident(app, sad)  # what the console's worker does with each line
    assert cases.like_cases(app, incident=sad, k=5) == unstored and "suicidal" in unstored.situation.typology

    # What it reads is the stored rows, not a new run: a line stored as analysed with no cue reads as none, and a
    # stored suicide cue is read on a line the analysers would not give one.
    wanted = versions(live_pipeline())
    cue = next(info for info in live_pipeline().describe() if "talkdown_cue" in info.produces)
    quiet = open_incident(app, title="Apartment 6D", incident_type=IncidentType.BARRICADE)
    say(app, quiet, speaker="Lou", text="Nobody would even miss me.", role_if_new=Role.SUBJECT)
    calm = open_incident(app, title="Apartment 5C", incident_type=IncidentType.BARRICADE)
    say(app, calm, speaker="Ray", text="I'm not coming out till my lawyer calls.", role_if_new=Role.SUBJECT)
    stored_cue = Annotation(
        analyzer=cue.name, analyzer_version=cue.version, family="talkdown_cue", label="suicide_cue", score=0.9
    )
    for incident, found in ((quiet, ()), (calm, (stored_cue,))):
        state = app.recorder.current(incident)
        app.annotations.add(incident, [(seq, b, (*found, done_row(wanted))) for seq, b in bases(state).items()])
    assert "suicidal" not in cases.like_cases(app, incident=quiet, k=3).situation.typology
    assert "suicidal" in cases.like_cases(app, incident=calm, k=3).situation.typology


def test_cases_like_says_when_the_library_holds_no_case_of_the_situations_type(app: App) -> None:
    # The shipped library has no suicide intervention: its nearest cases match on other features only, and a
    # reader was not told so.
    bridge = cases.like_cases(app, description="A man on a bridge, threatening to jump; his wife left him")
    assert bridge.type_missing == "suicide_intervention" and bridge.neighbours
    assert "no suicide intervention case" in cases.type_missing_note(bridge.type_missing)
    bank = cases.like_cases(app, description="Bank robbery gone wrong, four hostages, they want a car")
    assert bank.type_missing is None


def test_an_imported_transcript_lasts_as_long_as_its_lines_say_not_as_long_as_its_import(
    app: App, clock: FixedClock, tmp_path: Path
) -> None:
    # Every line of an import is logged in one instant, and `cases like` read that instant as the incident's
    # duration: "under 0.1 h so far" for a two-hour call, a lower bound that left every longer case out.
    timed = _write(
        tmp_path,
        "call.txt",
        "[00:00:00] NEG: Hi, this is Sam.\n[00:40:00] SUBJ: Go away.\n[02:00:00] SUBJ: Fine, I'm coming out.\n"
        "NEG: Good.\n",  # a line the file gave no time is left out, not counted as the import's
    )
    untimed = _write(tmp_path, "untimed.txt", "NEG: Hi, this is Sam.\nSUBJ: Go away.\n")
    roles = {"NEG": Role.PRIMARY, "SUBJ": Role.SUBJECT}
    (call,), (bare,) = import_transcript(app, timed, mapping=roles), import_transcript(app, untimed, mapping=roles)
    clock.advance(timedelta(hours=48))  # how long ago it was imported says nothing about the call
    situation = cases.like_cases(app, incident=call, k=3).situation
    assert situation.duration_hours == 2.0 and not situation.duration_so_far
    unknown = cases.like_cases(app, incident=bare, k=3).situation
    assert unknown.duration_hours is None and not unknown.duration_so_far
    wider = cases.like_cases(app, incident=bare, k=10).neighbours
    assert not [m for n in wider for m in n.matches if m.feature == "duration"]  # nothing to compare


def test_an_incident_exported_to_convokit_and_imported_back_keeps_its_duration(
    app: App, clock: FixedClock, tmp_path: Path
) -> None:
    # An incident logged here exports each line's instant (ISO 8601) as its time; imported back, it ran 0 h.
    incident = open_incident(app, title="Bank on Elm", incident_type=IncidentType.CRIMINAL_INTERRUPTED)
    say(app, incident, speaker="Curtis", text="Nobody comes in.", role_if_new=Role.SUBJECT)
    clock.advance(timedelta(minutes=90))
    say(app, incident, speaker="Dana", text="Nobody is coming in.", role_if_new=Role.PRIMARY)
    convokit_io.export_convokit(tmp_path / "ck", incident=incident, app=app)
    clock.advance(timedelta(hours=5))
    (back,) = convokit_io.import_convokit(app, tmp_path / "ck")
    situation = cases.like_cases(app, incident=back, k=3).situation
    assert situation.duration_hours is not None and round(situation.duration_hours, 2) == 1.5
    metric = next(m for m in incident_metrics(app, back).metrics if m.id == "negotiation_duration_h")
    assert metric.value == 1.5  # the metrics read the same times
