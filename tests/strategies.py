"""Hypothesis strategies for valid command sequences of an incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st
from pydantic import JsonValue

from talkdown.domain.enums import (
    Channel,
    ChannelKind,
    CommitmentStatus,
    DeadlineStatus,
    DemandCategory,
    DemandStatus,
    HostageCondition,
    IncidentType,
    Role,
    Tone,
)
from talkdown.domain.events import (
    AdviceDismissed,
    AdvicePolicyRecorded,
    AnyEvent,
    ChannelOpened,
    ConstraintNoted,
    DeadlineSet,
    DeadlineStatusChanged,
    DemandRecorded,
    DemandStatusChanged,
    DutyEnded,
    DutyStarted,
    EntryCorrected,
    HostageConditionChanged,
    HostageRecorded,
    IncidentOpened,
    InjectIssued,
    MediaEventRecorded,
    NoteAdded,
    PartyAdded,
    PromiseMade,
    PromiseStatusChanged,
    StakeholderAdded,
    SupportStated,
    UtteranceLogged,
)
from talkdown.domain.log import content_fingerprint

texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=60
).filter(lambda s: s.strip() != "")
BASE = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def event_sequences(draw: st.DrawFn, *, max_size: int = 25) -> list[AnyEvent]:
    """A valid log: opened, a few parties, then any mix of entries that refer only to what exists."""
    events: list[AnyEvent] = [
        IncidentOpened(title=draw(texts), incident_type=draw(st.sampled_from(list(IncidentType))))
    ]
    parties = [f"p{i}" for i in range(draw(st.integers(1, 3)))]
    for pid in parties:
        events.append(PartyAdded(party_id=pid, name=draw(texts), role=draw(st.sampled_from(list(Role)))))
    demands: list[str] = []
    deadlines: list[str] = []
    promises: list[str] = []
    hostages: list[str] = []
    utterance_seqs: list[int] = []
    for n in range(draw(st.integers(0, max_size))):
        choice = draw(st.integers(0, 9))
        if choice <= 3:
            events.append(
                UtteranceLogged(
                    speaker=draw(st.sampled_from(parties)),
                    text=draw(texts),
                    channel=draw(st.sampled_from(list(Channel))),
                )
            )
            utterance_seqs.append(len(events))
        elif choice == 4:
            demands.append(f"d{n}")
            events.append(
                DemandRecorded(
                    demand_id=f"d{n}",
                    item=draw(texts),
                    category=draw(st.sampled_from(list(DemandCategory))),
                    negotiable=draw(st.booleans()),
                )
            )
        elif choice == 5 and demands:
            events.append(
                DemandStatusChanged(
                    demand_id=draw(st.sampled_from(demands)), status=draw(st.sampled_from(list(DemandStatus)))
                )
            )
        elif choice == 6:
            deadlines.append(f"t{n}")
            due = BASE + timedelta(minutes=draw(st.integers(0, 10_000)))
            events.append(DeadlineSet(deadline_id=f"t{n}", due_at=due, description=draw(texts)))
        elif choice == 7 and deadlines:
            events.append(
                DeadlineStatusChanged(
                    deadline_id=draw(st.sampled_from(deadlines)), status=draw(st.sampled_from(list(DeadlineStatus)))
                )
            )
        elif choice == 8:
            if promises and draw(st.booleans()):
                events.append(
                    PromiseStatusChanged(
                        promise_id=draw(st.sampled_from(promises)), status=draw(st.sampled_from(list(CommitmentStatus)))
                    )
                )
            else:
                promises.append(f"r{n}")
                events.append(PromiseMade(promise_id=f"r{n}", what=draw(texts)))
        elif choice == 9:
            if hostages and draw(st.booleans()):
                events.append(
                    HostageConditionChanged(
                        hostage_id=draw(st.sampled_from(hostages)),
                        condition=draw(st.sampled_from(list(HostageCondition))),
                    )
                )
            else:
                hostages.append(f"h{n}")
                events.append(HostageRecorded(hostage_id=f"h{n}", alias=draw(texts)))
        elif utterance_seqs and draw(st.booleans()):
            events.append(
                EntryCorrected(
                    ref_seq=draw(st.sampled_from(utterance_seqs)), field="text", value=draw(texts), reason="typo"
                )
            )
        elif draw(st.booleans()):
            events.append(NoteAdded(text=draw(texts)))
        else:
            events.append(draw(_side_records(parties, n)))
    return events


def _side_records(parties: list[str], n: int) -> st.SearchStrategy[AnyEvent]:
    """Duty, inject, dismissal and diplomatic-track entries: kept as records by the fold."""
    return st.one_of(
        st.builds(DutyStarted, party_id=st.sampled_from(parties)),
        st.builds(DutyEnded, party_id=st.sampled_from(parties)),
        st.builds(InjectIssued, inject_id=st.just(f"j{n}"), name=texts),
        st.builds(AdviceDismissed, advice_id=texts, rule_id=texts, advisor_version=st.just("1"), reason=texts),
        st.builds(StakeholderAdded, stakeholder_id=st.just(f"s{n}"), name=texts),
        st.builds(
            ChannelOpened,
            channel_id=st.just(f"c{n}"),
            channel_kind=st.sampled_from(list(ChannelKind)),
            description=texts,
        ),
        st.builds(ConstraintNoted, constraint_id=st.just(f"k{n}"), description=texts, legal=st.booleans()),
        st.builds(
            MediaEventRecorded,
            media_id=st.just(f"m{n}"),
            outlet=texts,
            description=texts,
            tone=st.sampled_from(list(Tone)),
        ),
        st.builds(SupportStated, statement_id=st.just(f"v{n}"), by=texts, description=texts),
        texts.map(_policy_recorded),
    )


def _policy_recorded(agency: str) -> AdvicePolicyRecorded:
    """A recorded policy whose fingerprint names its content, as ``decide`` requires."""
    content: dict[str, JsonValue] = {"agency": agency, "no_concessions": True}
    return AdvicePolicyRecorded(fingerprint=content_fingerprint(content), content=content)
