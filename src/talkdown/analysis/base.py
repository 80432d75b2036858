"""The analyser contract: small declared components, after spaCy's pipeline components.

An analyser is pure: the same utterance and context give the same annotations, with no clock, globals or
I/O after construction. It declares the families it reads (``requires``) and writes (``produces``) so a
``Pipeline`` can be checked before it runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import ClassVar, Literal, Protocol

from talkdown.domain.annotations import Annotation, Span
from talkdown.domain.text import readable

Side = Literal["negotiator", "subject", "party", "unknown"]


@dataclass(frozen=True)
class Turn:
    """What an analyser sees of an utterance: its text, who said it (by side) and when, if known."""

    text: str
    side: Side
    at: datetime | None = None
    seq: int | None = None
    speaker: str | None = None

    def __post_init__(self) -> None:
        # A lone surrogate (undecodable bytes, a JSON "\udcff" escape) made the tokenizer raise; bad input gets
        # a result, never a failure, so every analyser reads U+FFFD there instead.
        object.__setattr__(self, "text", readable(self.text))


@dataclass(frozen=True)
class Context:
    """Read-only surroundings of a turn: earlier turns (oldest first) and prior families' annotations."""

    window: tuple[Turn, ...] = ()
    prior: tuple[Annotation, ...] = ()
    reference_time: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)


class Analyzer(Protocol):
    name: ClassVar[str]
    version: ClassVar[str]
    requires: ClassVar[frozenset[str]]
    produces: ClassVar[frozenset[str]]

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]: ...


def analyze_many(analyzer: Analyzer, turns: Sequence[Turn], ctxs: Sequence[Context]) -> list[tuple[Annotation, ...]]:
    """Default batch form; an analyser with a vectorised model overrides it with its own ``analyze_many``."""
    return [analyzer.analyze(t, c) for t, c in zip(turns, ctxs, strict=True)]


@lru_cache(maxsize=16384, typed=True)
def span(start: int, end: int) -> Span:
    """The one ``Span(start, end)``, shared: a Span is frozen and holds two ints, so sharing cannot show, and
    validating a new one (its order check runs in Python) cost the rules about 4 µs a span. An invalid pair
    raises as ``Span`` does (a failure is not cached)."""
    return Span(start=start, end=end)


def annotation(
    analyzer: str,
    version: str,
    family: str,
    label: str,
    score: float,
    spans: Iterable[tuple[int, int]] | Iterable[Span],
    *,
    low_confidence: bool = False,
    detail: Mapping[str, str | float | int | bool | None] | None = None,
) -> Annotation:
    """An analyser's ``Annotation`` with every field given, its spans shared through ``span``: one way to build
    them for every rule analyser (seven copies of this before). Validation stays: skipping it by setting
    pydantic's internal fields was measured at under 2 % of ``--fast`` time, not worth depending on them."""
    evidence = tuple(s if isinstance(s, Span) else span(*s) for s in spans)  # a pair or a Span
    given = {"detail": dict(detail)} if detail is not None else {}  # None: not given, as ``Annotation(...)`` without
    return Annotation(
        analyzer=analyzer,
        analyzer_version=version,
        family=family,
        label=label,
        score=score,
        evidence=evidence,
        low_confidence=low_confidence,
        **given,
    )
