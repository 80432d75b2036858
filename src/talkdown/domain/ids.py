"""Typed identifiers, so a party id is never passed where a demand id belongs."""

from __future__ import annotations

import secrets
from typing import NewType

IncidentId = NewType("IncidentId", str)
PartyId = NewType("PartyId", str)
DemandId = NewType("DemandId", str)
DeadlineId = NewType("DeadlineId", str)
PromiseId = NewType("PromiseId", str)
ConcessionId = NewType("ConcessionId", str)
HostageId = NewType("HostageId", str)
IntelId = NewType("IntelId", str)


def new_id(prefix: str = "") -> str:
    """A short random id: 8 hex digits are enough within one incident and short enough to type.

    Incident ids get 12 hex digits because they are global; the prefix keeps them readable in logs.
    """
    return prefix + secrets.token_hex(6 if prefix == "" else 4)
