"""Per-invocation CLI state: the debug flag and the lazily built application graph."""

from __future__ import annotations

import codecs
import json
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError

from talkdown.errors import TalkdownError
from talkdown.services.streams import cannot_write
from talkdown.settings import Settings

if TYPE_CHECKING:  # the store loads on first use (``app()``): `talkdown analyze "text"` never needs it
    from talkdown.services.wiring import App


@dataclass
class CliState:
    debug: bool = False
    json_out: bool = False  # the command was given --json: an error is a JSON document on stdout too
    _settings: Settings | None = field(default=None, repr=False)
    _app: App | None = field(default=None, repr=False)

    def read_settings(self) -> Settings:
        """Read the environment; the CLI callback does it once per invocation, so the analysis runtime, the
        application graph and the error log see the same values."""
        self._settings = settings()
        return self._settings

    def settings(self) -> Settings:
        return self._settings or self.read_settings()

    def app(self) -> App:
        """Open the database on first use, so ``--help`` and usage errors never touch it."""
        if self._app is None:
            from talkdown.services.wiring import build_app

            self._app = build_app(self.settings())
        return self._app

    def log_path(self) -> Path:
        return self.settings().log_file

    def reset(self) -> None:
        """Forget the settings and the application graph (tests run many invocations in one process)."""
        self._settings = None
        self._app = None
        self.json_out = False


STATE = CliState()


def settings() -> Settings:
    """The ``TALKDOWN_*`` settings, or a one-line error naming the variable that is wrong."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "TALKDOWN_" + "_".join(str(p) for p in first["loc"]).upper()
        raise TalkdownError("TD105", value=str(first.get("input", "")), what=name, problem=first["msg"]) from exc


def echo_json(data: object) -> None:
    """One JSON document on stdout, for scripts. A time is ISO 8601 (``2026-03-14T19:42:00+00:00``) as the boards
    promise, where ``str()`` put a space for the ``T`` (JavaScript's Date and other strict parsers refuse it), and
    the board's times differed from ``incident list``'s for the same instant."""
    typer.echo(json.dumps(data, ensure_ascii=not stdout_is_utf8(), indent=2, default=_json_value))


def stdout_is_utf8() -> bool:
    """Whether stdout takes any text. Redirected on Windows it has the ANSI code page (cp1252), which cannot
    write "😀" or "Привет": JSON then goes out with ``\\u`` escapes, exact where a replacement would not be
    (evidence offsets count the characters of the text), and ``main.run`` lets tables print '?' for them."""
    try:
        return codecs.lookup(getattr(sys.stdout, "encoding", None) or "ascii").name == "utf-8"
    except LookupError:
        return False


def _json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else str(value)


FORCE_OPTION = typer.Option(False, "--force", help="Replace an output file that already exists.")
"""Every command that writes a file the user names refuses one that holds something unless given this
(``streams.refuse_to_replace``); ``db backup`` never replaces one and ``study analyze`` continues with --resume."""


def write_output(path: Path, data: str | bytes) -> None:
    """Write a file the user named (an export, a report): a path that cannot be written (no such folder, a
    folder, no permission, a full disk) is TD110 naming it, where the OSError was an 'internal error'."""
    try:
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    except OSError as exc:
        raise cannot_write(path, exc) from exc


def write_pdf(path: Path, page: str) -> None:
    """Write ``page`` as a PDF the user named and say on stderr which of its characters print as boxes (no font
    on this computer covers them; the PDF's own note at its top says the same)."""
    from talkdown.services.pdf import font_note, render_pdf  # WeasyPrint's guard; imported on use

    pdf = render_pdf(page)
    write_output(path, pdf.data)
    if pdf.unprintable:
        typer.echo(f"warning: {font_note(pdf.unprintable)}", err=True)


def error_json(exc: TalkdownError) -> dict[str, object]:
    """The JSON document a ``--json`` command prints on stdout when it fails (besides the stderr line).

    Why: a script reads stdout with a JSON parser; an empty stdout on failure (``verify --json`` on a broken
    chain) made it crash instead of reading what failed. ``ok`` is false, ``code`` and ``message`` are the
    error's, and the template's fields (``seq``, ``problem``, ...) follow at the top level; none of them is
    named ``ok``, ``code``, ``error`` or ``message`` (a test checks it).
    """
    return {
        "ok": False,
        "code": exc.code,
        "error": exc.family.title,
        "message": exc.message,
        **{key: value for key, value in exc.fields.items() if key not in ERROR_JSON_KEYS},
    }


ERROR_JSON_KEYS = frozenset({"ok", "code", "error", "message"})


def _remember_json(value: bool) -> bool:
    """Typer callback of every ``--json``: lets the error handler answer in JSON too (see ``error_json``)."""
    STATE.json_out = STATE.json_out or value
    return value


def json_option(help_: str = "Print one JSON document on stdout.") -> bool:
    """A ``--json`` flag; use this (or JSON_OPTION) rather than a bare ``typer.Option`` so errors are JSON too."""
    return typer.Option(False, "--json", help=help_, callback=_remember_json)  # type: ignore[no-any-return]  # OptionInfo is the declared default, as for every Typer option


JSON_OPTION = json_option()


def iso_time(text: str) -> datetime:
    """A time given on the command line: ISO 8601 with its zone (a time without one would be read in whichever
    zone the machine is set to, which in a command post may not be the incident's)."""
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise TalkdownError("TD105", value=text, what="time", problem="use ISO 8601, e.g. 2026-03-14T21:30Z") from exc
    if when.tzinfo is None:
        raise TalkdownError("TD105", value=text, what="time", problem="give a time zone, e.g. Z or +01:00")
    return when
