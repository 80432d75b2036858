"""Pipeline: build-time checks, prior annotations between analysers, batch use and the error policies."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pytest

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.pipeline import FAILED_FAMILY, Pipeline
from talkdown.analysis.skills import SkillAnalyzer
from talkdown.analysis.strategy import StrategyAnalyzer
from talkdown.domain.annotations import Annotation, Span
from talkdown.errors import TalkdownError
from tests.models_extra import half_installed_strategy, needs_strategy_graph


def _ann(name: str, family: str, label: str) -> Annotation:
    return Annotation(
        analyzer=name, analyzer_version="1", family=family, label=label, score=1.0, evidence=(Span(start=0, end=1),)
    )


class Questions:
    """Fake rule: a turn ending in '?' is a question."""

    name: ClassVar[str] = "questions"
    version: ClassVar[str] = "1"
    requires: ClassVar[frozenset[str]] = frozenset()
    produces: ClassVar[frozenset[str]] = frozenset({"form"})

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        return (_ann(self.name, "form", "question"),) if turn.text.endswith("?") else ()


class EchoPrior:
    """Fake analyser that reports what it saw in ctx.prior."""

    name: ClassVar[str] = "echo"
    version: ClassVar[str] = "1"
    requires: ClassVar[frozenset[str]] = frozenset({"form"})
    produces: ClassVar[frozenset[str]] = frozenset({"echo"})

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        return tuple(_ann(self.name, "echo", f"saw:{a.label}") for a in ctx.prior)


class Batched(Questions):
    """Fake vectorised analyser: counts how many times its batch form was called."""

    name: ClassVar[str] = "batched"
    produces: ClassVar[frozenset[str]] = frozenset({"batch"})

    def __init__(self) -> None:
        self.batch_calls: list[int] = []

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        raise AssertionError("the pipeline must use analyze_many when it exists")

    def analyze_many(self, turns: Sequence[Turn], ctxs: Sequence[Context]) -> list[tuple[Annotation, ...]]:
        self.batch_calls.append(len(turns))
        return [(_ann(self.name, "batch", "seen"),) for _ in turns]


class Broken:
    name: ClassVar[str] = "broken"
    version: ClassVar[str] = "9"
    requires: ClassVar[frozenset[str]] = frozenset()
    produces: ClassVar[frozenset[str]] = frozenset({"x"})

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        if "boom" in turn.text:
            raise ValueError("bug")
        return (_ann(self.name, "x", "ok"),)


class Liar(Questions):
    name: ClassVar[str] = "liar"

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        return (_ann(self.name, "undeclared", "x"),)


SUBJECT = Turn(text="why?", side="subject")
CTX = Context()


def test_build_refuses_two_analysers_with_one_name() -> None:
    with pytest.raises(TalkdownError) as err:
        Pipeline([Questions(), Questions()])
    assert err.value.code == "TD602"
    assert "questions" in err.value.message


def test_build_refuses_a_requirement_no_earlier_analyser_produces() -> None:
    with pytest.raises(TalkdownError) as err:
        Pipeline([EchoPrior(), Questions()])
    assert err.value.code == "TD602"
    assert "form" in err.value.message


def test_later_analyser_sees_earlier_families_of_the_same_turn_in_prior() -> None:
    anns = Pipeline([Questions(), EchoPrior()]).run(SUBJECT, CTX)
    assert [(a.family, a.label) for a in anns] == [("form", "question"), ("echo", "saw:question")]


def test_run_many_uses_the_batch_form_once_per_analyser() -> None:
    batched = Batched()
    results = Pipeline([batched]).run_many([SUBJECT] * 5, [CTX] * 5)
    assert batched.batch_calls == [5]
    assert [len(r) for r in results] == [1] * 5


def test_raise_policy_propagates_an_analyser_failure() -> None:
    with pytest.raises(ValueError, match="bug"):
        Pipeline([Broken()]).run(Turn(text="boom", side="subject"), CTX)


def test_record_policy_turns_a_failure_into_an_analysis_failed_annotation_and_keeps_others() -> None:
    pipe = Pipeline([Questions(), Broken()], on_error="record")
    turns = [Turn(text="boom?", side="subject"), Turn(text="fine", side="subject")]
    first, second = pipe.run_many(turns, [CTX, CTX])
    assert [(a.family, a.label) for a in first] == [("form", "question"), (FAILED_FAMILY, "broken")]
    assert first[1].detail == {"error": "ValueError"}
    assert first[1].analyzer_version == "9"
    assert [(a.family, a.label) for a in second] == [("x", "ok")]


def test_an_undeclared_family_is_an_error() -> None:
    with pytest.raises(TalkdownError) as err:
        Pipeline([Liar()]).run(SUBJECT, CTX)
    assert err.value.code == "TD602"


def test_subset_keeps_only_what_the_families_need_in_order() -> None:
    pipe = Pipeline([Questions(), Broken(), EchoPrior()])
    assert [a.name for a in pipe.subset({"echo"}).analyzers] == ["questions", "echo"]
    assert [a.name for a in pipe.subset({"x"}).analyzers] == ["broken"]


def test_describe_names_each_analyser_kind_and_version() -> None:
    infos = Pipeline([Questions(), EchoPrior()]).describe()
    assert [(i.name, i.kind, i.version, i.produces) for i in infos] == [
        ("questions", "rule", "1", ("form",)),
        ("echo", "rule", "1", ("echo",)),
    ]


def test_the_fast_pipeline_is_the_rules_only_and_loads_no_model() -> None:
    from talkdown.analysis.registry import default_pipeline

    fast = default_pipeline(fast=True)
    full = default_pipeline()
    names = [a.name for a in fast.analyzers]
    assert "emotion" not in names
    assert names == [a.name for a in full.analyzers if a.name != "emotion"]
    assert {"ekman", "hostility"}.isdisjoint(fast.produces) and "esconv_strategy" in fast.produces
    turn = Turn(text="So you feel nobody listens. What happened today?", side="negotiator")
    anns = fast.run(turn, Context(window=(Turn(text="Nobody listens to me", side="subject"),)))
    (strategy,) = [a for a in anns if a.family == "esconv_strategy"]
    assert strategy.analyzer_version.endswith("+skillmap")
    assert all(info.kind == "rule" for info in fast.describe())


class Prefetching(EchoPrior):
    """Fake late analyser that records when the pipeline lets it start its passes."""

    def __init__(self, log: list[str]) -> None:
        self.log = log

    def prefetch(self, turns: Sequence[Turn], ctxs: Sequence[Context]) -> None:
        self.log.append(f"prefetch {len(turns)}")

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        self.log.append("echo")
        return super().analyze(turn, ctx)


def test_every_prefetch_runs_before_the_first_analyser_even_for_a_late_one() -> None:
    log: list[str] = []

    class Logged(Questions):
        def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
            log.append("questions")
            return super().analyze(turn, ctx)

    pipe = Pipeline([Logged(), Prefetching(log)])
    pipe.run_many([Turn(text="a?", side="negotiator"), Turn(text="b", side="subject")], [Context(), Context()])
    assert log == ["prefetch 2", "questions", "questions", "echo", "echo"]


class BadPrefetch(Questions):
    def prefetch(self, turns: Sequence[Turn], ctxs: Sequence[Context]) -> None:
        raise RuntimeError("model file unreadable")


def test_a_failing_prefetch_follows_the_error_policy() -> None:
    with pytest.raises(RuntimeError):
        Pipeline([BadPrefetch()]).run(SUBJECT, CTX)
    anns = Pipeline([BadPrefetch()], on_error="record").run(Turn(text="why?", side="negotiator"), CTX)
    assert [(a.family, a.label) for a in anns] == [("form", "question")]  # the analyser itself still ran


@pytest.mark.integration  # copies model files
@needs_strategy_graph
def test_a_failure_record_carries_the_analysers_effective_version_the_one_readers_ask_for(tmp_path: Path) -> None:
    strategy = StrategyAnalyzer(extra_dir=half_installed_strategy(tmp_path))  # its graph cannot run
    pipe = Pipeline((SkillAnalyzer(), strategy), on_error="record")
    (found,) = pipe.run_many([Turn(text="You sound really angry.", side="negotiator", seq=5)], [Context()])
    (failure,) = [a for a in found if a.family == FAILED_FAMILY]
    assert failure.analyzer_version == strategy.effective_version() != StrategyAnalyzer.version
    assert (failure.analyzer, failure.analyzer_version) in {(i.name, i.version) for i in pipe.describe()}
