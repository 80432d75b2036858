"""Run a console on 127.0.0.1 and a free port in a background thread, for SSE, e2e and bench clients."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running(web: FastAPI) -> Iterator[str]:
    port = free_port()
    # A browser's board keeps an SSE stream open that the server notices as closed only at its next heartbeat, and
    # uvicorn's graceful shutdown waited for it: 10 s at the end of each e2e module. One second is enough for the
    # requests that are really in flight.
    config = uvicorn.Config(
        web, host="127.0.0.1", port=port, log_level="warning", lifespan="off", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    started = threading.Event()
    for _ in range(500):
        if server.started:
            started.set()
            break
        started.wait(0.01)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def sse_messages(lines: Iterator[str]) -> Iterator[tuple[str | None, str]]:
    """The SSE messages carrying data in a stream of lines, as (id or None, data), as a browser sees them."""
    ident: str | None = None
    data: list[str] = []
    for line in lines:
        if line.startswith("id: "):
            ident = line[4:]
        elif line.startswith("data: "):
            data.append(line[6:])
        elif line == "" and data:
            yield ident, "\n".join(data)
            ident, data = None, []
