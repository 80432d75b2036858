"""Wake-ups for the live board when an incident changes in any process: PostgreSQL LISTEN/NOTIFY.

Why a service of its own: the web layer may not reach the store, yet its tails need the store's listener
(``store/notify.py``) to stop polling. This module turns the listener's thread-side callbacks into
``asyncio.Event`` wake-ups on the tail's own event loop. On SQLite there is no feed (:func:`changes` gives
``None``) and the tail keeps polling by seq.

A wake-up says "read the store now", never what changed: a new line, stored analysis, or a reconnected
listener that may have missed a notification all mean the same to a tail that reads by seq.
"""

from __future__ import annotations

import asyncio

from talkdown.services.wiring import App
from talkdown.store.notify import Change, Listener, Subscription


class Watch:
    """One tail's registration; :meth:`close` it when the tail ends."""

    def __init__(self, listener: Listener, incident_id: str, wake: asyncio.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = wake
        self._subscription: Subscription | None = listener.subscribe(incident_id, self._on_change)

    def _on_change(self, change: Change) -> None:
        """Runs on the listener's thread: ``asyncio.Event`` is not thread-safe, so hand it to the loop."""
        del change  # any change means "read the store"; the tail reads by seq
        try:
            self._loop.call_soon_threadsafe(self._wake.set)
        except RuntimeError:  # the loop closed without closing its watch (a test's loop, say): nobody to wake
            self.close()

    def close(self) -> None:
        subscription, self._subscription = self._subscription, None
        if subscription is not None:
            subscription.close()


class ChangeFeed:
    """The process's PostgreSQL change notifications, for any number of tails on any event loops."""

    def __init__(self, listener: Listener) -> None:
        self._listener = listener

    def watch(self, incident_id: str, wake: asyncio.Event) -> Watch:
        """Set ``wake`` (on the running loop) whenever ``incident_id`` may have changed.

        The listener connects on the first watch. It also sets ``wake`` once it is listening, and again
        after every reconnection, so a commit made before LISTEN took effect is still read.
        """
        return Watch(self._listener, incident_id, wake)

    def stop(self) -> None:
        """Close the listener's connection (blocks up to a fraction of a second); a later watch reopens it."""
        self._listener.stop()


def changes(app: App) -> ChangeFeed | None:
    """The change feed of ``app``'s database, or ``None`` on SQLite, where readers poll."""
    return ChangeFeed(app.listener) if app.listener is not None else None
