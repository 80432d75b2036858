"""The edges' one call that hands the analysers their process settings (``analysis/runtime.py`` says why).

A module of its own, not part of ``wiring``: scripts that only analyse (``eval/``, ``bench/``) call it too, and
importing ``wiring`` would load the database layer into them (measured: ~30 MiB more peak RSS in the analysis
benchmark's processes).
"""

from __future__ import annotations

from talkdown.analysis.runtime import Runtime, configure
from talkdown.settings import Settings


def configure_analysis(settings: Settings) -> Runtime:
    """Configure this process's analysis runtime from ``settings``; every entry point calls it."""
    runtime = Runtime(extra_models=settings.extra_models, encoder_threads=settings.encoder_threads)
    configure(runtime)
    return runtime
