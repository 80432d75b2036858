"""Per-invocation CLI state: the debug flag and the lazily built application graph."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import typer

from talkdown.services.wiring import App, build_app
from talkdown.settings import Settings


@dataclass
class CliState:
    debug: bool = False
    _app: App | None = field(default=None, repr=False)

    def app(self) -> App:
        """Open the database on first use, so ``--help`` and usage errors never touch it."""
        if self._app is None:
            self._app = build_app(Settings())
        return self._app

    def log_path(self) -> Path:
        return Settings().log_file

    def reset(self) -> None:
        """Forget the application graph (tests run many invocations in one process)."""
        self._app = None


STATE = CliState()


def echo_json(data: object) -> None:
    """One JSON document on stdout, for scripts."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


JSON_OPTION = typer.Option(False, "--json", help="Print one JSON document on stdout.")
