"""The ``meta`` block every bench and eval result carries: when, on what, from which commit.

Importing this module also turns onnxruntime's telemetry off (``ORT_TELEMETRY_OFF``), so every script that
imports onnxruntime imports this first (``tests/test_scripts.py`` checks it)."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

ORT_TELEMETRY_OFF = ("ORT_DISABLE_TELEMETRY", "1")
"""The same opt-out as ``talkdown.analysis.encoder.ORT_TELEMETRY_OFF`` (a test keeps them equal), read once when
onnxruntime initialises. Why here: the eval and bench scripts import onnxruntime themselves, before talkdown's
encoder could set it, so their runs kept a device id under ~/.cache/Microsoft and queued usage events to upload;
this module is the one every bench and most eval scripts already import first. Not imported from talkdown: that
would load talkdown before a script puts its checkout's ``src`` on ``sys.path``. Set only if the user has not."""
os.environ.setdefault(*ORT_TELEMETRY_OFF)


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


SIMD_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")


def _cpu_details() -> dict[str, Any]:
    """Family, model and the SIMD flags the int8 graph's kernels depend on. Why: the VM's host changed three times
    under one CPU name ("AMD EPYC" with and without AVX-512 VNNI), and both the speed and the last digits of the
    accuracy figures (onnxruntime picks its int8 kernels by these flags) moved with it."""
    fields: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            key = key.strip()
            if key in ("cpu family", "model", "flags") and key not in fields:
                fields[key] = value.strip()
    except OSError:
        return {}
    flags = set(fields.get("flags", "").split())
    return {
        "cpu_family_model": f"{fields.get('cpu family', '?')}/{fields.get('model', '?')}",
        "cpu_simd": [f for f in SIMD_FLAGS if f in flags],
    }


def _ram_gib() -> float:
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        return round(pages * size / 2**30, 1)
    except (ValueError, OSError):
        return 0.0


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:  # e.g. torch, only in the [train] extra
        return "not installed"


def python_loop_s(n: int = 5_000_000, repeats: int = 3) -> float:
    """Seconds for a fixed pure-Python loop (best of ``repeats``): a yardstick for the host's single-core speed.
    Why: the VM's host changed under the project (an Intel Xeon, then an AMD EPYC about half as fast per core),
    and only a figure measured beside a benchmark tells whether the code or the machine got slower."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        total = 0
        for i in range(n):
            total += i
        best = min(best, time.perf_counter() - start)
    return round(best, 3)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


REPO = Path(__file__).resolve().parents[1]


def shown(path: Path) -> str:
    """A path as it reads on any machine: relative to the checkout, or ``../`` for the shared data beside it.
    Symlinks are not followed: ``../shared`` is often a link to wherever the data really lives."""
    resolved = Path(os.path.abspath(path))
    for base, prefix in ((REPO, ""), (REPO.parent, "../")):
        if resolved.is_relative_to(base):
            return prefix + str(resolved.relative_to(base))
    return str(path)


def meta(*, packages: tuple[str, ...] = (), inputs: tuple[Path, ...] = (), **extra: Any) -> dict[str, Any]:
    return {
        "date_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": _git_commit(),
        "cpu": _cpu(),
        **_cpu_details(),
        "cores": os.cpu_count(),
        "ram_gib": _ram_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": {p: _version(p) for p in packages},
        "inputs": {shown(p): sha256_of(p) for p in inputs},
        **extra,
    }
