"""ConvoKit interop, tested against ConvoKit's documented on-disk schema.

The real ``convokit`` package is not installed (it pulls torch, spaCy and CUDA wheels), so these tests check
what ``convokit.Corpus(filename=...)`` reads (``convokit/model/corpus_helpers.py``): the five files, the
mandatory utterance keys, ``conversation_id`` = the first utterance's id, ``reply-to`` chains inside a
conversation, ``{"meta", "vectors"}`` entries and the ``index.json`` keys ``ConvoKitIndex.update_from_dict`` needs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from talkdown.domain.enums import IncidentType, Role
from talkdown.errors import TalkdownError
from talkdown.services import convokit_io
from talkdown.services.annotate import annotate_incident
from talkdown.services.entries import say
from talkdown.services.formats import Transcript, TranscriptTurn, parse
from talkdown.services.incidents import get_incident, open_incident
from talkdown.services.wiring import App

SAMPLE = Path(__file__).parents[1] / "data" / "transcripts" / "sample.jsonl"
UTTERANCE_KEYS = {"id", "speaker", "conversation_id", "reply-to", "timestamp", "text", "meta"}


def _lines(folder: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in (folder / "utterances.jsonl").read_text(encoding="utf-8").splitlines()]


def test_an_export_has_convokits_five_files_and_mandatory_keys(tmp_path: Path) -> None:
    summary = convokit_io.export_convokit(tmp_path / "corpus", file=SAMPLE)
    folder = tmp_path / "corpus"
    assert sorted(p.name for p in folder.iterdir()) == sorted(convokit_io.FILES)
    rows = _lines(folder)
    assert summary.utterances == len(rows) and summary.conversations == 2
    assert all(set(r) >= UTTERANCE_KEYS for r in rows)
    index = json.loads((folder / "index.json").read_text())
    assert {"utterances-index", "speakers-index", "conversations-index", "overall-index", "version"} <= set(index)
    for part in ("utterances-index", "speakers-index", "conversations-index", "overall-index"):
        assert all(types and types[0].startswith("<class '") for types in index[part].values())  # never "bin"


def test_conversation_ids_are_first_utterance_ids_and_replies_stay_inside(tmp_path: Path) -> None:
    convokit_io.export_convokit(tmp_path / "c", file=SAMPLE)
    rows = _lines(tmp_path / "c")
    ids = {r["id"]: r for r in rows}
    convos = json.loads((tmp_path / "c" / "conversations.json").read_text())
    speakers = json.loads((tmp_path / "c" / "speakers.json").read_text())
    assert set(convos) == {r["conversation_id"] for r in rows}
    for r in rows:
        assert r["conversation_id"] in ids and ids[r["conversation_id"]]["reply-to"] is None
        if r["reply-to"] is not None:
            assert ids[r["reply-to"]]["conversation_id"] == r["conversation_id"]
        assert set(speakers[r["speaker"]]) == {"meta", "vectors"}
    assert all(set(v) == {"meta", "vectors"} for v in convos.values())


def test_an_exported_corpus_reads_back_to_the_same_transcripts(tmp_path: Path) -> None:
    original = parse(SAMPLE.read_text(encoding="utf-8"), fmt="jsonl", file="sample")
    convokit_io.export_convokit(tmp_path / "c", file=SAMPLE)
    back = convokit_io.read_corpus(tmp_path / "c")
    assert [t.external_id for t in back] == [t.external_id for t in original]
    assert [t.meta for t in back] == [t.meta for t in original]
    for a, b in zip(back, original, strict=True):
        assert [(x.speaker, x.text, x.role, x.time, x.labels) for x in a.turns] == [
            (x.speaker, x.text, x.role, x.time, x.labels) for x in b.turns
        ]


def test_a_line_without_its_own_time_stamp_keeps_its_place_in_convokits_time_order(tmp_path: Path) -> None:
    # sample.txt: "[00:00:26] Sgt. Ortiz: ..." then "NEG: Nobody is coming up" with no stamp. Its timestamp was its
    # index (5), so ConvoKit's get_chronological_utterance_list (a sort by timestamp) put it second.
    convokit_io.export_convokit(tmp_path / "c", file=Path(__file__).parents[1] / "data" / "transcripts" / "sample.txt")
    rows = _lines(tmp_path / "c")
    assert [r["timestamp"] for r in rows] == [4.0, 9.0, 12.0, 20.0, 26.0, 26.0, 41.5]
    chronological = sorted(rows, key=lambda r: r["timestamp"])  # type: ignore[arg-type,return-value]  # numbers
    assert [r["id"] for r in chronological] == [r["id"] for r in rows]


def test_an_old_style_corpus_reads_and_pickled_fields_are_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    rows = [
        {"id": "u1", "user": "alex", "root": "u1", "reply_to": None, "timestamp": 1, "text": "We want a bus.",
         "meta": {"blob": "<##bin{0}&&@**>", "note": "kept"}},
        {"id": "u2", "user": "sam", "root": "u1", "reply_to": "u1", "timestamp": 2, "text": "Tell me more.",
         "meta": {}},
    ]  # fmt: skip
    (folder / "utterances.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    (folder / "users.json").write_text(json.dumps({"alex": {}, "sam": {"side": "negotiator"}}), encoding="utf-8")
    convos = {"u1": {"topic": "bus", "picture": "<##bin{0}&&@**>"}}
    (folder / "conversations.json").write_text(json.dumps(convos), encoding="utf-8")
    (folder / "blob-bin.p").write_bytes(b"never read")
    [t] = convokit_io.read_corpus(folder)
    assert [x.speaker for x in t.turns] == ["alex", "sam"] and t.meta == {"topic": "bus"}
    assert t.external_id == "u1" and t.source == "old"


def _corpus(folder: Path, rows: list[dict[str, object]]) -> Path:
    folder.mkdir()
    (folder / "utterances.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    for name in ("speakers.json", "conversations.json"):
        (folder / name).write_text("{}", encoding="utf-8")
    return folder


def test_utterances_listed_out_of_order_read_in_timestamp_order_as_convokit_orders_them(tmp_path: Path) -> None:
    # ConvoKit's get_chronological_utterance_list sorts by timestamp; utterances.jsonl need not be in that order.
    rows = [
        {"id": "u3", "conversation_id": "u1", "speaker": "curtis", "reply-to": "u2", "timestamp": 1700000030,
         "text": "Nobody comes up those stairs.", "meta": {}},
        {"id": "u1", "conversation_id": "u1", "speaker": "dana", "reply-to": None, "timestamp": 1700000000,
         "text": "Curtis, this is Dana.", "meta": {}},
        {"id": "u2", "conversation_id": "u1", "speaker": "curtis", "reply-to": "u1", "timestamp": 1700000010.5,
         "text": "Go away.", "meta": {}},
        {"id": "u4", "conversation_id": "u1", "speaker": "dana", "reply-to": "u3", "timestamp": 1700000030,
         "text": "Nobody is coming up.", "meta": {}},
    ]  # fmt: skip
    [t] = convokit_io.read_corpus(_corpus(tmp_path / "c", rows))
    assert [x.text for x in t.turns] == [
        "Curtis, this is Dana.",
        "Go away.",
        "Nobody comes up those stairs.",
        "Nobody is coming up.",  # the same second as the line before it: the file's order breaks the tie
    ]


def test_without_a_timestamp_on_every_utterance_the_files_order_stands(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "conversation_id": "a", "speaker": "x", "timestamp": 9, "text": "first", "meta": {}},
        {"id": "b", "conversation_id": "a", "speaker": "y", "timestamp": None, "text": "second", "meta": {}},
        {"id": "c", "conversation_id": "a", "speaker": "x", "timestamp": 3, "text": "third", "meta": {}},
    ]
    [t] = convokit_io.read_corpus(_corpus(tmp_path / "c", rows))
    assert [x.text for x in t.turns] == ["first", "second", "third"]


def test_a_null_speaker_reads_as_unknown_not_as_the_word_none(tmp_path: Path) -> None:
    rows = [{"id": "a", "conversation_id": "a", "speaker": None, "timestamp": 1, "text": "ok", "meta": {}}]
    [t] = convokit_io.read_corpus(_corpus(tmp_path / "c", rows))
    assert [x.speaker for x in t.turns] == ["unknown"]


@pytest.mark.parametrize("named", ["", "  "])
def test_an_empty_speaker_reads_as_unknown_so_the_jsonl_and_the_incident_take_it(
    app: App, tmp_path: Path, named: str
) -> None:
    # import-convokit --jsonl wrote "speaker": "", which 'study analyze' then refused (TD101), and the import
    # as incidents failed with "internal error: ValidationError" (a party needs a name).
    rows = [{"id": "a", "conversation_id": "a", "speaker": named, "timestamp": 1, "text": "ok", "meta": {}}]
    folder = _corpus(tmp_path / "c", rows)
    convokit_io.convert_convokit(folder, tmp_path / "out.jsonl")
    [t] = parse((tmp_path / "out.jsonl").read_text(encoding="utf-8"), fmt="jsonl", file="out")
    assert [x.speaker for x in t.turns] == ["unknown"]
    [incident] = convokit_io.import_convokit(app, folder)
    assert [p.name for p in get_incident(app, incident).parties.values()] == ["unknown"]


def test_a_lone_surrogate_escape_in_an_utterance_is_an_error_on_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    rows = ['{"id": "u1", "speaker": "a", "text": "fine"}', '{"id": "u2", "speaker": "b", "text": "no \\udcff"}']
    (folder / "utterances.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    for name in ("speakers.json", "conversations.json"):
        (folder / name).write_text("{}", encoding="utf-8")
    with pytest.raises(TalkdownError) as err:
        convokit_io.read_corpus(folder)
    assert (err.value.code, err.value.fields["line"]) == ("TD101", 2)
    assert "surrogate" in str(err.value.fields["problem"])


def test_a_line_that_is_not_json_is_named_with_its_column_and_no_other_line(tmp_path: Path) -> None:
    # json's message counted "line 1" of the one line it was given: "utterances.jsonl line 2: not valid JSON
    # (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))".
    folder = _corpus(tmp_path / "c", [{"id": "u1", "speaker": "a", "text": "fine"}])
    with (folder / "utterances.jsonl").open("a", encoding="utf-8") as fh:
        fh.write("{oops\n")
    with pytest.raises(TalkdownError) as err:
        convokit_io.read_corpus(folder)
    problem = "not valid JSON (Expecting property name enclosed in double quotes, column 2)"
    assert err.value.message.startswith(f"{folder / 'utterances.jsonl'} line 2: {problem}. Fix the line")


def test_a_folder_without_utterances_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TalkdownError) as err:
        convokit_io.read_corpus(tmp_path)
    assert err.value.code == "TD122"


def test_convert_writes_jsonl_that_the_parsers_accept_with_party_for_unknown_sides(tmp_path: Path) -> None:
    convokit_io.export_convokit(tmp_path / "c", file=Path(__file__).parents[1] / "data" / "transcripts" / "sample.txt")
    convokit_io.convert_convokit(tmp_path / "c", tmp_path / "out.jsonl")
    [t] = parse((tmp_path / "out.jsonl").read_text(encoding="utf-8"), fmt="jsonl", file="out")
    assert {x.role for x in t.turns} == {"party"} and t.split == "dev"


def test_an_incident_exports_with_sides_from_roles_and_imports_as_study_incidents(app: App, tmp_path: Path) -> None:
    incident = open_incident(app, title="Elm St", incident_type=IncidentType.BARRICADE)
    say(app, incident, speaker="Dana", text="What happened tonight?", role_if_new=Role.PRIMARY)
    say(app, incident, speaker="Mark", text="Leave me alone.", role_if_new=Role.SUBJECT)
    convokit_io.export_convokit(tmp_path / "c", incident=incident, app=app)
    rows = _lines(tmp_path / "c")
    assert [(r["speaker"], r["meta"]["side"]) for r in rows] == [("Dana", "negotiator"), ("Mark", "subject")]
    [copy] = convokit_io.import_convokit(app, tmp_path / "c")
    state = get_incident(app, copy)
    assert state.mode.value == "study" and [u.text for u in state.utterances] == [
        "What happened tonight?",
        "Leave me alone.",
    ]
    assert {p.name: p.role for p in state.parties.values()} == {"Dana": Role.PRIMARY, "Mark": Role.SUBJECT}


def test_an_analysed_incident_exports_its_stored_labels_with_scores(app: App, tmp_path: Path) -> None:
    incident = open_incident(app, title="Elm St", incident_type=IncidentType.BARRICADE)
    say(app, incident, speaker="Mark", text="If you come in I'll shoot him.", role_if_new=Role.SUBJECT)
    say(app, incident, speaker="Dana", text="You sound scared about what happens next.", role_if_new=Role.PRIMARY)
    convokit_io.export_convokit(tmp_path / "before", incident=incident, app=app)
    assert all("talkdown" not in r["meta"] for r in _lines(tmp_path / "before"))  # nothing analysed, nothing made up
    stored = annotate_incident(app, incident)  # the console's pipeline: the export reads what its board shows
    convokit_io.export_convokit(tmp_path / "after", incident=incident, app=app)
    threat, label = (r["meta"]["talkdown"] for r in _lines(tmp_path / "after"))
    first = min(stored)
    assert threat["talkdown_cue"]["threat"] == max(a.score for a in stored[first] if a.label == "threat")
    assert "emotion_labeling" in label["talkdown_skill"]
    index = json.loads((tmp_path / "after" / "index.json").read_text())
    assert index["utterances-index"]["talkdown"] == ["<class 'dict'>"]
    assert [t.turns[0].text for t in convokit_io.read_corpus(tmp_path / "after")] == [
        "If you come in I'll shoot him."
    ]  # and it reads back as the transcript, the analysis left out


def test_an_incidents_utterances_carry_their_unix_time_as_convokit_timestamp(app: App, tmp_path: Path) -> None:
    incident = open_incident(app, title="Elm St", incident_type=IncidentType.BARRICADE)
    say(app, incident, speaker="Dana", text="What happened tonight?", role_if_new=Role.PRIMARY)
    say(app, incident, speaker="Mark", text="Leave me alone.", role_if_new=Role.SUBJECT)
    convokit_io.export_convokit(tmp_path / "c", incident=incident, app=app)
    said = [u.when.timestamp() for u in get_incident(app, incident).utterances]
    assert [r["timestamp"] for r in _lines(tmp_path / "c")] == said and said[0] < said[1]


def test_two_conversations_sharing_an_id_export_as_two_and_read_back_apart(tmp_path: Path) -> None:
    # Two calls both exported as "call-1" wrote the same utterance ids twice: conversations.json held one
    # conversation, and reading the corpus back interleaved the two calls' turns into one.
    def call(*texts: str) -> Transcript:
        turns = tuple(TranscriptTurn("NEG" if i % 2 == 0 else "S", x, role="party") for i, x in enumerate(texts))
        return Transcript(turns, "call-1", "x", "dev", {})

    first, second = call("Talk to me.", "I have a gun."), call("How are you?", "Fine.", "Nice day.")
    summary = convokit_io.write_corpus([first, second], tmp_path / "c", name="calls")
    rows = _lines(tmp_path / "c")
    assert summary.conversations == 2 and len({r["id"] for r in rows}) == len(rows) == 5
    back = convokit_io.read_corpus(tmp_path / "c")
    assert [t.external_id for t in back] == ["call-1", "call-1"]
    assert [[x.text for x in t.turns] for t in back] == [
        ["Talk to me.", "I have a gun."],
        ["How are you?", "Fine.", "Nice day."],
    ]


def test_a_turns_votes_feedback_end_time_and_other_keys_survive_export_and_import(tmp_path: Path) -> None:
    # An AnnoMI 10-annotator turn (votes), an ESConv-style feedback, talkdown's end_time and a key the format
    # does not know: the export dropped them all, so a corpus exported for an agreement study had no votes and
    # read back to a file that differed from the original.
    turns = [
        {"idx": 0, "speaker": "therapist", "role": "negotiator", "text": "Hi, Mr. Stowe.", "time": "00:00:00",
         "end_time": "00:00:02", "labels": {"annomi_therapist": ["other"]},
         "votes": {"annomi_therapist": {"other": 9, "question": 1}}},
        {"idx": 1, "speaker": "client", "role": "subject", "text": "Hello.", "labels": {}, "feedback": 4,
         "coder_note": {"unsure": True}},
    ]  # fmt: skip
    line = {"id": "annomi-000066", "source": "annomi", "split": "dev", "meta": {"annotators": 10}, "turns": turns}
    original = json.dumps(line, ensure_ascii=False) + "\n"
    (tmp_path / "dev.jsonl").write_text(original, encoding="utf-8")
    convokit_io.export_convokit(tmp_path / "c", file=tmp_path / "dev.jsonl")
    metas: list[Any] = [row["meta"] for row in _lines(tmp_path / "c")]
    assert metas[0]["votes"] == {"annomi_therapist": {"other": 9, "question": 1}}  # as ConvoKit users read it
    assert metas[0]["end_time"] == "00:00:02" and metas[1]["feedback"] == 4
    convokit_io.convert_convokit(tmp_path / "c", tmp_path / "back.jsonl")
    assert (tmp_path / "back.jsonl").read_text(encoding="utf-8") == original


def test_a_convokit_corpuss_own_utterance_meta_reaches_the_jsonl_turn(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"id": "u1", "conversation_id": "u1", "speaker": "dana", "reply-to": None, "timestamp": 1, "text": "Hi.",
         "meta": {"score": 5, "top_level_comment": "u1", "feedback": "great", "text": "not the text"}},
    ]  # fmt: skip
    convokit_io.convert_convokit(_corpus(tmp_path / "c", rows), tmp_path / "out.jsonl")
    [turn] = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))["turns"]
    assert turn["score"] == 5 and turn["top_level_comment"] == "u1"  # kept, where they were dropped
    assert turn["text"] == "Hi." and "feedback" not in turn  # the format's own keys, and its integer feedback
    parse((tmp_path / "out.jsonl").read_text(encoding="utf-8"), fmt="jsonl", file="out")  # study analyze reads it


def test_a_conversation_imported_as_an_incident_exports_with_its_source_meta_and_line_fields(
    app: App, tmp_path: Path
) -> None:
    # corpus -> incident -> corpus came back with source "talkdown", split null, no meta and no votes: the
    # exported conversation could no longer be joined to the data it came from.
    convokit_io.export_convokit(tmp_path / "c", file=SAMPLE)  # talkdown-sample-1: meta, a feedback, stamps
    first, _ = convokit_io.import_convokit(app, tmp_path / "c")
    convokit_io.export_convokit(tmp_path / "again", incident=first, app=app)
    [conversation] = json.loads((tmp_path / "again" / "conversations.json").read_text(encoding="utf-8")).values()
    meta = conversation["meta"]
    assert (meta["talkdown_id"], meta["source"], meta["split"]) == (first, "talkdown-sample", "dev")
    assert meta["source_meta"]["external_id"] == "talkdown-sample-1"
    assert meta["source_meta"]["imported_meta"] == {"scenario": "barricade, apartment"}
    rows: list[Any] = _lines(tmp_path / "again")
    assert [r["meta"].get("feedback") for r in rows] == [None, 4]
    assert [r["timestamp"] for r in rows] == [4.0, 9.0] and "role" not in rows[0]["meta"]


def test_an_imported_line_without_a_time_exports_none_and_keeps_its_place_in_time_order(
    app: App, tmp_path: Path
) -> None:
    # Its time was the instant of the import: "2026-...T20:12:59" for a line of an old call, and as a Unix
    # timestamp it sorted the call's first line after its "00:00:12" reply in ConvoKit's time order.
    turns = (
        TranscriptTurn(speaker="Dana", text="Hello, this is Dana.", role="negotiator"),
        TranscriptTurn(speaker="Mark", text="Go away.", time="00:00:12", role="subject"),
    )
    convokit_io.write_corpus([Transcript(turns=turns, external_id="c9", source="t", split="dev")], tmp_path / "c",
                             name="c")  # fmt: skip
    [incident] = convokit_io.import_convokit(app, tmp_path / "c")
    convokit_io.export_convokit(tmp_path / "again", incident=incident, app=app)
    rows: list[Any] = _lines(tmp_path / "again")
    assert [r["meta"]["time"] for r in rows] == [None, "00:00:12"]
    assert [r["timestamp"] for r in rows] == [0.0, 12.0]


def test_a_running_training_sessions_export_leaves_out_the_subjects_intent(app: App, tmp_path: Path) -> None:
    # The subject's intent (logged with each reply) is what the trainee must find out by talking; the ConvoKit
    # and transcript exports of his running session handed it over. Once it has ended, they carry it.
    from talkdown.services import train, transcripts

    started = train.start_session(app, scenario="bridge", seed=1, trainee="Alex")
    train.take_turn(app, started.session_id, text="Hi, I'm Sam. What's going on tonight?")
    convokit_io.export_convokit(tmp_path / "running", incident=started.session_id, app=app)
    assert not [row for row in _lines(tmp_path / "running") if "intent" in row["meta"]]  # type: ignore[operator]
    assert '"intent"' not in transcripts.export_transcript(app, started.session_id, fmt="jsonl")
    train.end_session(app, started.session_id, reason="class over")
    convokit_io.export_convokit(tmp_path / "ended", incident=started.session_id, app=app)
    assert [row for row in _lines(tmp_path / "ended") if "intent" in row["meta"]]  # type: ignore[operator]
    assert '"intent"' in transcripts.export_transcript(app, started.session_id, fmt="jsonl")
