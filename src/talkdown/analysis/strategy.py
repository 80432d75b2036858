"""Support strategy of a negotiator turn in ESConv's eight classes (``esconv_strategy``).

Two modes, because of the licence (``../shared/data/README.md``): ESConv is CC BY-NC 4.0 and "academic
research use only", so a model trained on it is **never inside the package**. It may live as a separate,
removable file, ``models-extra/esconv-strategy/`` (model + manifest + card + LICENSE-NOTICE.md), trained by
``eval/train_esconv_strategy.py``:

- **learned model** when that folder is present, looked for in the configured extra-models folder
  (``TALKDOWN_EXTRA_MODELS``, see ``runtime.py``) or, by default, in the ``models-extra/`` folder of a source
  checkout (next to ``src/``); an installed wheel has neither, so it never picks the model up by accident.
  Two files may be there:
  ``esconv-strategy-minilm-int8.onnx``, MiniLM fine-tuned on ESConv (``eval/train_esconv_encoder.py``),
  which reads the turn **and the previous turn** (``[CLS] turn [SEP] side: previous [SEP]``), and
  ``esconv-strategy.json``, the TF-IDF n-gram logistic regression (``eval/train_esconv_strategy.py``).
  With the ONNX graph the strategy is the argmax of ``0.7 · p_MiniLM + 0.3 · p_linear``; without it, the
  linear model's argmax. The linear model always gives the evidence spans (the words it weighs towards
  the chosen strategy): a transformer has no exact per-word attribution, and the linear weights are an
  honest, cheap approximation of *why*.
  ``detail`` holds the probability of every strategy, so callers can map them (``services/evaluate.py``).
- **rule mapping** otherwise: the turn's ``talkdown_skill`` labels (from ``SkillAnalyzer``, via
  ``ctx.prior``) map to a strategy; the first matching row of ``SKILL_TO_STRATEGY`` wins, and a turn with
  none of them is ``Others`` (greetings, thanks, encouragers, pauses).

The class ``version`` is the code version; each annotation carries the *effective* version, which adds the
model hash (``0.1.0+m1a2b3c4``) or ``+skillmap``, so results of the two modes are never confused.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future
from functools import cached_property
from pathlib import Path
from typing import ClassVar

import numpy as np

from talkdown.analysis.base import Context, Turn, annotation
from talkdown.analysis.encoder import AHEAD, load_graph, load_tokenizer, pair_ids, run_each
from talkdown.analysis.lexicons import is_judgeable
from talkdown.analysis.model_io import MANIFEST, FloatArray, LinearTextModel, load_model, read_manifest
from talkdown.analysis.runtime import current
from talkdown.domain.annotations import Annotation, Span

STRATEGY_DIR = "esconv-strategy"
STRATEGY_FILE = "esconv-strategy.json"
STRATEGY_ONNX = "esconv-strategy-minilm-int8.onnx"
PAIR_TOKENS = 64
"""Word pieces of turn + previous turn, as at training (``eval/train_esconv_encoder.py`` MAX_TOKENS)."""
SIDE_TAG = {"negotiator": "supporter:", "subject": "seeker:", "party": "seeker:"}
LINEAR_WEIGHT = 0.3
"""With the fine-tuned graph, ``p = 0.7 · p_MiniLM + 0.3 · p_linear``. On ESConv dev, linear weights 0.1–0.5
all gave macro-F1 0.521–0.528 (0: 0.518, 1: 0.478); 0.3 is the middle of that plateau, not its peak."""
OTHERS = "Others"

SKILL_TO_STRATEGY: tuple[tuple[str, frozenset[str]], ...] = (
    ("Self-disclosure", frozenset({"self_disclosure"})),
    ("Providing Suggestions", frozenset({"suggestion"})),
    ("Restatement or Paraphrasing", frozenset({"paraphrasing", "mirroring", "summarizing"})),
    ("Question", frozenset({"open_question", "closed_question"})),
    ("Information", frozenset({"information"})),
    ("Affirmation and Reassurance", frozenset({"affirmation"})),
    ("Reflection of feelings", frozenset({"emotion_labeling"})),
)
"""Priority order, chosen on ESConv dev over all 5,040 orders (macro-F1 0.240 vs 0.212 for the intuitive
question-first order): the rarer, more specific skills first; ESConv supporters often end a suggestion or a
self-disclosure with a question, and annotators labelled the turn by its content."""


class StrategyAnalyzer:
    """ESConv support strategy: a learned model if the separately licensed files are installed, else rules."""

    name: ClassVar[str] = "strategy"
    # 0.2.1: input no rule analyser judges (not English, emoji only, over 5,000 characters) is Others, low-confidence
    version: ClassVar[str] = "0.2.1"
    requires: ClassVar[frozenset[str]] = frozenset({"talkdown_skill"})
    produces: ClassVar[frozenset[str]] = frozenset({"esconv_strategy"})

    def __init__(self, *, extra_dir: Path | None = None, use_model: bool = True) -> None:
        base = extra_dir if extra_dir is not None else current().extra_dir()
        self._dir = base / STRATEGY_DIR if base is not None and use_model else None
        self._model: LinearTextModel | None = None
        self._started = threading.local()  # per thread: the passes `prefetch` started, with what they read

    @property
    def has_model(self) -> bool:
        return self._dir is not None and (self._dir / STRATEGY_FILE).is_file() and (self._dir / MANIFEST).is_file()

    @cached_property
    def _listed(self) -> dict[str, dict[str, str]]:
        """The folder's manifest, read once (it was read three times a live turn, ~0.4 ms): the models it lists
        load once per process too, so the version a loaded model reports must not follow later edits."""
        return read_manifest(self._dir) if self._dir is not None and self.has_model else {}

    @property
    def has_encoder(self) -> bool:
        """The fine-tuned graph is used only when it is listed in the folder's manifest (with the linear model)."""
        return STRATEGY_ONNX in self._listed

    @property
    def model(self) -> LinearTextModel | None:
        """The linear ESConv model, loaded (integrity-checked) on first use, or None when it is not installed."""
        if self._model is None and self._dir is not None and self.has_model:
            self._model = load_model(self._dir, STRATEGY_FILE)
        return self._model

    def _listed_sha(self, filename: str) -> str:
        """The manifest's sha256 of a file: what a load will verify, read without loading the model (so
        ``talkdown analyze`` and ``describe()`` do not pay for a model the turn does not need)."""
        return self._listed.get(filename, {}).get("sha256", "")

    def effective_version(self) -> str:
        if not self.has_model:
            return f"{self.version}+skillmap"
        listed = STRATEGY_ONNX if self.has_encoder else STRATEGY_FILE
        return f"{self.version}+m{self._listed_sha(listed)[:8]}"

    def describe_models(self) -> tuple[str, ...]:
        if not self.has_model or self._dir is None:
            return ()
        linear = self._listed_sha(STRATEGY_FILE)[:8]
        out = [f"{self._dir / STRATEGY_FILE} (sha256 {linear}…, ESConv, CC BY-NC 4.0, research use only)"]
        if self.has_encoder:
            sha = self._listed_sha(STRATEGY_ONNX)[:8]
            out.insert(0, f"{self._dir / STRATEGY_ONNX} (sha256 {sha}…, MiniLM fine-tuned on ESConv, CC BY-NC 4.0)")
        return tuple(out)

    def analyze(self, turn: Turn, ctx: Context) -> tuple[Annotation, ...]:
        return self.analyze_many([turn], [ctx])[0]

    def prefetch(self, turns: Sequence[Turn], ctxs: Sequence[Context]) -> None:
        """Start the ESConv graph's passes for the negotiator turns before any analyser runs (``Pipeline``).

        Why: this analyser runs last, so its pass used to start only after the turn graph's had finished; live,
        with models-extra, the two passes now share the two cores (p99 ~32 → ~24 ms on the AMD host,
        ``bench/analyze.py``). The pass reads each turn and the turn before it, never ``ctx.prior``.
        """
        todo = [i for i, t in enumerate(turns) if t.side == "negotiator"]
        if todo and self.has_encoder:
            picked, windows = [turns[i] for i in todo], [ctxs[i] for i in todo]
            self._started.pending = (_pass_keys(picked, windows), AHEAD.submit(self._encoder_probs, picked, windows))

    def analyze_many(self, turns: Sequence[Turn], ctxs: Sequence[Context]) -> list[tuple[Annotation, ...]]:
        todo = [i for i, t in enumerate(turns) if t.side == "negotiator"]
        out: list[tuple[Annotation, ...]] = [() for _ in turns]
        if not todo:
            return out
        model = self.model
        if model is None:
            for i in todo:
                out[i] = (self._mapped(turns[i], ctxs[i]),)
            return out
        version = self.effective_version()
        vecs = [model.vectorize(turns[i].text) for i in todo]
        probs = model.probabilities_many(vecs)
        if self.has_encoder:
            fine = self._fine_probs([turns[i] for i in todo], [ctxs[i] for i in todo])
            probs = np.asarray((1.0 - LINEAR_WEIGHT) * fine + LINEAR_WEIGHT * probs, dtype=np.float32)
        for row, (i, vec) in enumerate(zip(todo, vecs, strict=True)):
            k = int(probs[row].argmax())
            label = model.labels[k]
            # The input gate every rule analyser applies (docs/analysis-rules.md): the models read Spanish,
            # emoji or 1 MB of text as confidently as a plain English line (0.2.0 gave "Question" at 0.74).
            low = vec.n_known == 0 or not is_judgeable(turns[i].text)
            spans = () if label == OTHERS or low else model.evidence(vec, label)
            if low:
                label = OTHERS
            if label != OTHERS and not spans:
                spans, low = ((0, len(turns[i].text)),), True
            detail: dict[str, str | float | int | bool | None] = {
                f"p:{name}": round(float(probs[row, j]), 4) for j, name in enumerate(model.labels)
            }
            out[i] = (self._ann(label, float(probs[row, k]), spans, version, low=low, detail=detail),)
        return out

    def _fine_probs(self, turns: Sequence[Turn], ctxs: Sequence[Context]) -> FloatArray:
        """The graph's probabilities: from the passes ``prefetch`` started for these very turns, else run now."""
        started: tuple[_Keys, Future[FloatArray]] | None = getattr(self._started, "pending", None)
        self._started.pending = None
        if started is not None and started[0] == _pass_keys(turns, ctxs):
            return started[1].result()
        return self._encoder_probs(turns, ctxs)

    def _encoder_probs(self, turns: Sequence[Turn], ctxs: Sequence[Context]) -> FloatArray:
        assert self._dir is not None  # noqa: S101  (has_encoder checked it; narrows the type for mypy)
        graph = load_graph(str(self._dir.resolve()), STRATEGY_ONNX)
        tokenizer = load_tokenizer()
        feeds = []
        for turn, ctx in zip(turns, ctxs, strict=True):
            ids, types = pair_ids(tokenizer, turn.text, _context(ctx), max_tokens=PAIR_TOKENS)
            arr = np.asarray([ids], dtype=np.int64)
            feeds.append({"input_ids": arr, "attention_mask": np.ones_like(arr), "token_type_ids": np.asarray([types])})
        return np.stack([outputs[0] for outputs in run_each(graph, feeds)])

    def _mapped(self, turn: Turn, ctx: Context) -> Annotation:
        skills = [a for a in ctx.prior if a.family == "talkdown_skill"]
        have = {a.label for a in skills}
        for strategy, triggers in SKILL_TO_STRATEGY:
            if have & triggers:
                used = [a for a in skills if a.label in triggers]
                # the skills' own (immutable) spans, each once, in text order: no need to build them again
                found = {(s.start, s.end): s for a in used for s in a.evidence}
                evidence = tuple(found[k] for k in sorted(found)) or (Span(start=0, end=len(turn.text)),)
                score = max(a.score for a in used)
                return self._ann(
                    strategy, score, evidence, self.effective_version(), low=any(a.low_confidence for a in used)
                )
        low = not turn.text.strip() or all(a.low_confidence for a in skills) if skills else not turn.text.strip()
        return self._ann(OTHERS, 0.5, (), self.effective_version(), low=low)

    def _ann(
        self,
        label: str,
        score: float,
        spans: Sequence[tuple[int, int]] | tuple[Span, ...],
        version: str,
        *,
        low: bool,
        detail: dict[str, str | float | int | bool | None] | None = None,
    ) -> Annotation:
        score = min(1.0, max(0.0, round(score, 4)))
        return annotation(
            self.name, version, "esconv_strategy", label, score, spans, low_confidence=low, detail=detail or {}
        )


_Keys = tuple[tuple[str, str], ...]


def _context(ctx: Context) -> str:
    """What the ESConv graph reads besides the turn: the turn before it, tagged with its side."""
    prev = ctx.window[-1] if ctx.window else None
    return f"{SIDE_TAG.get(prev.side, '')} {prev.text}".strip() if prev is not None else ""


def _pass_keys(turns: Sequence[Turn], ctxs: Sequence[Context]) -> _Keys:
    return tuple((t.text, _context(c)) for t, c in zip(turns, ctxs, strict=True))
