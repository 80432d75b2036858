"""Coded errors shared by every layer, after spaCy's ``E###`` templates.

Why one table: users under stress need one line that says what happened, where and what to do next, and
scripts need a stable code and exit status. Codes are never renumbered or reused; ``docs/errors.md`` is
generated from ``CODES`` (``python -m talkdown.errors > docs/errors.md``) and a test fails when it is stale.
This module imports nothing from talkdown so every layer may raise these errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class Family:
    """A family of codes: its hundreds digit fixes the CLI exit status and the HTTP status."""

    name: str
    title: str
    exit_code: int
    http_status: int


INPUT = Family("InputError", "Invalid input", 3, 422)
NOT_FOUND = Family("NotFound", "Not found", 4, 404)
RULE = Family("RuleViolation", "Rule violation", 5, 409)
CONFLICT = Family("Conflict", "Conflict", 6, 409)
INTEGRITY = Family("IntegrityError", "Integrity error", 7, 500)
CONFIG = Family("ConfigError", "Configuration error", 8, 500)
MISSING_EXTRA = Family("MissingExtra", "Missing optional dependency", 9, 501)

_FAMILIES = {1: INPUT, 2: NOT_FOUND, 3: RULE, 4: CONFLICT, 5: INTEGRITY, 6: CONFIG, 7: MISSING_EXTRA}

CODES: dict[str, str] = {
    # InputError: the user gave us something we cannot use; nothing was written.
    "TD101": "{file} line {line}: {problem}. Fix the line; nothing was taken from the file.",
    "TD102": "{file}: {problem}. Nothing was imported.",
    "TD103": "{file}: not valid UTF-8 (byte {offset}); it looks like {guess}. "
    "Re-save it as UTF-8{hint}. Nothing was imported.",
    "TD104": "{file} line {line}: '{value}' is not a valid time stamp ({expected}). "
    "Fix or remove the line; nothing was imported.",
    "TD105": "'{value}' is not a valid {what}: {problem}.",
    "TD106": "Unknown format '{value}'. Use one of: {choices}.",
    "TD107": "{file}: cannot read it ({problem}).",
    "TD108": "Speaker mapping {file}: {problem}.",
    "TD109": "Argument {position} ('{shown}') is not UTF-8 text: {byte} cannot be read. "
    "Type it again in a UTF-8 terminal (e.g. LANG=C.UTF-8).",
    "TD110": "Cannot write {file}: {problem}. Nothing was written there; give another path.",
    "TD113": "Could not write the output: {problem}. Anything the command recorded is kept; free some space or "
    "send the output elsewhere.",
    "TD112": "This console serves this computer only (127.0.0.1 or localhost); the request was addressed to "
    "'{host}'. Open it as http://127.0.0.1 or http://localhost with its port, or serve it with --lan.",
    "TD111": "The request is larger than the console's limit of {limit} bytes; nothing was read or saved. "
    "Send less (a line or an entry is at most a few thousand characters).",
    "TD114": "{file}: it is compressed and unpacks to more than {limit} MB, the limit for a compressed input "
    "(TALKDOWN_MAX_UNPACKED_MB); it was not read further. Decompress it yourself if it is meant to be that large, "
    "or raise the limit.",
    "TD115": "{file} line {line}: longer than {limit} MB, the limit for one line of a conversation file "
    "(TALKDOWN_MAX_LINE_MB); it was not read further. A JSONL file holds one conversation a line; {why}. "
    "Raise the limit if one conversation really is that long.",
    "TD120": "Case file {file}: {problem}. Nothing was imported.",
    "TD121": "No transcripts found for '{pattern}': give files, folders or quoted globs (e.g. 'calls/*.vtt').",
    "TD122": "{file}: not a ConvoKit corpus ({problem}). "
    "It needs utterances.jsonl, speakers.json and conversations.json.",
    "TD123": "{file}: not a talkdown study results file ({problem}). Create one with 'talkdown study analyze'.",
    "TD130": "{file} line {line}: scenario key '{key}': {problem}. Fix the scenario (see docs/training.md).",
    "TD131": "{file} line {line}: not valid YAML ({problem}). Fix the scenario file.",
    "TD140": "Advice {advice_id}: a dismissal needs a reason (what the team decided and why).",
    "TD150": "Wrong user name or password. After {limit} failures in a row sign-in pauses for a while.",
    "TD151": "Not signed in, or the session has expired. Sign in again at /login.",
    "TD152": "The security token (CSRF) of this request is missing or stale; nothing was saved. Reload and retry.",
    "TD153": "'{value}' is not an account role. Use one of: {choices}.",
    "TD154": "{what} must be {problem}.",
    "TD155": "Signed out after {idle} without activity. Sign in again at /login.",
    "TD156": "No password was given: {problem}. Nothing was changed. Type it at the prompt in a terminal, or give "
    "it as one line on standard input with --password-stdin (printf '%s\\n' \"$PASSWORD\" | {command} "
    "--password-stdin).",
    # NotFound
    "TD201": "No incident '{incident_id}'. See 'talkdown incident list'.",
    "TD202": "Incident {incident_id} has no {what} '{ref}'. See 'talkdown incident show {incident_id}'.",
    "TD203": "Incident prefix '{prefix}' matches {count} incidents; give more characters.",
    "TD220": "No case '{case_id}'. See 'talkdown cases list'.",
    "TD230": "No training scenario '{scenario}'. Shipped scenarios: {choices} (see 'talkdown train list').",
    "TD231": "Scenario {scenario} has no inject '{inject}'. Choose one of: {choices}.",
    "TD232": "No training session '{session_id}'. See 'talkdown train sessions'.",
    "TD250": "No console account '{username}'. See 'talkdown user list'.",
    "TD240": "Incident {incident_id} has no current advice '{advice_id}'. See 'talkdown advise {incident_id}'.",
    # RuleViolation
    "TD301": "Incident {incident_id} is closed. Reopen it or open a new incident.",
    "TD302": "Incident {incident_id}: {problem}.",
    "TD303": "Incident {incident_id} already exists; an imported log cannot overwrite it.",
    "TD320": "Case id '{case_id}' belongs to a shipped case; your cases never replace shipped ones. "
    "Give it another id.",
    "TD321": "Case id '{case_id}' is already in your library ({file}). "
    "Re-import that file to change it, or use another id.",
    "TD322": "{path} is an unfinished study (its .parts folder is there). Continue it with --resume, or choose "
    "another --out.",
    "TD323": "{path} was started for other inputs or options ({problem}). "
    "Use another --out, or the same inputs to resume.",
    "TD324": "{path} is a finished study: every input was analysed and its parts folder removed, so there is "
    "nothing to continue and --resume does not apply. To analyse again, choose another --out or move that file "
    "away.",
    "TD330": "Incident {incident_id} is not a training session; training commands work only on those.",
    "TD331": "Training session {incident_id} has ended ({outcome}). Start a new one with 'talkdown train run' or on "
    "the console's Training page; its debrief stays ('talkdown train debrief {incident_id}').",
    "TD332": "Incident {incident_id} is a training session: only the training commands write to its log, so that "
    "its debrief scores only what the simulated subject took part in; nothing was saved ({what}). {instead}",
    "TD333": "Training session {incident_id} is still running; its debrief opens when it ends (the subject comes "
    "to an outcome, or an instructor ends it).",
    "TD334": "Training session {incident_id} is still running: its event log holds the subject's intent with each "
    "reply and the scenario, which the trainee is there to find out, and a hash-chained log cannot leave them out, "
    "so only an instructor may export it now. It can be exported once the session ends (the subject comes to an "
    "outcome, or an instructor ends it); its transcript exports (jsonl, csv, text, vtt, srt) are open now.",
    "TD335": "Training session {incident_id} is still running: its report lists the notes an instructor added "
    "and scores the trainee's lines so far, his debrief before its time, so only an instructor may open it now. It "
    "opens once the session ends (the subject comes to an outcome, or an instructor ends it).",
    "TD340": "Advice {advice_id} was already dismissed at seq {seq}.",
    "TD350": "Your role ({role}) may not {action}. Ask the team leader or an admin.",
    "TD351": "An admin may not {action} their own account here: another admin does it (or 'talkdown user' on the "
    "server), so the console is never left without one.",
    # Conflict
    "TD401": "A teammate logged seq {seq} first; your entry was not saved after {attempts} tries. Submit it again.",
    "TD450": "Too many failed sign-ins for this account or address; try again in {seconds} s.",
    "TD451": "There is already an account named '{username}'.",
    # IntegrityError
    "TD501": "Incident {incident_id}: seq {seq} {problem}. Preserve the database; compare with the paper head.",
    "TD502": "Incident {incident_id}: the log ends at seq {have} but a checkpoint recorded seq {want} "
    "(hash {hash}). Events after seq {have} were deleted. Preserve the database.",
    "TD503": "Database '{url}' is damaged: {problem}. If this command was saving anything, it was not saved. "
    "Preserve the file as it is (copy it aside, do not repair it in place), restore the latest backup (README, "
    "Backing up) and compare with the paper head.",
    "TD504": "Model file {file}: {problem}. It was changed or corrupted; reinstall talkdown or re-run its "
    "training script.",
    # ConfigError
    "TD601": "Database '{url}' cannot be opened: {problem}.",
    "TD602": "{file}: {problem}.",
    "TD603": "The database schema is at revision {have}, newer than this talkdown knows ({want}). Upgrade talkdown.",
    "TD604": "Database '{url}' did not answer: {problem}. If this command was saving anything, it was not saved; "
    "check that the database is running and writable, then run the command again.",
    "TD605": "Cannot listen on {host}:{port}: {problem}. Stop what is using it, or choose another --port or --host.",
    "TD606": "Serving on the network, account '{username}' would sign in with the published demo password, as "
    "{role}. Give it a new password ('talkdown user password {username}') or disable it ('talkdown user disable "
    "{username}'); --demo serves on localhost only.",
    "TD607": "The folder {folder} cannot be used: {problem}. Nothing was saved. Set {setting} to a folder this "
    "account can write, or fix the folder's permissions.",
    "TD608": "'talkdown db backup' copies the embedded SQLite database; {url} is PostgreSQL: back it up with "
    "pg_dump (README, Backing up). Nothing was written.",
    "TD609": "Database '{url}' stopped answering while incident {incident_id}'s seq {seq} was being saved, and "
    "cannot say whether it was. Once it answers, look at the log ('talkdown incident show {incident_id}') before "
    "entering it again.",
    "TD620": "Your case library file {file}: {problem}. Fix or remove the file.",
    "TD621": "Dask scheduler {address} cannot be reached: {problem}. Check the address, or run without --scheduler.",
    "TD630": "The response realizer at {url} failed: {problem}. Check the URL or run without --llm-url.",
    "TD640": "{file}: unknown key '{key}'{hint}. Nothing in the policy was applied.",
    "TD641": "{file}: key '{key}': {problem}. Fix the value; nothing in the policy was applied.",
    "TD642": "{file}: {problem}. A policy file is a YAML mapping of keys to values (see docs/advisor.md).",
    "TD643": "Policy file {file} cannot be read ({problem}). Fix it, or what names it (the command's --policy, else "
    "TALKDOWN_POLICY_FILE); the doctrine defaults are not used in its place.",
    # MissingExtra
    "TD701": "{feature} needs the [{extra}] extra: pip install 'talkdown[{extra}]'.",
    "TD740": "{feature} needs {package}: pip install {package}{hint}.",
}


class TalkdownError(Exception):
    """An error a user can act on: a code, the fields of its template, and its family's statuses."""

    families: ClassVar[dict[int, Family]] = _FAMILIES

    def __init__(self, code: str, **fields: object) -> None:
        if code not in CODES:
            raise KeyError(f"unknown error code {code}")
        self.code = code
        self.fields = fields
        super().__init__(self.message)

    @property
    def family(self) -> Family:
        return _FAMILIES[int(self.code[2])]

    @property
    def message(self) -> str:
        return CODES[self.code].format_map(_Lenient(_spaced_clauses(self.fields)))

    @property
    def exit_code(self) -> int:
        return self.family.exit_code

    @property
    def http_status(self) -> int:
        return self.family.http_status


CLAUSES = frozenset({"hint"})
"""Fields that are an optional clause right after a word of their template ("Re-save it as UTF-8{hint}."): each is
given as the clause alone, or "" for none, and the message puts the one space before a clause that is there.

Why here and not in the field: the fields are also read on their own (``--json`` prints them at the top level),
and a hint given as " or pass --encoding cp1252", to come out right in the sentence, reached scripts with its
leading space."""


def clause(value: object) -> str:
    """An optional clause (``CLAUSES``) as it follows a word in a sentence: after one space, or "" for none."""
    return f" {value}" if value else ""


def _spaced_clauses(fields: dict[str, object]) -> dict[str, object]:
    """``fields`` with each clause (``CLAUSES``) spaced by ``clause``, as its template needs it."""
    return {key: clause(value) if key in CLAUSES else value for key, value in fields.items()}


class _Lenient(dict[str, object]):
    """Keep a template readable when a field is missing instead of raising a second error."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render_markdown() -> str:
    """The content of docs/errors.md, generated so the docs never drift from the code."""
    lines = [
        "# Error codes",
        "",
        "Generated from `src/talkdown/errors.py` by `python -m talkdown.errors`; do not edit by hand.",
        "",
        "| family | codes | CLI exit | HTTP |",
        "|---|---|---|---|",
    ]
    for digit, fam in sorted(_FAMILIES.items()):
        lines.append(f"| {fam.name} | TD{digit}xx | {fam.exit_code} | {fam.http_status} |")
    lines += [
        "",
        "Other exits of the CLI: 0 success; 1 an internal error (a bug: one line, the traceback in the data folder's"
        " log); 2 a usage error (an unknown option, a bad value); 141 stdout's reader went away (`| head`), as for"
        " any program ended by SIGPIPE.",
    ]
    lines += [
        "",
        f"A field named {' or '.join(f'`{{{name}}}`' for name in sorted(CLAUSES))} is an optional clause: the message"
        " puts a space before it when there is one, and nothing when there is none.",
    ]
    lines += ["", "| code | message template |", "|---|---|"]
    for code, template in sorted(CODES.items()):
        escaped = template.replace("|", "\\|")
        lines.append(f'| <a id="{code}"></a>{code} | {escaped} |')
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(render_markdown())
