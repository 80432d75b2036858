"""schemathesis against the OpenAPI schema, in process: no input may cause a server error (5xx).

Driven through hypothesis directly, one bounded run per operation (the schemathesis pytest plugin does not
load under this pytest); a signed-in team leader's cookie and CSRF token go with every call, so the fuzzing
reaches the handlers instead of stopping at 401/403, on a real incident (unknown ids are covered elsewhere).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from talkdown.services import accounts
from talkdown.services.accounts import AccountRole
from talkdown.web.app import create_app
from tests.web.conftest import PASSWORD, make_app, seed_incident

pytestmark = pytest.mark.slow


def test_no_input_makes_any_api_operation_fail_with_a_server_error(tmp_path_factory: pytest.TempPathFactory) -> None:
    td = make_app(tmp_path_factory.mktemp("fuzz"))
    accounts.add_user(td, username="lead", role=AccountRole.TEAM_LEADER, password=PASSWORD)
    incident_id = seed_incident(td)
    session = accounts.sign_in(td, username="lead", password=PASSWORD, client="fuzz")
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(td))
    failures: list[str] = []
    reached: set[str] = set()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30

    for operation in operations:
        if operation.path.endswith("/stream") or (operation.method.upper(), operation.path) == (
            "DELETE",
            "/api/session",
        ):
            continue  # a stream never ends (test_sse.py covers it); signing out would end the fuzzing session

        path = operation.path

        @given(case=operation.as_strategy())
        @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: schemathesis.Case) -> None:
            if case.path_parameters and "incident_id" in case.path_parameters:
                case.path_parameters["incident_id"] = incident_id  # reach the handlers, not only the 404
            response = case.call(
                headers={"X-CSRF-Token": session.user.csrf_token}, cookies={"td_session": session.token}
            )
            if response.status_code < 400:
                reached.add(f"{case.method} {path}")  # noqa: B023  # used within this iteration only
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}")

        check()
    td.store.engine.dispose()
    assert failures == []
    assert len(reached) >= 10, sorted(reached)  # the session held: most operations got past auth and validation
