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

One **rule** sits after the join (since 0.6): a stated negation of an emotion word ("I'm not angry", "you don't
scare me", "don't think I'm afraid") damps that word's Ekman label (``NEGATED_EMOTION``, ``_damped``). The MLP
reads the whole turn with no negation marking, and GoEmotions has too few negated emotion words for it to learn
them, so "I'm not scared of you" read fear 0.49 and "I'm not angry, I'm just tired" anger 0.28 in 0.5
(``docs/analysis.md``, "Negated emotion words, the rule").

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

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import ClassVar, TypeVar

import numpy as np

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.encoder import AHEAD
from talkdown.analysis.lexicons import load_words, normalise, word_alternation
from talkdown.analysis.model_io import (
    MAX_CHARS,
    PACKAGED_MODELS,
    DenseHead,
    LinearTextModel,
    Vector,
    load_head,
    load_model,
)
from talkdown.analysis.patterns import RulePattern
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
NEGATED_KEEP = 0.15
"""Share of its probability a label keeps when its word is negated; the rest goes to neutral. Under every
shipped threshold (the lowest is 0.20) even from 1.0, so a negated word alone never gives its label."""
HOSTILE_LABELS = frozenset({"anger", "disgust"})
"""Labels whose negation damps ``hostile`` too (the hostility head reads GoEmotions anger, annoyance, disgust)."""

_NEGATOR = (
    r"\b(?:not|never|no\s+longer|cannot|ain'?t"
    r"|(?:do|does|did|is|was|are|were|wo|ca|could|would|should|have|has|had|am)n'?t)"
)
# Words that may stand between the negator and the emotion word and keep it negated. Left out on purpose:
# "just", "only" ("I'm not just angry, I'm furious" affirms), "so", "more", "this" ("I've never been so scared"
# affirms), "that" ("Isn't that sad?" affirms), "you" (a question: "aren't you scared?"), "make"/"want"
# ("don't make me angry" is a threat).
_BRIDGE = (
    r"(?:(?:gonna|going\s+to|about\s+to|to)\s+be|be|been|being|feel|feels|feeling|felt|get|gets|getting|got"
    r"|look|looks|looking|sound|sounds|seem|seems|act|acting|even|really|too|very|remotely|ever|exactly"
    r"|particularly|a\s+(?:little\s+)?bit|one\s+bit|the\s+least\s+bit|in\s+the\s+least|think|believe"
    r"|i'm|im|i\s+am|am)"
)
# ... and words after it that turn "never" into a superlative ("never been scared like this", "... before").
_AFFIRMING_TAIL = r"(?!\s+(?:like\s+(?:this|that)|before|in\s+(?:my|all\s+my)\s+(?:whole\s+)?life))"
EKMAN_WORD_KEYS = {label: f"ekman_{label}" for label in EKMAN if label != "neutral"}


@cache
def _ekman_words() -> dict[str, frozenset[str]]:
    """Each ``ekman_<label>`` word list as a set, for the label(s) of a matched word."""
    return {label: frozenset(load_words()[key]) for label, key in EKMAN_WORD_KEYS.items()}


_ALL_WORDS = "|".join(word_alternation(key) for key in EKMAN_WORD_KEYS.values())
NEGATED_EMOTION = RulePattern(
    rf"{_NEGATOR}(?:\s+{_BRIDGE}){{0,4}}\s+(?P<word>{_ALL_WORDS})\b{_AFFIRMING_TAIL}", re.IGNORECASE
)
EMOTION_WORD = RulePattern(rf"\b(?:{_ALL_WORDS})\b", re.IGNORECASE)


class EmotionAnalyzer:
    """Ekman emotions, intensity and hostility for subject and party turns (learned models, then one rule)."""

    name: ClassVar[str] = "emotion"
    # 0.6: a negated emotion word damps its label (NEGATED_EMOTION); the part after "+" is the models' digests
    version: ClassVar[str] = f"0.6.0+m{EMOTION_MODEL_SHA256_PREFIX}.{EMOTION_HEAD_SHA256_PREFIX}"
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
        negated = negated_labels(text)
        if negated:
            p = _damped(p, negated)
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
        if negated:  # so the board can say why "I'm not angry" reads no anger
            return tuple(a.model_copy(update={"detail": {"negated": ",".join(sorted(negated))}}) for a in anns)
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


def negated_labels(text: str) -> frozenset[str]:
    """Ekman labels of the emotion words the text negates, less those another of their words affirms.

    Why a rule after the models: the MLP reads "not scared" much as "scared", and GoEmotions has too few
    negated emotion words to retrain it on. The affirmation check keeps "I'm not angry, I'm furious" angry.
    Why not the linear model's negation scope (``model_io.mark_negation``): a scope runs to the clause's end,
    right for features a model weighs, too wide for a rule that overrules one ("don't make me angry" is a
    threat, and its anger is meant).

    >>> sorted(negated_labels("I'm not angry, I'm just tired."))
    ['anger']
    >>> sorted(negated_labels("I'm not scared, I'm terrified."))
    []
    """
    plain = normalise(text)
    negated = {m.span("word"): m.group("word") for m in NEGATED_EMOTION.finditer(plain)}
    if not negated:
        return frozenset()
    words = _ekman_words()
    affirmed = {m.group() for m in EMOTION_WORD.finditer(plain) if m.span() not in negated}
    return frozenset(
        label
        for label, members in words.items()
        if any(_key(w) in members for w in negated.values()) and not any(_key(w) in members for w in affirmed)
    )


def _key(word: str) -> str:
    """A matched word as its list spells it (lower case, single spaces: "pissed  OFF" is "pissed off")."""
    return " ".join(word.lower().split())


def _damped(p: dict[str, float], labels: frozenset[str]) -> dict[str, float]:
    """``p`` with each negated label cut to ``NEGATED_KEEP`` of itself and the cut given to neutral.

    Neutral, not the other labels in proportion: the negated words carry no emotion, and spreading their mass
    would lift whatever else was there ("I'm not scared of you" would read more anger for losing its fear).
    The seven Ekman probabilities keep their sum, so ``emotion_intensity`` (1 - neutral) falls by what was cut.
    """
    out = dict(p)
    for label in labels:
        cut = out[label] * (1.0 - NEGATED_KEEP)
        out[label] -= cut
        out["neutral"] = min(1.0, out["neutral"] + cut)
    if labels & HOSTILE_LABELS:
        out["hostile"] *= NEGATED_KEEP
    return out
