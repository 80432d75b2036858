"""The JSON a failing ``--json`` command prints: its keys never collide with an error's fields, and its fields
are the values alone (a hint without the space its sentence puts before it)."""

from __future__ import annotations

import ast
import json
import re
import string
from pathlib import Path

import pytest

import talkdown
from talkdown.cli.state import ERROR_JSON_KEYS, error_json
from talkdown.doctrine.policy import parse_policy
from talkdown.errors import CLAUSES, CODES, TalkdownError
from tests.cli.in_process import talkdown as run_talkdown


def test_no_error_template_has_a_field_named_like_a_key_of_the_json_error() -> None:
    fields = {name for template in CODES.values() for _, name, _, _ in string.Formatter().parse(template) if name}
    assert fields.isdisjoint(ERROR_JSON_KEYS)


def test_the_json_error_carries_the_code_the_message_and_the_fields() -> None:
    exc = TalkdownError("TD501", incident_id="abc", seq=4, problem="does not match its hash")
    assert error_json(exc) == {
        "ok": False,
        "code": "TD501",
        "error": "Integrity error",
        "message": "Incident abc: seq 4 does not match its hash. Preserve the database; compare with the paper head.",
        "incident_id": "abc",
        "seq": 4,
        "problem": "does not match its hash",
    }


CLAUSE_CODES = sorted(code for code, template in CODES.items() if any(f"{{{name}}}" in template for name in CLAUSES))


def _template_fields(code: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(CODES[code]) if name}


@pytest.mark.parametrize("code", CLAUSE_CODES)
def test_every_codes_hint_reads_as_the_clause_alone_and_the_message_spaces_it(code: str) -> None:
    # TD103's hint reached --json as " or pass --encoding cp1252" (and TD640's, TD740's with a space in front):
    # the space the sentence needed was in the field, so a script reading the field got it too.
    samples = {name: f"<{name}>" for name in _template_fields(code)}
    for name in CLAUSES & samples.keys():
        given = TalkdownError(code, **{**samples, name: "(see the docs)"})
        shown = error_json(given)
        assert shown[name] == "(see the docs)"
        assert all(not str(value)[:1].isspace() and not str(value)[-1:].isspace() for value in shown.values())
        assert re.search(r"\S \(see the docs\)", given.message) and "  " not in given.message, given.message
        none = TalkdownError(code, **{**samples, name: ""}).message
        assert "{" not in none and "  " not in none and " ." not in none, none


def test_no_raise_gives_a_hint_with_white_space_around_it() -> None:
    # The hints built where the error is raised (a literal or an f-string: pdf.py's Debian packages, decoding.py's
    # "or pass --encoding"): the template spaces a clause, so one given with a space printed two.
    found = []
    for path in sorted((Path(talkdown.__file__).parent).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            named = (isinstance(node, ast.keyword) and node.arg in CLAUSES) or (
                isinstance(node, ast.Assign) and any(getattr(t, "id", "") in CLAUSES for t in node.targets)
            )
            if named and _padded(node.value):  # type: ignore[union-attr]  # a keyword or an Assign: both have .value
                found.append(f"{path.name}:{node.lineno}")
    assert found == []


def _padded(value: ast.expr) -> bool:
    """Whether an expression is text (or a choice of texts) that starts or ends with white space."""
    if isinstance(value, ast.IfExp):
        return _padded(value.body) or _padded(value.orelse)
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value != value.value.strip()
    if isinstance(value, ast.JoinedStr) and value.values:
        first, last = value.values[0], value.values[-1]
        return any(
            isinstance(part, ast.Constant) and isinstance(part.value, str) and check(part.value)
            for part, check in ((first, lambda s: s[:1].isspace()), (last, lambda s: s[-1:].isspace()))
        )
    return False


def test_a_file_that_is_not_utf8_gives_its_hint_in_json_without_a_leading_space(tmp_path: Path) -> None:
    path = tmp_path / "call.txt"
    path.write_bytes("Subject: Jos\u00e9 is here.\n".encode("latin-1"))
    env = {"TALKDOWN_DATA_DIR": str(tmp_path / "data"), "TALKDOWN_DATABASE_URL": None}
    refused = run_talkdown("import", str(path), "--json", env=env)
    shown = json.loads(refused.stdout)
    assert (refused.returncode, shown["code"], shown["hint"]) == (3, "TD103", "or pass --encoding latin-1")
    assert "Re-save it as UTF-8 or pass --encoding latin-1. Nothing was imported." in shown["message"]


def test_a_policy_keys_did_you_mean_is_the_clause_alone() -> None:
    with pytest.raises(TalkdownError) as err:
        parse_policy("relief_intervall_minutes: 90\n", file="policy.yaml")
    assert err.value.fields["hint"] == "(did you mean 'relief_interval_minutes'?)"
    assert "unknown key 'relief_intervall_minutes' (did you mean 'relief_interval_minutes'?). Nothing" in (
        err.value.message
    )
