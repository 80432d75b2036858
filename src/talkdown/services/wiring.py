"""Builds the object graph once per process: engine, store, clock, actor.

Why here and not at import: settings and engines must be created by the entry point (CLI, web, tests)
so tests can point everything at a temporary database, and importing a module never opens a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from talkdown.domain.clock import Clock, SystemClock
from talkdown.services.recorder import Recorder
from talkdown.services.runtime import configure_analysis
from talkdown.settings import Settings
from talkdown.store.accounts import AccountStore
from talkdown.store.annotations import AnnotationStore
from talkdown.store.checkpoints import CheckpointFile
from talkdown.store.engine import build_engine, is_sqlite, shown_url
from talkdown.store.events import EventStore
from talkdown.store.folders import make_folder
from talkdown.store.notify import Listener
from talkdown.store.schema import upgrade

if TYPE_CHECKING:  # read on first use (``derived.policy_in_force``): most commands never need the advisor
    from talkdown.doctrine.policy import Policy


@dataclass
class App:
    """Everything a use case needs; passed explicitly to every service function."""

    store: EventStore
    annotations: AnnotationStore
    clock: Clock
    actor: str
    settings: Settings
    accounts: AccountStore
    listener: Listener | None = None  # PostgreSQL only; connects on first use (services/live_notify.py)
    recorder: Recorder = field(init=False)
    policy: Policy | None = field(default=None, init=False, repr=False)
    """The agency policy of ``settings.policy_file``, once read (``derived.policy_in_force``): a console reads it
    at startup and keeps it, so its boards cannot change answers mid-incident because a file was half edited."""

    def __post_init__(self) -> None:
        self.recorder = Recorder(self.store, self.clock)

    @property
    def database_shown(self) -> str:
        """The database URL to print (``talkdown init``), never with its password."""
        return shown_url(self.settings.resolved_database_url)


DATA_DIR_MODE = 0o700


def build_app(settings: Settings | None = None, *, clock: Clock | None = None) -> App:
    """Open (and if needed create or migrate) the configured database: TD601 when it is not one, TD604 when it
    does not answer (as every later store call that finds it gone: ``store.engine``)."""
    settings = settings or Settings()
    configure_analysis(settings)
    url = settings.resolved_database_url
    if is_sqlite(url):
        # Created private (a folder someone chose and made is left as they made it): it holds the record, the
        # intelligence and the password hashes, and the default umask left them readable by every account on
        # the laptop.
        make_folder(settings.data_dir, setting="TALKDOWN_DATA_DIR", mode=DATA_DIR_MODE)
    engine = build_engine(url)
    upgrade(engine)  # the first connection
    store = EventStore(engine, CheckpointFile(settings.resolved_checkpoint_dir))
    return App(
        store=store,
        annotations=AnnotationStore(engine),
        clock=clock or SystemClock(),
        actor=settings.actor,
        settings=settings,
        accounts=AccountStore(engine),
        listener=Listener.for_engine(engine),
    )
