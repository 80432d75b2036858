"""Shared fixtures: a real database per test on each backend, a fixed clock, hypothesis profiles."""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from talkdown.domain.clock import FixedClock
from talkdown.services.wiring import App, build_app
from talkdown.settings import Settings
from talkdown.store.engine import build_engine
from talkdown.store.schema import upgrade

settings.register_profile("dev", max_examples=60, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", max_examples=150, deadline=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

IN_CI = os.environ.get("CI") == "true"
PG_URL = os.environ.get("TALKDOWN_TEST_POSTGRES_URL")
TEMPLATE = "talkdown_test_template"
START = datetime(2026, 3, 14, 19, 42, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def eval_script() -> Callable[[str], ModuleType]:
    """Import a script of ``eval/`` by name (``eval/`` is not a package; its scripts import ``bench/machine``)."""

    def load(name: str) -> ModuleType:
        for folder in ("bench", "eval"):
            if str(ROOT / folder) not in sys.path:
                sys.path.insert(0, str(ROOT / folder))
        spec = importlib.util.spec_from_file_location(f"eval_{name}", ROOT / "eval" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return load


def _admin_engine():  # type: ignore[no-untyped-def]
    assert PG_URL is not None
    return create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated template database; each test clones it (fast) instead of migrating again."""
    if not PG_URL:
        if IN_CI:
            pytest.fail("CI=true but TALKDOWN_TEST_POSTGRES_URL is not set: PostgreSQL tests must run in CI")
        pytest.skip("PostgreSQL not configured (set TALKDOWN_TEST_POSTGRES_URL; .ci/postgres.sh starts one)")
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {TEMPLATE}"))
    engine = build_engine(make_url(PG_URL).set(database=TEMPLATE).render_as_string(hide_password=False))
    upgrade(engine)
    engine.dispose()
    yield TEMPLATE
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty, migrated database on each backend; real commits, no rollback tricks."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'talkdown.db'}"
        return
    with cloned_database(request.getfixturevalue("pg_template")) as url:
        yield url


@contextmanager
def cloned_database(template: str) -> Iterator[str]:
    """A PostgreSQL database cloned from the migrated template, dropped afterwards; yields its URL."""
    assert PG_URL is not None
    name = f"td_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture
def td_settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        checkpoint_dir=tmp_path / "checkpoints",
        actor="user:test",
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START, step=timedelta(seconds=1))


@pytest.fixture
def app(td_settings: Settings, clock: FixedClock) -> Iterator[App]:
    application = build_app(td_settings, clock=clock)
    yield application
    if application.listener is not None:  # PostgreSQL: the LISTEN thread and its connection
        application.listener.stop()
    application.store.engine.dispose()


@pytest.fixture
def sqlite_app(tmp_path: Path, clock: FixedClock) -> Iterator[App]:
    """SQLite only, for tests about the embedded default itself."""
    s = Settings(data_dir=tmp_path / "data", checkpoint_dir=tmp_path / "cp", actor="user:test")
    application = build_app(s, clock=clock)
    yield application
    application.store.engine.dispose()
