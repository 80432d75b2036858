"""The ``talkdown`` command: parse arguments, call one service, render the result.

Errors: a ``TalkdownError`` becomes one red line ``error[TD104]: ...`` on stderr and its family's exit
code; any other exception is a bug, logged with its traceback to the log file and reported in one line
(``--debug`` shows the traceback). Users never see a traceback for their own mistakes. Output its destination
refuses (``> /dev/full``, a full disk) is TD113 (exit 3); a reader gone from a pipe (``| head``) exits 141.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import os
import select
import stat
import sys
from functools import cache
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from talkdown import __version__
from talkdown.cli.state import STATE, echo_json, error_json, stdout_is_utf8
from talkdown.domain.text import first_surrogate
from talkdown.errors import TalkdownError
from talkdown.services.runtime import configure_analysis

ANALYSIS_COMMANDS = ("analyze", "eval")
"""Commands served by an app without the other groups. Why: importing every group loads the store, the web
console and the report stack (~0.9 s of a 2.9 s cold start on a slow host), which ``talkdown analyze "..."``
never uses; the cold-start target (2 s) is measured on that command."""

err_console = Console(stderr=True)
log = logging.getLogger("talkdown")


def _print_version(wanted: bool) -> None:
    """``talkdown --version``: which release is installed, before any setting or database is read (a support call
    from a command post starts there; ``pip show`` needs to know how it was installed)."""
    if wanted:
        typer.echo(f"talkdown {__version__}")
        raise typer.Exit()


def main(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of internal errors."),
    version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_print_version, help="Print the installed version and exit."
    ),
) -> None:
    STATE.debug = debug
    configure_analysis(STATE.read_settings())  # before any command builds a pipeline


def analysis_app() -> typer.Typer:
    """The ``talkdown`` app with only the analysis commands (they live with the analysis engine)."""
    from talkdown.cli.evaluate import analyze_command, eval_command

    app = typer.Typer(
        name="talkdown",
        help="Crisis negotiation workbench: a tamper-evident incident log, analysis, advice, training and study.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.callback()(main)
    app.command("analyze", help="Analyse one utterance or an incident's log.")(analyze_command)
    app.command("eval", help="Score the analysers on labelled JSONL conversation files.")(eval_command)
    return app


@cache
def full_app() -> typer.Typer:
    """Every command."""
    from talkdown.cli import advise, cases, diplomatic, entries, incident, records, study, train, web

    app = analysis_app()
    app.add_typer(incident.app, name="incident", help="Open, list and show incidents.")
    app.add_typer(records.db_app, name="db", help="Database maintenance.")
    app.add_typer(train.app, name="train", help="Practise against a simulated subject; debriefs.")
    app.add_typer(study.app, name="study", help="Bulk analysis of transcripts, reports, ConvoKit interop.")
    app.add_typer(cases.app, name="cases", help="The historical case library and 'cases like this'.")
    app.add_typer(diplomatic.app, name="diplomatic")
    entries.register(app)
    advise.register(app)
    web.register(app)
    records.register(app)
    return app


def __getattr__(name: str) -> typer.Typer:
    """``main.app``: every command (tests and tools invoke it; built on first use)."""
    if name == "app":
        return full_app()
    raise AttributeError(name)


def _log_internal_error(exc: BaseException) -> str | None:
    """Where the traceback was written, or None when the data folder cannot take it (the error is then said
    without a place, never replaced by a second traceback about the log)."""
    settings_dir = STATE.log_path()
    try:
        settings_dir.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # private, as build_app makes it
        handler = logging.FileHandler(settings_dir, encoding="utf-8")
    except OSError:
        return None
    log.addHandler(handler)
    try:
        log.error("internal error", exc_info=exc)
    finally:  # a closed FileHandler left on the logger reopens its file: a later error in this process lands there
        log.removeHandler(handler)
        handler.close()
    return str(settings_dir)


def _refuse_undecodable(args: list[str]) -> None:
    """An argument typed in another encoding than the terminal's arrives with lone surrogates for its bytes;
    every command would fail on it deep inside (the event models, SQLite, the tokenizer), so say it here."""
    for position, arg in enumerate(args, start=1):
        at = first_surrogate(arg)
        if at is not None:
            try:  # the bytes as typed (Python's surrogateescape), the unreadable ones as \xNN
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                byte = f"byte 0x{ord(arg[at]) - 0xDC00:02x}"
            except UnicodeEncodeError:
                shown, byte = arg.encode("utf-8", "backslashreplace").decode("utf-8"), "a lone surrogate"
            raise TalkdownError("TD109", position=position, shown=shown, byte=byte)


def _say(exc: TalkdownError) -> NoReturn:
    # escape: a message quotes what the user typed or a file holds ("No case '[/]'"), which Rich would read as
    # markup: a closing tag raised MarkupError here, so the user got a traceback instead of the error line.
    err_console.print(f"[bold red]error[{exc.code}]:[/] {escape(exc.message)}", highlight=False, soft_wrap=True)
    if STATE.json_out:
        _error_json(error_json(exc))
    sys.exit(exc.exit_code)


def _error_json(doc: dict[str, object]) -> None:
    """The error's JSON on stdout, unless stdout refuses it (a redirect onto a full disk: the error may be that
    very write), which added a second traceback after the one red line on stderr."""
    with contextlib.suppress(OSError):
        echo_json(doc)


CLOSED_PIPE_EXIT = 141
"""What a shell reports for a program ended by SIGPIPE (128 + 13): ``talkdown cases list | head -1`` exited 1,
which this CLI keeps for internal errors."""


def _pipe_watch() -> int | None:
    """A second descriptor of stdout when it is a pipe: Rich answers EPIPE by pointing stdout at /dev/null before
    exiting 1, so the pipe must be looked at through a copy to tell that exit from an internal error's."""
    try:
        return os.dup(1) if stat.S_ISFIFO(os.fstat(1).st_mode) else None
    except OSError:  # no stdout at all
        return None


def _reader_gone(watch: int | None) -> bool:
    """Whether the pipe's reader went away (``| head``): the write end of such a pipe polls as an error (Linux,
    macOS). Why not restore SIGPIPE's default action instead: ``serve`` or a Dask client writing to a closed
    socket would then be killed."""
    if watch is None:
        return False
    poller = select.poll()
    poller.register(watch, 0)
    return any(events & select.POLLERR for _, events in poller.poll(0))


OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})
"""A write that failed for want of room or a device (``> /dev/full``, a full disk or quota). Without a file name
such an error comes from the command's own output: every file the CLI opens by name says so itself (TD110)."""


def _output_failed(exc: OSError) -> TalkdownError | None:
    """TD113 for the command's output refused by where it goes; None for any other OSError (still a bug)."""
    if exc.errno not in OUTPUT_ERRNOS or exc.filename is not None:
        return None
    _drop_output()
    return TalkdownError("TD113", problem=os.strerror(exc.errno))


def _flush_output() -> None:
    """Write what is still buffered while the error policy can still say why it failed: the interpreter's own flush
    at exit reported a full disk as "Exception ignored ... OSError" and exit 120."""
    with contextlib.suppress(ValueError, BrokenPipeError):  # a stdout already closed; a reader gone (exit 141)
        sys.stdout.flush()


def _drop_output() -> None:
    """Point stdout's descriptor at the null device, so the unwritten rest is not tried again at exit (a second
    message after the error's line). Only a real descriptor: the in-process tests' stdout has none."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError):
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)


def _tolerant_stdout() -> None:
    """On a stdout that cannot take every character (Windows' cp1252 when redirected), a table prints '?' for
    one it cannot write, where "😀" in a title ended any command in an internal error; JSON is escaped instead
    (``state.stdout_is_utf8``), so nothing is replaced there."""
    if isinstance(sys.stdout, io.TextIOWrapper) and not stdout_is_utf8():
        sys.stdout.reconfigure(errors="replace")


def _internal_error(exc: Exception) -> NoReturn:
    """A bug: one line on stderr, the traceback to the log (``--debug``: raised as it is), exit 1."""
    if STATE.debug:
        raise exc
    where = _log_internal_error(exc)
    details = f"Details in {where} (or rerun with --debug)." if where else "Rerun with --debug."
    said = f"{type(exc).__name__}. {details}"
    # escape and soft_wrap as for a coded error's line: the path is the user's data folder ("[x]" in it vanished, "[/]"
    # raised a MarkupError here), and one wrapped at 80 columns could not be copied whole
    err_console.print(f"[bold red]internal error:[/] {escape(said)}", highlight=False, soft_wrap=True)
    if STATE.json_out:
        _error_json({"ok": False, "code": None, "error": "Internal error", "message": said})
    sys.exit(1)


def _said_or_bug(exc: OSError) -> NoReturn:
    """TD113 when the output could not be written (``> /dev/full``: it was "internal error: OSError", exit 1),
    else an internal error."""
    failed = _output_failed(exc)
    if failed is None:
        _internal_error(exc)
    _say(failed)


def run() -> None:
    """Console-script entry point with the error policy described in the module docstring."""
    # Typer (standalone mode) handles usage errors itself (exit 2) and exits 0 on success.
    watch = _pipe_watch()
    _tolerant_stdout()
    try:
        _refuse_undecodable(sys.argv[1:])
        (analysis_app() if sys.argv[1:2] and sys.argv[1] in ANALYSIS_COMMANDS else full_app())()
    except SystemExit as done:
        if done.code == 1 and _reader_gone(watch):  # Click and Rich both end a closed pipe with exit 1
            sys.exit(CLOSED_PIPE_EXIT)
        try:
            _flush_output()
        except OSError as exc:
            _said_or_bug(exc)
        raise
    except TalkdownError as exc:
        _say(exc)
    except OSError as exc:
        _said_or_bug(exc)
    except Exception as exc:
        _internal_error(exc)
    finally:  # the tests run many commands in one process: a descriptor per command would run out
        if watch is not None:
            os.close(watch)
