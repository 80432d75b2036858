"""Live fan-out: ``GET /incidents/{id}/stream`` tails an incident's log by seq and pushes board fragments.

Why the store and not an in-process bus: a teammate's entry may come from another console process, the
CLI or the phone-text gateway, so the log is the only bus every writer shares, and reading it by seq
works across processes and restarts. One ``Tail`` per incident and event loop reads and renders for all
of that process's subscribers, so fifty open boards cost one query per read.

When a tail reads depends on the backend. SQLite has no change notification, so it polls every
``poll_interval_s`` (50 ms), and an entry posted to this process wakes it at once (``Hub.poke``). On
PostgreSQL every commit sends a NOTIFY (``store/notify.py``) and the process's one LISTEN connection wakes
the tail (``services/live_notify.py``): a line from any process shows without waiting for a poll, and an
idle board costs no query. A notification is only a wake-up, the tail still reads by seq, and it reads
anyway every ``safety_poll_s`` (2 s), so a notification lost to a dropped connection delays a line but
never loses it (the listener also wakes every tail when it reconnects).

Each message's SSE ``id`` is the last seq it carries. A browser that reconnects sends ``Last-Event-ID`` and
first gets what it missed, read from the store, then joins the tail; messages it has already seen are
skipped and a gap is filled from the store, so no line is lost or shown twice. A line is pushed as soon as
it is committed and pushed again, with its chips, when its analysis is stored (analysis runs after the
commit, CONVENTIONS §6; on PostgreSQL storing it notifies too). The side panels are re-rendered at most
once per ``PANEL_INTERVAL_S``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from fastapi.sse import KEEPALIVE_COMMENT, format_sse_event
from starlette.concurrency import run_in_threadpool

from talkdown.domain.log import Envelope
from talkdown.services import accounts, live, live_notify
from talkdown.services.wiring import App
from talkdown.web.config import WebConfig
from talkdown.web.deps import SESSION_COOKIE, AppDep, CurrentIncident, Reader
from talkdown.web.rendering import PANELS, Fragments
from talkdown.web.schemas import MAX_SEQ

log = logging.getLogger(__name__)
PANEL_INTERVAL_S = 0.5
KEEPALIVE_S = 15.0  # a comment after this long without a message
STARTUP_WAIT_S = 60.0  # how long a new tail waits for the analysis of lines logged before it started
LIVE = format_sse_event(comment="live", retry=1000)  # "caught up", and how soon a dropped browser reconnects


@dataclass
class Message:
    first_seq: int
    last_seq: int
    html: str

    @cached_property
    def encoded(self) -> bytes:
        """The SSE wire bytes, made once however many boards receive the message."""
        return format_sse_event(data_str=self.html.replace("\n", " "), id=str(self.last_seq) if self.last_seq else None)


END = Message(-1, -1, "")  # put on a board's queue to end its stream
# None while the board's session lasts; once it has ended, the banner (HTML) that replaces the element holding the
# stream, so the browser closes it instead of reconnecting in a loop, and the user reads why.
SessionCheck = Callable[[], Awaitable[str | None]]


def _end(tail: Tail, queue: asyncio.Queue[Message]) -> None:
    """Drop what the board has not read and end its stream (its browser reconnects and reads the store)."""
    tail.queues.discard(queue)
    while not queue.empty():
        queue.get_nowait()
    queue.put_nowait(END)


@dataclass
class Tail:
    incident_id: str
    cursor: int
    queues: set[asyncio.Queue[Message]] = field(default_factory=set)
    task: asyncio.Task[None] | None = None
    pending: dict[int, float] = field(default_factory=dict)  # utterance seq -> when first seen unanalysed
    panels_due: bool = False
    panels_at: float = 0.0
    analysed: set[int] = field(default_factory=set)  # analysed lines whose chips are not pushed yet
    unsettled: set[int] = field(default_factory=set)  # pushed lines where an analyser failed: pushed again once retried
    ready: asyncio.Event = field(default_factory=asyncio.Event)  # set once ``cursor`` holds the head
    wake: asyncio.Event = field(default_factory=asyncio.Event)  # read now: a notification or a local entry
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.get_running_loop)


class Hub:
    """The tails of one process, keyed by event loop and incident."""

    def __init__(self, app: App, fragments: Fragments, config: WebConfig) -> None:
        self.app = app
        self.fragments = fragments
        self.config = config
        self.feed = live_notify.changes(app)  # None on SQLite: tails poll
        self._tails: dict[tuple[int, str], Tail] = {}
        self._running = 0

    def close(self) -> None:
        """Stop listening for changes (app shutdown); blocks briefly while the listener's thread ends."""
        if self.feed is not None:
            self.feed.stop()

    def render(self, incident_id: str, envs: list[Envelope]) -> Message:
        """The new lines of a batch; panels follow in a separate, rate-limited update (they cost more)."""
        seqs = [e.seq for e in envs if e.kind == "utterance_logged"]
        state, annotations = live.lines_view(self.app, incident_id, seqs)
        return Message(envs[0].seq, envs[-1].seq, self.fragments.lines(state, seqs, annotations))

    def _render_update(self, tail: Tail, analysed: list[int]) -> str:
        board = live.board_view(self.app, tail.incident_id)
        return self.fragments.replaced_lines(board.state, analysed, board.annotations) + self.fragments.panels(board)

    async def subscribe(
        self, incident_id: str, after: int, *, signed_in: SessionCheck | None = None
    ) -> AsyncIterator[bytes]:
        """The board's messages; with ``signed_in``, the stream ends with its banner once the session is over.

        Why check during the stream: it is one request that lasts for hours, so the session check of
        ``current_user`` ran once, at connect; a board left open after sign-out, a disabled account or a
        password reset would otherwise keep receiving the incident.
        """
        queue: asyncio.Queue[Message] = asyncio.Queue(maxsize=1000)
        tail = self._join(incident_id, queue)
        last = after
        every = self.config.session_check_s
        checked = time.monotonic()
        try:
            # The catch-up must read after the tail's first read of the head, or a line committed in between
            # would be in neither.
            await tail.ready.wait()
            last, missed = await self._catch_up(incident_id, last)
            if missed is not None:
                yield missed.encoded
            yield LIVE
            while True:
                if signed_in is not None and time.monotonic() - checked >= every:
                    ended = await signed_in()
                    if ended is not None:
                        yield format_sse_event(data_str=ended.replace("\n", " "))
                        return
                    checked = time.monotonic()
                try:
                    async with asyncio.timeout(min(KEEPALIVE_S, every)):
                        msg = await queue.get()
                except TimeoutError:
                    yield KEEPALIVE_COMMENT  # proxies and firewalls close connections that stay silent
                    continue
                if msg is END:
                    return  # the browser reconnects with Last-Event-ID and catches up from the store
                if msg.last_seq and msg.last_seq <= last:
                    continue
                if msg.first_seq and msg.first_seq != last + 1:
                    last, missed = await self._catch_up(incident_id, last)  # a gap or an overlap: read the store
                    if missed is not None:
                        yield missed.encoded
                    continue
                yield msg.encoded
                last = msg.last_seq or last
        finally:
            tail.queues.discard(queue)
            if not tail.queues and tail.task is not None:
                tail.task.cancel()

    async def _catch_up(self, incident_id: str, last: int) -> tuple[int, Message | None]:
        envs = await run_in_threadpool(live.events_after, self.app, incident_id, last)
        if not envs:
            return last, None
        msg = await run_in_threadpool(self.render, incident_id, envs)
        return envs[-1].seq, msg

    def _join(self, incident_id: str, queue: asyncio.Queue[Message]) -> Tail:
        """The incident's tail on this loop, started if need be; no await, so boards joining at once share it.

        Why no await here: with one between looking the tail up and registering it, fifty boards opening
        together (a server restart, a team arriving) each saw no tail and each started its own, and every
        one of them polled the store and re-rendered the panels (issue #6). The tail reads the head itself.
        """
        key = (id(asyncio.get_running_loop()), incident_id)
        tail = self._tails.get(key)
        if tail is None or tail.task is None or tail.task.done():
            tail = Tail(incident_id, cursor=-1)
            self._tails[key] = tail
            tail.task = asyncio.create_task(self._run(tail))
        tail.queues.add(queue)
        return tail

    def tail_count(self) -> int:
        """Tails reading the store in this process: one per incident and event loop, however many boards."""
        return self._running

    def _broadcast(self, tail: Tail, msg: Message) -> None:
        for queue in list(tail.queues):
            try:
                queue.put_nowait(msg)
            except asyncio.QueueFull:  # a stalled client: end its stream; its browser reconnects and catches up
                _end(tail, queue)

    def poke(self, incident_id: str) -> None:
        """Wake the incident's tails now: an entry was just committed through this process.

        Called from request threads, hence ``call_soon_threadsafe``. Without it a line posted on SQLite
        waited for the next poll (half the poll interval on average) before any board saw it.
        """
        for (_, tid), tail in list(self._tails.items()):
            if tid == incident_id and not tail.loop.is_closed():
                tail.loop.call_soon_threadsafe(tail.wake.set)

    async def _run(self, tail: Tail) -> None:
        wake = tail.wake
        # Watch before the first read: a commit after the watch wakes us, one before it is in that read.
        watch = self.feed.watch(tail.incident_id, wake) if self.feed is not None else None
        self._running += 1
        try:
            tail.cursor = await run_in_threadpool(live.head_seq, self.app, tail.incident_id)
            # Lines already in the log but not analysed (logged from the CLI while the console was down, or just
            # before the board was rendered) are on the boards without chips: wait for their analysis as for a
            # new line's, longer, since a restarted console's worker analyses them in its first sweep.
            waiting = await run_in_threadpool(live.unanalysed_seqs, self.app, tail.incident_id)
            later = time.monotonic() + STARTUP_WAIT_S - self.config.annotation_wait_s
            tail.pending.update(dict.fromkeys(waiting, later))
            tail.ready.set()
            while tail.queues:
                wake.clear()  # before the read: a notification arriving during it makes the next wait return
                await self._poll(tail)
                await self._wait(tail, wake)
        except asyncio.CancelledError:
            raise
        except Exception:  # a bug in rendering must not leave boards silently stale: their browsers reconnect
            log.exception("live tail of incident %s stopped", tail.incident_id)
            for queue in list(tail.queues):
                _end(tail, queue)
        finally:
            tail.ready.set()  # boards still waiting for the first read go on to the store, then to END
            self._running -= 1
            if watch is not None:
                watch.close()

    async def _wait(self, tail: Tail, wake: asyncio.Event) -> None:
        """Until the next read: on SQLite the poll interval or a local entry; on PostgreSQL a notification (local
        entries notify too) or the next deadline.

        The deadlines are the safety poll and, when panels are owed, the moment they may be rendered again;
        without the latter a line arriving just after a panel render would leave the panels stale until the
        safety poll.
        """
        if self.feed is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), self.config.poll_interval_s)
            return
        since = time.monotonic() - tail.panels_at
        timeout = min(self.config.safety_poll_s, self.config.advice_refresh_s - since)
        if tail.analysed or tail.panels_due:
            timeout = min(timeout, PANEL_INTERVAL_S - since)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), max(timeout, 0.0) + 0.01)  # just past the deadline, not before it

    async def _poll(self, tail: Tail) -> None:
        envs = await run_in_threadpool(live.events_after, self.app, tail.incident_id, tail.cursor)
        now = time.monotonic()
        if envs:
            msg = await run_in_threadpool(self.render, tail.incident_id, envs)
            tail.cursor = envs[-1].seq
            self._broadcast(tail, msg)
            for env in envs:
                if env.kind == "utterance_logged":
                    tail.pending[env.seq] = now
            tail.panels_due = True
        if tail.pending:
            done = await run_in_threadpool(live.analysed_seqs, self.app, tail.incident_id, list(tail.pending))
            tail.analysed |= done
            for seq, seen in list(tail.pending.items()):
                if seq in done or now - seen > self.config.annotation_wait_s:
                    tail.pending.pop(seq)
            if done:
                tail.unsettled |= await run_in_threadpool(live.unsettled_seqs, self.app, tail.incident_id, sorted(done))
        # The panels (advice, ledger, stairway) cost a whole-board recomputation: at most one per interval,
        # carrying the chips of every line analysed since, however fast lines arrive.
        refresh = now - tail.panels_at > self.config.advice_refresh_s
        if refresh and tail.unsettled:  # a retry that worked (the worker's, backing off): the line's new chips
            still = await run_in_threadpool(live.unsettled_seqs, self.app, tail.incident_id, sorted(tail.unsettled))
            tail.analysed |= tail.unsettled - still
            tail.unsettled = still
        if refresh or ((tail.analysed or tail.panels_due) and now - tail.panels_at > PANEL_INTERVAL_S):
            html = await run_in_threadpool(self._render_update, tail, sorted(tail.analysed))
            tail.panels_due, tail.panels_at, tail.analysed = False, now, set()
            self._broadcast(tail, Message(0, 0, html))


router = APIRouter()
DENIED: dict[int | str, dict[str, Any]] = {401: {}, 403: {}, 404: {}}


@router.get(
    "/incidents/{incident_id}/stream",
    response_class=StreamingResponse,
    tags=["live"],
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "Server-sent events"},
        401: {},
        403: {},
        404: {},
    },
)
async def stream(
    request: Request,
    app: AppDep,
    user: Reader,
    incident_id: CurrentIncident,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
    last_event_id: Annotated[str | None, Header(max_length=20)] = None,
) -> StreamingResponse:
    """Board fragments (HTML, for HTMX out-of-band swaps) for every event after ``after`` or ``Last-Event-ID``.

    Why a plain streaming response and not FastAPI's ``EventSourceResponse``: that one serialises each event
    per client and passes it through a producer task, a keep-alive task and two memory streams; with fifty
    boards and twenty lines a second that bookkeeping was the largest cost left on the event loop (issue #6).
    Here a message is encoded once for all boards and each board's generator writes it directly.
    """
    del user
    hub: Hub = request.app.state.hub
    start = resume_after(last_event_id, after)
    token = request.cookies.get(SESSION_COOKIE, "")

    async def signed_in() -> str | None:
        # A board of an open incident counts as its user's activity: during an incident it is the team's display,
        # watched for hours without a click, and must not sign itself out. A closed incident's board does not.
        def check() -> str | None:
            if accounts.find_session(app, token, active=live.is_open(app, incident_id)) is not None:
                return None
            return _ended_banner(app, hub, token, incident_id)

        return await run_in_threadpool(check)

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # no proxy buffering (nginx)
    events = hub.subscribe(incident_id, start, signed_in=signed_in)
    return StreamingResponse(events, media_type="text/event-stream", headers=headers)


def resume_after(last_event_id: str | None, after: int) -> int:
    """Where a board resumes: the ``Last-Event-ID`` its browser sent back, if it is one of the ids this stream
    sends (a seq, in ASCII digits), else ``after``.

    Why not ``str.isdigit``: it is true of "²" (a header is read as Latin-1), which ``int`` refuses (500), and
    twenty digits passed the header's length limit and reached the catch-up query as an integer SQLite cannot
    hold ("internal error", the stream cut). An id that is not ours is ignored, as a non-number always was.

    >>> resume_after("12", 0), resume_after("²", 5), resume_after("99999999999999999999", 5), resume_after(None, 5)
    (12, 5, 5, 5)
    """
    if last_event_id and last_event_id.isascii() and last_event_id.isdigit() and int(last_event_id) <= MAX_SEQ:
        return int(last_event_id)
    return after


def _ended_banner(app: App, hub: Hub, token: str, incident_id: str) -> str:
    """The board's banner for a session that has ended, naming why (``accounts.session_end``)."""
    why = accounts.session_end(app, token)
    lifetime = f"{int(accounts.SESSION_LIFETIME.total_seconds() // 3600)} hours"
    return hub.fragments.session_ended(incident_id, why=why, idle=accounts.idle_wording(app), lifetime=lifetime)


@router.get("/incidents/{incident_id}/session-ended", include_in_schema=False)
def session_ended(request: Request, app: AppDep, incident_id: Annotated[str, Path(max_length=64)]) -> Response:
    """The banner a board shows when its stream cannot reconnect because the session has ended; 204 while it lasts.

    Why a route: a stream that drops (a laptop asleep past the idle minutes, a restarted console) reconnects
    to a 401 the browser's EventSource does not let the page read, and the board said "reconnecting…" for good.
    ``board.js`` asks here after a failed reconnect. It needs no session, as the sign-in page does not: it only
    says why the caller's own cookie no longer signs in, checks it without counting as use, and reads no incident
    (the id only makes the link back to the board).
    """
    hub: Hub = request.app.state.hub
    token = request.cookies.get(SESSION_COOKIE, "")
    if accounts.find_session(app, token, active=False) is not None:
        return Response(status_code=204)
    return HTMLResponse(_ended_banner(app, hub, token, incident_id), headers={"Cache-Control": "no-store"})


__all__ = ["PANELS", "Hub", "router"]
