"""Bulk analysis on small hand-written files with the real default pipeline.

All texts are written for these tests. What is checked: one row per utterance with talkdown's labels and
the file's own labels; a per-conversation table; a bad file reported and skipped; an interrupted run leaves
readable output and ``resume`` finishes it with the same rows a clean run gives; a Dask LocalCluster of two
worker processes gives the same rows as one local worker.
"""

from __future__ import annotations

import gzip
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from talkdown.analysis.registry import default_pipeline
from talkdown.errors import TalkdownError
from talkdown.services._corpus_rows import WINDOW
from talkdown.services.analyze_corpus import analyze_corpus, conversations_path, describe_run
from talkdown.services.evaluate import conversations_in_context

pytestmark = pytest.mark.integration

NEG, SUB = "negotiator", "subject"
CONVERSATIONS = [
    [(NEG, "What happened tonight?", {"talkdown_skill": ["open_question"]}),
     (SUB, "If anyone comes through that door I will shoot.", {}),
     (NEG, "It sounds like you feel betrayed by the people at work.", {}),
     (SUB, "I just want to see my daughter.", {})],
    [(NEG, "Hi, this is Sam with the police. Are you hurt?", {}),
     (SUB, "Nobody ever listens.", {}),
     (NEG, "You feel nobody listens to you.", {})],
    [(NEG, "Talk to me, I am here as long as it takes.", {}),
     (SUB, "Leave me alone.", {})],
]  # fmt: skip


def _jsonl(path: Path) -> Path:
    lines = []
    for n, turns in enumerate(CONVERSATIONS):
        conv = {
            "id": f"study-{n}",
            "source": "talkdown-test",
            "split": "dev",
            "meta": {"outcome": "negotiated_surrender"} if n == 0 else {},
            "turns": [
                {"idx": i, "speaker": side, "role": side, "text": text, "labels": labels}
                for i, (side, text, labels) in enumerate(turns)
            ],
        }
        lines.append(json.dumps(conv))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    _jsonl(folder / "calls.jsonl")
    (folder / "sub" / "night.txt").write_text(
        "Negotiator: Are you still there?\nSubject: I am not coming out.\nNegotiator: What would help right now?\n",
        encoding="utf-8",
    )
    return folder


def _bad(folder: Path) -> Path:
    path = folder / "broken.jsonl"
    path.write_text('{"id": "x", "turns": [oops\n', encoding="utf-8")
    return path


def test_every_utterance_gets_a_row_with_talkdowns_labels_and_the_files_own(corpus: Path, tmp_path: Path) -> None:
    run = analyze_corpus([str(corpus)], out=tmp_path / "r.parquet", workers=1)
    rows = pd.read_parquet(tmp_path / "r.parquet")
    assert run.utterances == len(rows) == 9 + 3 and run.failures == ()
    first = rows[(rows.conversation_id == "study-0") & (rows.turn == 0)].iloc[0]
    assert list(first.talkdown_skill) == ["open_question"] and first.side == "negotiator"
    assert len(first.talkdown_skill_scores) == 1 and 0 < first.talkdown_skill_scores[0] <= 1
    assert [(g["family"], g["label"]) for g in first.gold] == [("talkdown_skill", "open_question")]
    threat = rows[(rows.conversation_id == "study-0") & (rows.turn == 1)].iloc[0]
    assert "threat" in list(threat.talkdown_cue)
    text_rows = rows[rows.file.str.endswith("night.txt")]
    assert list(text_rows.side) == ["negotiator", "subject", "negotiator"]  # guessed from the speaker names


def test_the_conversation_table_has_rates_cues_stairway_and_outcome(corpus: Path, tmp_path: Path) -> None:
    analyze_corpus([str(corpus / "calls.jsonl")], out=tmp_path / "r.parquet", workers=1)
    convs = pd.read_parquet(conversations_path(tmp_path / "r.parquet")).set_index("conversation_id")
    first = convs.loc["study-0"]
    assert first.turns == 4 and first.negotiator_turns == 2 and first.subject_turns == 2
    assert first.skill_rate == 1.0 and first.skill_open_question == 0.5 and first.skill_emotion_labeling == 0.5
    assert first.cue_threat == 1 and first.cue_demand == 1
    assert first.outcome == "negotiated_surrender" and pd.isna(convs.loc["study-1"].outcome)
    assert first.stairway_progression[0] == "active_listening" and first.stairway_final


def test_a_bad_file_is_reported_and_skipped_and_the_rest_is_written(corpus: Path, tmp_path: Path) -> None:
    bad = _bad(corpus)
    run = analyze_corpus([str(corpus)], out=tmp_path / "r.parquet", workers=1)
    assert [(Path(f.file).name, f.code) for f in run.failures] == [(bad.name, "TD101")]
    rows = pd.read_parquet(tmp_path / "r.parquet")
    assert len(rows) == 12 and not rows.file.str.endswith("broken.jsonl").any()
    assert (tmp_path / "r.parquet.parts").is_dir()  # kept, so --resume can retry the bad file once fixed


def test_gzip_files_in_a_folder_give_the_rows_of_their_plain_twins(corpus: Path, tmp_path: Path) -> None:
    packed = tmp_path / "packed"
    (packed / "sub").mkdir(parents=True)
    for name in ("calls.jsonl", "sub/night.txt"):
        (packed / f"{name}.gz").write_bytes(gzip.compress((corpus / name).read_bytes()))
    plain = analyze_corpus([str(corpus)], out=tmp_path / "plain.parquet", workers=1)
    unpacked = analyze_corpus([str(packed)], out=tmp_path / "packed.parquet", workers=1)
    assert (unpacked.files, unpacked.utterances, unpacked.failures) == (2, plain.utterances, ())
    rows = [pd.read_parquet(tmp_path / f"{n}.parquet").drop(columns=["file", "conversation_id"])  # paths differ
            for n in ("plain", "packed")]  # fmt: skip
    pd.testing.assert_frame_equal(rows[0], rows[1])


def test_a_damaged_gzip_file_or_a_zip_archive_is_named_and_skipped(corpus: Path, tmp_path: Path) -> None:
    whole = gzip.compress((corpus / "calls.jsonl").read_bytes())
    (corpus / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    with zipfile.ZipFile(corpus / "zipped.jsonl", "w") as archive:
        archive.write(corpus / "calls.jsonl", "calls.jsonl")
    run = analyze_corpus([str(corpus)], out=tmp_path / "r.parquet", workers=1)
    failed = {Path(f.file).name: (f.code, f.message) for f in run.failures}
    assert failed["cut.jsonl.gz"][0] == "TD101" and "compressed data is damaged" in failed["cut.jsonl.gz"][1]
    assert failed["zipped.jsonl"] == ("TD107", f"{corpus / 'zipped.jsonl'}: cannot read it (it is a zip archive; "
                                               "extract its files first).")  # fmt: skip
    assert run.utterances == 12


class _StopAfter:
    """A progress port that presses Ctrl-C after ``n`` progress reports."""

    def __init__(self, n: int) -> None:
        self.left = n

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, n: int) -> None:
        self.left -= 1
        if self.left == 0:
            raise KeyboardInterrupt


def test_an_interrupted_run_leaves_readable_output_and_resume_finishes_it(corpus: Path, tmp_path: Path) -> None:
    inputs = [str(corpus)]
    out = tmp_path / "r.parquet"
    stopped = analyze_corpus(inputs, out=out, workers=1, chunk_size=2, progress=_StopAfter(2))
    assert stopped.interrupted
    partial = pd.read_parquet(out)
    assert 0 < len(partial) < 12  # complete, readable, and only what was finished
    with pytest.raises(TalkdownError) as err:
        analyze_corpus(inputs, out=out, workers=1, chunk_size=2)
    assert err.value.code == "TD322"
    resumed = analyze_corpus(inputs, out=out, workers=1, chunk_size=2, resume=True)
    assert not resumed.interrupted and resumed.skipped_chunks == 2
    clean = analyze_corpus(inputs, out=tmp_path / "clean.parquet", workers=1, chunk_size=2)
    pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(clean.out))
    assert not (tmp_path / "r.parquet.parts").exists()


@pytest.mark.slow
def test_ctrl_c_keeps_the_chunks_workers_had_already_started(corpus: Path, tmp_path: Path) -> None:
    # Four chunks, two worker processes: at the first finished chunk Ctrl-C comes while the others are running.
    # The pool's shutdown waits for them, but their results were dropped: one chunk kept, the rest redone on resume.
    out = tmp_path / "r.parquet"
    stopped = analyze_corpus([str(corpus)], out=out, workers=2, chunk_size=2, fast=True, progress=_StopAfter(1))
    assert stopped.interrupted
    assert stopped.conversations >= 2 and len(pd.read_parquet(out)) == stopped.utterances
    analyze_corpus([str(corpus)], out=out, workers=1, chunk_size=2, fast=True, resume=True)
    clean = analyze_corpus([str(corpus)], out=tmp_path / "clean.parquet", workers=1, chunk_size=2, fast=True)
    pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(clean.out))


def test_resume_on_a_finished_study_refuses_rather_than_redoing_and_replacing_it(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    analyze_corpus([str(corpus / "calls.jsonl")], out=out, workers=1, fast=True)
    before = pd.read_parquet(out)
    # Its parts folder is gone once every file succeeded, and --resume used to start over: with other inputs
    # (TD323's own case) it silently replaced the finished results.
    with pytest.raises(TalkdownError) as err:
        analyze_corpus([str(corpus)], out=out, workers=1, fast=True, resume=True)
    assert err.value.code == "TD324"
    pd.testing.assert_frame_equal(pd.read_parquet(out), before)


def test_a_finished_study_run_again_names_a_next_step_that_works(corpus: Path, tmp_path: Path) -> None:
    # Run again without --resume, a finished study said "Continue them with --resume" (TD322), and --resume then
    # refused it (TD324): the researcher was sent in a circle.
    out = tmp_path / "r.parquet"
    analyze_corpus([str(corpus / "calls.jsonl")], out=out, workers=1, fast=True)
    with pytest.raises(TalkdownError) as err:
        analyze_corpus([str(corpus / "calls.jsonl")], out=out, workers=1, fast=True)
    assert err.value.code == "TD324"
    assert "Continue" not in str(err.value) and "choose another --out" in str(err.value)
    elsewhere = analyze_corpus([str(corpus / "calls.jsonl")], out=tmp_path / "again.parquet", workers=1, fast=True)
    assert not elsewhere.interrupted and elsewhere.out.exists()  # the step it names works


def test_a_finished_studys_per_conversation_file_alone_is_not_replaced(corpus: Path, tmp_path: Path) -> None:
    # The per-utterance file was moved away (or renamed) and its per-conversation file left: TD322 looked at the
    # per-utterance file only, so the same --out silently replaced the other.
    out = tmp_path / "r.parquet"
    analyze_corpus([str(corpus / "calls.jsonl")], out=out, workers=1, fast=True)
    out.rename(tmp_path / "kept.parquet")
    before = pd.read_parquet(conversations_path(out))
    for resume in (False, True):
        with pytest.raises(TalkdownError) as err:
            analyze_corpus([str(corpus)], out=out, workers=1, fast=True, resume=resume)
        assert err.value.code == "TD324" and str(conversations_path(out)) in str(err.value)
    pd.testing.assert_frame_equal(pd.read_parquet(conversations_path(out)), before)
    assert not out.exists()


def test_resume_refuses_other_inputs(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    analyze_corpus([str(corpus)], out=out, workers=1, chunk_size=2, progress=_StopAfter(1))
    with pytest.raises(TalkdownError) as err:
        analyze_corpus([str(corpus / "calls.jsonl")], out=out, workers=1, chunk_size=2, resume=True)
    assert err.value.code == "TD323"


def test_csv_output_joins_label_lists(corpus: Path, tmp_path: Path) -> None:
    analyze_corpus([str(corpus / "calls.jsonl")], out=tmp_path / "r.csv", csv=True, workers=1)
    rows = pd.read_csv(tmp_path / "r.csv")
    assert len(rows) == 9 and rows.talkdown_skill.iloc[0] == "open_question"
    assert (tmp_path / "r.conversations.csv").is_file()


def test_csv_output_writes_what_a_spreadsheet_would_run_as_text(tmp_path: Path) -> None:
    path = tmp_path / "said.txt"
    path.write_text('NEG: =HYPERLINK("http://x.example")\nSUBJECT: -\nSUBJECT: @home\n', encoding="utf-8")
    analyze_corpus([str(path)], out=tmp_path / "r.csv", csv=True, workers=1)
    rows = pd.read_csv(tmp_path / "r.csv")
    assert list(rows.text) == ['\'=HYPERLINK("http://x.example")', "-", "'@home"]
    assert rows.talkdown_skill.iloc[0] != "" and not str(rows.talkdown_skill.iloc[0]).startswith("'")


def test_an_input_matching_nothing_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(TalkdownError) as err:
        analyze_corpus([str(tmp_path / "none-*.vtt")], out=tmp_path / "r.parquet")
    assert err.value.code == "TD121"


def test_a_scheduler_address_without_a_port_is_td621_and_the_corrected_command_then_runs(
    corpus: Path, tmp_path: Path
) -> None:
    pytest.importorskip("distributed")
    out = tmp_path / "r.parquet"
    with pytest.raises(TalkdownError) as err:  # was an internal ValueError ("missing port number")
        analyze_corpus([str(corpus / "calls.jsonl")], out=out, scheduler="dask-host")
    assert err.value.code == "TD621" and "port" in err.value.message
    # Nothing ran, so nothing is left behind: the parts folder made the next command TD322, "already holds results".
    assert not (tmp_path / "r.parquet.parts").exists() and not out.exists()
    run = analyze_corpus([str(corpus / "calls.jsonl")], out=out, workers=1)
    assert run.utterances == 9


@pytest.mark.slow
def test_a_dask_local_cluster_of_two_worker_processes_gives_the_same_rows(corpus: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    inline = analyze_corpus([str(corpus)], out=tmp_path / "one.parquet", workers=1, chunk_size=2)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        run = analyze_corpus(
            [str(corpus)], out=tmp_path / "dask.parquet", scheduler=cluster.scheduler_address, chunk_size=2
        )
        workers = client.run(lambda: __import__("os").getpid())
    assert len(set(workers.values())) == 2  # two separate processes did the work
    pd.testing.assert_frame_equal(pd.read_parquet(run.out), pd.read_parquet(inline.out))


@pytest.mark.slow
def test_a_local_process_pool_gives_the_same_rows(corpus: Path, tmp_path: Path) -> None:
    inline = analyze_corpus([str(corpus)], out=tmp_path / "one.parquet", workers=1, chunk_size=2)
    pooled = analyze_corpus([str(corpus)], out=tmp_path / "two.parquet", workers=2, chunk_size=2)
    pd.testing.assert_frame_equal(pd.read_parquet(pooled.out), pd.read_parquet(inline.out))


@pytest.mark.slow
def test_fast_gives_each_utterance_the_rules_labels_in_two_worker_processes(corpus: Path, tmp_path: Path) -> None:
    calls = str(corpus / "calls.jsonl")
    run = analyze_corpus([calls], out=tmp_path / "fast.parquet", workers=2, chunk_size=2, fast=True)
    rows = pd.read_parquet(run.out)
    assert run.fast and describe_run(run)["fast"] is True
    assert "ekman" not in rows.columns  # no model ran: emotion is a learned family only
    rules = default_pipeline(fast=True)
    for index, conv in enumerate(conversations_in_context(Path(calls), window=WINDOW)):
        results = rules.run_many([t for t, _ in conv], [c for _, c in conv])
        for (turn, _), anns in zip(conv, results, strict=True):
            row = rows[(rows.conversation_index == index) & (rows.turn == turn.seq)].iloc[0]
            for family in ("talkdown_cue", "talkdown_skill", "talkdown_avoid"):
                assert sorted(row[family]) == sorted({a.label for a in anns if a.family == family}), (turn.text, family)
    inline = analyze_corpus([calls], out=tmp_path / "inline.parquet", workers=1, fast=True)
    pd.testing.assert_frame_equal(rows, pd.read_parquet(inline.out))


def test_resume_refuses_to_mix_rules_alone_with_models(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    analyze_corpus([str(corpus)], out=out, workers=1, chunk_size=2, progress=_StopAfter(1), fast=True)
    with pytest.raises(TalkdownError) as err:
        analyze_corpus([str(corpus)], out=out, workers=1, chunk_size=2, resume=True)
    assert err.value.code == "TD323" and "--fast" in str(err.value)


def test_docs_study_md_names_every_column_a_study_writes(corpus: Path, tmp_path: Path) -> None:
    """docs/study.md's two tables are what a researcher reads the Parquet files by; a family or column missing
    there (``outburst`` was, when its analyser joined the pipeline) is a column nobody can interpret."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "study.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_<>]+)`", doc))
    families = {family for info in default_pipeline().describe() for family in info.produces} | {"analysis_failed"}
    out = tmp_path / "r.parquet"
    analyze_corpus([str(corpus)], out=out, workers=1, fast=True)
    columns = set(pd.read_parquet(out).columns) | set(pd.read_parquet(conversations_path(out)).columns)
    columns = {re.sub(r"^(skill|cue)_.*", r"\1_<label>", c).removesuffix("_scores") for c in columns}
    assert sorted((families | columns) - named) == []


def test_resume_refuses_other_speaker_names(corpus: Path, tmp_path: Path) -> None:
    # The names decide each turn's side; --resume with other names wrote rows of both mappings into one table.
    out = tmp_path / "r.parquet"
    named = {"Negotiator": "subject"}
    analyze_corpus([str(corpus)], out=out, workers=1, chunk_size=2, speakers=named, progress=_StopAfter(1), fast=True)
    with pytest.raises(TalkdownError) as err:
        analyze_corpus([str(corpus)], out=out, workers=1, chunk_size=2, resume=True, fast=True)
    assert err.value.code == "TD323" and "--negotiator/--subject" in str(err.value)
    # the same names in another case are the same mapping (names are matched in any case)
    done = analyze_corpus([str(corpus)], out=out, workers=1, chunk_size=2, speakers={"NEGOTIATOR": "subject"},
                          resume=True, fast=True)  # fmt: skip
    assert done.files_done == done.files and not done.failures


def test_named_speakers_get_their_side_in_a_transcript_that_went_through_convokit(tmp_path: Path) -> None:
    # import-convokit --jsonl writes 'party' for a speaker ConvoKit gave no side, and the file's role won over
    # --negotiator/--subject: a transcript passed through ConvoKit could never be scored again.
    from talkdown.services.convokit_io import convert_convokit, write_corpus
    from talkdown.services.formats import parse

    said = "Dana: Are you hurt?\nMark: Leave me alone.\nDana: It sounds like today has been a lot.\n"
    write_corpus(parse(said, fmt="text", file="call.txt"), tmp_path / "corpus", name="call")
    convert_convokit(tmp_path / "corpus", tmp_path / "call.jsonl")
    named = {"dana": "negotiator", "MARK": "subject"}
    run = analyze_corpus([str(tmp_path / "call.jsonl")], out=tmp_path / "r.parquet", workers=1, fast=True,
                         speakers=named)  # fmt: skip
    rows = pd.read_parquet(run.out)
    assert rows["side"].tolist() == ["negotiator", "subject", "negotiator"]
    assert pd.read_parquet(run.conversations_out)["negotiator_turns"].tolist() == [2]
    # without names, 'party' stays party: no guess is made over a side the file records
    plain = analyze_corpus([str(tmp_path / "call.jsonl")], out=tmp_path / "p.parquet", workers=1, fast=True)
    assert set(pd.read_parquet(plain.out)["side"]) == {"party"}


def test_skill_rate_counts_active_listening_not_the_other_moves(tmp_path: Path) -> None:
    # skill_rate counted any skill label but 'other': a negotiator asking only yes/no questions had a
    # "listening" rate of 1, where skills.md (and the study report's chart) call closed questions another move.
    said = [(NEG, "Are you alone in there?"), (SUB, "Yes."), (NEG, "You sound really frustrated."), (SUB, "I am.")]
    turns = [{"idx": i, "speaker": s, "role": s, "text": t, "labels": {}} for i, (s, t) in enumerate(said)]
    conv = {"id": "c", "source": "t", "split": "dev", "meta": {}, "turns": turns}
    (tmp_path / "in.jsonl").write_text(json.dumps(conv) + "\n", encoding="utf-8")
    run = analyze_corpus([str(tmp_path / "in.jsonl")], out=tmp_path / "r.parquet", workers=1, fast=True)
    skills = pd.read_parquet(run.out)["talkdown_skill"].map(list).tolist()
    assert skills[0] == ["closed_question"] and "emotion_labeling" in skills[2]  # the premise
    [row] = pd.read_parquet(run.conversations_out).itertuples()
    assert row.skill_closed_question == 0.5 and row.skill_rate == 0.5


def test_avoid_rate_does_not_count_a_turn_the_rules_cannot_judge(tmp_path: Path) -> None:
    # An empty negotiator turn gets the avoid rules' low-confidence "none", and avoid_rate counted it as a
    # behaviour to avoid: a call with nothing to avoid in it had a rate of 0.5.
    said = [(NEG, "You sound really frustrated."), (SUB, "I am."), (NEG, "")]
    turns = [{"idx": i, "speaker": s, "role": s, "text": t, "labels": {}} for i, (s, t) in enumerate(said)]
    conv = {"id": "c", "source": "t", "split": "dev", "meta": {}, "turns": turns}
    (tmp_path / "in.jsonl").write_text(json.dumps(conv) + "\n", encoding="utf-8")
    run = analyze_corpus([str(tmp_path / "in.jsonl")], out=tmp_path / "r.parquet", workers=1, fast=True)
    avoid = pd.read_parquet(run.out)["talkdown_avoid"].map(list).tolist()
    assert avoid == [[], [], ["none"]]  # the premise
    [row] = pd.read_parquet(run.conversations_out).itertuples()
    assert row.avoid_rate == 0.0


def test_the_merged_parquet_file_is_not_cut_into_a_row_group_per_chunk(corpus: Path, tmp_path: Path) -> None:
    # Each 500-utterance part became a row group of its own: writing the merged file took 2.5 times longer, and
    # every reader of a large study paid for thousands of tiny row groups.
    run = analyze_corpus([str(corpus)], out=tmp_path / "r.parquet", workers=1, chunk_size=2, fast=True)
    assert pq.ParquetFile(run.out).metadata.num_row_groups == 1
    assert pq.ParquetFile(run.conversations_out).metadata.num_row_groups == 1
    assert len(pd.read_parquet(run.out)) == run.utterances == 12


def test_resume_refuses_a_parts_folder_of_an_earlier_layout_naming_it(corpus: Path, tmp_path: Path) -> None:
    # Parts are Arrow IPC files now; a folder of Parquet parts (layout 1) would have been resumed and its parts
    # read as something they are not.
    out = tmp_path / "r.parquet"
    analyze_corpus([str(corpus)], out=out, workers=1, chunk_size=2, progress=_StopAfter(1), fast=True)
    manifest = out.with_name("r.parquet.parts") / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text(encoding="utf-8")), "version": 1}), "utf-8")
    with pytest.raises(TalkdownError) as err:
        analyze_corpus([str(corpus)], out=out, workers=1, chunk_size=2, resume=True, fast=True)
    assert err.value.code == "TD323" and "layout 1" in err.value.message


def _calls(path: Path, count: int, *, broken: frozenset[int] = frozenset()) -> Path:
    """``count`` two-turn conversations, one a line; those in ``broken`` are JSON but lack a turn's ``idx``."""
    lines = []
    for n in range(count):
        turns = [{"idx": 0, "speaker": NEG, "role": NEG, "text": f"Are you hurt, caller {n}?", "labels": {}},
                 {"idx": 1, "speaker": SUB, "role": SUB, "text": "Leave me alone.", "labels": {}}]  # fmt: skip
        if n in broken:
            del turns[1]["idx"]
        lines.append(json.dumps({"id": f"c{n}", "source": "t", "split": "dev", "meta": {}, "turns": turns}))
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")  # blank lines between: numbers stay the file's
    return path


class _Bar:
    """A progress port that adds up what it is told."""

    def __init__(self) -> None:
        self.total = self.done = 0

    def start(self, total: int) -> None:
        self.total = total

    def advance(self, n: int) -> None:
        self.done += n


@pytest.mark.slow
def test_a_line_only_a_worker_finds_wrong_fails_its_file_by_its_line_and_resume_finishes(tmp_path: Path) -> None:
    # The client no longer checks each conversation against the format (the workers do, so that two workers
    # are not held back by it): a bad line deep in a file must still fail that file, naming the file's own line,
    # whichever worker process found it, and leave the other files' rows whole.
    folder = tmp_path / "in"
    folder.mkdir()
    bad = _calls(folder / "a.jsonl", 12, broken=frozenset({7, 9}))
    _calls(folder / "b.jsonl", 3)
    out = tmp_path / "r.parquet"
    bar = _Bar()
    run = analyze_corpus([str(folder)], out=out, workers=2, chunk_size=4, fast=True, progress=bar)
    assert bar.done == bar.total == 30  # the failed file's utterances were counted, so the bar covers them too
    # the earlier of the two bad lines (conversation 7, on line 15), whichever chunk finished first
    said = f"{bad.resolve()} line 15: turn 1 has no 'idx'. Fix the line; nothing was taken from the file."
    assert [(f.file, f.code, f.message) for f in run.failures] == [(str(bad.resolve()), "TD101", said)]
    assert set(pd.read_parquet(out).file) == {str((folder / "b.jsonl").resolve())} and run.utterances == 6
    _calls(bad, 12)
    resumed = analyze_corpus([str(folder)], out=out, workers=2, chunk_size=4, fast=True, resume=True)
    assert resumed.failures == () and resumed.utterances == 30
    clean = analyze_corpus([str(folder)], out=tmp_path / "clean.parquet", workers=1, chunk_size=4, fast=True)
    pd.testing.assert_frame_equal(pd.read_parquet(out), pd.read_parquet(clean.out))


class _CutShort(_Bar):
    """A progress port that truncates ``path`` once counting is done, as a copy still being written might be."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def start(self, total: int) -> None:
        super().start(total)
        lines = self.path.read_text(encoding="utf-8").splitlines(keepends=True)
        self.path.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")


def test_a_jsonl_file_cut_short_after_it_was_counted_fails_rather_than_losing_its_end(tmp_path: Path) -> None:
    # The file was counted, then read again to be analysed: what it lost in between was left out without a word,
    # and the file was reported done.
    calls = _calls(tmp_path / "calls.jsonl", 12)
    bar = _CutShort(calls)
    run = analyze_corpus([str(calls)], out=tmp_path / "r.parquet", workers=1, chunk_size=4, fast=True, progress=bar)
    assert [(f.code, "cut short" in f.message) for f in run.failures] == [("TD107", True)]
    assert bar.done == bar.total == 24
    assert run.files_done == 0 and (tmp_path / "r.parquet.parts").is_dir()


@pytest.mark.slow
def test_a_cp1252_jsonl_line_is_read_in_the_named_encoding_by_the_worker_processes(tmp_path: Path) -> None:
    # The workers decode the JSONL lines they are sent, so --encoding has to reach them: UTF-8 lines stay UTF-8,
    # the one saved on Windows is read as cp1252, and without the option that line fails its file by number.
    lines = [json.dumps(conv, ensure_ascii=False).encode("utf-8") for conv in _conversations("Jos\u00e9")]
    lines[1] = lines[1].decode("utf-8").encode("cp1252")
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    run = analyze_corpus([str(path)], out=tmp_path / "r.parquet", workers=2, chunk_size=2, fast=True,
                         encoding="cp1252")  # fmt: skip
    assert run.failures == () and set(pd.read_parquet(run.out).text) == {"Hello Jos\u00e9.", "Bye."}
    plain = analyze_corpus([str(path)], out=tmp_path / "p.parquet", workers=2, chunk_size=2, fast=True)
    assert [(f.code, f"{path.resolve()} line 2:" in f.message) for f in plain.failures] == [("TD101", True)]


def test_a_jsonl_line_that_is_not_utf8_names_the_likely_encoding_and_the_option(tmp_path: Path) -> None:
    # A text file said "it looks like cp1252 ... or pass --encoding cp1252"; a JSONL line only "not valid UTF-8
    # (byte 30)", so a researcher with a Windows export never learnt that --encoding reads it as it is.
    lines = [json.dumps(conv, ensure_ascii=False).encode("utf-8") for conv in _conversations("\u201cJos\u00e9\u201d")]
    lines[1] = lines[1].decode("utf-8").encode("cp1252")
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    run = analyze_corpus([str(path)], out=tmp_path / "r.parquet", workers=1, fast=True)
    [failure] = run.failures
    assert failure.code == "TD101" and f"{path.resolve()} line 2: not valid UTF-8" in failure.message
    assert "it looks like cp1252" in failure.message and "pass --encoding cp1252" in failure.message


def _conversations(name: str) -> list[dict[str, object]]:
    turns = [{"idx": 0, "speaker": NEG, "role": NEG, "text": f"Hello {name}.", "labels": {}},
             {"idx": 1, "speaker": SUB, "role": SUB, "text": "Bye.", "labels": {}}]  # fmt: skip
    return [{"id": f"c{n}", "source": "t", "split": "dev", "meta": {}, "turns": turns} for n in range(3)]


def test_failures_are_listed_in_input_order_whoever_found_them(tmp_path: Path) -> None:
    # The client finds a damaged gzip stream when counting; a bad line in an earlier file only when a worker
    # reads it, later. The summary listed the files in the order they failed, not in the order given.
    folder = tmp_path / "in"
    folder.mkdir()
    _calls(folder / "a.jsonl", 4, broken=frozenset({3}))
    (folder / "b.jsonl").write_bytes(gzip.compress(b"")[:5])  # a cut-off gzip stream
    run = analyze_corpus([str(folder)], out=tmp_path / "r.parquet", workers=1, chunk_size=2, fast=True)
    assert [(Path(f.file).name, f.code) for f in run.failures] == [("a.jsonl", "TD101"), ("b.jsonl", "TD101")]


@pytest.mark.parametrize(("name", "csv"), [("r.csv", False), ("r.parquet", True), ("R.CSV", False)])
def test_an_out_named_for_the_other_format_is_refused_before_anything_runs(
    corpus: Path, tmp_path: Path, name: str, csv: bool
) -> None:
    # The format followed --csv alone: "--out r.csv" wrote Parquet bytes under a .csv name, and
    # "--csv --out r.parquet" wrote CSV that 'study report' then called a corrupt Parquet file.
    with pytest.raises(TalkdownError) as err:
        analyze_corpus([str(corpus)], out=tmp_path / name, csv=csv, workers=1, fast=True)
    assert err.value.code == "TD105" and "--csv" in err.value.message
    assert [p.name for p in tmp_path.iterdir()] == ["in"]  # no output, no parts: the corrected command runs as new


def test_an_out_without_a_format_suffix_is_written_as_given(corpus: Path, tmp_path: Path) -> None:
    run = analyze_corpus([str(corpus)], out=tmp_path / "r", csv=True, workers=1, fast=True)
    assert run.out.read_text(encoding="utf-8").startswith('"file"')


@pytest.mark.parametrize("name", ["results.csv", "results.parquet"])
def test_a_studys_own_files_inside_the_input_folder_are_not_read_back_as_inputs_on_resume(
    corpus: Path, name: str
) -> None:
    # The documented way on: fix the skipped file, run the same command with --resume. With --out in the input
    # folder the first run's parts folder (its done.txt) and, with --csv, its results.csv were new inputs:
    # TD323, "the input files differ", and the study could not be finished.
    bad = _bad(corpus)
    out, csv = corpus / name, name.endswith(".csv")
    first = analyze_corpus([str(corpus)], out=out, csv=csv, workers=1, fast=True)
    assert [Path(f.file).name for f in first.failures] == ["broken.jsonl"] and out.is_file()
    bad.unlink()
    _jsonl(bad)
    again = analyze_corpus([str(corpus)], out=out, csv=csv, workers=1, fast=True, resume=True)
    assert again.failures == () and again.files == first.files == 3
    rows = pd.read_csv(out) if csv else pd.read_parquet(out)
    assert set(rows.file.map(lambda f: Path(f).name)) == {"broken.jsonl", "calls.jsonl", "night.txt"}


def test_another_studys_results_and_an_unrelated_table_in_the_input_folder_fail_by_name(
    corpus: Path, tmp_path: Path
) -> None:
    # An earlier study's results.csv has 'speaker' and 'text' columns: a folder holding it read every analysed
    # row back as a turn, and the new study counted it as a call.
    analyze_corpus([str(corpus / "calls.jsonl")], out=corpus / "old" / "results.csv", csv=True, workers=1, fast=True)
    (corpus / "old" / "budget.csv").write_text("item,cost\nradios,300\n", encoding="utf-8")
    run = analyze_corpus([str(corpus)], out=tmp_path / "r.parquet", workers=1, fast=True)
    failed = {Path(f.file).name: f for f in run.failures}
    assert {name: f.code for name, f in failed.items()} == {
        "results.csv": "TD102", "results.conversations.csv": "TD102", "budget.csv": "TD101"
    }  # fmt: skip
    assert "study results table" in failed["results.csv"].message
    assert "no 'speaker' and no 'text' column" in failed["budget.csv"].message
    rows = pd.read_parquet(tmp_path / "r.parquet")
    assert run.utterances == len(rows) == 9 + 3 and set(rows.file.map(lambda f: Path(f).name)) == {
        "calls.jsonl", "night.txt"
    }  # fmt: skip


def test_a_gzip_file_that_unpacks_past_the_limit_is_named_and_skipped(corpus: Path, tmp_path: Path) -> None:
    zeros = gzip.compress(bytes(50 * 2**20), compresslevel=9)  # a real gzip bomb: about 50 KB on disk
    for name in ("bomb.jsonl.gz", "bomb.txt.gz"):  # streamed line by line, and read whole
        (corpus / name).write_bytes(zeros)
    run = analyze_corpus([str(corpus)], out=tmp_path / "r.parquet", workers=1, max_unpacked_mb=1)
    failed = {Path(f.file).name: (f.code, f.message) for f in run.failures}
    assert set(failed) == {"bomb.jsonl.gz", "bomb.txt.gz"}
    for name, (code, message) in failed.items():
        assert code == "TD114" and str(corpus / name) in message and "more than 1 MB" in message
    assert run.utterances == 12  # the other files' rows, as without the bombs


def test_a_jsonl_line_past_the_line_limit_is_named_and_skipped(corpus: Path, tmp_path: Path) -> None:
    turns = [{"role": SUB, "text": f"line {n}: nobody comes in here."} for n in range(60_000)]
    conversation = json.dumps({"id": "long", "turns": turns})  # about 3 MB on one line
    lines = (corpus / "calls.jsonl").read_bytes()
    (corpus / "long.jsonl").write_bytes(lines + conversation.encode() + b"\n")
    (corpus / "long.jsonl.gz").write_bytes(gzip.compress(lines + conversation.encode()))
    run = analyze_corpus([str(corpus)], out=tmp_path / "r.parquet", workers=1, fast=True, max_line_mb=1)
    failed = {Path(f.file).name: (f.code, f.message) for f in run.failures}
    assert set(failed) == {"long.jsonl", "long.jsonl.gz"}
    for name, (code, message) in failed.items():
        assert code == "TD115" and message.startswith(f"{corpus / name} line 4: longer than 1 MB")
    assert run.utterances == 12  # the other files' rows, as without the long ones
