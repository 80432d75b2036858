"""The analysis pipeline: analysers run in a checked order, one live turn or many turns at a time.

Why checked at build time: a pipeline whose analyser reads a family nobody produced would silently see an
empty ``ctx.prior`` and give worse labels; spaCy's ``pipe_analysis`` showed that catching this when the
pipeline is assembled is cheap and saves a confused afternoon. Why an error policy parameter: in tests and
eval a failing analyser must stop the run (``"raise"``); in LIVE and STUDY the utterance is already
committed, so one broken analyser leaves an ``analysis_failed`` annotation and the others still run
(``"record"``).

Each analyser sees ``ctx.prior`` extended with the annotations that earlier analysers produced for the
same turn, filtered to the families it ``requires``; the caller's own ``prior`` is kept in front.

An analyser may offer ``prefetch(turns, ctxs)``: called for every analyser before any runs, it starts model
passes that need only the turns and their windows (never ``ctx.prior``), so a late analyser's pass runs on the
second core beside an early one's instead of after it. Its faults are the analyser's: with ``"record"`` they are
kept when the analyser itself runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from talkdown.analysis.base import Analyzer, Context, Turn, analyze_many
from talkdown.domain.annotations import Annotation
from talkdown.errors import TalkdownError
from talkdown.gcpause import gc_paused

log = logging.getLogger(__name__)

OnError = Literal["raise", "record"]
FAILED_FAMILY = "analysis_failed"
BatchFn = Callable[[Sequence[Turn], Sequence[Context]], list[tuple[Annotation, ...]]]


@dataclass(frozen=True)
class AnalyzerInfo:
    """What ``talkdown analyze`` prints about one analyser: kind (rule or model), version and model files."""

    name: str
    version: str
    kind: str
    requires: tuple[str, ...]
    produces: tuple[str, ...]
    models: tuple[str, ...]


class Pipeline:
    """An ordered, validated tuple of analysers with an error policy."""

    def __init__(self, analyzers: Sequence[Analyzer], *, on_error: OnError = "raise") -> None:
        if on_error not in ("raise", "record"):
            raise TalkdownError(
                "TD602", file="pipeline", problem=f"on_error must be 'raise' or 'record', not {on_error!r}"
            )
        self.analyzers: tuple[Analyzer, ...] = tuple(analyzers)
        self.on_error: OnError = on_error
        _check(self.analyzers)

    @property
    def produces(self) -> frozenset[str]:
        return frozenset().union(*(a.produces for a in self.analyzers))

    def subset(self, families: set[str] | frozenset[str]) -> Pipeline:
        """The smallest pipeline (same order) producing ``families`` and everything they require.

        Used by ``talkdown eval``: a file labelled only for ``ekman`` need not run the skill rules.
        """
        needed = set(families)
        keep: list[Analyzer] = []
        for a in reversed(self.analyzers):
            if a.produces & needed:
                keep.append(a)
                needed |= a.requires
        return Pipeline(tuple(reversed(keep)), on_error=self.on_error)

    def run(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        """Analyse one live turn; annotations come in analyser order."""
        return self.run_many([turn], [ctx])[0]

    def run_many(self, turns: Sequence[Turn], ctxs: Sequence[Context]) -> list[tuple[Annotation, ...]]:
        """Analyse many turns, analyser by analyser, so a vectorised ``analyze_many`` sees the whole batch. The
        cyclic GC is paused for the batch (``talkdown.gcpause``): its collections took ~20 % of a rules-only batch
        and freed nothing."""
        if len(turns) != len(ctxs):
            raise TalkdownError("TD602", file="pipeline", problem=f"{len(turns)} turns but {len(ctxs)} contexts")
        with gc_paused():
            return self._run_many(turns, ctxs)

    def _run_many(self, turns: Sequence[Turn], ctxs: Sequence[Context]) -> list[tuple[Annotation, ...]]:
        produced: list[list[Annotation]] = [[] for _ in turns]
        for analyzer in self.analyzers:
            prefetch: Callable[[Sequence[Turn], Sequence[Context]], None] | None = getattr(analyzer, "prefetch", None)
            if prefetch is not None:
                try:
                    prefetch(turns, ctxs)
                except Exception:  # "record": the analyser meets the same fault when it runs, and it is kept there
                    if self.on_error == "raise":
                        raise
                    log.warning("analyser %s could not start its passes ahead", analyzer.name)
        for analyzer in self.analyzers:
            views = [_with_prior(c, done, analyzer.requires) for c, done in zip(ctxs, produced, strict=True)]
            for i, result in enumerate(self._apply(analyzer, turns, views)):
                produced[i].extend(result)
        return [tuple(p) for p in produced]

    def describe(self) -> list[AnalyzerInfo]:
        """Which analysers, versions and model files are in use; analysers may offer ``describe_models()``."""
        out = []
        for a in self.analyzers:
            models_fn = getattr(a, "describe_models", None)
            models: tuple[str, ...] = tuple(str(m) for m in models_fn()) if callable(models_fn) else ()
            version = version_of(a)
            out.append(
                AnalyzerInfo(
                    name=a.name,
                    version=version,
                    kind="model" if models else "rule",
                    requires=tuple(sorted(a.requires)),
                    produces=tuple(sorted(a.produces)),
                    models=models,
                )
            )
        return out

    def _apply(
        self, analyzer: Analyzer, turns: Sequence[Turn], ctxs: Sequence[Context]
    ) -> list[tuple[Annotation, ...]]:
        batch: BatchFn | None = getattr(analyzer, "analyze_many", None)
        if self.on_error == "raise":
            results = batch(turns, ctxs) if batch is not None else analyze_many(analyzer, turns, ctxs)
            return [_checked(analyzer, r) for r in results]
        if batch is not None and len(turns) > 1:
            try:
                return [_checked(analyzer, r) for r in batch(turns, ctxs)]
            except Exception:  # policy "record": isolate the failing turn below
                log.warning("analyser %s failed on a batch of %d; retrying turn by turn", analyzer.name, len(turns))
        return [self._one(analyzer, t, c) for t, c in zip(turns, ctxs, strict=True)]

    def _one(self, analyzer: Analyzer, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        try:
            return _checked(analyzer, analyzer.analyze(turn, ctx))
        except Exception as exc:  # policy "record": a bug becomes a record, not a crash
            # Never log the text: only the analyser, the seq and the exception type.
            log.warning("analyser %s failed on seq %s: %s", analyzer.name, turn.seq, type(exc).__name__)
            return (
                Annotation(
                    analyzer=analyzer.name,
                    analyzer_version=version_of(analyzer),
                    family=FAILED_FAMILY,
                    label=analyzer.name,
                    score=1.0,
                    low_confidence=True,
                    detail={"error": type(exc).__name__},
                ),
            )


def version_of(analyzer: Analyzer) -> str:
    """The version an analyser's results carry: its ``effective_version()`` (the strategy analyser's adds its
    model's hash) when it has one, else its class ``version``.

    A failure record carries it too: stored under the bare class version, a failed strategy line was a row no
    reader asked for (they ask by the pipeline's versions), so nobody could see or retry the failure.
    """
    version_fn = getattr(analyzer, "effective_version", None)
    return str(version_fn()) if callable(version_fn) else analyzer.version


def _check(analyzers: tuple[Analyzer, ...]) -> None:
    seen: set[str] = set()
    available: set[str] = set()
    for a in analyzers:
        if a.name in seen:
            raise TalkdownError("TD602", file="pipeline", problem=f"two analysers are named '{a.name}'")
        seen.add(a.name)
        missing = sorted(a.requires - available)
        if missing:
            raise TalkdownError(
                "TD602",
                file="pipeline",
                problem=f"analyser '{a.name}' requires {', '.join(missing)}, which no earlier analyser produces",
            )
        available |= a.produces


def _checked(analyzer: Analyzer, result: tuple[Annotation, ...]) -> tuple[Annotation, ...]:
    """An analyser may only write the families it declares, or ``requires`` checks would mean nothing."""
    for ann in result:
        if ann.family not in analyzer.produces:
            raise TalkdownError(
                "TD602", file="pipeline", problem=f"analyser '{analyzer.name}' emitted undeclared family '{ann.family}'"
            )
    return tuple(result)


def _with_prior(ctx: Context, done: list[Annotation], requires: frozenset[str]) -> Context:
    if not requires:
        return ctx
    extra = tuple(a for a in done if a.family in requires)
    return replace(ctx, prior=ctx.prior + extra) if extra else ctx
