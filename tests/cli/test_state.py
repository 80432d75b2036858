"""The JSON a failing ``--json`` command prints: its keys never collide with an error's fields."""

from __future__ import annotations

import string

from talkdown.cli.state import ERROR_JSON_KEYS, error_json
from talkdown.errors import CODES, TalkdownError


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
