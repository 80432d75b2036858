"""Training pages: the scenarios, a trainee's chat with the simulated subject, and the instructor's controls.

A session is an ordinary incident (``mode=training``) run by ``services.train``; these pages only start it,
post the trainee's lines and the instructor's injects, and show the transcript. Every page reads with
``READ``; a trainee's line needs ``TRAIN`` (team leader, instructor, negotiator). The gauges, the inject
buttons and the inject route need ``INSTRUCT`` (instructors only): a trainee must not see the subject's
state he is meant to read, nor steer it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from talkdown.domain.state import IncidentState
from talkdown.domain.text import LONG_TEXT_MAX, SHORT_TEXT_MAX
from talkdown.errors import TalkdownError
from talkdown.services import accounts, train
from talkdown.services.accounts import Permission
from talkdown.services.wiring import App
from talkdown.web.deps import AppDep, Instructor, Reader, Trainer, audit_refusal
from talkdown.web.routes.pages import _page
from talkdown.web.schemas import MAX_SEQ

router = APIRouter(include_in_schema=False)
GAUGES = ("arousal", "trust", "hopelessness", "face")


def _session(app: App, session_id: str) -> IncidentState:
    """The training session's state; TD232 for no session, TD330 for an incident that is not one."""
    return train.get_session(app, session_id[:64])


@router.get("/training")
def training_list(request: Request, app: AppDep, user: Reader) -> Response:
    sessions = train.list_sessions(app)
    readable = {s.session_id for s in sessions if train.may_read_debrief(s, user)}
    return _page(
        request,
        "training/list.html",
        user,
        scenarios=train.list_scenarios(),
        sessions=sessions,
        readable=readable,
    )


@router.post("/training")
def training_start(
    app: AppDep, user: Trainer, scenario: Annotated[str, Form(max_length=200)], seed: Annotated[int, Form()] = 0
) -> Response:
    started = train.start_session(accounts.acting_as(app, user), scenario=scenario, seed=seed, trainee=user.username)
    return RedirectResponse(f"/training/{started.session_id}", status_code=303)


@router.get("/training/{session_id}")
def training_session(request: Request, app: AppDep, user: Reader, session_id: str) -> Response:
    state = _session(app, session_id)
    instructor = user.may(Permission.INSTRUCT)
    gauges = train.get_session_state(app, state.incident_id) if instructor else {}
    info = train.get_session_scenario(app, state.incident_id)  # its own injects, not a shipped namesake's
    return _page(
        request,
        "training/session.html",
        user,
        state=state,
        scenario=info,
        instructor=instructor,
        gauges=gauges,
        gauge_names=GAUGES,
        trainee=train.TRAINEE,
        own=train.is_run_by(state, user),
        debrief=train.may_read_debrief(state, user),
    )


@router.get("/training/{session_id}/changed")
def training_changed(
    app: AppDep, user: Reader, session_id: str, seq: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0
) -> Response:
    """Whether the log moved past ``seq``: the watching page's poll, answered by a reload (``HX-Refresh``) if so.

    An instructor watching a trainee's session (or an observer) saw its lines, gauges and end only on reloading
    by hand: the trainee's lines come from another browser or a terminal. The page polls this (the trainee's
    own page does not: a reload would drop the line he is typing; his own posts reload it).
    """
    del user
    moved = _session(app, session_id).head_seq != seq
    return Response(status_code=204, headers={"HX-Refresh": "true"} if moved else {})


@router.get("/training/{session_id}/debrief")
def training_debrief(request: Request, app: AppDep, user: Reader, session_id: str) -> Response:
    """The scored debrief: the same body as ``talkdown train debrief --html`` (``sim.debrief.render_body``)."""
    state = _session(app, session_id)
    try:
        body = train.debrief_body(app, state.incident_id, user=user)
    except TalkdownError as exc:
        if exc.code == "TD350":
            audit_refusal(request, app, user, detail="not the trainee")
        raise
    # render_body escapes every value itself (html.escape); marking its result safe adds no user text unescaped.
    return _page(request, "training/debrief.html", user, state=state, body=Markup(body))  # noqa: S704


@router.post("/training/{session_id}/say")
def training_say(
    request: Request, app: AppDep, user: Trainer, session_id: str, text: Annotated[str, Form(max_length=LONG_TEXT_MAX)]
) -> Response:
    state = _session(app, session_id)
    if not train.is_run_by(state, user):  # his debrief would score another's line as his
        audit_refusal(request, app, user, detail="not the trainee")
        raise TalkdownError("TD350", role=user.role.value, action="say a line in another trainee's session")
    train.take_turn(accounts.acting_as(app, user), state.incident_id, text=text)
    return _back_to(request, state.incident_id)


@router.post("/training/{session_id}/inject")
def training_inject(
    request: Request, app: AppDep, user: Instructor, session_id: str, inject: Annotated[str, Form(max_length=200)]
) -> Response:
    state = _session(app, session_id)
    train.issue_inject(accounts.acting_as(app, user), state.incident_id, inject=inject)
    return _back_to(request, state.incident_id)


@router.post("/training/{session_id}/end")
def training_end(
    request: Request,
    app: AppDep,
    user: Trainer,
    session_id: str,
    reason: Annotated[str, Form(max_length=SHORT_TEXT_MAX)] = "",
) -> Response:
    """Stop a running session (``talkdown train end``): it ends unresolved, with the reason.

    An instructor stops anyone's; a trainee his own, when he is done practising: his debrief opens only once
    the session has ended, and a trainee alone in the console had no way to get there.
    """
    state = _session(app, session_id)
    if not (user.may(Permission.INSTRUCT) or train.is_run_by(state, user)):
        audit_refusal(request, app, user, detail="not the trainee")
        raise TalkdownError("TD350", role=user.role.value, action="end another trainee's session")
    train.end_session(accounts.acting_as(app, user), state.incident_id, reason=reason)
    return _back_to(request, state.incident_id)


def _back_to(request: Request, session_id: str) -> Response:
    """The session page again: a reload for the page's own HTMX post, a redirect for a plain form post.

    The forms post through HTMX so that a refused line (empty, the session ended meanwhile, an inject
    the scenario lacks) shows as an alert above the form, with the typed text still in it, instead of
    replacing the page by the problem+json body; without JavaScript they still post and redirect.
    """
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=204, headers={"HX-Refresh": "true"})
    return RedirectResponse(f"/training/{session_id}", status_code=303)
