"""What the analysers take from the process they run in: where optional models live, how many encoder threads.

Why a process-wide value, set by the edges: both describe the process, not one pipeline. The ONNX graphs load
once per process and every pipeline in it shares them (and their thread pool); the separately licensed
ESConv model is installed for the machine, not chosen per call. CONVENTIONS has settings read only by
services, web and cli, so this layer never reads the environment: the CLI, the web app, the study workers and
the scripts in ``eval/`` and ``bench/`` call ``talkdown.services.runtime.configure_analysis(settings)``
(``TALKDOWN_EXTRA_MODELS``, ``TALKDOWN_ENCODER_THREADS``). Code that configures nothing gets the defaults
below, which are what an installed package does anyway.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Runtime:
    extra_models: Path | None = None
    """Folder of separately licensed models (``esconv-strategy/``); None: a source checkout's ``models-extra/``."""
    encoder_threads: int | None = None
    """Texts the encoder runs at once; None: one per core, at most two (``encoder.py`` says why)."""

    def threads(self) -> int:
        return self.encoder_threads or max(1, min(2, os.cpu_count() or 1))

    def extra_dir(self) -> Path | None:
        """Where optional models are looked for. An installed wheel has no ``models-extra/`` beside ``src/``, so
        without a configured folder it never picks a model up by accident."""
        if self.extra_models is not None:
            return self.extra_models
        src = Path(__file__).resolve().parents[2]
        return src.parent / "models-extra" if src.name == "src" else None


_current = Runtime()


def configure(runtime: Runtime) -> None:
    """Set this process's runtime. A graph already loaded keeps its thread count (loads are cached per process)."""
    global _current  # one value per process, by design: see the module docstring
    _current = runtime


def current() -> Runtime:
    return _current
