"""A writer process for the concurrency and crash tests: appends utterances and acknowledges each seq.

A line is written to the ack file (and flushed) only after the append returned, i.e. after commit.
"""

from __future__ import annotations

import os
import sys

from talkdown.domain.enums import Role
from talkdown.services import entries
from talkdown.services.wiring import build_app


def main() -> None:
    incident_id, count, ack_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    app = build_app()
    name = f"writer-{os.getpid()}"
    entries.add_party(app, incident_id, name=name, role=Role.PRIMARY)
    with open(ack_path, "a", encoding="utf-8") as ack:
        for i in range(count):
            seq = entries.say(app, incident_id, speaker=name, text=f"{name} line {i}")
            ack.write(f"{seq}\n")
            ack.flush()


if __name__ == "__main__":
    main()
