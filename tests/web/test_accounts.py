"""Accounts on both backends: hashes, sessions, throttling and the append-only audit log."""

# ruff: noqa: S105, S106  # test accounts in temporary databases
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from talkdown.domain.clock import FixedClock
from talkdown.errors import TalkdownError
from talkdown.services import accounts
from talkdown.services.accounts import AccountRole, Permission
from talkdown.services.wiring import App

PASSWORD = "correct horse battery"


def _add(app: App, name: str = "lee", role: AccountRole = AccountRole.SCRIBE) -> None:
    accounts.add_user(app, username=name, role=role, password=PASSWORD)


def test_password_is_stored_only_as_an_argon2id_hash(app: App) -> None:
    _add(app)
    row = app.accounts.find_user("lee")
    assert row is not None
    assert row.password_hash.startswith("$argon2id$")
    assert PASSWORD not in row.password_hash


def test_a_second_account_with_the_same_name_is_refused(app: App) -> None:
    _add(app)
    with pytest.raises(TalkdownError) as err:
        _add(app, "LEE")
    assert err.value.code == "TD451"


def test_short_passwords_and_unknown_roles_are_refused(app: App) -> None:
    with pytest.raises(TalkdownError) as short:
        accounts.add_user(app, username="x", role=AccountRole.SCRIBE, password="short")
    with pytest.raises(TalkdownError) as role:
        accounts.parse_role("commander")
    assert (short.value.code, role.value.code) == ("TD154", "TD153")


def test_sign_in_opens_a_session_that_sign_out_closes(app: App) -> None:
    _add(app)
    session = accounts.sign_in(app, username="Lee", password=PASSWORD, client="10.0.0.5")
    found = accounts.find_session(app, session.token)
    assert found is not None and found.username == "lee" and found.role is AccountRole.SCRIBE
    accounts.sign_out(app, session.token)
    assert accounts.find_session(app, session.token) is None


def test_a_session_expires_after_its_lifetime(app: App, clock: FixedClock) -> None:
    _add(app)
    session = accounts.sign_in(app, username="lee", password=PASSWORD, client="c")
    clock.advance(accounts.SESSION_LIFETIME + timedelta(seconds=5))
    assert accounts.find_session(app, session.token) is None


def _idle_ends(app: App) -> list[tuple[str, str, str]]:
    return [(r.actor, r.outcome, r.detail) for r in accounts.list_audit(app) if r.action == "logout"]


def test_a_session_unused_for_the_idle_minutes_ends_once_audited_and_says_why(app: App, clock: FixedClock) -> None:
    # A console left signed in on a shared command-post laptop stayed usable for the session's 14 hours.
    _add(app)
    session = accounts.sign_in(app, username="lee", password=PASSWORD, client="c")
    clock.advance(timedelta(minutes=app.settings.session_idle_minutes, seconds=1))
    assert accounts.find_session(app, session.token) is None
    assert accounts.find_session(app, session.token) is None  # ended once, audited once
    assert _idle_ends(app) == [("user:lee", "idle", "idle=30m")]
    why = accounts.signed_out(app, session.token)
    assert why.code == "TD155" and why.message.startswith("Signed out after 30 minutes without activity.")
    assert accounts.find_session(app, accounts.sign_in(app, username="lee", password=PASSWORD, client="c").token)


def test_use_within_the_idle_minutes_keeps_a_session_open(app: App, clock: FixedClock) -> None:
    _add(app)
    session = accounts.sign_in(app, username="lee", password=PASSWORD, client="c")
    for _ in range(3):  # 75 minutes in all, never 30 without a request
        clock.advance(timedelta(minutes=25))
        assert accounts.find_session(app, session.token) is not None
    clock.advance(timedelta(minutes=31))
    assert accounts.find_session(app, session.token) is None


def test_a_check_that_is_not_the_users_activity_does_not_keep_the_session_open(app: App, clock: FixedClock) -> None:
    # A board's periodic check of a closed incident's stream: it sees the session, but is no one's activity.
    _add(app)
    session = accounts.sign_in(app, username="lee", password=PASSWORD, client="c")
    clock.advance(timedelta(minutes=25))
    assert accounts.find_session(app, session.token, active=False) is not None
    clock.advance(timedelta(minutes=6))
    assert accounts.find_session(app, session.token, active=False) is None
    assert accounts.signed_out(app, session.token).code == "TD155"


def test_the_idle_minutes_are_a_setting(app: App, clock: FixedClock) -> None:
    app.settings = app.settings.model_copy(update={"session_idle_minutes": 5})
    _add(app)
    session = accounts.sign_in(app, username="lee", password=PASSWORD, client="c")
    clock.advance(timedelta(minutes=4))
    assert accounts.find_session(app, session.token) is not None
    clock.advance(timedelta(minutes=6))
    assert accounts.find_session(app, session.token) is None
    assert accounts.signed_out(app, session.token).message.startswith("Signed out after 5 minutes")
    app.settings = app.settings.model_copy(update={"session_idle_minutes": 1})
    assert accounts.idle_wording(app) == "1 minute"


def test_a_session_signed_out_or_past_its_lifetime_is_not_called_idle(app: App, clock: FixedClock) -> None:
    _add(app)
    left = accounts.sign_in(app, username="lee", password=PASSWORD, client="c")
    accounts.sign_out(app, left.token)
    kept = accounts.sign_in(app, username="lee", password=PASSWORD, client="c")
    clock.advance(accounts.SESSION_LIFETIME + timedelta(seconds=5))
    assert accounts.find_session(app, kept.token) is None
    assert [accounts.signed_out(app, s.token).code for s in (left, kept)] == ["TD151", "TD151"]
    assert [outcome for _, outcome, _ in _idle_ends(app)] == ["ok"]  # the sign-out; no idle end


def test_an_ended_session_says_what_ended_it(app: App, clock: FixedClock) -> None:
    for name in ("ann", "bob", "cal", "dee", "eve"):
        _add(app, name)
    token = {n: accounts.sign_in(app, username=n, password=PASSWORD, client="c").token for n in ("ann", "bob", "cal")}
    assert accounts.session_end(app, token["ann"]) is accounts.SessionEnd.UNKNOWN  # still open
    accounts.sign_out(app, token["ann"])
    accounts.reset_password(app, "bob", PASSWORD + "!")
    accounts.set_disabled(app, "cal", disabled=True)
    clock.advance(timedelta(minutes=31))
    idle = accounts.sign_in(app, username="dee", password=PASSWORD, client="c").token
    clock.advance(timedelta(minutes=31))
    assert accounts.find_session(app, idle) is None
    accounts.sign_out(app, idle)  # signing out a session that already ended idle keeps "idle"
    late = accounts.sign_in(app, username="eve", password=PASSWORD, client="c").token
    clock.advance(accounts.SESSION_LIFETIME + timedelta(seconds=5))
    ends = [accounts.session_end(app, t) for t in (*token.values(), idle, late, "never-issued")]
    E = accounts.SessionEnd
    assert ends == [E.SIGNED_OUT, E.RESET, E.DISABLED, E.IDLE, E.EXPIRED, E.UNKNOWN]


def _session_count(app: App) -> int:
    with app.store.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM sessions")).scalar_one())


def test_sign_in_deletes_sessions_expired_over_30_days_ago_and_keeps_the_audit_log(app: App, clock: FixedClock) -> None:
    # Ended and expired sessions were never deleted: every sign-in of every shift added a row for good.
    _add(app)
    old = accounts.sign_in(app, username="lee", password=PASSWORD, client="c")
    accounts.sign_out(app, old.token)
    clock.advance(timedelta(days=10))
    recent = accounts.sign_in(app, username="lee", password=PASSWORD, client="c")
    clock.advance(timedelta(days=25))  # the first expired 35 days ago, the second 25 days ago
    audited = len(accounts.list_audit(app))
    accounts.sign_in(app, username="lee", password=PASSWORD, client="c")
    assert _session_count(app) == 2
    assert accounts.session_end(app, old.token) is accounts.SessionEnd.UNKNOWN
    assert accounts.session_end(app, recent.token) is accounts.SessionEnd.EXPIRED
    actions = [(r.action, r.outcome) for r in accounts.list_audit(app)]
    assert len(actions) == audited + 1 and actions.count(("logout", "ok")) == 1  # the history is all there


def test_a_purge_deletes_at_most_its_limit(app: App, clock: FixedClock) -> None:
    _add(app)
    for _ in range(3):
        accounts.sign_in(app, username="lee", password=PASSWORD, client="c")
    clock.advance(timedelta(days=60))
    cutoff = clock.now() - accounts.SESSION_RETENTION
    assert app.accounts.purge_sessions(expired_before=cutoff, limit=2) == 2
    assert app.accounts.purge_sessions(expired_before=cutoff, limit=2) == 1
    assert _session_count(app) == 0


def test_wrong_password_and_unknown_user_give_the_same_error_and_are_audited(app: App) -> None:
    _add(app)
    codes = []
    for name in ("lee", "nobody"):
        with pytest.raises(TalkdownError) as err:
            accounts.sign_in(app, username=name, password="wrong password!", client="c")
        codes.append(err.value.code)
    assert codes == ["TD150", "TD150"]
    failed = [(r.actor, r.outcome) for r in accounts.list_audit(app) if r.action == "login"]
    assert failed == [("user:lee", "failed"), (accounts.UNKNOWN_ACTOR, "failed")]


def test_a_password_typed_as_the_user_name_is_never_written_and_still_pauses_like_a_name(app: App) -> None:
    # A user who typed his password into the name box had it written to the audit log, as the actor of the
    # failed sign-in, for every admin to read (and to the attempts table). Only a real account's name is written.
    _add(app)
    typed = "Lee-Pa55word!"
    for _ in range(accounts.MAX_USER_FAILURES):
        with pytest.raises(TalkdownError) as err:
            accounts.sign_in(app, username=typed, password="", client="10.1.1.1")
        assert err.value.code == "TD150"
    with pytest.raises(TalkdownError) as paused:  # paused after five failures, as a real name is
        accounts.sign_in(app, username=typed, password="", client="10.1.1.1")
    assert paused.value.code == "TD450"
    with pytest.raises(TalkdownError) as err:
        accounts.sign_in(app, username="lee", password="wrong password!", client="10.1.1.1")
    assert err.value.code == "TD150"  # a real name with no failures of its own is not paused by those
    rows = [(r.actor, r.outcome) for r in accounts.list_audit(app) if r.action == "login"]
    placeholder = "user:(no such account)"
    assert rows == [(placeholder, "failed")] * 5 + [(placeholder, "throttled"), ("user:lee", "failed")]
    with app.store.engine.connect() as conn:
        for table in ("audit_log", "login_attempts"):
            dump = " ".join(str(row) for row in conn.execute(text(f"SELECT * FROM {table}")))  # noqa: S608
            assert typed.lower() not in dump.lower(), table


def test_five_failures_pause_sign_in_even_with_the_right_password_until_the_pause_ends(
    app: App, clock: FixedClock
) -> None:
    _add(app)
    for _ in range(accounts.MAX_USER_FAILURES):
        with pytest.raises(TalkdownError):
            accounts.sign_in(app, username="lee", password="wrong password!", client="c")
    with pytest.raises(TalkdownError) as paused:
        accounts.sign_in(app, username="lee", password=PASSWORD, client="c")
    assert paused.value.code == "TD450"
    clock.advance(accounts.FIRST_PAUSE)
    assert accounts.sign_in(app, username="lee", password=PASSWORD, client="c").user.username == "lee"


def test_many_failures_from_one_address_pause_that_address_for_every_account(app: App) -> None:
    _add(app)
    for n in range(accounts.MAX_CLIENT_FAILURES):
        with pytest.raises(TalkdownError):
            accounts.sign_in(app, username=f"guess{n}", password="wrong password!", client="10.9.9.9")
    with pytest.raises(TalkdownError) as paused:
        accounts.sign_in(app, username="lee", password=PASSWORD, client="10.9.9.9")
    assert paused.value.code == "TD450"
    assert accounts.sign_in(app, username="lee", password=PASSWORD, client="10.0.0.1").user.username == "lee"


def test_observer_may_only_read_and_admin_may_not_write_the_record() -> None:
    assert accounts.PERMISSIONS[AccountRole.OBSERVER] == {Permission.READ}
    assert Permission.LOG_UTTERANCE not in accounts.PERMISSIONS[AccountRole.ADMIN]
    assert Permission.MANAGE_USERS in accounts.PERMISSIONS[AccountRole.ADMIN]


@pytest.mark.integration
@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"])
def test_the_audit_log_refuses_update_and_delete(app: App, statement: str) -> None:
    accounts.audit(app, actor="user:lee", action="export", target="i1")
    with pytest.raises(DBAPIError), app.accounts.engine.begin() as conn:
        conn.execute(text(statement))
    assert [r.actor for r in accounts.list_audit(app)] == ["user:lee"]


def test_a_disabled_account_cannot_sign_in_and_its_open_session_ends(app: App) -> None:
    _add(app)
    session = accounts.sign_in(app, username="lee", password=PASSWORD, client="c")
    accounts.set_disabled(app, "Lee", disabled=True, by="user:admin")
    assert accounts.find_session(app, session.token) is None  # at its next request
    with pytest.raises(TalkdownError) as refused:
        accounts.sign_in(app, username="lee", password=PASSWORD, client="c")
    assert refused.value.code == "TD150"
    accounts.set_disabled(app, "lee", disabled=False, by="user:admin")
    assert accounts.find_session(app, accounts.sign_in(app, username="lee", password=PASSWORD, client="c").token)
    assert [(r.actor, r.action, r.target) for r in accounts.list_audit(app) if r.action.startswith("user.")][-2:] == [
        ("user:admin", "user.disable", "lee"),
        ("user:admin", "user.enable", "lee"),
    ]


def test_enabling_an_account_again_does_not_bring_back_the_sessions_open_when_it_was_disabled(app: App) -> None:
    # A disabled account's sessions were only hidden (find_session reads the flag): enabled again, the session of
    # the laptop that was lost, the reason it was disabled, signed in again.
    _add(app)
    lost = accounts.sign_in(app, username="lee", password=PASSWORD, client="c")
    accounts.set_disabled(app, "lee", disabled=True, by="user:admin")
    accounts.set_disabled(app, "lee", disabled=False, by="user:admin")
    assert accounts.find_session(app, lost.token) is None
    assert accounts.session_end(app, lost.token) is accounts.SessionEnd.DISABLED


def test_a_new_role_applies_to_an_open_session_from_its_next_request(app: App) -> None:
    _add(app, role=AccountRole.SCRIBE)
    session = accounts.sign_in(app, username="lee", password=PASSWORD, client="c")
    accounts.set_role(app, "lee", AccountRole.OBSERVER)
    found = accounts.find_session(app, session.token)
    assert found is not None and found.role is AccountRole.OBSERVER
    assert not found.may(Permission.LOG_UTTERANCE)


def test_a_password_reset_ends_open_sessions_and_only_the_new_password_opens_one(app: App) -> None:
    _add(app)
    open_sessions = [accounts.sign_in(app, username="lee", password=PASSWORD, client=f"c{i}") for i in range(2)]
    new = "a different long password"
    assert accounts.reset_password(app, "LEE", new) == ("lee", 2)
    assert all(accounts.find_session(app, s.token) is None for s in open_sessions)
    with pytest.raises(TalkdownError):
        accounts.sign_in(app, username="lee", password=PASSWORD, client="c")
    assert accounts.sign_in(app, username="lee", password=new, client="c").user.username == "lee"


def test_changing_an_account_that_does_not_exist_or_to_a_short_password_is_refused(app: App) -> None:
    _add(app)
    with pytest.raises(TalkdownError) as missing:
        accounts.set_disabled(app, "nobody", disabled=True)
    with pytest.raises(TalkdownError) as short:
        accounts.reset_password(app, "lee", "short")
    assert (missing.value.code, short.value.code) == ("TD250", "TD154")


def test_a_console_change_with_a_refused_password_changes_nothing(app: App) -> None:
    _add(app, "root", AccountRole.ADMIN)
    _add(app)
    admin = accounts.find_session(app, accounts.sign_in(app, username="root", password=PASSWORD, client="c").token)
    assert admin is not None
    with pytest.raises(TalkdownError) as short:
        accounts.change_user(app, "lee", by=admin, role=AccountRole.OBSERVER, disabled=True, password="short")
    assert short.value.code == "TD154" and ("lee", AccountRole.SCRIBE, False) in accounts.list_users(app)


def test_guesses_sent_at_once_are_throttled_as_if_sent_one_after_another(app: App) -> None:
    # The pause was read before each password check and the failure recorded after it: thirty guesses sent
    # together were all checked, where the fifth failure should pause the account.
    _add(app)
    tries = 3 * accounts.MAX_USER_FAILURES
    together = threading.Barrier(tries)

    def guess(n: int) -> str:
        together.wait()
        try:
            accounts.sign_in(app, username="lee", password=f"wrong guess {n}", client="10.0.0.9")
        except TalkdownError as exc:
            return exc.code
        return "signed in"

    with ThreadPoolExecutor(tries) as pool:
        codes = sorted(pool.map(guess, range(tries)))
    assert codes == ["TD150"] * accounts.MAX_USER_FAILURES + ["TD450"] * (tries - accounts.MAX_USER_FAILURES)


def test_a_flood_of_paused_sign_ins_writes_one_audit_row_a_minute_per_address(app: App, clock: FixedClock) -> None:
    # Every attempt refused by the pause wrote a "throttled" row, and a paused attempt costs no hash: one LAN
    # machine sent ~100 a second, each a write into the append-only audit log (kept for good, 50 MB an hour), each
    # waiting on the database lock the team's own entries wait on, and the admin's "recent" list showed nothing else.
    _add(app)
    for n in range(accounts.MAX_CLIENT_FAILURES):  # the address is paused for the rest of the 15-minute window
        with pytest.raises(TalkdownError):
            accounts.sign_in(app, username=f"guess{n}", password="wrong password!", client="10.6.6.6")
    for _ in range(15):  # this test's clock ticks a second at each reading: well within one minute
        with pytest.raises(TalkdownError) as paused:
            accounts.sign_in(app, username="lee", password=PASSWORD, client="10.6.6.6")
        assert paused.value.code == "TD450"  # still refused, every time
    clock.advance(accounts.THROTTLE_AUDIT_EVERY)
    with pytest.raises(TalkdownError) as later:
        accounts.sign_in(app, username="lee", password=PASSWORD, client="10.6.6.6")
    assert later.value.code == "TD450"
    rows = [(r.actor, r.outcome) for r in accounts.list_audit(app) if r.action == "login"]
    assert rows[accounts.MAX_CLIENT_FAILURES :] == [("user:lee", "throttled")] * 2  # the first, and a minute later


def test_failures_from_one_address_do_not_pause_the_account_at_another_address(app: App) -> None:
    # The pause was keyed on the account alone: anyone on the LAN could keep the team leader out during an incident
    # by typing a wrong password under her name whenever the pause ran out.
    _add(app, "boss", AccountRole.TEAM_LEADER)
    for _ in range(accounts.MAX_USER_FAILURES):
        with pytest.raises(TalkdownError):
            accounts.sign_in(app, username="boss", password="wrong password!", client="10.6.6.6")
    with pytest.raises(TalkdownError) as paused:
        accounts.sign_in(app, username="boss", password=PASSWORD, client="10.6.6.6")
    assert paused.value.code == "TD450"  # the address that guessed is paused, even with the right password
    assert accounts.sign_in(app, username="boss", password=PASSWORD, client="10.0.0.7").user.username == "boss"


def _slow_hash(password: str) -> str:
    """A real argon2id hash that takes about a second to check (and that sign-in re-hashes, its parameters not being
    the current ones): a sign-in checking it leaves a reset the time to happen in between."""
    return PasswordHasher(time_cost=40).hash(password)


@pytest.mark.parametrize("change", ["reset", "disable"])
def test_a_reset_or_disable_while_a_sign_in_checks_the_old_password_leaves_no_session(app: App, change: str) -> None:
    # The sign-in read the account, checked the password (argon2: the slow part), then stored its session. A reset
    # or a disable that ended the account's sessions meanwhile found none to end, and the session made after it with
    # the old password stayed valid; the sign-in's re-hash of the old password could even overwrite the new one.
    _add(app)
    app.accounts.update_user("lee", password_hash=_slow_hash(PASSWORD))
    new = "a different long password"
    with ThreadPoolExecutor(1) as pool:
        signing_in = pool.submit(accounts.sign_in, app, username="lee", password=PASSWORD, client="10.0.0.5")
        while not accounts._SIGN_IN.locked() and not signing_in.done():  # its check has begun: it read the account
            threading.Event().wait(0.001)
        if change == "reset":  # hashing the new password first: the sign-in has long read the old hash by then
            accounts.reset_password(app, "lee", new, by="user:admin")
        else:
            accounts.set_disabled(app, "lee", disabled=True, by="user:admin")
        try:
            session = signing_in.result()
        except TalkdownError as exc:
            assert exc.code == "TD150"  # refused: the password it checked is no longer the account's
        else:
            assert accounts.find_session(app, session.token) is None  # or made, and ended with the others
    if change == "disable":
        accounts.set_disabled(app, "lee", disabled=False, by="user:admin")
    with app.store.engine.connect() as conn:
        live = conn.execute(text("SELECT count(*) FROM sessions WHERE revoked = :f"), {"f": False}).scalar_one()
    assert live == 0  # no session of the old password, once the account is enabled again either
    if change == "reset":
        assert accounts.sign_in(app, username="lee", password=new, client="10.0.0.5").user.username == "lee"


def test_a_session_is_stored_only_for_the_password_hash_the_account_still_has_and_while_it_is_enabled(
    app: App, clock: FixedClock
) -> None:
    _add(app)
    checked = app.accounts.find_user("lee")
    assert checked is not None

    def store(token: str) -> bool:
        now = clock.now()
        return app.accounts.add_session(
            token_hash=token, username="lee", csrf_token="c", created_at=now, expires_at=now + timedelta(hours=1),
            password_hash=checked.password_hash,
        )  # fmt: skip

    assert store("a" * 64)
    accounts.set_disabled(app, "lee", disabled=True, by="user:admin")
    assert not store("b" * 64)
    accounts.set_disabled(app, "lee", disabled=False, by="user:admin")
    accounts.reset_password(app, "lee", "a different long password", by="user:admin")
    assert not store("c" * 64)  # the sign-in checked the password before the reset
    assert _session_count(app) == 1  # the first, ended by the disable
