"""The JSON API's reads, opening an incident and exports: everything the pages show, for other tools.

Closing and reopening are in ``commands.py``'s table, so the board's forms and the API share them.

Every route names the permission it needs through its user dependency (``deps.Reader`` …); the role ×
endpoint matrix in ``tests/web/test_permissions.py`` holds each one to it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse

from talkdown.domain.state import IncidentState
from talkdown.services import accounts, incidents, live, train, transcripts, verify
from talkdown.web.deps import AppDep, CurrentIncident, Exporter, Opener, Reader, client_of
from talkdown.web.schemas import (
    AdviceListOut,
    AnnotationOut,
    HeadOut,
    IncidentIn,
    IncidentOut,
    Recorded,
    VerifyOut,
)

router = APIRouter(prefix="/api", responses={401: {}, 403: {}})
ExportFormat = Literal["events", "text", "vtt", "srt", "csv", "jsonl"]


@router.get("/incidents", tags=["incidents"])
def list_incidents(app: AppDep, user: Reader) -> list[IncidentOut]:
    del user
    return [IncidentOut(**vars(s)) for s in incidents.list_incidents(app, status=True)]


@router.post("/incidents", tags=["incidents"], status_code=201)
def open_incident(app: AppDep, user: Opener, body: IncidentIn) -> Recorded:
    incident_id = incidents.open_incident(
        accounts.acting_as(app, user),
        title=body.title,
        incident_type=body.incident_type,
        location=body.location,
        description=body.description,
    )
    return Recorded(seq=1, id=incident_id)


@router.get("/incidents/{incident_id}", tags=["incidents"], responses={404: {}})
def show_incident(app: AppDep, user: Reader, incident_id: CurrentIncident) -> IncidentState:
    """The incident's current state: the fold of its log, corrections applied.

    For a training session, only instructors get an instructor's own scenario (``source_meta.scenario_spec``)
    and, while it runs, the subject's intent logged with each reply (``extra.intent``) and the notes others added
    (an instructor's plans and assessment): a trainee would read the subject's dynamics and what he is really
    after in them (``train.as_read_by``).
    """
    return train.as_read_by(incidents.get_incident(app, incident_id), user)


@router.get("/incidents/{incident_id}/annotations", tags=["analysis"], responses={404: {}})
def list_annotations(app: AppDep, user: Reader, incident_id: CurrentIncident) -> dict[int, list[AnnotationOut]]:
    """Stored analysis of each utterance (current analyser versions), keyed by utterance seq."""
    del user
    return {
        seq: [AnnotationOut.model_validate(a.model_dump()) for a in anns]
        for seq, anns in live.annotations_of(app, incident_id).items()
    }


@router.get("/incidents/{incident_id}/advice", tags=["analysis"], responses={404: {}})
def list_advice(app: AppDep, user: Reader, incident_id: CurrentIncident) -> AdviceListOut:
    """The board's advice, as ``talkdown advise --json`` gives it: under the policy in force (``policy``), and
    ``incident_open`` false for a closed incident, whose empty list is not a quiet log's."""
    del user
    return AdviceListOut.model_validate(live.advice_list(app, incident_id).to_json())


@router.get("/incidents/{incident_id}/verify", tags=["integrity"], responses={404: {}, 500: {}})
def verify_incident(app: AppDep, user: Reader, incident_id: CurrentIncident) -> VerifyOut:
    """Recompute the hash chain; a broken chain is a TD501/TD502 problem naming the first bad seq."""
    del user
    result = verify.verify_incident(app, incident_id)
    return VerifyOut(ok=result.ok, count=result.count, head_seq=result.head_seq, head_hash=result.head_hash)


@router.get("/incidents/{incident_id}/head", tags=["integrity"], responses={404: {}})
def head(app: AppDep, user: Reader, incident_id: CurrentIncident) -> HeadOut:
    del user
    h = verify.get_head(app, incident_id)
    return HeadOut(**vars(h), paper_line=h.paper_line)


@router.get(
    "/incidents/{incident_id}/export",
    tags=["integrity"],
    response_class=PlainTextResponse,
    responses={404: {}, 200: {"content": {"text/plain": {}}}},
)
def export(
    request: Request,
    app: AppDep,
    user: Exporter,
    incident_id: CurrentIncident,
    format: Annotated[ExportFormat, Query()] = "events",
) -> PlainTextResponse:
    """The hash-chained event log (``events``) or a transcript; every export is recorded in the audit log.

    A running training session's event log goes to instructors only (TD334): it holds the subject's intent and the
    scenario the trainee is there to find out; its transcripts leave the intent out (``_running_session``).
    """
    if format == "events":
        text, name = verify.export_event_log_for(app, incident_id, user=user), f"{incident_id}.events.json"
    else:
        text, name = transcripts.export_transcript(app, incident_id, fmt=format), f"{incident_id}.{format}"
    accounts.audit(app, actor=user.actor, action="export", target=incident_id, client=client_of(request), detail=format)
    return PlainTextResponse(text, headers={"Content-Disposition": f'attachment; filename="{name}"'})
