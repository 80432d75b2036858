"""A turn's annotations depend on the turn and its context alone: not on the batch it arrives in, the order of
that batch, or what the analysers' caches already hold (the caches are keyed by what the rules read, and the
rule patterns skip work only where they prove no match; both must stay invisible)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from itertools import islice
from pathlib import Path

from talkdown.analysis import cues, lexicons, patterns, skills, stairway
from talkdown.analysis.base import Context, Turn
from talkdown.analysis.pipeline import Pipeline
from talkdown.analysis.registry import default_pipeline
from talkdown.analysis.turn_model import TurnModel
from talkdown.domain.annotations import Annotation
from talkdown.services.evaluate import conversations_in_context

DEV = Path(__file__).resolve().parents[2] / "eval" / "data" / "indomain_dev.jsonl"
WINDOW = 8


def _conversations(count: int) -> list[tuple[Turn, Context]]:
    """Turns of the first dev conversations, each with the 8 turns before it, as ``talkdown eval`` gives them."""
    return [item for conv in islice(conversations_in_context(DEV, window=WINDOW), count) for item in conv]


def _clear_caches() -> None:
    clears: list[Callable[[], None]] = [TurnModel._cache.clear, TurnModel._linear_cache.clear]
    for module in (cues, skills, stairway, lexicons, patterns):
        clears += [f.cache_clear for f in vars(module).values() if callable(getattr(f, "cache_clear", None))]
    for clear in clears:
        clear()


def _in_batches(pipeline: Pipeline, items: list[tuple[Turn, Context]], size: int) -> list[tuple[Annotation, ...]]:
    out: list[tuple[Annotation, ...]] = []
    for k in range(0, len(items), size):
        chunk = items[k : k + size]
        out += pipeline.run_many([t for t, _ in chunk], [c for _, c in chunk])
    return out


def _shuffled(pipeline: Pipeline, items: list[tuple[Turn, Context]], stride: int) -> list[tuple[Annotation, ...]]:
    """The batch in another order (every ``stride``-th turn first), results put back in the original order."""
    order = sorted(range(len(items)), key=lambda i: ((i * stride) % len(items), i))
    results = pipeline.run_many([items[i][0] for i in order], [items[i][1] for i in order])
    back: dict[int, tuple[Annotation, ...]] = dict(zip(order, results, strict=True))
    return [back[i] for i in range(len(items))]


def test_rules_give_each_turn_the_same_annotations_alone_in_batches_in_any_order_and_from_warm_caches() -> None:
    pipeline = default_pipeline(fast=True)
    items = _conversations(8)
    _clear_caches()
    whole = pipeline.run_many([t for t, _ in items], [c for _, c in items])
    assert sum(len(r) for r in whole) > 2 * len(items)  # the rules found something to compare
    _clear_caches()
    assert [pipeline.run(t, c) for t, c in items] == whole
    assert _in_batches(pipeline, items, 7) == whole  # caches warm from the turn-by-turn pass
    assert _shuffled(pipeline, items, stride=7) == whole
    _clear_caches()
    assert _shuffled(pipeline, items, stride=11) == whole


def test_the_rules_read_a_turn_the_same_after_other_conversations_filled_the_caches() -> None:
    pipeline = default_pipeline(fast=True)
    items = _conversations(3)
    _clear_caches()
    cold = pipeline.run_many([t for t, _ in items], [c for _, c in items])
    others = _conversations(12)[len(items) :]
    pipeline.run_many([t for t, _ in others], [c for _, c in others])
    assert pipeline.run_many([t for t, _ in items], [c for _, c in items]) == cold


def test_models_give_each_turn_the_same_annotations_alone_in_batches_and_in_any_order() -> None:
    pipeline = default_pipeline()
    items = _conversations(2)
    _clear_caches()
    whole = pipeline.run_many([t for t, _ in items], [c for _, c in items])
    assert any(a.family == "ekman" for r in whole for a in r)
    _clear_caches()
    assert [pipeline.run(t, c) for t, c in items] == whole
    _clear_caches()
    assert _in_batches(pipeline, items, 5) == whole
    assert _shuffled(pipeline, items, stride=3) == whole


def test_a_batch_runs_without_cyclic_collections_and_gives_the_collector_back() -> None:
    """``run_many`` pauses the cyclic GC (``talkdown.gcpause``): without it a batch of these turns made dozens of
    collections that freed nothing (~20 % of a rules-only batch). The collector may run once as the batch ends."""
    pipeline = default_pipeline(fast=True)
    items = _conversations(8)
    started: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    gc.collect()
    gc.callbacks.append(count)
    try:
        pipeline.run_many([t for t, _ in items], [c for _, c in items])
    finally:
        gc.callbacks.remove(count)
    assert len(started) <= 1
    assert gc.isenabled()
