"""The evaluation contract: exact metrics on a hand-written file, the JSON shape, coded errors, determinism.

The conversations below are written for this test (no ESConv or AnnoMI text: licence). Predictions come
from two fake rule analysers at the analyser boundary, so every expected number is worked out by hand.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import threading
import zipfile
from pathlib import Path
from typing import ClassVar

import pytest

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.pipeline import Pipeline
from talkdown.domain.annotations import Annotation, Span
from talkdown.errors import TalkdownError
from talkdown.services.evaluate import EvalReport, conversation_files, evaluate_files, read_context


def _ann(name: str, family: str, label: str) -> Annotation:
    return Annotation(
        analyzer=name, analyzer_version="1", family=family, label=label, score=0.9, evidence=(Span(start=0, end=1),)
    )


class FakeSkills:
    name: ClassVar[str] = "skills"
    version: ClassVar[str] = "1"
    requires: ClassVar[frozenset[str]] = frozenset()
    produces: ClassVar[frozenset[str]] = frozenset({"talkdown_skill"})

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        if turn.side != "negotiator":
            return ()
        text = turn.text.lower()
        out = []
        if ctx.window and text.rstrip("?") == ctx.window[-1].text.lower().split()[-1]:
            out.append("mirroring")
        if "sounds like" in text:
            out.append("emotion_labeling")
        if "what" in text:
            out.append("open_question")
        elif "is that right?" in text or (text.endswith("?") and not out):
            out.append("closed_question")
        if "you should" in text:
            out.append("suggestion")
        return tuple(_ann(self.name, "talkdown_skill", label) for label in out)


class FakeEmotion:
    name: ClassVar[str] = "emotion"
    version: ClassVar[str] = "1"
    requires: ClassVar[frozenset[str]] = frozenset()
    produces: ClassVar[frozenset[str]] = frozenset({"ekman"})

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        if turn.side == "negotiator":
            return ()
        labels = [lab for word, lab in (("happy", "joy"), ("angry", "anger")) if word in turn.text] or ["neutral"]
        return tuple(_ann(self.name, "ekman", lab) for lab in labels)


def _conv(cid: str, *turns: tuple[str, str, dict[str, list[str]]]) -> str:
    body = [
        {"idx": i, "speaker": role, "role": role, "text": text, "labels": labels}
        for i, (role, text, labels) in enumerate(turns)
    ]
    return json.dumps({"id": cid, "source": "test", "split": "dev", "meta": {}, "turns": body})


N, S = "negotiator", "subject"
LINES = [
    _conv(
        "t-1",
        (N, "What happened?", {"annomi_therapist": ["question"], "annomi_question": ["open"],
                               "talkdown_skill": ["open_question"]}),
        (S, "I am angry", {"ekman": ["anger"], "talkdown_cue": [], "goemotions": ["anger"]}),
        (N, "Sounds like you are angry. Is that right?",
         {"annomi_therapist": ["reflection"], "annomi_question": ["closed"],
          "talkdown_skill": ["emotion_labeling", "closed_question"]}),
        (S, "I am happy and angry", {"ekman": ["joy"]}),
    ),
    _conv(
        "t-2",
        (N, "You should leave", {"annomi_therapist": ["question"], "annomi_question": ["open"],
                                  "talkdown_skill": []}),
        (S, "ok", {"ekman": ["neutral", "sadness"]}),
    ),
]  # fmt: skip


def _pipeline() -> Pipeline:
    return Pipeline([FakeSkills(), FakeEmotion()])


def _write(tmp_path: Path, lines: list[str], name: str = "dev.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _scores(report: EvalReport, family: str) -> dict[str, tuple[float, float, float, int]]:
    return {k: (v.precision, v.recall, v.f1, v.support) for k, v in report.families[family].labels.items()}


@pytest.fixture
def report(tmp_path: Path) -> EvalReport:
    return evaluate_files([_write(tmp_path, LINES)], pipeline=_pipeline())


def test_single_label_family_counts_a_wrong_guess_against_both_classes(report: EvalReport) -> None:
    # gold question, reflection, question; predicted question, question (reflection + question skills: the
    # question wins), therapist_input (suggestion)
    fam = report.families["annomi_therapist"]
    assert fam.n == 3
    assert _scores(report, "annomi_therapist") == {
        "reflection": (0.0, 0.0, 0.0, 1),
        "question": (0.5, 0.5, 0.5, 2),
        "therapist_input": (0.0, 0.0, 0.0, 0),
    }
    assert fam.macro_f1 == pytest.approx(0.5 / 3)


def test_a_question_turn_without_an_open_question_skill_counts_as_closed(report: EvalReport) -> None:
    # gold open, closed, open; predicted open, closed, closed (no question skill: the default)
    assert _scores(report, "annomi_question") == {
        "open": (1.0, 0.5, pytest.approx(2 / 3), 2),
        "closed": (0.5, 1.0, pytest.approx(2 / 3), 1),
    }
    assert report.families["annomi_question"].macro_f1 == pytest.approx(2 / 3)


def test_multi_label_family_scores_each_label_as_binary(report: EvalReport) -> None:
    # anger: tp 1 fp 1; joy: tp 1; neutral: tp 1; sadness: fn 1 (never predicted)
    assert _scores(report, "ekman") == {
        "anger": (0.5, 1.0, pytest.approx(2 / 3), 1),
        "joy": (1.0, 1.0, 1.0, 1),
        "sadness": (0.0, 0.0, 0.0, 1),
        "neutral": (1.0, 1.0, 1.0, 1),
    }
    assert report.families["ekman"].n == 3
    assert report.families["ekman"].macro_f1 == pytest.approx((2 / 3 + 1 + 0 + 1) / 4)


def test_an_empty_gold_list_is_a_labelled_negative_so_a_prediction_there_is_a_false_positive(
    report: EvalReport,
) -> None:
    assert report.families["talkdown_skill"].n == 3
    assert _scores(report, "talkdown_skill")["suggestion"] == (0.0, 0.0, 0.0, 0)
    assert report.families["talkdown_skill"].macro_f1 == pytest.approx(3 / 4)


def test_a_family_with_only_negatives_and_no_predictions_has_no_labels(report: EvalReport) -> None:
    cue = report.families["talkdown_cue"]
    assert (cue.n, cue.macro_f1, cue.labels) == (1, 0.0, {})


def test_families_talkdown_cannot_predict_are_skipped_and_named(report: EvalReport) -> None:
    assert "goemotions" not in report.families
    assert report.skipped == ("goemotions",)
    assert (report.conversations, report.turns) == (2, 6)


def test_json_has_exactly_the_contract_shape(report: EvalReport) -> None:
    doc = json.loads(json.dumps(report.to_json()))
    assert list(doc) == ["families"]
    for fam in doc["families"].values():
        assert set(fam) == {"n", "macro_f1", "labels"}
        assert isinstance(fam["n"], int) and isinstance(fam["macro_f1"], float)
        for scores in fam["labels"].values():
            assert set(scores) == {"precision", "recall", "f1", "support"}
            assert isinstance(scores["support"], int)


def test_two_runs_and_any_batch_size_give_identical_results(tmp_path: Path, report: EvalReport) -> None:
    again = evaluate_files([_write(tmp_path, LINES, "again.jsonl")], pipeline=_pipeline(), batch_size=1)
    assert again.to_json() == report.to_json()


def test_a_file_saved_with_a_byte_order_mark_is_read_as_without_one(tmp_path: Path, report: EvalReport) -> None:
    # Notepad and PowerShell 5 start UTF-8 files with a BOM; json.loads refuses one, the JSON RFC lets a reader
    # ignore it. Windows line ends too.
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(LINES).encode() + b"\r\n")
    assert evaluate_files([path], pipeline=_pipeline()).to_json() == report.to_json()


def test_a_first_line_holding_only_a_byte_order_mark_is_a_blank_line(tmp_path: Path, report: EvalReport) -> None:
    # Notepad saves an emptied file as the BOM alone, and an editor may leave a blank first line after it: the
    # BOM made the line look non-blank, and the file was refused with "line 1: not valid JSON".
    path = tmp_path / "bom_blank.jsonl"
    path.write_bytes(b"\xef\xbb\xbf\r\n" + "\r\n".join(LINES).encode() + b"\r\n")
    assert evaluate_files([path], pipeline=_pipeline()).to_json() == report.to_json()
    path.write_bytes(b"\xef\xbb\xbf")
    assert evaluate_files([path], pipeline=_pipeline()).conversations == 0


def test_a_line_that_ends_before_its_json_does_says_so(tmp_path: Path) -> None:
    # Pretty-printed JSON (a conversation over many lines) and a file cut short mid-line were reported as
    # "Expecting property name enclosed in double quotes, column 1", pointing at nothing on the line.
    pretty = tmp_path / "pretty.jsonl"
    pretty.write_text(json.dumps(json.loads(LINES[0]), indent=2) + "\n", encoding="utf-8")
    cut = tmp_path / "cut.jsonl"
    cut.write_text(LINES[0] + "\n" + LINES[1][: len(LINES[1]) // 2], encoding="utf-8")
    for path, line in ((pretty, 1), (cut, 2)):
        with pytest.raises(TalkdownError) as err:
            evaluate_files([path], pipeline=_pipeline())
        assert (err.value.code, err.value.fields["line"]) == ("TD101", line)
        assert "the line ends before its JSON does" in str(err.value.fields["problem"])
        assert "one whole conversation a line" in str(err.value.fields["problem"])
    broken = _write(tmp_path, [LINES[0], "{oops}"])  # an error inside the line keeps its column
    with pytest.raises(TalkdownError) as err:
        evaluate_files([broken], pipeline=_pipeline())
    assert err.value.fields["problem"] == "not valid JSON (Expecting property name enclosed in double quotes, column 2)"


def test_a_gzip_file_is_read_as_it_streams_whatever_its_name(tmp_path: Path, report: EvalReport) -> None:
    path = tmp_path / "dev.jsonl"  # named as plain text: the first bytes tell
    path.write_bytes(gzip.compress(("\n".join(LINES) + "\n").encode()))
    seen = _Bytes()
    assert evaluate_files([path], pipeline=_pipeline(), progress=seen).to_json() == report.to_json()
    assert seen.total == seen.done == path.stat().st_size  # the bar runs over the bytes on disk


def test_a_damaged_gzip_file_is_an_input_error_on_the_line_it_breaks_in(tmp_path: Path) -> None:
    noise = random.Random(7)  # noqa: S311  (ids that do not compress, so half the file holds many whole lines)
    lines = [_conv(f"t-{noise.randbytes(48).hex()}", (N, "Listen?", {"talkdown_skill": ["other"]})) for _ in range(900)]
    whole = gzip.compress(("\n".join(lines) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(TalkdownError) as err:
        evaluate_files([path], pipeline=_pipeline())
    assert err.value.code == "TD101" and "compressed data is damaged" in str(err.value.fields["problem"])
    assert 300 < err.value.fields["line"] < 600  # the lines before it were read (by 8 KiB of text at a time)


def test_a_zip_archive_is_refused_as_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("dev.jsonl", "\n".join(LINES))
    with pytest.raises(TalkdownError) as err:
        evaluate_files([path], pipeline=_pipeline())
    assert (err.value.code, err.value.fields["problem"]) == ("TD107", "it is a zip archive; extract its files first")


class _Bytes:
    def start(self, total: int | None) -> None:
        self.total, self.done = total, 0

    def advance(self, n: int) -> None:
        self.done += n


def test_each_turn_sees_the_previous_turns_of_its_conversation_as_context(tmp_path: Path) -> None:
    line = _conv("t-3", (S, "they never listen", {}), (N, "Listen?", {"talkdown_skill": ["mirroring"]}))
    report = evaluate_files([_write(tmp_path, [line])], pipeline=_pipeline())
    assert _scores(report, "talkdown_skill") == {"mirroring": (1.0, 1.0, 1.0, 1)}
    no_context = evaluate_files([_write(tmp_path, [line])], pipeline=_pipeline(), window=0)
    assert no_context.families["talkdown_skill"].macro_f1 == 0.0


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ("{not json", "not valid JSON"),
        ('{"id": "x", "turns": []}', "non-empty 'turns'"),
        (_conv("x", ("hostage_taker", "hi", {})), "'role'"),
        (_conv("x", (S, "hi", {"ekman": ["happy"]})), "unknown ekman label 'happy'"),
        (_conv("x", (N, "hi", {"annomi_therapist": ["question", "other"]})), "exactly one label"),
    ],
)
def test_a_malformed_line_is_an_input_error_naming_file_and_line(tmp_path: Path, bad: str, problem: str) -> None:
    path = _write(tmp_path, [LINES[0], bad])
    with pytest.raises(TalkdownError) as err:
        evaluate_files([path], pipeline=_pipeline())
    assert err.value.code == "TD101"
    assert err.value.fields["line"] == 2
    assert err.value.fields["file"] == str(path)
    assert problem in str(err.value.fields["problem"])


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),  # was RecursionError: an internal error
        (LINES[0].replace('"meta": {}', '"meta": {"n": ' + "9" * 5000 + "}"), "digits"),  # was AssertionError
    ],
)
def test_json_the_decoder_cannot_take_is_an_input_error_on_its_line(tmp_path: Path, bad: str, problem: str) -> None:
    path = _write(tmp_path, [LINES[0], bad])
    with pytest.raises(TalkdownError) as err:
        evaluate_files([path], pipeline=_pipeline())
    assert (err.value.code, err.value.fields["line"]) == ("TD101", 2)
    assert problem in str(err.value.fields["problem"])


def test_invalid_utf8_is_an_input_error_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(
        LINES[0].encode() + b"\n" + _conv("x", (S, "caf\u00e9", {})).encode().replace(b"\\u00e9", b"\xe9") + b"\n"
    )
    with pytest.raises(TalkdownError) as err:
        evaluate_files([path], pipeline=_pipeline())
    assert (err.value.code, err.value.fields["line"]) == ("TD101", 2)


def test_a_lone_surrogate_escape_is_scored_not_refused(tmp_path: Path) -> None:
    # Valid JSON that is no Unicode text: the analysers read U+FFFD there (analysis/base.Turn); eval must still
    # score files it has never seen.
    line = _conv("t-9", (N, "they never \udcff listen", {}), (N, "Listen?", {"talkdown_skill": ["mirroring"]}))
    assert "\\udcff" in line
    report = evaluate_files([_write(tmp_path, [line])], pipeline=_pipeline())
    assert _scores(report, "talkdown_skill") == {"mirroring": (1.0, 1.0, 1.0, 1)}


def test_a_missing_file_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(TalkdownError) as err:
        evaluate_files([tmp_path / "nope.jsonl"], pipeline=_pipeline())
    assert err.value.code == "TD107"


class FakeCues:
    """Cue rules that cannot judge emoji (a low-confidence ``none`` placeholder) and invent ``bogus`` once."""

    name: ClassVar[str] = "cues"
    version: ClassVar[str] = "1"
    requires: ClassVar[frozenset[str]] = frozenset()
    produces: ClassVar[frozenset[str]] = frozenset({"talkdown_cue"})

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        if turn.side != "subject":
            return ()
        if not turn.text.isascii():
            low = _ann(self.name, "talkdown_cue", "none")
            return (Annotation(**{**low.model_dump(), "score": 0.0, "low_confidence": True}),)
        labels = [lab for word, lab in (("car", "demand"), ("xyzzy", "bogus")) if word in turn.text]
        return tuple(_ann(self.name, "talkdown_cue", lab) for lab in labels)


def test_a_low_confidence_placeholder_is_no_label_but_a_confident_invented_label_is_a_false_positive(
    tmp_path: Path,
) -> None:
    line = _conv(
        "t-3",
        (S, "🙂🙂🙂", {"talkdown_cue": ["demand"]}),
        (S, "Get me a car", {"talkdown_cue": ["demand"]}),
        (S, "xyzzy", {"talkdown_cue": []}),
    )
    report = evaluate_files([_write(tmp_path, [line])], pipeline=Pipeline([FakeCues()]))
    assert _scores(report, "talkdown_cue") == {
        "demand": (1.0, 0.5, pytest.approx(2 / 3), 2),
        "bogus": (0.0, 0.0, 0.0, 0),
    }
    assert report.families["talkdown_cue"].macro_f1 == pytest.approx(1 / 3)


def test_a_folder_is_scored_as_the_conversation_files_under_it(tmp_path: Path, report: EvalReport) -> None:
    (tmp_path / "in" / "more").mkdir(parents=True)
    _write(tmp_path / "in", LINES[:2], "a.jsonl")
    (tmp_path / "in" / "more" / "b.jsonl.gz").write_bytes(gzip.compress(("\n".join(LINES[2:]) + "\n").encode()))
    (tmp_path / "in" / "README.md").write_text("not a conversation file", encoding="utf-8")
    files = conversation_files([tmp_path / "in"])
    assert [p.name for p in files] == ["a.jsonl", "b.jsonl.gz"]
    assert evaluate_files(files, pipeline=_pipeline()).to_json() == report.to_json()  # the same as one whole file
    (tmp_path / "empty").mkdir()
    with pytest.raises(TalkdownError) as err:
        conversation_files([tmp_path / "empty"])
    assert err.value.code == "TD121"


def test_a_name_that_does_not_exist_is_refused_before_any_file_is_scored(tmp_path: Path) -> None:
    # The reader found a mistyped name only when its turn came: `eval big.jsonl tset.jsonl` scored all of
    # big.jsonl first, then failed.
    first = _write(tmp_path, LINES)
    with pytest.raises(TalkdownError) as err:
        conversation_files([first, tmp_path / "tset.jsonl"])
    assert (err.value.code, err.value.fields["file"]) == ("TD107", str(tmp_path / "tset.jsonl"))
    assert err.value.fields["problem"] == "No such file or directory"


class _Watched:
    """An analyser that notes how far the bar claimed to be each time a batch reaches it."""

    name: ClassVar[str] = "emotion"
    version: ClassVar[str] = "1"
    requires: ClassVar[frozenset[str]] = frozenset()
    produces: ClassVar[frozenset[str]] = frozenset({"ekman"})

    def __init__(self, bar: _Bytes) -> None:
        self.bar = bar
        self.seen: list[int] = []

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        self.seen.append(self.bar.done)
        return ()


def test_the_bar_counts_a_batch_as_done_only_once_it_is_scored(tmp_path: Path) -> None:
    # The file fits in one batch, so it was read whole before the analysers started: the bar stood at 100 %
    # with nothing left to wait for while every turn was still to be analysed.
    path = _write(tmp_path, LINES)
    bar = _Bytes()
    watched = _Watched(bar)
    evaluate_files([path], pipeline=Pipeline([watched]), progress=bar)
    assert watched.seen and set(watched.seen) == {0}
    assert bar.done == bar.total == path.stat().st_size
    bar, lines = _Bytes(), [_conv(f"t-{i}", (S, "ok", {"ekman": ["neutral"]})) for i in range(4)]
    watched = _Watched(bar)
    evaluate_files([_write(tmp_path, lines, "four.jsonl")], pipeline=Pipeline([watched]), progress=bar, batch_size=2)
    assert watched.seen[0] == 0 and 0 < watched.seen[-1] < bar.total == bar.done  # the second batch: half done


def test_a_quoted_glob_is_scored_as_the_files_it_matches_and_a_file_named_twice_once(
    tmp_path: Path, report: EvalReport
) -> None:
    # TD121 tells the user to give "files, folders or quoted globs", but eval read a glob as a file name (TD107).
    (tmp_path / "in" / "more").mkdir(parents=True)
    first = _write(tmp_path / "in", LINES[:1], "a.jsonl")
    _write(tmp_path / "in" / "more", LINES[1:], "b.jsonl")
    files = conversation_files([tmp_path / "in" / "**" / "*.jsonl", first, tmp_path / "in"])
    assert files == [first, tmp_path / "in" / "more" / "b.jsonl"]
    assert evaluate_files(files, pipeline=_pipeline()).to_json() == report.to_json()
    with pytest.raises(TalkdownError) as err:
        conversation_files([tmp_path / "in" / "*.csv"])
    assert (err.value.code, err.value.fields["pattern"]) == ("TD121", str(tmp_path / "in" / "*.csv"))


@pytest.mark.parametrize("name", ["ctx.jsonl", "ctx.JSONL", "ctx.ndjson", "ctx.jsonl.gz"])
def test_a_context_file_in_the_conversation_format_gives_its_last_conversations_turns(
    tmp_path: Path, name: str
) -> None:
    # Only a lower-case '.jsonl' was read as conversations: '.JSONL' and '.ndjson' (which eval reads) became one
    # turn of raw JSON per line, silently, and a '.jsonl.gz' failed as text that is not UTF-8.
    body = ("\n".join(LINES) + "\n\n").encode()
    (tmp_path / name).write_bytes(gzip.compress(body) if name.endswith(".gz") else body)
    turns = read_context(tmp_path / name)
    assert [(t.side, t.text) for t in turns] == [("negotiator", "You should leave"), ("subject", "ok")]


def test_a_broken_context_line_is_named_by_its_own_number_not_the_files_last(tmp_path: Path) -> None:
    path = _write(tmp_path, [LINES[0], "{oops", "", ""], "ctx.jsonl")
    with pytest.raises(TalkdownError) as err:
        read_context(path)
    assert (err.value.code, err.value.fields["line"]) == ("TD101", 2)


def test_a_text_context_file_gives_one_turn_a_line_with_its_side_when_prefixed(tmp_path: Path) -> None:
    path = tmp_path / "ctx.txt"
    path.write_bytes(b"\xef\xbb\xbfSubject: nobody listens\r\n\r\nwho is this\r\nnegotiator: I am listening")
    assert [(t.side, t.text) for t in read_context(path)] == [
        ("subject", "nobody listens"),
        ("unknown", "who is this"),
        ("negotiator", "I am listening"),
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_named_as_such_and_no_missing_option_is_suggested(tmp_path: Path, encoding: str) -> None:
    # Without a BOM, NUL bytes: the message told the user to 'pass --encoding utf-16', which eval has not; with
    # one, it said 'not valid UTF-8 (byte 0 of the line)'.
    path = tmp_path / "windows.jsonl"
    path.write_bytes(("\n".join(LINES) + "\n").encode(encoding))
    with pytest.raises(TalkdownError) as err:
        evaluate_files([path], pipeline=_pipeline())
    problem = str(err.value.fields["problem"])
    assert err.value.code == "TD107" and "UTF-16" in problem and "save it as UTF-8" in problem
    assert "--encoding" not in problem


def test_a_pipe_is_scored_with_a_bar_of_unknown_size(tmp_path: Path, report: EvalReport) -> None:
    # talkdown eval <(zcat test.jsonl.gz) or /dev/stdin: the progress read the pipe's position, which it has
    # not, and the run ended in an internal error (OSError: Illegal seek) before scoring anything.
    fifo = tmp_path / "piped.jsonl"
    os.mkfifo(fifo)
    body = ("\n".join(LINES) + "\n").encode()
    writer = threading.Thread(target=fifo.write_bytes, args=(body,))
    writer.start()
    bar = _Bytes()
    try:
        piped = evaluate_files([fifo], pipeline=_pipeline(), progress=bar)
    finally:
        writer.join(timeout=10)
    assert piped.to_json() == report.to_json()
    assert (bar.total, bar.done) == (None, 0)


def _bomb(path: Path) -> Path:
    """A real gzip bomb, small: 50 MB of zeros compress to about 50 KB."""
    path.write_bytes(gzip.compress(bytes(50 * 2**20), compresslevel=9))
    return path


def test_a_gzip_file_that_unpacks_past_the_limit_is_refused_naming_the_file_and_the_limit(tmp_path: Path) -> None:
    # A few kilobytes of gzip unpacked to gigabytes: one line with no newline, held whole in memory by the reader.
    bomb = _bomb(tmp_path / "dev.jsonl.gz")
    assert bomb.stat().st_size < 2**20
    for read in (lambda: evaluate_files([bomb], pipeline=_pipeline(), max_unpacked_mb=1),
                 lambda: read_context(bomb, max_unpacked_mb=1)):  # fmt: skip
        with pytest.raises(TalkdownError) as err:
            read()
        assert err.value.code == "TD114"
        assert str(bomb) in err.value.message and "more than 1 MB" in err.value.message
    small = tmp_path / "small.jsonl.gz"  # under the limit, a gzip file reads as before
    small.write_bytes(gzip.compress(("\n".join(LINES) + "\n").encode()))
    assert evaluate_files([small], pipeline=_pipeline(), max_unpacked_mb=1).conversations == len(LINES)


def test_a_line_past_the_line_limit_is_refused_naming_the_file_and_the_line(tmp_path: Path) -> None:
    # A file with no line breaks was read whole, up to the gzip limit (1 GB) or all of a plain file, to find that
    # it was no conversation; a line now stops at TALKDOWN_MAX_LINE_MB (1 here), with no more of it read.
    turns = [{"role": "subject", "text": f"line {n}: nobody comes in here."} for n in range(60_000)]
    long = json.dumps({"id": "t-long", "turns": turns})  # about 3 MB: a real conversation, just long
    assert len(long) > 2 * 2**20
    path = tmp_path / "dev.jsonl"
    path.write_text(f"{LINES[0]}\n{long}\n", encoding="utf-8")
    for read in (lambda: evaluate_files([path], pipeline=_pipeline(), max_line_mb=1),
                 lambda: read_context(path, max_line_mb=1)):  # fmt: skip
        with pytest.raises(TalkdownError) as err:
            read()
        assert err.value.code == "TD115" and err.value.message.startswith(f"{path} line 2: longer than 1 MB")
    assert evaluate_files([path], pipeline=_pipeline(), max_line_mb=4).conversations == 2
