"""Runtime settings from ``TALKDOWN_*`` environment variables; built by the edges, never at import.

The embedded default is a SQLite file in the per-user data directory, so a laptop in a command post
works with no server and no network. ``TALKDOWN_DATABASE_URL`` switches to PostgreSQL.
"""

from __future__ import annotations

import getpass
import ipaddress
from datetime import tzinfo
from pathlib import Path
from typing import Annotated

from platformdirs import user_data_path
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from talkdown.domain.display_time import zone_named


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a bind address or a Host header's name) is this computer alone: ``localhost`` or any
    loopback address, 127.0.0.0/8 and ::1.

    Why the whole range: Debian resolves the laptop's own hostname to 127.0.1.1, and ``serve --host 127.0.1.1``
    was taken for a LAN console: the DNS-rebinding guard off, a clear-text warning, the demo refused. An
    address literal is safe to answer as local: a rebinding page's Host is its own name, never an address.
    """
    name = host.strip().lower().rstrip(".")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


MAX_UNPACKED_MB = 1024
"""The default of ``Settings.max_unpacked_mb``."""
MAX_LINE_MB = 32
"""The default of ``Settings.max_line_mb``: the longest conversation (one line) in ``../shared/data`` and
``eval/data`` is 123 KB (AnnoMI, 598 turns, about 200 bytes each); 32 MB is 250 times that, some 150,000 turns."""


def _default_actor() -> str:
    try:
        return f"user:{getpass.getuser()}"
    except (KeyError, OSError):
        return "user:unknown"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TALKDOWN_", extra="ignore")

    data_dir: Path = Field(default_factory=lambda: user_data_path("talkdown", appauthor=False))
    database_url: str | None = None
    checkpoint_dir: Path | None = None
    actor: str = Field(default_factory=_default_actor, min_length=1, max_length=200)
    """Who records the events this process writes (``user:<name>``), on every event; unset: the login name.
    The bounds are the log's (``domain/log.py``), so a bad value is refused here, before anything is opened."""
    extra_models: Path | None = None
    """Folder of separately licensed models (``esconv-strategy/``); unset: a source checkout's ``models-extra/``."""
    encoder_threads: int | None = Field(default=None, ge=1)
    """Texts the MiniLM graphs run at once per process; unset: one per core, at most two."""
    timezone: str | None = None
    """IANA zone the console, the terminal's tables and the after-action report show times in; unset: this
    computer's own. The record and every export stay UTC (``domain/display_time.py``)."""

    policy_file: Path | None = None
    """The agency policy (YAML, docs/advisor.md) every advice shown follows: the console's board, its advice API,
    the after-action report, ``talkdown advise`` and ``advise dismiss`` (a command's ``--policy`` overrides it);
    unset: the doctrine defaults. Why one setting: the board read the defaults while ``advise --policy`` read the
    agency's file, so a team with ``no_concessions`` saw two answers. A file that is missing or wrong is an error
    where it is read (``serve`` refuses to start), never a quiet fall-back to the defaults."""

    session_idle_minutes: int = Field(default=30, ge=1, le=14 * 60)
    """Minutes a console session may go unused before it ends (the sign-in page then says so). A board open on an
    incident that is still open counts as use (docs/web.md, Security); the 14-hour lifetime applies regardless."""
    max_unpacked_mb: int = Field(default=MAX_UNPACKED_MB, ge=1)
    """The most a gzip-compressed input (``talkdown eval``, ``study analyze``, ``analyze --context``) may unpack to,
    in MB (2**20 bytes); more is TD114. Why: a few kilobytes of gzip can unpack to gigabytes (a "gzip bomb"), read
    into memory or analysed for hours before anyone sees why; a plain file's size is there to see, so it has no
    limit. 1 GB of JSONL is about five million utterances, a run of hours; raise it for a larger corpus."""
    max_line_mb: int = Field(default=MAX_LINE_MB, ge=1)
    """The longest line a conversation file (JSONL: ``talkdown eval``, ``study analyze``, ``analyze --context``,
    gzip or not) may hold, in MB; a longer one is TD115, read no further. Why: one line is one conversation, held
    whole by the readers, so a file with no line breaks (one JSON document, lines ended by CR alone, a gzip bomb)
    was read into memory up to ``max_unpacked_mb``, or all of a plain file, before any error could be said."""
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    """Addresses or networks (``10.0.0.5``, ``10.0.0.0/24``; ``*`` for any) of reverse proxies whose
    ``X-Forwarded-For`` and ``X-Forwarded-Proto`` ``talkdown serve`` believes, as a comma list; unset: none, and the
    client address in the audit log and the sign-in throttle is the connection's own. Why not uvicorn's default
    (believe 127.0.0.1): the console runs without a proxy, and then any process on the laptop could name any
    address in the audit log."""

    @field_validator("data_dir", "checkpoint_dir", "extra_models", mode="before")
    @classmethod
    def _names_a_folder(cls, value: object) -> object:
        """An empty value (``TALKDOWN_DATA_DIR=`` from a script whose variable was unset) read as ``Path("")``,
        the current directory: the database and its checkpoints went wherever the command was started, and a
        command started elsewhere found another, empty database."""
        if isinstance(value, str) and not value.strip():
            raise ValueError("it names no folder; unset the variable to use the default")
        return value

    @field_validator("policy_file", mode="before")
    @classmethod
    def _names_a_file(cls, value: object) -> object:
        """An empty ``TALKDOWN_POLICY_FILE=`` named the current folder: refused, not read as "no policy", since
        whoever set it meant some policy and the defaults would be a quiet fall-back."""
        if isinstance(value, str) and not value.strip():
            raise ValueError("it names no file; unset the variable to use the doctrine defaults")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxy_list(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        proxies = tuple(part.strip() for part in value.split(",") if part.strip())
        for proxy in proxies:
            if proxy != "*":
                try:
                    ipaddress.ip_network(proxy, strict=False)
                except ValueError as exc:
                    raise ValueError(
                        f"'{proxy}' is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)"
                    ) from exc
        return proxies

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        zone_named(value)
        return value

    @property
    def display_zone(self) -> tzinfo | None:
        return zone_named(self.timezone)

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'talkdown.db'}"

    @property
    def resolved_checkpoint_dir(self) -> Path:
        """Checkpoints live beside, never inside, the database (see store/checkpoints.py)."""
        return self.checkpoint_dir or self.data_dir / "checkpoints"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "talkdown.log"

    @property
    def cache_dir(self) -> Path:
        """Files talkdown can rebuild at any time (matplotlib's font list): in the data folder, which talkdown
        writes anyway, so that a home folder it cannot write costs nothing (see ``report_charts``)."""
        return self.data_dir / "cache"
