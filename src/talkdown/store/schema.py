"""Schema migrations run programmatically from the packaged ``migrations`` folder."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import DatabaseError

from talkdown.errors import TalkdownError
from talkdown.store.engine import driver_problem


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "talkdown.store:migrations")
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    return head or "base"


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Bring the schema to the newest revision; returns it. Refuses a database newer than this code (TD603) and
    a file that is not a database at all (TD601: a SQLite path naming some other file)."""
    try:
        return _upgrade(engine)
    except DatabaseError as exc:  # a database that does not answer is TD604 already (store.engine)
        shown = engine.url.render_as_string(hide_password=True)
        raise TalkdownError("TD601", url=shown, problem=driver_problem(exc)) from exc


def _upgrade(engine: Engine) -> str:
    cfg = _config()
    known = {rev.revision for rev in ScriptDirectory.from_config(cfg).walk_revisions()}
    have = current_revision(engine)
    if have is not None and have not in known:
        raise TalkdownError("TD603", have=have, want=head_revision())
    if have != head_revision():
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    return head_revision()
