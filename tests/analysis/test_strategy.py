"""StrategyAnalyzer: works without the separately licensed ESConv model, and uses it only when installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.runtime import Runtime, configure, current
from talkdown.analysis.strategy import STRATEGY_DIR, STRATEGY_FILE, STRATEGY_ONNX, StrategyAnalyzer
from talkdown.domain.annotations import Annotation, Span

REPO_EXTRA = Path(__file__).resolve().parents[2] / "models-extra"


def _skill(label: str, start: int, end: int) -> Annotation:
    return Annotation(
        analyzer="skills",
        analyzer_version="0",
        family="talkdown_skill",
        label=label,
        score=0.8,
        evidence=(Span(start=start, end=end),),
    )


def test_without_the_model_skills_map_to_a_strategy_with_their_evidence(tmp_path: Path) -> None:
    analyzer = StrategyAnalyzer(extra_dir=tmp_path)  # an empty folder: no model installed
    text = "Maybe you could call your sister? How does that sound?"
    prior = (_skill("suggestion", 0, 33), _skill("open_question", 34, 55))
    (ann,) = analyzer.analyze(Turn(text=text, side="negotiator"), Context(prior=prior))
    assert (ann.label, ann.analyzer_version) == ("Providing Suggestions", f"{StrategyAnalyzer.version}+skillmap")
    assert [(s.start, s.end) for s in ann.evidence] == [(0, 33)]
    assert analyzer.describe_models() == ()


def test_without_any_skill_the_turn_is_others(tmp_path: Path) -> None:
    (ann,) = StrategyAnalyzer(extra_dir=tmp_path).analyze(Turn(text="Hello there", side="negotiator"), Context())
    assert ann.label == "Others"


def test_subject_turns_get_no_strategy(tmp_path: Path) -> None:
    assert StrategyAnalyzer(extra_dir=tmp_path).analyze(Turn(text="hi", side="subject"), Context()) == ()


def test_the_configured_folder_names_the_extra_models_else_the_checkouts(tmp_path: Path) -> None:
    assert Runtime(extra_models=tmp_path).extra_dir() == tmp_path
    assert Runtime().extra_dir() == REPO_EXTRA  # a source checkout finds the repo's models-extra/
    before = current()
    try:
        configure(Runtime(extra_models=tmp_path))  # an empty folder: the analyser falls back on its rules
        assert not StrategyAnalyzer().has_model
    finally:
        configure(before)


@pytest.mark.integration
@pytest.mark.skipif(
    not (REPO_EXTRA / STRATEGY_DIR / STRATEGY_FILE).is_file(),
    reason="the ESConv model is optional (non-commercial licence); train it with eval/train_esconv_strategy.py",
)
@pytest.mark.parametrize(
    "text",
    ["😀😀😀 🔫🔫", "Wir müssen jetzt reden, bevor es zu spät ist. Was willst du?", "Are you okay? " * 400],
    ids=["emoji", "german", "over-5000-chars"],
)
def test_input_no_analyser_judges_is_others_and_low_confidence_with_the_model_too(text: str) -> None:
    # The models read such lines as confidently as plain English: 0.2.0 gave emoji and German a strategy with no
    # low-confidence mark, where every rule analyser marks them (the rule for bad input).
    analyzer = StrategyAnalyzer(extra_dir=REPO_EXTRA)
    (ann,) = analyzer.analyze(Turn(text=text, side="negotiator"), Context())
    assert (ann.label, ann.low_confidence, ann.evidence) == ("Others", True, ())


@pytest.mark.integration
@pytest.mark.skipif(
    not (REPO_EXTRA / STRATEGY_DIR / STRATEGY_FILE).is_file(),
    reason="the ESConv model is optional (non-commercial licence); train it with eval/train_esconv_strategy.py",
)
def test_the_installed_model_labels_an_obvious_question_and_carries_its_hash() -> None:
    analyzer = StrategyAnalyzer(extra_dir=REPO_EXTRA)
    text = "How long have you been feeling this way?"
    (ann,) = analyzer.analyze(Turn(text=text, side="negotiator"), Context())
    assert ann.label == "Question"
    assert ann.analyzer_version.startswith(f"{StrategyAnalyzer.version}+m")
    assert ann.evidence and all(0 <= s.start < s.end <= len(text) for s in ann.evidence)
    assert "CC BY-NC" in analyzer.describe_models()[0]
    probs = {k: v for k, v in ann.detail.items() if k.startswith("p:")}
    assert len(probs) == 8 and abs(sum(float(v or 0) for v in probs.values()) - 1.0) < 0.01


@pytest.mark.integration
@pytest.mark.skipif(
    not (REPO_EXTRA / STRATEGY_DIR / STRATEGY_ONNX).is_file(),
    reason="the fine-tuned ESConv graph is optional (non-commercial licence); eval/train_esconv_encoder.py",
)
def test_the_fine_tuned_model_reads_the_previous_turn_and_agrees_between_batch_and_single() -> None:
    analyzer = StrategyAnalyzer(extra_dir=REPO_EXTRA)
    assert analyzer.has_encoder
    turn = Turn(text="I understand.", side="negotiator")
    ctxs = [Context(), Context(window=(Turn(text="My dog died yesterday and I can't stop crying", side="subject"),))]
    single = [analyzer.analyze(turn, c) for c in ctxs]
    assert analyzer.analyze_many([turn, turn], ctxs) == single
    assert single[0][0].detail != single[1][0].detail  # the previous turn is part of the input
    assert analyzer.effective_version() == single[0][0].analyzer_version


@pytest.mark.skipif(
    not (REPO_EXTRA / STRATEGY_DIR / STRATEGY_ONNX).is_file(),
    reason="the fine-tuned ESConv graph is optional (non-commercial licence); eval/train_esconv_encoder.py",
)
def test_passes_started_by_prefetch_give_the_same_labels_and_serve_only_the_turns_they_read() -> None:
    analyzer = StrategyAnalyzer(extra_dir=REPO_EXTRA)
    turns = [Turn(text="That sounds really hard.", side="negotiator"), Turn(text="Whatever.", side="subject")]
    ctxs = [Context(window=(Turn(text="I lost my job today", side="subject"),)), Context()]
    plain = analyzer.analyze_many(turns, ctxs)
    analyzer.prefetch(turns, ctxs)
    assert analyzer._started.pending is not None  # started, not yet read
    assert analyzer.analyze_many(turns, ctxs) == plain
    assert analyzer._started.pending is None  # taken
    other = [Turn(text="What happened next?", side="negotiator")]
    analyzer.prefetch(turns, ctxs)  # for other turns than the ones then analysed: run afresh, not served
    assert analyzer.analyze_many(other, [Context()]) == StrategyAnalyzer(extra_dir=REPO_EXTRA).analyze_many(
        other, [Context()]
    )
