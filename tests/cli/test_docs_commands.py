"""Every ``talkdown …`` command the README and docs/ show names a real subcommand with real options.

Why: users copy these lines; a renamed option or a removed command keeps working in the docs until someone types
it. The commands are read from code blocks (each line, each ``;``-separated part, not the ``#`` comments) and from
inline code and quotes (`` `talkdown …` ``, ``'talkdown …'``). Placeholders (``INC``, ``FILE``), optional parts
(``[--json]``), alternatives (``add|list``) and a trailing option shown without its value (``talkdown analyze
--incident``) are read as the docs mean them. The CLI is walked through Click's public objects (``commands``,
``params``), not by running the commands.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer

from talkdown.cli.main import full_app

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
QUOTED = re.compile(r"[`'](talkdown [^`']+)[`']")
ALTERNATIVES = re.compile(r"[a-z-]+(\|[a-z-]+)+")
DEFAULT_SUBCOMMAND = "show"
"""A group with its own argument parsing (``advise``) runs ``show`` when its first argument is not a subcommand
(``talkdown advise INC``)."""


@cache
def _cli() -> Any:
    """The Click command tree of ``talkdown`` (built once: it takes ~0.1 s)."""
    return typer.main.get_command(full_app())


def documented_commands(text: str) -> Iterator[tuple[int, str]]:
    """(line number, command) for each ``talkdown …`` command in a Markdown text."""
    in_block = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            in_block = not in_block
            continue
        code = re.sub(r"^\s*\$\s+", "", line).split("  #")[0] if in_block else ""
        for part in re.split(r";|&&", code):
            if part.strip().startswith("talkdown "):
                yield number, part.strip()
        for match in QUOTED.finditer(line):
            if match.start() >= len(code):  # inline code, or a quote in a code block's comment
                yield number, match.group(1)


def spellings(command: str) -> list[list[str]]:
    """The words of each command the line stands for: one per choice of ``a|b``, without ``[ ]`` and ``( )``."""
    bare = re.sub(r"\{[^}]*\}", "X", re.sub(r"\([^)]*\)", " ", command)).replace("…", " ").replace("...", " ")
    words = [w for w in shlex.split(bare.replace("[", " ").replace("]", " ")) if w != "|"]
    out: list[list[str]] = [[]]
    for word in words:
        choices = word.split("|") if ALTERNATIVES.fullmatch(word) else [word]
        out = [[*done, choice] for done in out for choice in choices]
    return out


def _parses_its_own_arguments(group: Any) -> bool:
    return type(group) is not typer.core.TyperGroup and "parse_args" in vars(type(group))


def _options(command: Any) -> dict[str, bool]:
    """Each option name of a command, and whether it takes a value."""
    names = {"--help": False}
    for param in command.params:
        if param.param_type_name == "option":
            for name in (*param.opts, *param.secondary_opts):
                names[name] = not (param.is_flag or param.count)
    return names


def problem(words: list[str]) -> str | None:
    """Why ``talkdown WORDS`` names no real command, option or argument count; None when it does."""
    command = _cli()
    path = ["talkdown"]
    while hasattr(command, "commands"):
        while words and _options(command).get(words[0]) is False:  # the group's own flags: --debug, --version
            words = words[1:]
        if not words:
            return None  # a group named on its own, or with its own flags: a reference to its commands
        if words[0].startswith("-"):
            return f"{' '.join(path)} has no option {words[0]}"
        if words[0] not in command.commands and _parses_its_own_arguments(command):
            words = [DEFAULT_SUBCOMMAND, *words]
        if words[0] not in command.commands:
            return f"{' '.join(path)} has no subcommand {words[0]!r}"
        path.append(words[0])
        command, words = command.commands[words[0]], words[1:]
    options, positional, rest = _options(command), 0, list(words)
    while rest:
        word = rest.pop(0)
        if word.startswith("-") and word != "-":
            name = word.split("=", 1)[0]
            if name not in options:
                return f"{' '.join(path)} has no option {name}"
            if options[name] and "=" not in word and rest:
                rest.pop(0)
        else:
            positional += 1
    arguments = [p.nargs for p in command.params if p.param_type_name == "argument"]
    if -1 not in arguments and positional > sum(arguments):
        return f"{' '.join(path)} takes {sum(arguments)} argument(s), the docs give {positional}"
    return None


def test_the_docs_show_talkdown_commands() -> None:
    # So that a change in how the docs are read cannot quietly make the check below pass on nothing.
    assert sum(1 for doc in DOCS for _ in documented_commands(doc.read_text(encoding="utf-8"))) > 100


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_documented_command_exists_with_its_options(doc: Path) -> None:
    wrong = [
        f"{doc.name}:{number}: {command!r}: {why}"
        for number, command in documented_commands(doc.read_text(encoding="utf-8"))
        for words in spellings(command)
        if (why := problem(words[1:]))
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("command", "why"),
    [
        ("talkdown incident opn T", "talkdown incident has no subcommand 'opn'"),
        ("talkdown serve --fresh", "talkdown serve has no option --fresh"),
        ("talkdown say INC NAME TEXT MORE", "talkdown say takes 3 argument(s), the docs give 4"),
        ("talkdown advise INC --bogus", "talkdown advise show has no option --bogus"),
        ("talkdown user add|lst NAME", "talkdown user has no subcommand 'lst'"),
        ("talkdown --verbose incident list", "talkdown has no option --verbose"),
    ],
)
def test_the_check_names_what_is_wrong_with_a_command(command: str, why: str) -> None:
    assert [problem(words[1:]) for words in spellings(command)][-1] == why


@pytest.mark.parametrize(
    "command",
    [
        "talkdown analyze --incident",
        "talkdown train debrief SESSION [--json | --html FILE --pdf FILE]",
        "talkdown user disable|enable NAME",
        "talkdown advise INC",
        "talkdown diplomatic …",
        "talkdown --debug --version",
    ],
)
def test_the_check_reads_references_and_synopses_as_the_docs_mean_them(command: str) -> None:
    assert [problem(words[1:]) for words in spellings(command)] == [None] * len(spellings(command))
