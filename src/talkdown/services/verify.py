"""Use cases that prove a log unaltered: ``verify``, ``head``, and the event-log export and restore.

The export is a JSON document whose bytes are fully determined by the log: one canonical event per line
between a fixed header and footer. Verifying a file therefore re-renders it and compares bytes, so any
changed byte is caught, even one that leaves the JSON meaning intact (a space for a newline).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from talkdown.domain.log import Envelope, Verification, export_line, parse_body, parse_export_line, verify
from talkdown.errors import TalkdownError
from talkdown.services._running_session import refuse_event_log
from talkdown.services.accounts import SignedIn
from talkdown.services.incidents import resolve_incident_id
from talkdown.services.wiring import App
from talkdown.store.events import StoredRow

EXPORT_FORMAT = "talkdown-event-log"


@dataclass(frozen=True)
class Head:
    incident_id: str
    seq: int
    hash: str
    checkpoint_seq: int | None
    checkpoint_hash: str | None

    @property
    def paper_line(self) -> str:
        """What the scribe copies onto the paper log: short enough to write by hand, long enough to matter."""
        return f"{self.incident_id} seq {self.seq} sha256 {self.hash[:16]}"


def verify_incident(app: App, ref: str) -> Verification:
    """Recompute the chain from the stored bytes and compare the head with the separate checkpoint (TD501/TD502)."""
    return _verified_log(app, _resolve_traced(app, ref))[0]


def verify_named(app: App, ref: str) -> tuple[str, Verification]:
    """The incident ``ref`` names (a prefix resolved to the id itself, which the paper log wants) and
    :func:`verify_incident`'s result: ``talkdown verify`` printed the id by resolving ``ref`` again, one query more."""
    incident_id = _resolve_traced(app, ref)
    return incident_id, _verified_log(app, incident_id)[0]


def _verified_log(app: App, incident_id: str) -> tuple[Verification, list[Envelope]]:
    """The verification and the events it read, for ``verify_incident`` and the events export.

    Raises TD501 naming the first broken seq, or TD502 when the checkpoint shows a deleted tail. The checkpoint
    is read before the rows: it is written after each commit, so read first it can only lag the rows, where read
    after them it could name an event a teammate committed in between, and "events were deleted, preserve the
    database" was reported during a live incident whose log was whole. ``incident_id`` is already resolved
    (``_resolve_traced``).
    """
    checkpoint = app.store.latest_checkpoint(incident_id)
    rows = app.store.load_rows(incident_id)
    envelopes: list[Envelope] = []
    row_problem: tuple[int, TalkdownError] | None = None  # the first row whose stored bytes or copies were edited
    for row in rows:
        try:
            env = parse_body(row.body, row.hash)
        except ValueError as exc:
            raise TalkdownError(
                "TD501", incident_id=incident_id, seq=row.seq, problem=f"is unreadable ({exc})"
            ) from exc
        if env.seq != row.seq or env.incident_id != incident_id:
            raise TalkdownError("TD501", incident_id=incident_id, seq=row.seq, problem="is stored under the wrong key")
        problem = _row_problem(row, env) if row_problem is None else None
        if problem is not None:
            row_problem = row.seq, problem
        envelopes.append(env)
    result = verify(envelopes, incident_id=incident_id)
    if row_problem is not None and (result.broken_seq is None or row_problem[0] < result.broken_seq):
        raise row_problem[1]
    if not result.ok:
        raise TalkdownError("TD501", incident_id=incident_id, seq=result.broken_seq, problem=result.problem)
    if checkpoint is not None:
        if checkpoint.seq > result.head_seq:
            raise TalkdownError(
                "TD502", incident_id=incident_id, have=result.head_seq, want=checkpoint.seq, hash=checkpoint.hash[:16]
            )
        if envelopes[checkpoint.seq - 1].hash != checkpoint.hash:
            raise TalkdownError(
                "TD501", incident_id=incident_id, seq=checkpoint.seq, problem="differs from its recorded checkpoint"
            )
    return result, envelopes


def _row_problem(row: StoredRow, env: Envelope) -> TalkdownError | None:
    """TD501 for a row whose stored body is not the bytes that were hashed, or whose column copies differ.

    Why the stored bytes are checked and not only the parsed event: the chain re-encodes what it parsed, so an
    edit that parses the same (a key repeated with other words, which SQLite's ``json_extract`` reads first and
    the app reads last; a field spelled out at its default; spaces) verified, while an auditor hashing the
    ``body`` column, or querying it, saw a record the chain never vouched for.
    """
    if hashlib.sha256(row.body.encode("utf-8", "surrogatepass")).hexdigest() != row.hash:
        problem = "has its stored body changed from the bytes that were hashed"
        return TalkdownError("TD501", incident_id=row.incident_id, seq=row.seq, problem=problem)
    differs = row.differing_column(env)
    return None if differs is None else _column_problem(row.incident_id, row.seq, *differs)


def _column_problem(incident_id: str, seq: int, column: str, stored: str, expected: str) -> TalkdownError:
    """TD501 for a row whose ``column`` no longer repeats its hashed body.

    Why it is tampering although the app reads only the body: an auditor comparing the table (or a query on
    ``kind``/``at``) sees the column, so an edit there would show a record the chain never vouched for.
    """
    problem = f"has its '{column}' column changed to {stored!r}; its hashed body says {expected!r}"
    return TalkdownError("TD501", incident_id=incident_id, seq=seq, problem=problem, column=column)


def _resolve_traced(app: App, ref: str) -> str:
    """The incident ``ref`` names, even if its opening event or its whole log was deleted.

    Why not ``resolve_incident_id`` alone: it knows an incident by its seq 1, so deleting that row (or every
    row) made ``verify`` answer "no incident" (TD201, exit 4) where it must report tampering (exit 7). The rows
    left and the checkpoint files outside the database still name the incident.
    """
    try:
        return resolve_incident_id(app, ref)
    except TalkdownError as exc:
        if exc.code != "TD201" or not ref.strip():
            raise
        traced = app.store.traced_incident_ids(prefix=ref.strip())
        if ref.strip() in traced:
            return ref.strip()
        if len(traced) > 1:
            raise TalkdownError("TD203", prefix=ref.strip(), count=len(traced)) from exc
        if not traced:
            raise
        return traced[0]


def get_verified_head(app: App, ref: str) -> Head:
    """The head to copy onto the paper log, only once the chain and the checkpoint agree with it.

    Why verify first: after a deleted tail the database's head is an older, intact event, and copying it onto
    paper would make the deletion look like the record; this raises TD501/TD502 instead (``get_head`` alone
    stays for pages that show the head beside a failed verification).
    """
    incident_id, _ = verify_named(app, ref)
    return _head(app, incident_id)


def get_head(app: App, ref: str) -> Head:
    return _head(app, resolve_incident_id(app, ref))


def _head(app: App, incident_id: str) -> Head:
    state = app.recorder.current(incident_id)
    cp = app.store.latest_checkpoint(incident_id)
    return Head(incident_id, state.head_seq, state.head_hash, cp.seq if cp else None, cp.hash if cp else None)


# Every id talkdown makes is 12 hex digits; older or hand-made exports get this wider, still file- and URL-safe set.
_INCIDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def render_event_log(envelopes: list[Envelope]) -> str:
    incident_id = envelopes[0].incident_id if envelopes else ""
    header = json.dumps({"format": EXPORT_FORMAT, "version": 1, "incident_id": incident_id}, sort_keys=True)
    lines = [export_line(env) for env in envelopes]
    return header[:-1] + ',"events":[\n' + ",\n".join(lines) + "\n]}\n"


def export_event_log(app: App, ref: str) -> str:
    """The incident's log as a tamper-evident export, once it verifies (TD501/TD502 otherwise).

    Why verify first: the export re-states the rows as a self-consistent chain, so a log with a deleted tail
    exported as it stood would import elsewhere and verify cleanly, the deletion laundered. The damaged
    database itself is the evidence to preserve (TD502 says so), not a copy that hides the damage.
    """
    return render_event_log(_verified_log(app, _resolve_traced(app, ref))[1])


def export_event_log_for(app: App, ref: str, *, user: SignedIn) -> str:
    """:func:`export_event_log` for a console account: a running training session's only to an instructor (TD334).

    The CLI calls :func:`export_event_log` itself: it runs as the installation's operator, who holds the database
    file (and issues injects and reads debriefs from any terminal), so refusing him would protect nothing.
    """
    incident_id = resolve_incident_id(app, ref)
    refuse_event_log(app.recorder.current(incident_id), user)
    return export_event_log(app, incident_id)


def read_event_log(text: str, *, file: str) -> list[Envelope]:
    """Parse an exported log and check it byte for byte; raises TD102/TD501 naming the first problem."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TalkdownError("TD101", file=file, line=exc.lineno, problem=f"not JSON ({exc.msg})") from exc
    except RecursionError:  # '[[[[...' thousands deep: the decoder recurses once per level, and says not where
        raise TalkdownError("TD102", file=file, problem="the JSON is nested too deeply") from None
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT or not isinstance(doc.get("events"), list):
        raise TalkdownError("TD102", file=file, problem=f"not a {EXPORT_FORMAT} export")
    incident_id = str(doc.get("incident_id", ""))
    if not _INCIDENT_ID.match(incident_id):
        # Checked before anything is stored: the id becomes a checkpoint file name, a URL path segment and a
        # download's file name, and one outside this alphabet was committed, then failed its checkpoint with
        # a bare ValueError, leaving an incident whose board, head and verify answered 500.
        shown = incident_id[:70].encode("unicode_escape").decode("ascii")
        raise TalkdownError(
            "TD102", file=file, problem=f"incident id '{shown}' is not 1-64 letters, digits, '_', '.' or '-'"
        )
    envelopes: list[Envelope] = []
    for index, item in enumerate(doc["events"], start=1):
        try:
            envelopes.append(parse_export_line(json.dumps(item)))
        except ValueError as exc:
            raise TalkdownError("TD501", incident_id=incident_id, seq=index, problem=f"is unreadable ({exc})") from exc
    result = verify(envelopes, incident_id=incident_id)
    if not result.ok:
        raise TalkdownError("TD501", incident_id=incident_id, seq=result.broken_seq, problem=result.problem)
    if render_event_log(envelopes) != text:
        raise TalkdownError(
            "TD501",
            incident_id=incident_id,
            seq=_first_differing_seq(text, envelopes),
            problem="differs from its canonical export bytes",
        )
    return envelopes


def _first_differing_seq(text: str, envelopes: list[Envelope]) -> int:
    expected = render_event_log(envelopes).splitlines()
    for index, (want, got) in enumerate(zip(expected, text.splitlines(), strict=False)):
        if want != got:
            return max(1, min(index, len(envelopes)))
    return max(1, len(envelopes))


def restore_event_log(app: App, text: str, *, file: str) -> str:
    """Load an exported log into this database unchanged (same ids, times and hashes)."""
    envelopes = read_event_log(text, file=file)
    if not envelopes:
        raise TalkdownError("TD102", file=file, problem="the export holds no events")
    app.store.import_envelopes(envelopes)
    return envelopes[0].incident_id
