"""``talkdown serve`` and ``talkdown user add|list``: the LIVE console and its accounts.

Why localhost by default: the console holds an incident's record; serving it on a network must be a
deliberate choice (``--lan``), and without TLS the session cookie would cross that network in clear, so
``--lan`` without a certificate prints a warning. ``--demo`` is what ``make run`` uses: it shows the demo
incident (the open one if there is one, else a new copy left open; ``--fresh-demo`` always records a new
copy), analyses it, and makes sure a demo team-leader account exists.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from talkdown.cli.state import JSON_OPTION, STATE, echo_json
from talkdown.domain.text import counted
from talkdown.errors import TalkdownError
from talkdown.services import accounts
from talkdown.settings import is_loopback

if TYPE_CHECKING:
    from talkdown.services.wiring import App

DEMO_USER = "demo"
DEMO_PASSWORD = "talkdown-demo"  # noqa: S105  # printed by `make run`; demo databases only, by design

ROLES_HELP = ", ".join(r.value for r in accounts.AccountRole) + "."
PASSWORD_STDIN = typer.Option(False, "--password-stdin", help="Read the password from standard input.")


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; localhost by default."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    lan: bool = typer.Option(False, "--lan", help="Serve on all interfaces (0.0.0.0) for a command-post LAN."),
    tls_cert: Path | None = typer.Option(None, "--tls-cert", exists=True, dir_okay=False, help="PEM certificate."),
    tls_key: Path | None = typer.Option(None, "--tls-key", exists=True, dir_okay=False, help="PEM private key."),
    demo: bool = typer.Option(
        False, "--demo", help="Show the demo incident (reusing an open one) and make sure the demo account exists."
    ),
    fresh_demo: bool = typer.Option(
        False, "--fresh-demo", help="Like --demo, but record a new copy of the demo incident even if one is open."
    ),
    policy: Path | None = typer.Option(
        None,
        "--policy",
        help="Agency policy YAML the boards, the advice API and the report follow (default: TALKDOWN_POLICY_FILE, "
        "else the doctrine defaults; docs/advisor.md).",
    ),
) -> None:
    """Start the web console."""
    import uvicorn

    from talkdown.services.demo import open_live_demo
    from talkdown.services.live import analyse_pending, policy_name

    if (tls_cert is None) != (tls_key is None):
        raise typer.BadParameter("give both --tls-cert and --tls-key, or neither")
    tls = tls_cert is not None
    bind = "0.0.0.0" if lan else host  # noqa: S104  # only with the explicit --lan flag, warned below
    _check_free(bind, port)
    app = STATE.app()
    advice_policy = policy_name(app, policy)  # TD640-TD643 now, one line, before uvicorn or the demo starts
    if not is_loopback(bind):
        _refuse_the_demo_password(app, demo=demo or fresh_demo)
    # Configured after the checks, so a refusal is one error line (as for every other command), not preceded by
    # the database's migration log.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    scheme = "https" if tls else "http"
    if demo or fresh_demo:
        incident_id, reused = open_live_demo(app, fresh=fresh_demo)
        if not reused:  # ~200 lines and the models' first load: seconds of silence before the address otherwise
            typer.echo("analysing the new demo incident's lines (a few seconds)...", err=True)
        analyse_pending(app, incident_id)
        if app.accounts.find_user(DEMO_USER) is None:
            accounts.add_user(
                app, username=DEMO_USER, role=accounts.AccountRole.TEAM_LEADER, password=DEMO_PASSWORD, by="system:demo"
            )
        if reused:
            typer.echo(f"demo incident: {incident_id} (the open demo, reused; --fresh-demo records a new copy)")
        else:
            typer.echo(f"demo incident: {incident_id} (new)")
        typer.echo(f"console: {scheme}://{'127.0.0.1' if bind == '0.0.0.0' else bind}:{port}/incidents/{incident_id}")  # noqa: S104
        typer.echo(f"demo login: {DEMO_USER} / {DEMO_PASSWORD}")
    else:
        typer.echo(f"console: {scheme}://{bind}:{port}/")
        if not any(not disabled for _, _, disabled in accounts.list_users(app)):
            typer.echo(NO_ACCOUNT_HINT, err=True)
    typer.echo(f"advice policy: {advice_policy}" + _policy_source(policy or app.settings.policy_file))
    proxies = list(app.settings.trusted_proxies)
    if not is_loopback(bind) and not tls:
        typer.secho(clear_text_warning(proxies, port), fg="yellow", err=True)
    os.environ["TALKDOWN_WEB_TLS"] = "1" if tls else "0"  # read by talkdown.web.app:create_app_from_env
    os.environ["TALKDOWN_WEB_LOCAL"] = "1" if is_loopback(bind) else "0"  # answer loopback names only (TD112)
    if policy is not None:  # the console reads its settings again (create_app_from_env): the option goes as one
        os.environ[POLICY_ENV] = str(policy.absolute())
    uvicorn.run(
        "talkdown.web.app:create_app_from_env",
        factory=True,
        host=bind,
        port=port,
        ssl_certfile=str(tls_cert) if tls_cert else None,
        ssl_keyfile=str(tls_key) if tls_key else None,
        # Forwarded headers only from the proxies the operator named (TALKDOWN_TRUSTED_PROXIES): uvicorn's
        # default believes them from 127.0.0.1, which on a console without a proxy is every local process.
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        log_level="info",
        # An open board's live stream never ends by itself: without a limit, Ctrl-C waited for it forever
        # ("Waiting for background tasks to complete"); boards reconnect to the next start on their own.
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )


POLICY_ENV = "TALKDOWN_POLICY_FILE"


def _policy_source(path: Path | None) -> str:
    """Where the policy came from, so whoever starts the console sees which file its advice follows."""
    return f" ({path})" if path is not None else " (no TALKDOWN_POLICY_FILE or --policy: the doctrine defaults)"


NO_ACCOUNT_HINT = (
    "no console account can sign in yet: add one with 'talkdown user add NAME --role admin' "
    "(the console then picks it up), or try the demo with 'talkdown serve --demo'"
)
"""Why: on a fresh machine the console opened on a sign-in page that no name and password could pass, and
nothing said that accounts are made on the command line."""

GRACEFUL_SHUTDOWN_S = 5
"""Seconds a stopping console gives open requests and streams before closing them."""


def clear_text_warning(proxies: list[str], port: int) -> str:
    """Why two wordings: behind a TLS proxy (TALKDOWN_TRUSTED_PROXIES) "use --tls-cert" was wrong advice; the
    risk left is a caller that reaches the port directly, past the proxy."""
    if proxies:
        return (
            f"warning: serving on the network without TLS of its own; callers that reach port {port} directly, not "
            f"through the trusted proxies ({', '.join(proxies)}), send passwords and session cookies in clear. "
            "Let only the proxy reach this port (firewall), or use --tls-cert/--tls-key."
        )
    return (
        "warning: serving on the network without TLS; passwords and session cookies cross it in clear. "
        "Use --tls-cert/--tls-key, or a TLS proxy named in TALKDOWN_TRUSTED_PROXIES."
    )


def user_add(
    name: str = typer.Argument(..., help="Account name: letters, digits, '.', '_' or '-'."),
    role: str = typer.Option(..., "--role", help=ROLES_HELP),
    password_stdin: bool = PASSWORD_STDIN,
    json_out: bool = JSON_OPTION,
) -> None:
    """Create a console account (the password is stored only as an argon2id hash)."""
    parsed = accounts.parse_role(role)
    password = _password(password_stdin, command=f"talkdown user add {name} --role {parsed.value}")
    username = accounts.add_user(STATE.app(), username=name, role=parsed, password=password)
    if json_out:
        echo_json({"username": username, "role": parsed.value})
    else:
        typer.echo(f"added {username} ({parsed.value})")


def _password(from_stdin: bool, *, command: str) -> str:
    """The new password: one line of standard input, or typed twice at a hidden prompt (TD156 when stdin ends).

    Why TD156: with standard input closed or empty (a script, a cron job, ``< /dev/null``) the prompt met the
    end of input and Click printed a bare "Aborted." (exit 1), which said neither what was missing nor how to
    give a password without a terminal. Ctrl-C at the prompt stays Click's "Aborted.": the user chose to stop.
    """
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise TalkdownError("TD156", problem="standard input was empty", command=command)
        return line.rstrip("\r\n")
    try:
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    except typer.Abort as exc:
        if not isinstance(exc.__context__, EOFError):
            raise
        raise TalkdownError("TD156", problem="standard input ended at the password prompt", command=command) from None


NAME = typer.Argument(..., help="Account name.")


def user_disable(name: str = NAME, json_out: bool = JSON_OPTION) -> None:
    """Disable an account: it cannot sign in, and its open sessions end (enabling it again does not revive them)."""
    _changed(accounts.set_disabled(STATE.app(), name, disabled=True), "disabled", json_out)


def user_enable(name: str = NAME, json_out: bool = JSON_OPTION) -> None:
    """Enable a disabled account again."""
    _changed(accounts.set_disabled(STATE.app(), name, disabled=False), "enabled", json_out)


def user_role(
    name: str = NAME,
    role: str = typer.Argument(..., help=ROLES_HELP),
    json_out: bool = JSON_OPTION,
) -> None:
    """Change an account's role (from its next request)."""
    parsed = accounts.parse_role(role)
    _changed(accounts.set_role(STATE.app(), name, parsed), f"now {parsed.value}", json_out)


def user_password(
    name: str = NAME,
    password_stdin: bool = PASSWORD_STDIN,
    json_out: bool = JSON_OPTION,
) -> None:
    """Set a new password; the account's open sessions end (whoever knew the old one is signed out)."""
    password = _password(password_stdin, command=f"talkdown user password {name}")
    username, ended = accounts.reset_password(STATE.app(), name, password)
    _changed(username, f"password set; {counted(ended, 'open session')} ended", json_out, sessions_ended=ended)


def _changed(username: str, what: str, json_out: bool, **more: int) -> None:
    if json_out:
        echo_json({"username": username, "change": what, **more})
    else:
        typer.echo(f"{username}: {what}")


def user_list(json_out: bool = JSON_OPTION) -> None:
    """List console accounts."""
    rows = accounts.list_users(STATE.app())
    if json_out:
        echo_json([{"username": n, "role": r.value, "disabled": d} for n, r, d in rows])
        return
    for name, role, disabled in rows:
        typer.echo("\t".join([name, role.value, *(["disabled"] if disabled else [])]))


def register(app: typer.Typer) -> None:
    app.command("serve", help="Start the LIVE web console (localhost unless --lan).")(serve)
    users = typer.Typer(no_args_is_help=True)
    users.command("add")(user_add)
    users.command("list")(user_list)
    users.command("disable")(user_disable)
    users.command("enable")(user_enable)
    users.command("role")(user_role)
    users.command("password")(user_password)
    app.add_typer(users, name="user", help="Console accounts.")


def _refuse_the_demo_password(app: App, *, demo: bool) -> None:
    """TD606 when the console would go on a network with the demo account's published password.

    Why refuse rather than warn: ``make run`` (``serve --demo``) adds that team-leader account to the
    installation's own database and it stays there; a later ``serve --lan`` for the team would let anyone on
    the command-post network sign in with the password the README prints, write the record and export it.
    """
    found = app.accounts.find_user(DEMO_USER)
    if (demo and found is None) or accounts.has_password(app, DEMO_USER, DEMO_PASSWORD):
        role = found.role if found else accounts.AccountRole.TEAM_LEADER.value
        raise TalkdownError("TD606", username=DEMO_USER, role=role)


def _check_free(host: str, port: int) -> None:
    """TD605 before anything is printed or loaded: uvicorn would log the bind error after the console's address
    and the startup, and exit 3 with no code. Bound as uvicorn binds (SO_REUSEADDR), then let go."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise TalkdownError("TD605", host=host, port=port, problem=exc.strerror or str(exc)) from exc
