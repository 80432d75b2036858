"""The write commands, declared once and served twice: as JSON API calls and as the pages' form posts.

Why a table: each entry the team records (a line, a demand, a hostage, an intel item …) is one service
call with one input model and one permission. Declaring it once keeps the API, the forms, the OpenAPI
schema and the permission matrix from drifting apart. The JSON route answers ``Recorded`` (201); the form
route answers an alert fragment, because the board itself is updated for everyone over SSE.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Body, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel

from talkdown.errors import TalkdownError
from talkdown.services import accounts, diplomatic, dismiss, entries, incidents, live
from talkdown.services.accounts import Permission, SignedIn
from talkdown.services.analysis_worker import AnalysisWorker
from talkdown.services.wiring import App
from talkdown.web import schemas as s
from talkdown.web.deps import AppDep, CurrentIncident, allow

Runner = Callable[[App, str, Any], s.Recorded]  # the body is the command's own validated model


@dataclass(frozen=True)
class Command:
    path: str
    model: type[BaseModel]
    permission: Permission
    run: Runner
    summary: str
    analyses: bool = False  # logs a line, whose analysis follows in the worker (or after the response)


def _utterance(app: App, ref: str, b: s.UtteranceIn) -> s.Recorded:
    seq = live.log_line(app, ref, speaker=b.speaker, text=b.text, channel=b.channel, role_if_new=b.role_if_new)
    return s.Recorded(seq=seq)


def _mark(app: App, ref: str, b: s.MarkIn) -> s.Recorded:
    marked = live.mark_from_line(app, ref, seq=b.seq, mark=b.mark, due=b.due, item=b.item)
    return s.Recorded(seq=marked.seq, id=marked.entity_id)


def _deadline(app: App, ref: str, b: s.DeadlineIn) -> s.Recorded:
    if b.due_at is not None:
        due = b.due_at
    elif b.due_in:
        due = app.clock.now() + entries.parse_duration(b.due_in)
    else:
        raise TalkdownError("TD105", value="", what="deadline", problem="give due_at or due_in (e.g. 30m)")
    did, seq = entries.set_deadline(
        app, ref, due_at=due, description=b.description, demand_id=b.demand_id, utterance_seq=b.utterance_seq
    )
    return s.Recorded(seq=seq, id=did)


def _pair(result: tuple[str, int]) -> s.Recorded:
    return s.Recorded(seq=result[1], id=result[0])


COMMANDS: tuple[Command, ...] = (
    Command("utterances", s.UtteranceIn, Permission.LOG_UTTERANCE, _utterance, "Log an utterance", analyses=True),
    Command("marks", s.MarkIn, Permission.RECORD_ENTRY, _mark, "Record a demand, deadline or promise from a line"),
    Command(
        "parties",
        s.PartyIn,
        Permission.RECORD_ENTRY,
        lambda a, r, b: _pair(entries.add_party(a, r, name=b.name, role=b.role)),
        "Add a party",
    ),
    Command(
        "demands",
        s.DemandIn,
        Permission.RECORD_ENTRY,
        lambda a, r, b: _pair(entries.record_demand(a, r, **b.model_dump())),
        "Record a demand",
    ),
    Command(
        "demand-status",
        s.DemandStatusIn,
        Permission.RECORD_ENTRY,
        lambda a, r, b: s.Recorded(seq=entries.change_demand(a, r, **b.model_dump())),
        "Change a demand's status",
    ),
    Command("deadlines", s.DeadlineIn, Permission.RECORD_ENTRY, _deadline, "Record a deadline"),
    Command(
        "deadline-status",
        s.DeadlineStatusIn,
        Permission.RECORD_ENTRY,
        lambda a, r, b: s.Recorded(seq=entries.change_deadline(a, r, **b.model_dump())),
        "Change a deadline's status",
    ),
    Command(
        "promises",
        s.PromiseIn,
        Permission.RECORD_ENTRY,
        lambda a, r, b: _pair(entries.make_promise(a, r, **b.model_dump())),
        "Record a promise made to the subject",
    ),
    Command(
        "promise-status",
        s.CommitmentStatusIn,
        Permission.RECORD_ENTRY,
        lambda a, r, b: s.Recorded(
            seq=entries.change_promise(a, r, promise_id=b.commitment_id, status=b.status, reason=b.reason)
        ),
        "Mark a promise kept or broken",
    ),
    Command(
        "concessions",
        s.ConcessionIn,
        Permission.RECORD_ENTRY,
        lambda a, r, b: _pair(entries.grant_concession(a, r, **b.model_dump())),
        "Record a concession",
    ),
    Command(
        "concession-status",
        s.CommitmentStatusIn,
        Permission.RECORD_ENTRY,
        lambda a, r, b: s.Recorded(
            seq=entries.change_concession(a, r, concession_id=b.commitment_id, status=b.status, reason=b.reason)
        ),
        "Mark a concession kept or broken",
    ),
    Command(
        "hostages",
        s.HostageIn,
        Permission.RECORD_ENTRY,
        lambda a, r, b: _pair(entries.record_hostage(a, r, **b.model_dump())),
        "Record a hostage",
    ),
    Command(
        "hostage-condition",
        s.HostageConditionIn,
        Permission.RECORD_ENTRY,
        lambda a, r, b: s.Recorded(seq=entries.change_hostage(a, r, **b.model_dump())),
        "Change a hostage's condition",
    ),
    Command(
        "hostage-release",
        s.HostageReleaseIn,
        Permission.RECORD_ENTRY,
        lambda a, r, b: s.Recorded(seq=entries.release_hostage(a, r, **b.model_dump())),
        "Record a hostage's release",
    ),
    Command(
        "intel",
        s.IntelIn,
        Permission.ADD_INTEL,
        lambda a, r, b: _pair(entries.add_intel(a, r, **b.model_dump())),
        "Add an intelligence item with its Admiralty grade",
    ),
    Command(
        "notes",
        s.NoteIn,
        Permission.ADD_NOTE,
        lambda a, r, b: s.Recorded(seq=entries.add_note(a, r, text=b.text, kind=b.kind)),
        "Add a note",
    ),
    # The diplomatic track (services/diplomatic.py, ``talkdown diplomatic ...``): entries the team records, as the
    # ledger's are, so the ledger's permission (the same roles, and refused on a simulated session as they are).
    Command(
        "stakeholders",
        s.StakeholderIn,
        Permission.RECORD_ENTRY,
        lambda a, r, b: _pair(
            diplomatic.add_stakeholder(a, r, name=b.name, kind=b.kind, country=b.country, stance=b.stance)
        ),
        "Add a stakeholder of the diplomatic track",
    ),
    Command(
        "channels",
        s.ChannelIn,
        Permission.RECORD_ENTRY,
        lambda a, r, b: _pair(
            diplomatic.open_channel(a, r, kind=b.kind, description=b.description, with_=b.stakeholders)
        ),
        "Record a negotiation channel (official, back-channel or multilateral)",
    ),
    Command(
        "constraints",
        s.ConstraintIn,
        Permission.RECORD_ENTRY,
        lambda a, r, b: _pair(diplomatic.note_constraint(a, r, description=b.description, legal=b.legal)),
        "Record a legal or policy constraint",
    ),
    Command(
        "media-events",
        s.MediaEventIn,
        Permission.RECORD_ENTRY,
        lambda a, r, b: _pair(diplomatic.record_media(a, r, **b.model_dump())),
        "Record a media event",
    ),
    Command(
        "statements",
        s.StatementIn,
        Permission.RECORD_ENTRY,
        lambda a, r, b: _pair(diplomatic.state_support(a, r, **b.model_dump())),
        "Record a statement of support or opposition",
    ),
    Command(
        "close",
        s.CloseIn,
        Permission.CLOSE_INCIDENT,
        lambda a, r, b: s.Recorded(seq=incidents.close_incident(a, r, outcome=b.outcome, reason=b.reason)),
        "Close the incident (it can be reopened; nothing is deleted)",
    ),
    Command(
        "reopen",
        s.ReopenIn,
        Permission.CLOSE_INCIDENT,
        lambda a, r, b: s.Recorded(seq=incidents.reopen_incident(a, r, reason=b.reason)),
        "Reopen a closed incident",
    ),
    Command(
        "advice-dismissals",
        s.DismissIn,
        Permission.DISMISS_ADVICE,
        lambda a, r, b: s.Recorded(seq=dismiss.dismiss_advice(a, r, advice_id=b.advice_id, reason=b.reason)),
        "Dismiss an advice item, with the reason",
    ),
)


def _analyse_later(request: Request, background: BackgroundTasks, app: App, incident_id: str, seq: int) -> None:
    """Wake the analysis worker for the new line, or analyse it in this process after the response.

    The fallback serves tests and a server whose worker is off, failed to start or died: the line's
    analysis is then slower for everyone, but never missing. It runs after the line's seq was answered, so a
    failure there is logged as an analysis not stored, never as an entry not saved (``live.analyse_after_logging``).
    """
    worker: AnalysisWorker | None = request.app.state.analysis_worker
    if worker is None or not worker.notify(incident_id):
        background.add_task(live.analyse_after_logging, app, incident_id, seq)


def _endpoint(cmd: Command, *, form: bool) -> Callable[..., Any]:
    """A route function whose signature names the command's model, so FastAPI validates and documents it."""

    def run(
        request: Request, background: BackgroundTasks, app: App, user: SignedIn, incident_id: str, body: BaseModel
    ) -> Any:
        result = cmd.run(accounts.acting_as(app, user), incident_id, body)
        # This process's boards read it now, not at their next poll; after the response, which comes first.
        background.add_task(request.app.state.hub.poke, incident_id)
        if cmd.analyses:
            _analyse_later(request, background, app, incident_id, result.seq)
        if not form:
            return result
        templates = request.app.state.templates
        message = f"{cmd.summary}: saved" + (f" (seq {result.seq})" if result.seq else "")
        return templates.TemplateResponse(request, "_alert.html", {"level": "ok", "message": message, "code": None})

    marker = Form() if form else Body()
    params = [
        inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
        inspect.Parameter("background", inspect.Parameter.KEYWORD_ONLY, annotation=BackgroundTasks),
        inspect.Parameter("app", inspect.Parameter.KEYWORD_ONLY, annotation=AppDep),
        inspect.Parameter(
            "user", inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[SignedIn, Depends(allow(cmd.permission))]
        ),
        inspect.Parameter("incident_id", inspect.Parameter.KEYWORD_ONLY, annotation=CurrentIncident),
        inspect.Parameter("body", inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[cmd.model, marker]),
    ]
    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]  # FastAPI reads __signature__
    run.__name__ = ("form_" if form else "api_") + cmd.path.replace("-", "_")
    return run


def build_routers() -> tuple[APIRouter, APIRouter]:
    api = APIRouter(prefix="/api/incidents/{incident_id}", responses={401: {}, 403: {}, 404: {}, 409: {}})
    pages = APIRouter(prefix="/incidents/{incident_id}", include_in_schema=False)
    for cmd in COMMANDS:
        api.add_api_route(
            f"/{cmd.path}",
            _endpoint(cmd, form=False),
            methods=["POST"],
            status_code=201,
            response_model=s.Recorded,
            summary=cmd.summary,
            tags=["entries"],
            openapi_extra={"x-permission": cmd.permission.name.lower()},
        )
        pages.add_api_route(f"/{cmd.path}", _endpoint(cmd, form=True), methods=["POST"], response_class=Response)
    return api, pages
