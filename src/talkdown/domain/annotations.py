"""Analysis results as records beside the log: never events, never edits of an utterance.

Why separate: analysis is derived and versioned; a new analyser version adds annotations beside the old
ones, while the log (the legal record) stays untouched.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Span(BaseModel):
    """Character offsets into the utterance text, end exclusive: the words that justify a label."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end < self.start:
            raise ValueError("span end before start")
        return self


class Annotation(BaseModel):
    """One label from one analyser version for one utterance, with its score and evidence."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    analyzer: str
    analyzer_version: str
    family: str
    label: str
    score: float = Field(ge=0.0, le=1.0)
    evidence: tuple[Span, ...] = ()
    low_confidence: bool = False
    # Structured extras a label needs: a parsed deadline time, a demand item, a threat target.
    detail: dict[str, str | float | int | bool | None] = Field(default_factory=dict)
