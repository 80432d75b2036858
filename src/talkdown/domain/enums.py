"""Closed vocabularies of the incident record.

Stored values are the ids of ``shared/doctrine`` (``incident-types.md``) where the doctrine gives one, so
logs, the case library and the rules speak the same words. A value, once stored, never changes.
"""

from __future__ import annotations

from enum import StrEnum


class IncidentType(StrEnum):
    HOSTAGE = "hostage"
    NON_HOSTAGE = "non_hostage"
    BARRICADE = "barricade"
    SUICIDE_INTERVENTION = "suicide_intervention"
    DOMESTIC = "domestic"
    CRIMINAL_INTERRUPTED = "criminal_interrupted"
    KIDNAP_FOR_RANSOM = "kidnap_for_ransom"
    TERRORIST = "terrorist"
    HIJACKING = "hijacking"
    PRISON = "prison"
    MASS_HOSTAGE = "mass_hostage"
    DIPLOMATIC_STATE = "diplomatic_state"


class IncidentStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class IncidentMode(StrEnum):
    """A training session is an incident too, so every face reads the same log."""

    LIVE = "live"
    TRAINING = "training"
    STUDY = "study"


class Role(StrEnum):
    """Team and situation roles; ``UNKNOWN`` lets an import succeed before anyone maps speakers."""

    PRIMARY = "primary_negotiator"
    SECONDARY = "secondary_negotiator"
    COACH = "coach"
    TEAM_LEADER = "team_leader"
    SCRIBE = "scribe"
    INTELLIGENCE = "intelligence"
    TACTICAL_LIAISON = "tactical_liaison"
    LOGISTICS = "logistics"
    MENTAL_HEALTH_CONSULTANT = "mental_health_consultant"
    INCIDENT_COMMANDER = "incident_commander"
    INTERMEDIARY = "intermediary"
    SUBJECT = "subject"
    HOSTAGE = "hostage"
    UNKNOWN = "unknown"

    @property
    def is_negotiator(self) -> bool:
        return self in {Role.PRIMARY, Role.SECONDARY, Role.COACH}


class Channel(StrEnum):
    PHONE = "phone"
    FACE_TO_FACE = "face_to_face"
    TEXT_MESSAGE = "text_message"
    VIDEO = "video"
    INTERMEDIARY = "intermediary"
    BULLHORN = "bullhorn"
    RADIO = "radio"
    OTHER = "other"


class DemandCategory(StrEnum):
    """Demand types after [T13]: substantive, instrumental, expressive; plus the usual concrete items."""

    SUBSTANTIVE = "substantive"
    INSTRUMENTAL = "instrumental"
    EXPRESSIVE = "expressive"
    FOOD_DRINK = "food_drink"
    TOBACCO = "tobacco"
    TRANSPORT = "transport"
    MONEY = "money"
    WEAPONS = "weapons"
    RELEASE_OF_PRISONERS = "release_of_prisoners"
    MEDIA = "media"
    PERSON = "person"
    OTHER = "other"


class DemandStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    MET = "met"
    PARTIALLY_MET = "partially_met"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class DeadlineStatus(StrEnum):
    PENDING = "pending"
    EXTENDED = "extended"
    PASSED_WITHOUT_INCIDENT = "passed_without_incident"
    MET = "met"


class CommitmentStatus(StrEnum):
    """Status of a promise or a concession: the ledger the team keeps so no promise is broken by accident."""

    PENDING = "pending"
    KEPT = "kept"
    BROKEN = "broken"


class HostageCondition(StrEnum):
    UNKNOWN = "unknown"
    UNHARMED = "unharmed"
    DISTRESSED = "distressed"
    INJURED = "injured"
    CRITICAL = "critical"
    DECEASED = "deceased"


class Reliability(StrEnum):
    """Admiralty source reliability, A (completely reliable) to F (cannot be judged)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


class Credibility(StrEnum):
    """Admiralty information credibility, 1 (confirmed) to 6 (cannot be judged)."""

    CONFIRMED = "1"
    PROBABLY_TRUE = "2"
    POSSIBLY_TRUE = "3"
    DOUBTFUL = "4"
    IMPROBABLE = "5"
    CANNOT_JUDGE = "6"


class NoteKind(StrEnum):
    NOTE = "note"
    ACTION = "action"


class StakeholderKind(StrEnum):
    """Who takes part in a diplomatic track (seed 001): states, intermediaries, non-state actors."""

    GOVERNMENT = "government"
    INTERMEDIARY = "intermediary"  # ICRC, UN, a third state, clergy
    NON_STATE_ACTOR = "non_state_actor"
    FAMILY = "family"
    EMPLOYER = "employer"
    MEDIA = "media"
    OTHER = "other"


class ChannelKind(StrEnum):
    OFFICIAL = "official"
    BACK_CHANNEL = "back_channel"
    MULTILATERAL = "multilateral"


class Tone(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"
