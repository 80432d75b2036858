"""An admin manages accounts from the console: disable, enable, role, password; never their own way out."""

# test accounts in temporary databases
from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from talkdown.services import accounts
from talkdown.services.accounts import AccountRole
from talkdown.web.app import create_app

from .conftest import PASSWORD, make_app, seed_incident, sign_in


def test_an_admin_disables_changes_and_resets_an_account_and_each_takes_effect(tmp_path: Path) -> None:
    td = make_app(tmp_path)
    accounts.add_user(td, username="root", role=AccountRole.ADMIN, password=PASSWORD)
    accounts.add_user(td, username="lee", role=AccountRole.SCRIBE, password=PASSWORD)
    incident = seed_incident(td)
    web = create_app(td)
    with TestClient(web) as admin, TestClient(web) as lee:
        sign_in(admin, "root")
        sign_in(lee, "lee")
        line = {"speaker": "subj", "text": "Leave me alone."}
        assert lee.post(f"/api/incidents/{incident}/utterances", json=line).status_code == 201

        changed = admin.patch("/api/users/LEE", json={"role": "observer"})
        assert changed.json() == {"username": "lee", "role": "observer", "disabled": False}
        assert lee.post(f"/api/incidents/{incident}/utterances", json=line).status_code == 403  # the same session

        assert admin.patch("/api/users/lee", json={"disabled": True}).json()["disabled"] is True
        assert lee.get("/api/incidents").status_code == 401  # signed out at its next request

        admin.patch("/api/users/lee", json={"disabled": False, "role": "scribe", "password": "a new long password"})
        assert lee.post("/api/session", json={"username": "lee", "password": PASSWORD}).status_code == 401
        sign_in(lee, "lee", "a new long password")
        assert lee.post(f"/api/incidents/{incident}/utterances", json=line).status_code == 201

        own = admin.patch("/api/users/root", json={"disabled": True})
        assert (own.status_code, own.json()["code"]) == (409, "TD351")
        assert admin.patch("/api/users/root", json={"role": "scribe"}).status_code == 409
        assert admin.patch("/api/users/nobody", json={"disabled": True}).json()["code"] == "TD250"
        assert admin.patch("/api/users/lee", json={"password": "short"}).status_code == 422
    done = [(r.actor, r.action, r.target) for r in accounts.list_audit(td) if r.action.startswith("user.")]
    assert ("user:root", "user.disable", "lee") in done and ("user:root", "user.password", "lee") in done
    td.store.engine.dispose()


def test_the_accounts_page_does_the_same_with_forms_and_only_admins_see_it(tmp_path: Path) -> None:
    td = make_app(tmp_path)
    accounts.add_user(td, username="root", role=AccountRole.ADMIN, password=PASSWORD)
    accounts.add_user(td, username="lee", role=AccountRole.SCRIBE, password=PASSWORD)
    web = create_app(td)
    htmx = {"HX-Request": "true"}
    with TestClient(web) as admin, TestClient(web) as lee:
        token = sign_in(admin, "root")
        sign_in(lee, "lee")
        page = admin.get("/accounts").text
        assert 'hx-post="/accounts/lee"' in page and 'href="/accounts"' in page
        assert 'href="/accounts"' not in lee.get("/incidents").text and lee.get("/accounts").status_code == 403
        assert "<td>user:lee</td><td>denied</td>" in admin.get("/accounts").text  # the refusal, in recent activity

        form = {"csrf_token": token}
        added = admin.post("/accounts", data={**form, "username": "Kim", "role": "negotiator",
                                              "password": "a long password"}, headers=htmx)  # fmt: skip
        assert added.status_code == 200 and "Account kim added" in added.text and added.headers["HX-Refresh"] == "true"
        admin.post("/accounts/lee", data={**form, "role": "observer"}, headers=htmx)
        admin.post("/accounts/lee", data={**form, "disabled": "true"}, headers=htmx)
        assert accounts.list_users(td) == [
            ("kim", AccountRole.NEGOTIATOR, False),
            ("lee", AccountRole.OBSERVER, True),
            ("root", AccountRole.ADMIN, False),
        ]
        assert lee.get("/incidents").status_code in (303, 401)  # signed out: sent to the sign-in page
        own = admin.post("/accounts/root", data={**form, "disabled": "true"}, headers=htmx)
        assert own.status_code == 409 and "TD351" in own.text  # an alert in the page, not a raw error
        forged = admin.post("/accounts/kim", data={"disabled": "true"}, headers={**htmx, "X-CSRF-Token": "forged"})
        assert forged.status_code == 403 and accounts.list_users(td)[0][2] is False
    td.store.engine.dispose()
