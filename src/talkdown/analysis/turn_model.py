"""The learned half of the cue, skill and avoid analysers: one MiniLM-L6 graph fine-tuned on talkdown's labels.

Why: the rules are transparent and precise but miss much of what people who never read them say (cue recall
~0.55, skill macro-F1 ~0.57 on such text, ``docs/analysis.md``). A MiniLM fine-tuned on five writers'
labelled transcripts (``eval/train_turn_encoder.py``) reads the turn with the turn before it, so "Not yet."
after "Has anyone been hurt?" can be read as the threat it is. One graph with a sigmoid per (family, label)
serves all three analysers: one 23 MB file, one forward pass per turn, shared through a small cache. The same
pass gives the emotion analyser its input, ``turn_vector`` (``eval/onnx_turn_vector.py``).

How it joins the rules is decided per label by the training script on validation predictions and shipped in
``talkdown-minilm-settings.json``: ``rules`` (the model is not asked), ``union`` (the model adds the label at
or above its threshold) or ``model`` (the model decides; skills and avoid only; an analyser may name rule labels
it found in wordings too plain to drop, ``merge``'s ``sure``). The graph and the settings
are checked against ``manifest.json`` (sha256), and the graph's digest must start with ``SHA256_PREFIX``.
"""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import ClassVar, TypeVar

import numpy as np

from talkdown.analysis.base import Context, Turn
from talkdown.analysis.encoder import AHEAD, FloatArray, Outputs, load_graph, load_tokenizer, pair_ids, run_each
from talkdown.analysis.lexicons import is_judgeable
from talkdown.analysis.model_io import (
    MAX_CHARS,
    PACKAGED_MODELS,
    LinearTextModel,
    Vector,
    load_model,
    read_verified,
)
from talkdown.domain.annotations import Annotation
from talkdown.errors import TalkdownError

V = TypeVar("V")

MODEL_FILE = "talkdown-minilm-int8.onnx"
SETTINGS_FILE = "talkdown-minilm-settings.json"
SHA256_PREFIX = "295959de"
"""First 8 hex digits of the shipped graph's sha256 (printed by ``eval/train_turn_encoder.py``)."""
CONTEXT_TAG = {"negotiator": "negotiator: ", "subject": "subject: "}
CACHE_SIZE = 4096
EVIDENCE_AGREES = 0.5
"""The linear part's own probability at which its words are shown as a model label's evidence."""
VECTOR_SIZE = 384
"""Width of ``turn_vector``: MiniLM-L6's hidden size (an empty batch still needs a shape)."""
Probabilities = dict[int, dict[str, float]]  # turn index in the batch -> label -> probability


@dataclass(frozen=True)
class Choice:
    mode: str  # "rules" | "union" | "model"
    threshold: float


@dataclass(frozen=True)
class LinearPart:
    """A family's linear model (``eval/train_turn_linear.py``) and its weight in ``(1 - mix) · graph + mix ·
    linear``."""

    file: str
    mix: float


@dataclass(frozen=True)
class Stage:
    """A second look at a family's graph probabilities with the same side's earlier turns (``eval/cue_context.py``).

    Why: the graph reads one previous turn, and an indirect suicide cue often means what it means because of a
    line some turns back. Per label a logistic regression over ``stage_features`` (the turn's own logits and the
    largest and latest of its side's turns among the ``span`` before it) replaces the graph's probability. The
    earlier turns' probabilities are graph passes LIVE and eval have already made for those turns (cached)."""

    span: int
    weights: Mapping[str, tuple[tuple[float, ...], float]]  # label -> (coefficients, intercept)
    words: bool = False
    """Whether the inputs end with the family's linear part's logits for the turn (``stage_features``)."""


@dataclass(frozen=True)
class Settings:
    outputs: tuple[tuple[str, str], ...]
    max_tokens: int
    choices: Mapping[str, Choice]  # "family/label" -> choice
    linear: Mapping[str, LinearPart]  # family -> its linear part (a family without one: the graph alone)
    stage: Mapping[str, Stage] = field(default_factory=dict)  # family -> its second stage, if it has one


@lru_cache(maxsize=4)
def load_settings(directory: str) -> Settings:
    raw, _ = read_verified(Path(directory), SETTINGS_FILE)
    data = json.loads(raw)
    outputs = tuple((str(f), str(label)) for f, label in data["outputs"])
    choices = {k: Choice(str(v["mode"]), float(v["threshold"])) for k, v in data["choices"].items()}
    linear = {str(f): LinearPart(Path(str(v["file"])).name, float(v["mix"])) for f, v in data.get("linear", {}).items()}
    stage = {
        str(f): Stage(int(v["span"]), {str(k): (tuple(map(float, w["coef"])), float(w["intercept"])) for k, w in
                                       v["weights"].items()}, bool(v.get("words", False)))
        for f, v in data.get("stage", {}).items()
    }  # fmt: skip
    if unread := sorted(f for f, st in stage.items() if st.words and f not in linear):
        where = str(Path(directory) / SETTINGS_FILE)
        raise TalkdownError(
            "TD602", file=where, problem=f"the stage for {', '.join(unread)} reads a missing linear part"
        )
    return Settings(outputs=outputs, max_tokens=int(data["max_tokens"]), choices=choices, linear=linear, stage=stage)


LOGIT_FLOOR = -9.21
"""``logit(1e-4)``: where probabilities are clipped, and the value of "no earlier turn"."""


def logit(p: float) -> float:
    q = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(q / (1 - q))


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))  # no overflow either way


def stage_features(
    now: Sequence[float], earlier: Sequence[Sequence[float]], words: Sequence[float] = ()
) -> list[float]:
    """A turn's stage inputs, from probabilities in the family's label order: its own logits, then per label the
    largest and the latest logit of its earlier turns (``LOGIT_FLOOR`` when there are none), then the logits of
    ``words`` (the linear part's probabilities for the turn, when the stage reads them)."""
    logits = [[logit(p) for p in row] for row in earlier]
    most = [max(col) for col in zip(*logits, strict=True)] if logits else [LOGIT_FLOOR] * len(now)
    last = logits[-1] if logits else [LOGIT_FLOOR] * len(now)
    return [*(logit(p) for p in now), *most, *last, *(logit(p) for p in words)]


def earlier_turns(window: Sequence[Turn], side: str, span: int) -> list[tuple[Turn, tuple[Turn, ...]]]:
    """The turns of ``side`` among the last ``span`` of ``window``, each with its own window, oldest first. The
    window's first turn is left out: its previous turn, which the graph reads with it, is not there."""
    return [(window[j], tuple(window[:j])) for j in range(max(1, len(window) - span), len(window))
            if window[j].side == side]  # fmt: skip


def context_of(window: Sequence[Turn], turns: int = 1) -> str:
    """The previous turn (or ``turns`` turns, oldest first) with its side, as the model was trained to read it
    ("" when there is none). ``pair_ids`` cuts a long context from its start, so the nearest words stay."""
    return " ".join(
        f"{CONTEXT_TAG[t.side]}{t.text[-MAX_CHARS:]}" for t in window[-turns:] if turns > 0 and t.side in CONTEXT_TAG
    )


class TurnModel:
    """Probabilities per (family, label), and the emotion head's ``turn_vector``, for turns in context; loaded on
    first use, once per process."""

    _cache: ClassVar[OrderedDict[tuple[str, str, str], Outputs]] = OrderedDict()  # shared by every analyser
    _linear_cache: ClassVar[OrderedDict[tuple[str, str, str], tuple[Vector, FloatArray]]] = OrderedDict()
    """The linear part's vector and probabilities per (directory, file, text): the mix and the stage read the
    probabilities, ``evidence`` both (a label only the model found is explained with the words of a turn the mix
    or the stage has just vectorised)."""
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, directory: Path) -> None:
        self._dir = str(directory.resolve())

    def choices(self, family: str, labels: Sequence[str]) -> dict[str, Choice]:
        """How each label of ``family`` joins the rules (``rules`` for a label the model has no output for)."""
        known = load_settings(self._dir).choices
        return {label: known.get(f"{family}/{label}", Choice("rules", 2.0)) for label in labels}

    def probabilities(
        self, family: str, turns: Sequence[Turn], windows: Sequence[Sequence[Turn]], *, graph_only: bool = False
    ) -> list[dict[str, float]]:
        """Per turn (with the turns before it), the probability of each label of ``family``: the graph's, read
        again by the family's stage with the earlier turns and mixed with its linear part, where it has them
        (``graph_only``: the graph alone, for ``eval/`` studies). A turn already read by another analyser (skills
        and avoid read the same negotiator turns) is cached."""
        settings = load_settings(self._dir)
        stage = settings.stage.get(family)
        if stage is not None and turns and not graph_only:
            probs = self._staged(family, stage, turns, windows)
        else:
            probs = self._graph_probabilities(family, turns, windows)
        part = settings.linear.get(family)
        if part is None or part.mix == 0.0 or not probs or graph_only:
            return probs  # (a linear part with mix 0 only gives evidence)
        for row, lin in zip(probs, self._linear_labels(family, part.file, turns), strict=True):
            for label, p in lin.items():
                row[label] = (1.0 - part.mix) * row[label] + part.mix * p
        return probs

    def stage_inputs(self, family: str, stage: Stage, turns: Sequence[Turn], windows: Sequence[Sequence[Turn]]
                     ) -> list[list[float]]:  # fmt: skip
        """Per turn, ``stage_features`` from the graph's probabilities of it and of its side's earlier turns (all
        read in one batch, so a batch's earlier turns are mostly cache hits), and its linear part's if the stage
        reads them."""
        return self._stage_rows(family, stage, turns, windows)[1]

    def _stage_rows(
        self, family: str, stage: Stage, turns: Sequence[Turn], windows: Sequence[Sequence[Turn]]
    ) -> tuple[list[dict[str, float]], list[list[float]]]:
        """The graph's probabilities of ``turns`` and their ``stage_inputs``, from one pass over the batch and
        its earlier turns (the stage's caller needs both)."""
        earlier = [earlier_turns(w, t.side, stage.span) for t, w in zip(turns, windows, strict=True)]
        flat = [pair for pairs in earlier for pair in pairs]
        rows = self._graph_probabilities(family, [*turns, *(t for t, _ in flat)], [*windows, *(w for _, w in flat)])
        settings = load_settings(self._dir)
        labels = [label for f, label in settings.outputs if f == family]
        words: list[list[float]] = [[] for _ in turns]
        if stage.words:
            lin = self._linear_labels(family, settings.linear[family].file, turns)
            words = [[row[label] for label in labels] for row in lin]
        out, at = [], len(turns)
        for k, pairs in enumerate(earlier):
            before = [[rows[at + j][label] for label in labels] for j in range(len(pairs))]
            out.append(stage_features([rows[k][label] for label in labels], before, words[k]))
            at += len(pairs)
        return rows[: len(turns)], out

    def _graph_probabilities(
        self, family: str, turns: Sequence[Turn], windows: Sequence[Sequence[Turn]]
    ) -> list[dict[str, float]]:
        columns = [(k, label) for k, (f, label) in enumerate(load_settings(self._dir).outputs) if f == family]
        return [{label: float(row[0][k]) for k, label in columns} for row in self._rows(turns, windows)]

    def _staged(
        self, family: str, stage: Stage, turns: Sequence[Turn], windows: Sequence[Sequence[Turn]]
    ) -> list[dict[str, float]]:
        """The graph's probabilities with each label the stage weighs replaced by the stage's probability."""
        probs, inputs = self._stage_rows(family, stage, turns, windows)
        for row, x in zip(probs, inputs, strict=True):
            for label, (coef, intercept) in stage.weights.items():
                row[label] = sigmoid(intercept + sum(c * v for c, v in zip(coef, x, strict=True)))
        return probs

    def evidence(self, family: str, turn: Turn, label: str) -> tuple[tuple[int, int], ...]:
        """The words that push ``label`` up most in ``turn`` by the family's linear part, when that word model
        finds the label too (probability >= ``EVIDENCE_AGREES``); else empty. A label only the model found is
        shown with those words rather than the whole turn; words from a word model that does not find the
        label would explain nothing (on fresh sets they were often "it", "on", "the")."""
        part = load_settings(self._dir).linear.get(family)
        name = f"{family}/{label}"
        if part is None:
            return ()
        model = load_model(Path(self._dir), part.file)
        if name not in model.labels:
            return ()
        ((vec, probs),) = self._linear_entries(model, part.file, [turn])  # read by the mix or stage: cached
        if probs[model.labels.index(name)] < EVIDENCE_AGREES:
            return ()
        return model.evidence(vec, name)

    def _linear_labels(self, family: str, file: str, turns: Sequence[Turn]) -> list[dict[str, float]]:
        """Per turn, the linear part's probability of each label of ``family`` that it knows (the mix and the
        stage both read these)."""
        columns = [label for f, label in load_settings(self._dir).outputs if f == family]
        model = load_model(Path(self._dir), file)
        known = {name: j for j, name in enumerate(model.labels)}
        where = {label: known[f"{family}/{label}"] for label in columns if f"{family}/{label}" in known}
        return [{label: float(row[j]) for label, j in where.items()} for row in self._linear_rows(model, file, turns)]

    def _linear_rows(self, model: LinearTextModel, file: str, turns: Sequence[Turn]) -> list[FloatArray]:
        """The linear part's probabilities per turn; cached, so skills and avoid vectorise a turn once."""
        return [probs for _, probs in self._linear_entries(model, file, turns)]

    def _linear_entries(
        self, model: LinearTextModel, file: str, turns: Sequence[Turn]
    ) -> list[tuple[Vector, FloatArray]]:
        """Per turn, the linear part's vector and its probabilities, each text vectorised once per cache life."""
        keys = [(self._dir, file, t.text[:MAX_CHARS]) for t in turns]

        def compute(todo: list[tuple[str, str, str]]) -> list[tuple[Vector, FloatArray]]:
            vecs = [model.vectorize(k[2]) for k in todo]
            return list(zip(vecs, model.probabilities_many(vecs), strict=True))

        return self._cached(self._linear_cache, keys, compute)

    def vectors(self, turns: Sequence[Turn], windows: Sequence[Sequence[Turn]]) -> FloatArray:
        """Per turn, the graph's unit ``turn_vector`` (``eval/onnx_turn_vector.py``), which the emotion head
        reads. The same pass as the probabilities: a subject turn the cue analyser read costs nothing more."""
        rows = self._rows(turns, windows)
        if rows and len(rows[0]) < 2:
            where = str(Path(self._dir) / MODEL_FILE)
            raise TalkdownError("TD602", file=where, problem="it has no turn_vector output; reinstall talkdown")
        return np.stack([row[1] for row in rows]) if rows else np.zeros((0, VECTOR_SIZE), dtype=np.float32)

    def linear_files(self) -> tuple[str, ...]:
        return tuple(sorted({part.file for part in load_settings(self._dir).linear.values()}))

    def staged_families(self) -> tuple[str, ...]:
        return tuple(sorted(load_settings(self._dir).stage))

    @property
    def sha256(self) -> str:
        return load_graph(self._dir, MODEL_FILE).sha256

    def _rows(self, turns: Sequence[Turn], windows: Sequence[Sequence[Turn]]) -> list[Outputs]:
        """The graph's outputs per turn in its window, each (text, previous turn) run once and cached."""
        keys = [(self._dir, t.text[:MAX_CHARS], context_of(w)) for t, w in zip(turns, windows, strict=True)]
        return self._cached(self._cache, keys, self._run_graph)

    def _run_graph(self, todo: list[tuple[str, str, str]]) -> list[Outputs]:
        graph = load_graph(self._dir, MODEL_FILE)
        if not graph.sha256.startswith(SHA256_PREFIX):
            problem = f"sha256 {graph.sha256[:8]} is not the one this talkdown declares ({SHA256_PREFIX})"
            raise TalkdownError("TD602", file=str(Path(self._dir) / MODEL_FILE), problem=f"{problem}; reinstall")
        tokenizer, settings = load_tokenizer(self._dir), load_settings(self._dir)
        feeds = []
        for _, text, context in todo:
            ids, types = pair_ids(tokenizer, text, context, max_tokens=settings.max_tokens)
            arr = np.asarray([ids], dtype=np.int64)
            segments = np.asarray([types], dtype=np.int64)
            feeds.append({"input_ids": arr, "attention_mask": np.ones_like(arr), "token_type_ids": segments})
        return run_each(graph, feeds)

    @classmethod
    def _cached(
        cls,
        cache: OrderedDict[tuple[str, str, str], V],
        keys: list[tuple[str, str, str]],
        compute: Callable[[list[tuple[str, str, str]]], Sequence[V]],
    ) -> list[V]:
        """Each key's value from ``cache``, computing the missing ones once (outside the lock, so the model passes
        of two threads overlap) and keeping the newest ``CACHE_SIZE``: the graph's and the linear part's rows."""
        with cls._lock:
            found = {k: cache[k] for k in keys if k in cache}
        todo = list(dict.fromkeys(k for k in keys if k not in found))
        if todo:
            found.update(zip(todo, compute(todo), strict=True))
            with cls._lock:
                for k in todo:
                    cache[k] = found[k]
                while len(cache) > CACHE_SIZE:
                    cache.popitem(last=False)
        return [found[k] for k in keys]


def merge(
    rule_labels: Mapping[str, object],
    probs: Mapping[str, float],
    choices: Mapping[str, Choice],
    sure: Collection[str] = (),
) -> tuple[set[str], dict[str, float]]:
    """Which rule labels stay, and which labels the model adds (with their probability), per the settings.

    ``sure``: rule labels found by wordings so plain that no model reading should drop them, even in "model"
    mode (an analyser names them; e.g. avoid's "This is your last chance.", which the graph, trained on few
    ultimatums, scores near zero)."""
    rules_only = Choice("rules", 2.0)

    def reached(label: str) -> bool:
        return probs.get(label, 0.0) >= choices.get(label, rules_only).threshold

    keep = {
        label
        for label in rule_labels
        if choices.get(label, rules_only).mode != "model" or reached(label) or label in sure
    }
    added = {
        label: p
        for label, p in probs.items()
        if label not in rule_labels and choices.get(label, rules_only).mode != "rules" and reached(label)
    }
    return keep, added


def describe(linear_files: Sequence[str] = (), staged: Sequence[str] = ()) -> str:
    """What ``talkdown analyze`` prints for the analysers that use this model (its linear part's files, and the
    families its second stage reads again with earlier turns)."""
    graph = f"{MODEL_FILE} (sha256 {SHA256_PREFIX}…, all-MiniLM-L6-v2 (Apache-2.0) fine-tuned on talkdown's"
    graph += " transcripts)"
    words = f" + {', '.join(linear_files)} (TF-IDF word models, talkdown's transcripts)" if linear_files else ""
    stage = f" + a second stage over earlier turns for {', '.join(staged)} ({SETTINGS_FILE})" if staged else ""
    return graph + words + stage


class ModelAssisted:
    """What the cue, skill and avoid analysers share: rules first, then this model joined per label.

    Subclasses define ``analyze_many`` (their rules, then ``_join``) and build their own annotations.
    """

    def __init__(self, *, model_dir: Path | None = None, use_model: bool = True) -> None:
        self._use_model = use_model
        self._model = TurnModel(model_dir or PACKAGED_MODELS)

    def describe_models(self) -> tuple[str, ...]:
        return (describe(self._model.linear_files(), self._model.staged_families()),) if self._use_model else ()

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        return self.analyze_many([turn], [ctx])[0]

    def _model_spans(self, family: str, turn: Turn, label: str) -> list[tuple[int, int]]:
        """Evidence for a label only the model found: the words its linear part weighs towards it, or the whole
        turn when there is no linear part or no word pushes that way (the graph has no exact per-word share)."""
        return list(self._model.evidence(family, turn, label)) or [(0, min(len(turn.text.rstrip()), MAX_CHARS))]

    def analyze_many(self, turns: Sequence[Turn], ctxs: Sequence[Context]) -> list[tuple[Annotation, ...]]:
        raise NotImplementedError

    def _ahead(
        self, family: str, side: str, turns: Sequence[Turn], ctxs: Sequence[Context]
    ) -> Future[Probabilities] | None:
        """Start the model's passes for the turns ``_join`` will ask about (judgeable turns of ``side``) now.

        Why: the passes run in onnxruntime, which releases the GIL, and the rules are pure Python; started
        first, the passes keep both cores busy while the rules run (batch throughput, ``bench/analyze.py``).
        The result is the same as asking afterwards: the probabilities depend on the turn and window only.
        """
        if not self._use_model:
            return None
        todo = [i for i, t in enumerate(turns) if t.side == side and is_judgeable(t.text)]
        if not todo:
            return None

        def passes() -> Probabilities:
            probs = self._model.probabilities(family, [turns[i] for i in todo], [ctxs[i].window for i in todo])
            return dict(zip(todo, probs, strict=True))

        return AHEAD.submit(passes)

    def _join(
        self,
        family: str,
        labels: Sequence[str],
        found: dict[int, dict[str, V]],
        turns: Sequence[Turn],
        ctxs: Sequence[Context],
        ahead: Future[Probabilities] | None = None,
        sure: Mapping[int, Collection[str]] | None = None,
    ) -> dict[int, dict[str, float]]:
        """For each turn index in ``found`` (its rule labels), drop the rule labels the model rejects (in place)
        and return the labels the model adds with their probability. With the model off: nothing changes.
        ``ahead`` holds the passes started by ``_ahead``; a turn it does not cover is read now. ``sure``: per turn
        index, rule labels the model may not drop (``merge``)."""
        added: dict[int, dict[str, float]] = {i: {} for i in found}
        if not (self._use_model and found):
            return added
        choices = self._model.choices(family, labels)
        if all(c.mode == "rules" for c in choices.values()):
            return added  # (avoid, today) the model could neither add nor drop a label
        probs = ahead.result() if ahead is not None else {}
        missing = [i for i in found if i not in probs]
        if missing:
            rows = self._model.probabilities(family, [turns[i] for i in missing], [ctxs[i].window for i in missing])
            probs = {**probs, **dict(zip(missing, rows, strict=True))}
        for i in found:
            keep, added[i] = merge(found[i], probs[i], choices, (sure or {}).get(i, ()))
            found[i] = {label: v for label, v in found[i].items() if label in keep}
        return added
