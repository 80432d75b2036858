"""Emotion of the subject's words: Ekman-7 labels, an intensity score and a hostility flag.

A **learned model** (not a rule), trained on GoEmotions train (Apache-2.0) by ``eval/train_emotion.py``
and shipped in ``analysis/models/`` (card: ``emotion-goemotions.md``). Two models are joined:

- ``emotion-goemotions.json``: a TF-IDF n-gram logistic regression. Small, fast on one CPU, and its
  per-token contributions give exact evidence spans, so the board can show *which words* read as fear or
  anger. Every evidence span comes from it. Since 0.5 it reads negation-scoped tokens (``model_io.mark_negation``):
  in "I'm not afraid to use it" the words after "not" are features of their own, so a negated emotion word is no
  longer evidence of that emotion (it was: fear 0.99 on that line, ``docs/analysis.md``).
- ``emotion-goemotions-head.json``: a small MLP over the turn graph's ``turn_vector`` (the fine-tuned MiniLM that
  also reads the cues, ``analysis/turn_model.py``; a vector of the turn's own words after its third layer), which
  reads meaning the n-grams miss (paraphrase, negation, word order). It costs no model pass of its own: the cue
  analyser has run the graph on the same subject turn. Until 0.3 it read a separate frozen sentence encoder, a
  second pass per subject turn (``docs/analysis.md``). The previous turn shapes the vector a little, as it shapes
  the cues; GoEmotions comments, which have none, are read without.
  Since 0.4 the two join through a learned layer stored in the head file (per label a logistic regression over
  both models' logits, ``DenseHead.joined``), which beat every fixed average ``mix · p_head + (1 − mix) ·
  p_linear`` on out-of-fold train predictions (``eval/train_emotion.py``, ``eval/emotion_stack.py``); a head
  without a join is averaged with the ``head_mix`` of the linear model's meta. Thresholds are fixed at training.

Families:
- ``ekman``: anger, disgust, fear, joy, sadness, surprise, neutral; multi-label, one threshold per label
  (chosen on out-of-fold train predictions); if none passes, the most probable label is given.
- ``emotion_intensity``: label ``intensity``, score = 1 − p(neutral). Derived, not trained on intensity
  ratings (no public data has them for this register); read it as "how clearly emotional", not arousal.
- ``hostility``: label ``hostile`` when the hostility head (GoEmotions anger ∪ annoyance ∪ disgust)
  passes its threshold.

Negotiator turns are skipped: the emotion read that matters for doctrine is the subject's (and a party's).
Unusable text (empty, binary, emoji-only, mostly unknown words such as another language) gives a neutral
result with ``low_confidence=True``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar, TypeVar

import numpy as np

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.encoder import AHEAD
from talkdown.analysis.model_io import (
    MAX_CHARS,
    PACKAGED_MODELS,
    DenseHead,
    LinearTextModel,
    Vector,
    load_head,
    load_model,
)
from talkdown.analysis.turn_model import MODEL_FILE, TurnModel
from talkdown.domain.annotations import Annotation, Span
from talkdown.errors import TalkdownError

EMOTION_MODEL_FILE = "emotion-goemotions.json"
EMOTION_HEAD_FILE = "emotion-goemotions-head.json"
EMOTION_MODEL_SHA256_PREFIX = "856e99dd"
EMOTION_HEAD_SHA256_PREFIX = "053498ee"
"""First 8 hex digits of the shipped files' sha256, printed by ``eval/train_emotion.py``; a test keeps them
equal to ``models/manifest.json``. They are spelled out here because ``version`` is a class variable and
reading the manifest at import would be I/O at import time."""
EKMAN = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")
_M = TypeVar("_M", LinearTextModel, DenseHead)
MIN_KNOWN_SHARE = 0.5
"""Below this share of in-vocabulary words the text is probably not English: results are low-confidence."""


class EmotionAnalyzer:
    """Ekman emotions, intensity and hostility for subject and party turns (learned model)."""

    name: ClassVar[str] = "emotion"
    version: ClassVar[str] = f"0.5.0+m{EMOTION_MODEL_SHA256_PREFIX}.{EMOTION_HEAD_SHA256_PREFIX}"
    requires: ClassVar[frozenset[str]] = frozenset()
    produces: ClassVar[frozenset[str]] = frozenset({"ekman", "emotion_intensity", "hostility"})

    def __init__(self, *, model_dir: Path | None = None) -> None:
        self._model_dir = model_dir or PACKAGED_MODELS
        self._model: LinearTextModel | None = None
        self._head: DenseHead | None = None
        self._turns = TurnModel(self._model_dir)

    @property
    def model(self) -> LinearTextModel:
        """Loaded on first use (and once per process for all instances), after its sha256 is checked."""
        if self._model is None:
            self._model = self._checked(load_model(self._model_dir, EMOTION_MODEL_FILE), EMOTION_MODEL_FILE,
                                        EMOTION_MODEL_SHA256_PREFIX)  # fmt: skip
        return self._model

    @property
    def head(self) -> DenseHead:
        """The embedding head; refused unless it was trained on the turn graph that is installed."""
        if self._head is None:
            head = self._checked(load_head(self._model_dir, EMOTION_HEAD_FILE), EMOTION_HEAD_FILE,
                                 EMOTION_HEAD_SHA256_PREFIX)  # fmt: skip
            if head.encoder_sha256 != self._turns.sha256:
                raise TalkdownError(
                    "TD602",
                    file=str(self._model_dir / EMOTION_HEAD_FILE),
                    problem=f"trained on turn graph {head.encoder_sha256[:8]}, but {self._turns.sha256[:8]} is "
                    "installed; reinstall talkdown",
                )
            self._head = head
        return self._head

    def _checked(self, model: _M, filename: str, prefix: str) -> _M:
        if not model.sha256.startswith(prefix):
            raise TalkdownError(
                "TD602",
                file=str(self._model_dir / filename),
                problem=f"model sha256 {model.sha256[:8]} is not the one this talkdown declares ({prefix}); "
                "reinstall talkdown",
            )
        return model

    def describe_models(self) -> tuple[str, ...]:
        return (
            f"{EMOTION_MODEL_FILE} (sha256 {EMOTION_MODEL_SHA256_PREFIX}…, GoEmotions train, Apache-2.0)",
            f"{EMOTION_HEAD_FILE} (sha256 {EMOTION_HEAD_SHA256_PREFIX}…, GoEmotions train, Apache-2.0) over "
            f"{MODEL_FILE}'s turn_vector",
        )

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        return self.analyze_many([turn], [ctx])[0]

    def analyze_many(self, turns: Sequence[Turn], ctxs: Sequence[Context]) -> list[tuple[Annotation, ...]]:
        todo = [i for i, t in enumerate(turns) if t.side != "negotiator"]
        out: list[tuple[Annotation, ...]] = [() for _ in turns]
        if not todo:
            return out
        model, head = self.model, self.head
        mix = float(model.meta.get("head_mix", 0.0))
        # started before the TF-IDF work, which then runs meanwhile (usually served from the cue analyser's pass)
        embedded = (
            AHEAD.submit(self._turns.vectors, [turns[i] for i in todo], [ctxs[i].window for i in todo])
            if mix > 0.0 or head.join is not None
            else None
        )
        vecs = [model.vectorize(turns[i].text) for i in todo]
        linear = model.probabilities_many(vecs)
        if embedded is None:
            probs = linear
        elif head.join is not None:
            probs = head.joined(linear, head.probabilities_many(embedded.result()))
        else:
            probs = (1.0 - mix) * linear + mix * head.probabilities_many(embedded.result())
        probs = np.asarray(probs, dtype=np.float32)
        for row, (i, vec) in enumerate(zip(todo, vecs, strict=True)):
            p = {label: float(probs[row, k]) for k, label in enumerate(model.labels)}
            out[i] = self._annotate(turns[i].text, vec, p)
        return out

    def _annotate(self, text: str, vec: Vector, p: dict[str, float]) -> tuple[Annotation, ...]:
        model = self.model
        if _is_unusable(text, vec):
            return (
                self._ann("ekman", "neutral", p["neutral"], (), low=True),
                self._ann("emotion_intensity", "intensity", 0.0, (), low=True),
            )
        low = len(text) > MAX_CHARS
        chosen = [e for e in EKMAN if p[e] >= model.thresholds[e]] or [max(EKMAN, key=p.__getitem__)]
        anns = []
        for label in chosen:
            spans = () if label == "neutral" else self._evidence(text, vec, label)
            anns.append(self._ann("ekman", label, p[label], spans, low=low or (label != "neutral" and not spans)))
        top = max((e for e in EKMAN if e != "neutral"), key=p.__getitem__)
        anns.append(
            self._ann("emotion_intensity", "intensity", 1.0 - p["neutral"], self._evidence(text, vec, top), low=low)
        )
        if p["hostile"] >= model.thresholds["hostile"]:
            anns.append(self._ann("hostility", "hostile", p["hostile"], self._evidence(text, vec, "hostile"), low=low))
        return tuple(anns)

    def _evidence(self, text: str, vec: Vector, label: str) -> tuple[Span, ...]:
        spans = self.model.evidence(vec, label)
        # A label driven by the intercept alone has no positive token: point at the whole text instead.
        return tuple(Span(start=s, end=e) for s, e in spans) or (Span(start=0, end=min(len(text), MAX_CHARS)),)

    def _ann(self, family: str, label: str, score: float, spans: tuple[Span, ...], *, low: bool) -> Annotation:
        return Annotation(
            analyzer=self.name,
            analyzer_version=self.version,
            family=family,
            label=label,
            score=min(1.0, max(0.0, round(score, 4))),
            evidence=spans,
            low_confidence=low,
        )


def _is_unusable(text: str, vec: Vector) -> bool:
    """Empty, binary, emoji-only or mostly out-of-vocabulary text (likely another language)."""
    head = text[:MAX_CHARS]
    if not head.strip() or not vec.token_spans or vec.n_known == 0:
        return True
    control = sum(1 for ch in head if ord(ch) < 32 and ch not in "\n\r\t")
    if control > 0.05 * len(head):
        return True
    words = sum(1 for s, e in vec.token_spans if head[s] not in "!?")
    return words >= 3 and vec.n_known < MIN_KNOWN_SHARE * words
