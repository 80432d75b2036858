"""Alembic environment: always run online, on the connection talkdown hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from talkdown.store.tables import metadata

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:  # developers' `alembic revision` from the repo root
    from sqlalchemy import create_engine

    url = context.config.get_main_option("sqlalchemy.url") or "sqlite:///alembic-dev.db"
    with create_engine(url).connect() as conn:
        context.configure(connection=conn, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
