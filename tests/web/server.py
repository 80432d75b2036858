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
def running(web: FastAPI, *, port: int | None = None, drop_streams: bool = False) -> Iterator[str]:
    """``web`` served on ``port`` (a free one by default; a given one serves a console restarted on its address).
    ``drop_streams``: at the end, cut the open streams at once, as a console that stops or a network that drops
    does. Otherwise they get one second: a browser's board keeps an SSE stream open that the server notices as
    closed only at its next heartbeat, and uvicorn's default graceful shutdown waited for it (10 s at the end of
    each e2e module)."""
    port = port or free_port()
    config = uvicorn.Config(
        web, host="127.0.0.1", port=port, log_level="warning", lifespan="off", timeout_graceful_shutdown=1
    )
    if drop_streams:
        config.timeout_graceful_shutdown = 0
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
