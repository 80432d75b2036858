"""``talkdown ARGS`` run inside the test process, as a fresh ``python -m talkdown ARGS`` would run it.

Why: a subprocess pays 1-3 s of imports per command, and the CLI tests ran hundreds of them (most of the suite's
time). A test about what a command does, prints or exits with runs it here instead; a test about the process
itself (``serve``, a terminal under tmux, bytes on a real stdin or argv, which modules a cold start loads, the
process's local time zone) keeps a real subprocess.

What keeps it faithful to a fresh process:
- the real entry point, ``talkdown.cli.main.run`` with ``sys.argv``, so the error policy (one red ``error[TD...]``
  line, the family's exit code, the JSON error document, TD109, TD604) is the one users get, not Typer's defaults;
- Click's ``CliRunner.isolation``: stdin from ``stdin``, separate stdout and stderr that are not terminals (as
  under ``capture_output=True``), and the environment overrides set for the call and restored after it;
- the CLI's per-process state (settings, the database engine and its PostgreSQL listener, the --json and --debug
  flags) is forgotten before and after each call, and the analysis runtime it configures is put back; the
  per-process analysis caches (models, pipelines) are kept, as they hold nothing a command could change.
Nothing here is a mock: the command runs on the test's real database.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from typer.testing import CliRunner

from talkdown.analysis.runtime import configure, current
from talkdown.cli.main import run
from talkdown.cli.state import STATE

RUNNER = CliRunner()
ESC = "\x1b["
COLOUR_FORCED_BY = ("FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS", "TTY_COMPATIBLE")  # Rich's and Typer's switches


@dataclass(frozen=True)
class Ran:
    """What a finished ``talkdown`` command left: the same names as ``subprocess.CompletedProcess``."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


def talkdown(*args: str, env: Mapping[str, str | None], stdin: str | bytes | None = None) -> Ran:
    """Run ``talkdown ARGS`` with the environment ``env`` over this process's (None unsets a variable)."""
    runtime = current()
    _forget()
    argv = sys.argv
    with RUNNER.isolation(input=stdin, env=env) as (out, err, _):
        sys.argv = ["talkdown", *args]
        try:
            run()
            code = 0  # Typer in standalone mode always exits; a return means the command left no code
        except SystemExit as done:
            code = _exit_code(done.code)
        finally:
            sys.argv = argv
            sys.stdout.flush()
            sys.stderr.flush()
            _forget()
            configure(runtime)
        stdout = out.getvalue().decode("utf-8")
        stderr = err.getvalue().decode("utf-8", "backslashreplace")
    # No terminal, so a real process prints no escape codes unless the environment forces colour; one here means a
    # Rich console decided on colour when it was built (at import, under a terminal): not what a user's run prints.
    if not any(name in os.environ for name in COLOUR_FORCED_BY):
        assert ESC not in stdout and ESC not in stderr, (args, stdout, stderr)
    return Ran(args=args, returncode=code, stdout=stdout, stderr=stderr)


def _exit_code(code: object) -> int:
    """``sys.exit``'s argument as the process's exit status: None is 0, a message is 1 (printed by Python)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # noqa: T201  # what the interpreter does with sys.exit("text")
    return 1


def _forget() -> None:
    """Close the database engine (and PostgreSQL listener) a command opened and forget the CLI's state."""
    application = STATE._app
    if application is not None:
        if application.listener is not None:
            application.listener.stop()
        application.store.engine.dispose()
    STATE.reset()
    STATE.debug = False  # reset() keeps it; a usage error stops before the callback that sets it from --debug
