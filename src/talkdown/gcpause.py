"""Pausing Python's cyclic garbage collector over bulk work: a leaf, importable from any layer.

Why: loading a log (``store``), opening an incident (``services.recorder``) and analysing a batch
(``analysis.pipeline``) each make tens or hundreds of thousands of small objects that are either freed by their
reference counts or kept, and almost never in cycles. CPython starts a collection every 700 net allocations,
and as the kept objects pile up the older generations are walked too; the collections find nothing to free.
Measured on the VNNI host (2026-11-28): half of a 20,000-event replay (~35,000 against ~68,000 events/s,
``bench/store.py``; 80 collections for a 2,000-event incident) and ~20 % of a rules-only batch (``--fast``:
1,668 collections, 2.4 s of ~9 s). A pause defers them to its end; it does not switch the collector off for
anyone else: the pauses are counted under a lock, so work on two threads may overlap, and the collector comes
back when the last ends, only if it was on when the first began (a program that turned it off keeps it off).
Cycles made during a pause are collected after it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_pausers = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection while the block runs; the collector as it was once the last pause ends."""
    global _pausers, _was_enabled  # one process-wide switch, counted under a lock
    with _LOCK:
        if _pausers == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pausers += 1
    try:
        yield
    finally:
        with _LOCK:
            _pausers -= 1
            if _pausers == 0 and _was_enabled:
                gc.enable()
