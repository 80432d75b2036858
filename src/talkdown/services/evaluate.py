"""The evaluation contract behind ``talkdown eval``: score talkdown's analysis on labelled conversation files.

Input: any number of files in the conversation JSONL format of ``../shared/data/README.md``, read line by
line (one conversation in memory at a time, turns analysed in batches through ``Pipeline.run_many``), so a
file of any size works. Each turn is analysed with a context window of the previous turns of its
conversation and the side given by its ``role``.

Scoring, per family, only on the turns that *carry* the family (absent = unlabelled; an empty list = a
labelled negative, used by the ``talkdown_*`` families):

- **multi-label** families (``ekman``, ``talkdown_skill``, ``talkdown_avoid``, ``talkdown_cue``): for each
  label, a binary precision/recall/F1 over the scored turns (tp = gold and predicted, fp = predicted only,
  fn = gold only).
- **single-label** families (``esconv_strategy``, ``annomi_*``): per class, precision = tp / predicted as the
  class, recall = tp / gold of the class. A turn for which talkdown predicts no label counts as a miss (fn)
  of its gold class and as no false positive.
- A ratio with a zero denominator is 0.0 (scikit-learn's ``zero_division=0``).
- **macro-F1** is the unweighted mean of the per-label F1 over the labels that have support in the gold
  labels **or** in the predictions of the scored turns (so a label talkdown invents is punished, and a
  label nobody used does not count as a free zero). Exactly these labels are listed under ``labels``.
  If no label qualifies (only negatives, none predicted), macro-F1 is reported as 0.0 with no labels.
  ``support`` is the number of scored turns whose gold list holds the label; ``n`` the number of scored turns.

Public families talkdown has no analyser for map from talkdown's own labels; the tables are
``STRATEGY_TO_THERAPIST`` and friends below and in ``docs/analysis.md``. Families talkdown cannot predict at all
(``goemotions``, ``casino_strategy``, ``annomi_reflection``, ``annomi_input``) are skipped and named in
``EvalReport.skipped``.
"""

from __future__ import annotations

import codecs
import errno
import glob
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from talkdown.analysis.base import Context, Side, Turn
from talkdown.analysis.pipeline import AnalyzerInfo, Pipeline
from talkdown.domain.annotations import Annotation
from talkdown.errors import TalkdownError
from talkdown.services.streams import lines_of, not_text, plain_suffix
from talkdown.settings import MAX_LINE_MB, MAX_UNPACKED_MB

WINDOW = 8
"""Previous turns given as context: enough for mirroring/paraphrase checks, small enough for long chats."""
BATCH = 512
SIDES: dict[str, Side] = {"negotiator": "negotiator", "subject": "subject", "party": "party"}


class Progress(Protocol):
    """Long-job progress, in bytes of input whose turns are scored (the CLI draws it with Rich; tests pass none).
    ``total`` is None when an input is a pipe (``<(zcat dev.jsonl.gz)``, ``/dev/stdin``): its size is unknown."""

    def start(self, total: int | None) -> None: ...
    def advance(self, n: int) -> None: ...


# ---------------------------------------------------------------- what each family is and how it is predicted

Labels = frozenset[str]
Predict = Callable[[tuple[Annotation, ...]], Labels]


def _family_labels(family: str, vocabulary: tuple[str, ...]) -> Predict:
    """The family's labels on a turn. A low-confidence placeholder outside the vocabulary (``none``: the
    analyser could not judge the input) is no label, not an invented one; a confident unknown label still is."""
    known = frozenset(vocabulary)
    return lambda anns: frozenset(
        a.label for a in anns if a.family == family and (a.label in known or not a.low_confidence)
    )


def _best(family: str) -> Predict:
    def pick(anns: tuple[Annotation, ...]) -> Labels:
        cands = [a for a in anns if a.family == family]
        return frozenset({max(cands, key=lambda a: a.score).label}) if cands else frozenset()

    return pick


STRATEGY_TO_THERAPIST: dict[str, str] = {
    "Question": "question",
    "Restatement or Paraphrasing": "reflection",
    "Reflection of feelings": "reflection",
    "Providing Suggestions": "therapist_input",
    "Information": "therapist_input",
    "Affirmation and Reassurance": "other",
    "Self-disclosure": "other",
    "Others": "other",
}
"""ESConv strategy → AnnoMI main therapist behaviour, by the MI definitions: restating and reflecting
feelings are reflections; suggestions and information are therapist input (advice, information,
options); affirmation, self-disclosure and the rest are "other". Also used by eval/public_report.py's
cross-corpus baseline, so both are mapped the same way."""
_QUESTION_SKILLS = frozenset({"open_question", "closed_question"})


THERAPIST_RULES: tuple[tuple[str, frozenset[str]], ...] = (
    ("question", _QUESTION_SKILLS),
    ("therapist_input", frozenset({"information", "suggestion"})),
    ("reflection", frozenset({"paraphrasing", "emotion_labeling", "mirroring", "summarizing"})),
)
"""Skills alone → AnnoMI behaviour, first match wins (best of 6 orders on AnnoMI dev, 0.53 vs 0.46
reflection-first): used when no ``esconv_strategy`` annotation is there (a pipeline without the strategy
analyser)."""


def _therapist(anns: tuple[Annotation, ...]) -> Labels:
    """A question by the skill rules wins (their question form is precise, and AnnoMI names a turn that
    reflects and then asks by its question); otherwise the ``esconv_strategy`` label, mapped by
    ``STRATEGY_TO_THERAPIST``. With the ESConv model that label is learned from the turn and the previous
    turn; without it, it is itself mapped from the skills, and this stays close to the skill rules. Chosen
    on AnnoMI dev (441 turns) among the variants in docs/analysis.md."""
    if _family_labels("talkdown_skill", _SKILLS)(anns) & _QUESTION_SKILLS:
        return frozenset({"question"})
    strategy = _best("esconv_strategy")(anns)
    if strategy:
        return frozenset(STRATEGY_TO_THERAPIST.get(s, "other") for s in strategy)
    return _mapped(THERAPIST_RULES, "other")(anns)


QUESTION_RULES: tuple[tuple[str, frozenset[str]], ...] = (
    ("open", frozenset({"open_question"})),
    ("closed", frozenset({"closed_question"})),
)
QUESTION_DEFAULT = "closed"
"""annomi_question is only scored on turns known to hold a question; when talkdown finds no open question
there, it is called closed (the majority subtype; AnnoMI dev macro-F1 0.71 vs 0.67 abstaining)."""
CLIENT_DEFAULT = "neutral"
"""A client turn with no ``change_talk`` annotation is neutral talk (AnnoMI's majority class)."""


def _mapped(rules: tuple[tuple[str, frozenset[str]], ...], default: str | None) -> Predict:
    skills = _family_labels("talkdown_skill", _SKILLS)

    def pick(anns: tuple[Annotation, ...]) -> Labels:
        have = skills(anns)
        for label, triggers in rules:
            if have & triggers:
                return frozenset({label})
        return frozenset({default}) if default else frozenset()

    return pick


def _client(anns: tuple[Annotation, ...]) -> Labels:
    return _best("change_talk")(anns) or frozenset({CLIENT_DEFAULT})


@dataclass(frozen=True)
class FamilySpec:
    kind: Literal["single", "multi"]
    labels: tuple[str, ...]
    needs: frozenset[str]  # talkdown families the prediction reads
    predict: Predict


_SKILLS = ("emotion_labeling", "paraphrasing", "mirroring", "minimal_encourager", "open_question",
           "closed_question", "summarizing", "i_message", "effective_pause", "affirmation", "suggestion",
           "information", "self_disclosure", "other")  # fmt: skip
_AVOID = ("arguing", "flat_no", "threat", "ultimatum", "minimizing", "false_promise", "deadline_setting", "other_avoid")
_CUES = ("threat", "suicide_cue", "deadline", "demand", "weapon")
_EKMAN = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")
_ESCONV = ("Question", "Others", "Providing Suggestions", "Affirmation and Reassurance", "Self-disclosure",
           "Reflection of feelings", "Information", "Restatement or Paraphrasing")  # fmt: skip
_SKILL_NEED = frozenset({"talkdown_skill"})

FAMILIES: dict[str, FamilySpec] = {
    "esconv_strategy": FamilySpec("single", _ESCONV, frozenset({"esconv_strategy"}), _best("esconv_strategy")),
    "annomi_therapist": FamilySpec(
        "single",
        ("reflection", "question", "therapist_input", "other"),
        frozenset({"talkdown_skill", "esconv_strategy"}),
        _therapist,
    ),
    "annomi_question": FamilySpec("single", ("open", "closed"), _SKILL_NEED, _mapped(QUESTION_RULES, QUESTION_DEFAULT)),
    "annomi_client": FamilySpec("single", ("change", "neutral", "sustain"), frozenset({"change_talk"}), _client),
    "ekman": FamilySpec("multi", _EKMAN, frozenset({"ekman"}), _family_labels("ekman", _EKMAN)),
    "talkdown_skill": FamilySpec("multi", _SKILLS, _SKILL_NEED, _family_labels("talkdown_skill", _SKILLS)),
    "talkdown_avoid": FamilySpec(
        "multi", _AVOID, frozenset({"talkdown_avoid"}), _family_labels("talkdown_avoid", _AVOID)
    ),
    "talkdown_cue": FamilySpec("multi", _CUES, frozenset({"talkdown_cue"}), _family_labels("talkdown_cue", _CUES)),
}


# ---------------------------------------------------------------- scores


@dataclass(frozen=True)
class LabelScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class FamilyScore:
    n: int
    macro_f1: float
    labels: dict[str, LabelScore]


@dataclass(frozen=True)
class EvalReport:
    families: dict[str, FamilyScore]
    conversations: int
    turns: int
    skipped: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The contract shape: ``{"families": {F: {"n", "macro_f1", "labels": {L: {precision, ...}}}}}``."""
        return {
            "families": {
                name: {
                    "n": fam.n,
                    "macro_f1": fam.macro_f1,
                    "labels": {
                        label: {"precision": s.precision, "recall": s.recall, "f1": s.f1, "support": s.support}
                        for label, s in fam.labels.items()
                    },
                }
                for name, fam in self.families.items()
            }
        }


@dataclass
class _Tally:
    n: int = 0
    tp: dict[str, int] = field(default_factory=dict)
    fp: dict[str, int] = field(default_factory=dict)
    fn: dict[str, int] = field(default_factory=dict)

    def add(self, gold: Labels, pred: Labels) -> None:
        """Both kinds reduce to sets: a single-label turn is a one-element gold set and a 0/1-element guess."""
        self.n += 1
        for label in gold & pred:
            self.tp[label] = self.tp.get(label, 0) + 1
        for label in pred - gold:
            self.fp[label] = self.fp.get(label, 0) + 1
        for label in gold - pred:
            self.fn[label] = self.fn.get(label, 0) + 1

    def score(self, vocabulary: tuple[str, ...]) -> FamilyScore:
        used = set(self.tp) | set(self.fp) | set(self.fn)
        order = [lab for lab in vocabulary if lab in used] + sorted(used - set(vocabulary))
        labels: dict[str, LabelScore] = {}
        for label in order:
            tp, fp, fn = self.tp.get(label, 0), self.fp.get(label, 0), self.fn.get(label, 0)
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            f = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            labels[label] = LabelScore(precision=p, recall=r, f1=f, support=tp + fn)
        macro = sum(s.f1 for s in labels.values()) / len(labels) if labels else 0.0
        return FamilyScore(n=self.n, macro_f1=macro, labels=labels)


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Item:
    turn: Turn
    ctx: Context
    gold: dict[str, Labels]


def _bad(path: Path, line: int, problem: str) -> TalkdownError:
    return TalkdownError("TD101", file=str(path), line=line, problem=problem)


def _conversations(
    path: Path, progress: Progress | None, *, max_unpacked_mb: int = MAX_UNPACKED_MB, max_line_mb: int = MAX_LINE_MB
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, conversation object), one line at a time, with byte-level progress; a gzip file is
    read through as it streams (``services.streams``), up to ``max_unpacked_mb`` MB unpacked (TD114), and a line
    may be up to ``max_line_mb`` MB long (TD115)."""
    read = 0
    with lines_of(path, max_unpacked_mb=max_unpacked_mb, max_line_mb=max_line_mb) as (lines, disk):
        # a pipe (<(zcat ...), /dev/stdin) has no position: its tell() raised OSError, an internal error
        advance = progress.advance if progress is not None and disk.seekable() else None
        for lineno, raw in lines:
            if advance is not None:
                done = disk.tell()  # bytes of the file on disk: compressed ones for a .gz
                advance(done - read)
                read = done
            if not raw.removeprefix(codecs.BOM_UTF8).strip():
                continue  # a trailing blank line is harmless (a BOM alone too: Notepad's "empty" file)
            try:
                obj = json.loads(raw.decode("utf-8-sig"))  # Windows editors start a file with a BOM
            except RecursionError as exc:  # '[[[[...' thousands deep: the decoder recurses once per level
                raise _bad(path, lineno, "not valid JSON here (nested too deeply to read)") from exc
            except ValueError as exc:  # UnicodeDecodeError, json.JSONDecodeError, int() of over 4,300 digits
                packed = _not_utf8_text(raw) if lineno == 1 else None
                if packed is not None:
                    raise TalkdownError("TD107", file=str(path), problem=packed) from exc
                if isinstance(exc, UnicodeDecodeError):
                    raise _bad(path, lineno, f"not valid UTF-8 (byte {exc.start} of the line)") from exc
                if isinstance(exc, json.JSONDecodeError):
                    raise _bad(path, lineno, _json_problem(exc)) from exc
                raise _bad(path, lineno, f"not readable JSON ({str(exc).partition(':')[0]})") from exc
            if not isinstance(obj, dict) or not isinstance(obj.get("turns"), list) or not obj["turns"]:
                raise _bad(path, lineno, "expected a conversation object with a non-empty 'turns' list")
            yield lineno, obj


def _json_problem(exc: json.JSONDecodeError) -> str:
    """What is wrong with a line the decoder refused. A line that ends before its JSON does (``{`` alone, as
    pretty-printed JSON starts, or the last line of a file cut short) was "Expecting property name enclosed in
    double quotes, column 1", which points at nothing on that line. A string left open means the same: a line
    holds no line break, so only the line's end can have cut it."""
    if exc.pos >= len(exc.doc.rstrip()) or exc.msg.startswith("Unterminated string"):
        return (
            "not valid JSON: the line ends before its JSON does (a JSONL file holds one whole conversation a line;"
            " pretty-printed JSON spreads one over many lines, and a file cut short ends mid-line)"
        )
    return f"not valid JSON ({exc.msg}, column {exc.colno})"


_UTF16_32_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)  # UTF-32-LE's starts as 16-LE's


def _not_utf8_text(first: bytes) -> str | None:
    """Why a file whose first line is ``first`` is no UTF-8 text at all, or None for a line to report as such.
    A UTF-16 file (Windows' "Unicode") was "not valid UTF-8 (byte 0 of the line)", which does not say why."""
    if first.startswith(_UTF16_32_BOMS):
        return "it is UTF-16 or UTF-32 text; conversation files are UTF-8: save it as UTF-8"
    return not_text(first)


def conversations_in_context(path: Path, *, window: int = WINDOW) -> Iterator[list[tuple[Turn, Context]]]:
    """Each conversation of a file as its turns with the ``window`` turns before each, read and checked exactly as
    ``talkdown eval`` reads them: the speed benchmark and the batching tests must feed the analysers the same."""
    for lineno, conv in _conversations(path, None):
        yield [(turn, ctx) for turn, ctx, _ in _in_context(path, lineno, conv, window=window)]


def _in_context(path: Path, lineno: int, conv: dict[str, Any], *, window: int) -> Iterator[tuple[Turn, Context, Any]]:
    history: list[Turn] = []
    for pos, raw in enumerate(conv["turns"]):
        where = f"turn {pos}"
        if not isinstance(raw, dict):
            raise _bad(path, lineno, f"{where} is not an object")
        text, role, labels = raw.get("text"), raw.get("role"), raw.get("labels", {})
        if not isinstance(text, str):
            raise _bad(path, lineno, f"{where}: 'text' must be a string")
        if role not in SIDES:
            raise _bad(path, lineno, f"{where}: 'role' must be negotiator, subject or party, not {role!r}")
        if not isinstance(labels, dict):
            raise _bad(path, lineno, f"{where}: 'labels' must be an object")
        speaker = raw.get("speaker")
        turn = Turn(text=text, side=SIDES[role], seq=pos, speaker=speaker if isinstance(speaker, str) else None)
        yield turn, Context(window=tuple(history[-window:]) if window else ()), labels
        history.append(turn)


def _items(path: Path, lineno: int, conv: dict[str, Any], *, window: int) -> Iterator[_Item]:
    for turn, ctx, labels in _in_context(path, lineno, conv, window=window):
        where = f"turn {turn.seq}"
        gold = {fam: _gold(path, lineno, where, fam, labs) for fam, labs in labels.items() if fam in FAMILIES}
        if gold:
            yield _Item(turn=turn, ctx=ctx, gold=gold)


def _gold(path: Path, lineno: int, where: str, family: str, labels: object) -> Labels:
    spec = FAMILIES[family]
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise _bad(path, lineno, f"{where}: labels of '{family}' must be a list of strings")
    unknown = sorted(set(labels) - set(spec.labels))
    if unknown:
        raise _bad(path, lineno, f"{where}: unknown {family} label {unknown[0]!r} (known: {', '.join(spec.labels)})")
    if spec.kind == "single" and len(labels) != 1:
        raise _bad(path, lineno, f"{where}: '{family}' takes exactly one label, got {len(labels)}")
    return frozenset(labels)


# ---------------------------------------------------------------- the use case


_CONVERSATION_FILES = (".jsonl", ".ndjson")
"""``formats.FORMATS["jsonl"]``'s extensions, spelled here: importing the formats loads every parser (~36 ms),
which ``talkdown analyze``'s one-line path, through this module, does not need."""


_GLOB_MAGIC = frozenset("*?[")


def conversation_files(paths: Sequence[Path]) -> list[Path]:
    """The files to score: each file as given; for a folder, every ``.jsonl``/``.ndjson`` (or ``.gz`` of one)
    under it, sorted; for a quoted glob (``'data/*/dev.jsonl'``, ``**`` too), the files it matches, sorted. A
    folder or glob that yields none is TD121, not an empty report; a file named twice (a folder and a file in
    it) is scored once. A plain name that does not exist is TD107 here, before anything is scored: the reader
    found it only when its turn came, so a mistyped last name cost the scoring of every file before it."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and plain_suffix(p) in _CONVERSATION_FILES)
        elif not path.exists() and _GLOB_MAGIC & set(str(path)):
            inside = sorted(Path(p) for p in glob.glob(str(path), recursive=True) if Path(p).is_file())
        elif not path.exists():
            raise TalkdownError("TD107", file=str(path), problem=os.strerror(errno.ENOENT))
        else:
            found.append(path)
            continue
        if not inside:
            raise TalkdownError("TD121", pattern=str(path))
        found.extend(inside)
    once: dict[Path, Path] = {}
    for path in found:
        once.setdefault(path.resolve(), path)
    return list(once.values())


def evaluate_files(
    paths: Sequence[Path],
    *,
    pipeline: Pipeline | None = None,
    progress: Progress | None = None,
    window: int = WINDOW,
    batch_size: int = BATCH,
    max_unpacked_mb: int = MAX_UNPACKED_MB,
    max_line_mb: int = MAX_LINE_MB,
) -> EvalReport:
    """Stream the files, analyse every labelled turn, and score each family talkdown can predict. A gzip file may
    unpack to ``max_unpacked_mb`` MB (``Settings.max_unpacked_mb``; more is TD114), and a line (a conversation)
    may be ``max_line_mb`` MB long (``Settings.max_line_mb``; more is TD115)."""
    if pipeline is None:
        from talkdown.analysis.registry import default_pipeline  # deferred: loads every analyser module

        pipeline = default_pipeline(on_error="raise")
    read = _Scored(progress)
    sizes = [p.stat().st_size if p.is_file() else None for p in paths if p.exists()]
    read.start(None if None in sizes else sum(s for s in sizes if s is not None))
    tallies: dict[str, _Tally] = {}
    skipped: set[str] = set()
    subsets: dict[frozenset[str], Pipeline] = {}
    batch: list[_Item] = []
    conversations = turns = 0

    def flush() -> None:
        needs = frozenset().union(*(FAMILIES[f].needs for item in batch for f in item.gold))
        if needs not in subsets:
            subsets[needs] = pipeline.subset(needs & pipeline.produces)
        results = subsets[needs].run_many([i.turn for i in batch], [i.ctx for i in batch])
        for item, anns in zip(batch, results, strict=True):
            for fam, gold in item.gold.items():
                tallies.setdefault(fam, _Tally()).add(gold, FAMILIES[fam].predict(anns))
        batch.clear()
        read.release()

    for path in paths:
        for lineno, conv in _conversations(path, read, max_unpacked_mb=max_unpacked_mb, max_line_mb=max_line_mb):
            conversations += 1
            turns += len(conv["turns"])
            skipped |= _unscorable(conv)
            batch.extend(_items(path, lineno, conv, window=window))
            if len(batch) >= batch_size:
                flush()
    if batch:
        flush()
    read.release()
    families = {f: tallies[f].score(FAMILIES[f].labels) for f in FAMILIES if f in tallies}
    return EvalReport(families=families, conversations=conversations, turns=turns, skipped=tuple(sorted(skipped)))


class _Scored:
    """The bytes read, passed on to the bar only once the batch holding their turns has been scored.

    Reading runs a batch (512 turns) ahead of the analysers, and a file of fewer labelled turns is read whole
    before any is analysed: a bar fed as the bytes were read stood at 100 %, "0:00:00" left, for the whole run.
    """

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress
        self._pending = 0

    def start(self, total: int | None) -> None:
        if self._progress is not None:
            self._progress.start(total)

    def advance(self, n: int) -> None:
        self._pending += n

    def release(self) -> None:
        if self._progress is not None and self._pending:
            self._progress.advance(self._pending)
        self._pending = 0


def _unscorable(conv: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    for t in conv["turns"]:
        labels = t.get("labels") if isinstance(t, dict) else None
        if isinstance(labels, dict):
            out |= {f for f in labels if f not in FAMILIES}
    return out


# ---------------------------------------------------------------- one text, for `talkdown analyze`


def read_context(
    path: Path, *, max_unpacked_mb: int = MAX_UNPACKED_MB, max_line_mb: int = MAX_LINE_MB
) -> tuple[Turn, ...]:
    """The earlier turns of ``talkdown analyze --context``: the turns of a conversation file's last conversation,
    read exactly as ``talkdown eval`` reads it (gzip, BOM, ``.JSONL``/``.ndjson``, errors naming the line), or the
    lines of a text file, one turn each, with an optional ``subject:``/``negotiator:``/``party:`` prefix.

    A ``.JSONL`` or gzipped file was read as text before: each conversation line became one turn of JSON."""
    if plain_suffix(path) in _CONVERSATION_FILES:
        last: tuple[int, dict[str, Any]] | None = None
        conversations = _conversations(path, None, max_unpacked_mb=max_unpacked_mb, max_line_mb=max_line_mb)
        for last in conversations:  # noqa: B007  (keeps the last one)
            pass
        if last is None:
            return ()
        return tuple(turn for turn, _, _ in _in_context(path, *last, window=0))
    from talkdown.services.formats.decoding import decode  # here: the formats are not a one-liner's cost

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TalkdownError("TD107", file=str(path), problem=exc.strerror or str(exc)) from exc
    out = []
    for line in decode(raw, file=str(path)).split("\n"):
        head, sep, rest = line.partition(":")
        if sep and head.strip().lower() in SIDES:
            out.append(Turn(text=rest.strip(), side=SIDES[head.strip().lower()]))
        elif line.strip():
            out.append(Turn(text=line.strip(), side="unknown"))
    return tuple(out)


@dataclass(frozen=True)
class TextAnalysis:
    """The annotations of one text and which analysers/models produced them."""

    turn: Turn
    annotations: tuple[Annotation, ...]
    analyzers: tuple[AnalyzerInfo, ...]


def analyze_text(
    text: str,
    *,
    side: Side,
    window: Sequence[Turn] = (),
    pipeline: Pipeline | None = None,
    fast: bool = False,
    at: datetime | None = None,
) -> TextAnalysis:
    """Analyse one utterance as a live turn (``Pipeline.run``) with the given earlier turns as context.

    It lives beside ``evaluate_files`` because both are "run the default pipeline outside an incident";
    when ``talkdown analyze --incident`` arrives it belongs in its own ``services/analyze.py``.
    ``fast`` (when no pipeline is given) runs the rules only: no model is loaded. ``at`` is when it was said:
    a deadline's clock time ("by 6pm") becomes an absolute ``due_at`` against it.
    """
    if pipeline is None:
        from talkdown.analysis.registry import default_pipeline

        pipeline = default_pipeline(on_error="record", fast=fast)
    turn = Turn(text=text, side=side, seq=len(window), at=at)
    anns = pipeline.run(turn, Context(window=tuple(window)[-WINDOW:]))
    return TextAnalysis(turn=turn, annotations=anns, analyzers=tuple(pipeline.describe()))
