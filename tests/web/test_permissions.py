"""Role × endpoint matrix: every route is held to the permission the team's roles give (written out here).

The expected table is written by hand from docs/web.md, not read from the code under test. A route added
without a row here fails ``test_every_route_is_in_the_matrix``, which walks ``app.routes`` (pages and forms
hidden from the OpenAPI schema too), and every route but sign-in must refuse a caller without a session.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Mount

from talkdown.services import accounts, incidents, train
from talkdown.services.accounts import AccountRole as R
from talkdown.web.app import create_app
from tests.web.conftest import Console

ALL = frozenset(R)
TEAM = frozenset({R.TEAM_LEADER, R.INSTRUCTOR})
WRITERS = TEAM | {R.NEGOTIATOR, R.SCRIBE}
INC = "{incident_id}"
SESSION = "{session_id}"
CASE_ID = "attica-1971"  # a case of the shipped library (doctrine/data/cases.yaml)
TRAINERS = TEAM | {R.NEGOTIATOR}

# (method, path) -> roles that may call it
MATRIX: dict[tuple[str, str], frozenset[R]] = {
    ("GET", "/incidents"): ALL,
    ("GET", f"/incidents/{INC}"): ALL,
    ("GET", f"/incidents/{INC}/stream"): ALL,
    ("GET", "/guide"): ALL,
    ("GET", "/api/incidents"): ALL,
    ("GET", f"/api/incidents/{INC}"): ALL,
    ("GET", f"/api/incidents/{INC}/annotations"): ALL,
    ("GET", f"/api/incidents/{INC}/advice"): ALL,
    ("GET", f"/api/incidents/{INC}/verify"): ALL,
    ("GET", f"/api/incidents/{INC}/head"): ALL,
    ("GET", "/api/session"): ALL,
    ("POST", "/incidents"): TEAM | {R.SCRIBE},
    ("POST", "/api/incidents"): TEAM | {R.SCRIBE},
    ("POST", f"/api/incidents/{INC}/close"): TEAM,
    ("POST", f"/api/incidents/{INC}/reopen"): TEAM,
    ("POST", f"/incidents/{INC}/close"): TEAM,
    ("POST", f"/incidents/{INC}/reopen"): TEAM,
    ("GET", f"/api/incidents/{INC}/export"): TEAM | {R.ADMIN},
    ("GET", f"/incidents/{INC}/report"): TEAM | {R.ADMIN},
    ("GET", f"/incidents/{INC}/report.pdf"): TEAM | {R.ADMIN},
    ("GET", "/api/users"): {R.ADMIN},
    ("POST", "/api/users"): {R.ADMIN},
    ("PATCH", "/api/users/{username}"): {R.ADMIN},
    ("GET", "/accounts"): {R.ADMIN},
    ("POST", "/accounts"): {R.ADMIN},
    ("POST", "/accounts/{username}"): {R.ADMIN},
    ("GET", "/api/audit"): {R.ADMIN},
    ("GET", "/cases"): ALL,
    ("GET", f"/cases/{CASE_ID}"): ALL,
    ("GET", f"/incidents/{INC}/cases-like"): ALL,
    ("GET", "/training"): ALL,
    ("POST", "/training"): TRAINERS,
    ("GET", f"/training/{SESSION}"): ALL,
    ("GET", f"/training/{SESSION}/changed"): ALL,  # the watching page's poll: whether to reload
    ("POST", f"/training/{SESSION}/say"): TRAINERS,
    ("POST", f"/training/{SESSION}/inject"): {R.INSTRUCTOR},
    ("POST", f"/training/{SESSION}/end"): TRAINERS,  # an instructor any; a trainee his own
    ("GET", f"/training/{SESSION}/debrief"): ALL,  # and then whose session it is: test_training_pages.py
}
for name in ("utterances",):
    MATRIX[("POST", f"/api/incidents/{INC}/{name}")] = WRITERS
    MATRIX[("POST", f"/incidents/{INC}/{name}")] = WRITERS
for name in (
    "marks",
    "parties",
    "demands",
    "demand-status",
    "deadlines",
    "deadline-status",
    "promises",
    "promise-status",
    "concessions",
    "concession-status",
    "hostages",
    "hostage-condition",
    "hostage-release",
    "stakeholders",
    "channels",
    "constraints",
    "media-events",
    "statements",
):
    MATRIX[("POST", f"/api/incidents/{INC}/{name}")] = WRITERS
    MATRIX[("POST", f"/incidents/{INC}/{name}")] = WRITERS
for name, roles in (
    ("intel", TEAM | {R.INTELLIGENCE}),
    ("notes", WRITERS | {R.INTELLIGENCE}),
    ("advice-dismissals", TEAM | {R.NEGOTIATOR}),
):
    MATRIX[("POST", f"/api/incidents/{INC}/{name}")] = frozenset(roles)
    MATRIX[("POST", f"/incidents/{INC}/{name}")] = frozenset(roles)

# Routes any signed-in user may call: sign-out, and the redirect from "/".
SESSION_ONLY = {("POST", "/logout"), ("DELETE", "/api/session"), ("GET", "/")}
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("POST", "/api/session"), ("GET", "/openapi.json")}
PUBLIC |= {("GET", "/docs/errors")}  # what each code means: a problem's ``type`` links there, signed in or not
# Says why the caller's own cookie no longer signs in (a board that cannot reconnect asks it); reads no incident.
PUBLIC |= {("GET", f"/incidents/{INC}/session-ended")}


def _routes(console: Console) -> set[tuple[str, str]]:
    """Every (method, path) the app serves, read from ``app.routes``: pages and forms hidden from the OpenAPI
    schema included, so a route added anywhere without a row in the matrix fails."""
    web = console.client(R.ADMIN).app
    found: set[tuple[str, str]] = set()
    for route in _walk(web.routes):  # type: ignore[attr-defined]
        if isinstance(route, Mount):  # /static: the vendored assets, public by design
            continue
        path = route.path.replace("{case_id}", CASE_ID)
        found |= {(method, path) for method in route.methods or () if method != "HEAD"}
    return found


def _walk(routes: list[BaseRoute]) -> list[Any]:
    """The app's routes, flat: FastAPI >= 0.16x keeps each included router as one nested entry."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI copies every included route into ``app.routes``
        return list(routes)
    return [r.original_route if isinstance(r.original_route, Mount) else r for r in iter_route_contexts(routes)]


def test_every_route_is_in_the_matrix(console: Console) -> None:
    assert _routes(console) == set(MATRIX) | SESSION_ONLY | PUBLIC


_SESSIONS: dict[tuple[int, R], str] = {}


def _training_session(console: Console, role: R) -> str:
    """One training session per console and role, run by that role's account, started on first use.

    Run by the caller: a line or a debrief also depends on whose session it is, which this matrix of roles
    leaves to tests/web/test_training_pages.py.
    """
    if (id(console), role) not in _SESSIONS:
        runner = copy.copy(console.app)
        runner.actor = f"user:{role.value}"
        _SESSIONS[(id(console), role)] = train.start_session(runner, scenario="bridge").session_id
    return _SESSIONS[(id(console), role)]


def _call(console: Console, role: R, method: str, path: str) -> int:
    client = console.client(role)
    url = path.replace(INC, console.incident_id)
    if SESSION in url:
        url = url.replace(SESSION, _training_session(console, role))
    if url.endswith("/stream"):
        url += "?after=999999"
    if method == "GET":
        if url.endswith("/stream") or "stream?" in url:
            with client.stream("GET", url) as response:
                return response.status_code
        return client.get(url, follow_redirects=False).status_code
    return client.request(method, url, json={}, follow_redirects=False).status_code


CASES = [(role, method, path) for (method, path) in sorted(MATRIX) for role in R]


@pytest.mark.parametrize(("role", "method", "path"), CASES, ids=[f"{r.value}-{m}-{p}" for r, m, p in CASES])
def test_role_may_call_the_route_only_if_the_matrix_says_so(console: Console, role: R, method: str, path: str) -> None:
    if path.endswith("/stream") and role in MATRIX[(method, path)]:
        pytest.skip("an allowed stream stays open; tests/web/test_sse.py covers it")
    status = _call(console, role, method, path)
    if role in MATRIX[(method, path)]:
        assert status not in (401, 403) and status < 500, status
    else:
        assert status == 403


def test_a_denial_is_recorded_in_the_audit_log(console: Console) -> None:
    before = len(accounts.list_audit(console.app, limit=10_000))
    response = console.client(R.OBSERVER).post(
        f"/api/incidents/{console.incident_id}/utterances", json={"speaker": "subj", "text": "hello"}
    )
    assert response.status_code == 403 and response.json()["code"] == "TD350"
    new = accounts.list_audit(console.app, limit=10_000)[before:]
    assert [(r.actor, r.action, r.outcome, r.detail) for r in new] == [
        ("user:observer", "denied", "denied", "LOG_UTTERANCE")
    ]


ANONYMOUS = sorted(set(MATRIX) | SESSION_ONLY)


@pytest.mark.parametrize(("method", "path"), ANONYMOUS, ids=[f"{m}-{p}" for m, p in ANONYMOUS])
def test_every_route_but_sign_in_refuses_a_caller_without_a_session(console: Console, method: str, path: str) -> None:
    anonymous = TestClient(create_app(console.app), raise_server_exceptions=False)
    url = path.replace(INC, console.incident_id).replace(SESSION, _training_session(console, R.INSTRUCTOR))
    response = anonymous.request(method, url, json={}, follow_redirects=False)
    assert (response.status_code, response.json()["code"]) == (401, "TD151")


WRITES = sorted((m, p) for (m, p) in set(MATRIX) | SESSION_ONLY if m not in {"GET", "HEAD", "OPTIONS"})


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m}-{p}" for m, p in WRITES])
def test_every_write_route_refuses_a_signed_in_caller_without_the_csrf_token(
    console: Console, method: str, path: str
) -> None:
    """Walks every state-changing route (the matrix is checked against ``app.routes`` above), so a write route added
    with its own session check instead of ``current_user`` fails here: another site's page can post with the
    browser's cookie, and only the token tells the two apart. Sent as a role that may call it, JSON and form."""
    role = next(iter(sorted(MATRIX.get((method, path), {R.ADMIN}))))
    client = console.client(role)
    url = path.replace(INC, console.incident_id).replace(SESSION, _training_session(console, role))
    before = incidents.get_incident(console.app, console.incident_id).head_seq
    as_json = client.request(method, url, json={}, headers={"X-CSRF-Token": ""}, follow_redirects=False)
    as_form = client.request(method, url, data={"x": "1"}, headers={"X-CSRF-Token": ""}, follow_redirects=False)
    for answer in (as_json, as_form):
        assert (answer.status_code, answer.json()["code"]) == (403, "TD152"), (method, url, answer.text[:200])
    assert incidents.get_incident(console.app, console.incident_id).head_seq == before
