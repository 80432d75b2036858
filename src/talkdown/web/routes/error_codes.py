"""``/docs/errors``: every error code with its message, served by the console to anyone, signed in or not.

Why: each problem+json answer names its code's documentation in ``type`` (``/docs/errors#TD301``, RFC 9457
§3.1.1: a URI that, dereferenced, gives human-readable documentation of the problem type), and a person who meets
a code in the console may have neither the repository's ``docs/errors.md`` nor a terminal. The page is built from
``talkdown.errors`` as that file is, so the two never differ, and adds what only the console knows: its HTTP status
for the code and, where it words the message its own way, that wording. Public, because the codes are: a signed-out
user meets TD150 and TD151, and nothing here is about an incident, an account or the server.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from talkdown.errors import CODES, TalkdownError
from talkdown.web.problems import console_detail, status_of

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class CodeRow:
    code: str
    family: str
    status: int
    exit_code: int
    message: str
    console: str  # the console's own wording, or "" when it says the message as it is


def code_rows() -> list[CodeRow]:
    """One row per code, in code order; placeholders such as ``{incident_id}`` stay as they are in the templates."""
    rows = []
    for code in sorted(CODES):
        sample = TalkdownError(code, incident_id="{incident_id}")  # the console's hints link to the incident's board
        shown = console_detail(sample)
        rows.append(
            CodeRow(
                code=code,
                family=sample.family.name,
                status=status_of(sample),
                exit_code=sample.exit_code,
                message=CODES[code],
                console="" if shown == sample.message else shown,
            )
        )
    return rows


@router.get("/docs/errors")
def error_codes(request: Request) -> Response:
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(
        request, "docs/errors.html", {"rows": code_rows(), "user": None, "csrf": None, "can": None}
    )
    return response
