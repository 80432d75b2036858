"""A TCP relay to PostgreSQL that loses one COMMIT's answer, or the COMMIT itself: a network that fails mid-commit.

Why a relay and no mock: the server and the driver are real, so the server really commits (or never sees the
COMMIT) and the driver really sees its connection end, which is the case a user must be told the truth about.
The first message that carries ``COMMIT`` after ``arm()`` is the one cut; every other byte passes unchanged.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Literal

Cut = Literal["answer", "request", "answer-then-down"]


class CommitRelay:
    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cut: Cut | None = None
        self.fired = threading.Event()
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def arm(self, cut: Cut) -> None:
        """Cut the next COMMIT: after the server answered it (``answer``), before it reaches the server
        (``request``), or after the answer with the relay then refusing every new connection (``answer-then-down``:
        the server is out of reach when talkdown asks whether the commit landed)."""
        self.cut = cut

    def close(self) -> None:
        """Stop taking connections (a shutdown first: a bare close leaves the accepting thread's socket open)."""
        _close(self.listener)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self._pairs.append((client, server))
            dropped = threading.Event()
            threading.Thread(target=self._to_server, args=(client, server, dropped), daemon=True).start()
            threading.Thread(target=self._to_client, args=(server, client, dropped), daemon=True).start()

    def _take(self, data: bytes) -> Cut | None:
        with self._lock:
            if self.cut is None or self.fired.is_set() or b"COMMIT\x00" not in data:
                return None
            self.fired.set()
            return self.cut

    def _to_server(self, client: socket.socket, server: socket.socket, dropped: threading.Event) -> None:
        while data := _recv(client):
            cut = self._take(data)
            if cut == "request":
                break
            if cut == "answer-then-down":  # every other connection ends too, and no new one is taken
                self.close()
                for pair in self._pairs:
                    if client not in pair:
                        _close(*pair)
            if cut in ("answer", "answer-then-down"):
                dropped.set()
            try:
                server.sendall(data)
            except OSError:
                break
        _close(client, server)

    def _to_client(self, server: socket.socket, client: socket.socket, dropped: threading.Event) -> None:
        while data := _recv(server):
            if dropped.is_set():  # the server's answer to the COMMIT: it committed; the client never hears it
                break
            try:
                client.sendall(data)
            except OSError:
                break
        _close(client, server)


def _recv(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except OSError:
        return b""


def _close(*socks: socket.socket) -> None:
    for sock in socks:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
