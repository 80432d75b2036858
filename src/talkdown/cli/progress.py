"""Progress bars on stderr, drawn only on a terminal.

Why: Rich's ``Progress``, stopped on a console that is no terminal (stderr redirected to a file, a pipe, a CI
log), prints an empty line, and draws nothing there before it. So ``talkdown eval bad.jsonl 2> err.txt`` began
with a blank line and ``error[TD101]`` came second, where ``head -1`` and scripts that read the first line of
stderr did not find it; ``study analyze`` put the same blank line before the files it skipped. On a terminal
the bar shows as before and, being transient, leaves nothing behind.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import Progress, ProgressColumn


def stderr_bar(console: Console, *columns: str | ProgressColumn, enabled: bool = True) -> Progress:
    """A transient bar on ``console``, off unless ``enabled`` and the console is an interactive terminal (the
    condition under which Rich's ``Progress.stop`` leaves no blank line)."""
    return Progress(*columns, console=console, transient=True, disable=not (enabled and console.is_interactive))
