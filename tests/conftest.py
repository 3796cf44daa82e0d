"""Shared fixtures: each test gets a migrated, empty database on SQLite and, if set, PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

import migrations
import web.catalogue  # noqa: F401 - installs the catalogues, as the CLI, app and worker do
from content.db import make_engine, make_session_factory
from migrations.metadata import target_metadata
from scheduler.config import Settings
from web.settings import load_app_settings

ROOT = Path(__file__).resolve().parent.parent
# Command output is asserted in English unless a test asks for a language (--lang vi, LOA_LANG);
# tests/test_messages.py checks the default ([locale].language) and both languages.
os.environ["LOA_LANG"] = "en"
PG_URL = os.environ.get("LOA_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def testdata_dir() -> Path:
    """Where the third-party test material lives (LOA_TESTDATA or ../shared/testdata)."""
    return Path(os.environ.get("LOA_TESTDATA") or ROOT.parent / "shared" / "testdata")


@pytest.fixture(scope="session")
def testdata() -> Path:
    """The third-party test material; skip with a reason when it is absent (never in CI)."""
    path = testdata_dir()
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"LOA_TESTDATA folder {path} is missing in CI")
        pytest.skip(f"third-party test data not found at {path} (set LOA_TESTDATA)")
    return path


class _SqliteTemplate:
    """One migrated SQLite file per session; each test gets a fresh copy."""

    def __init__(self, tmp: Path) -> None:
        self.path = tmp / "template.db"
        engine = make_engine(f"sqlite:///{self.path}")
        migrations.upgrade(engine)
        engine.dispose()  # closing the last connection checkpoints the WAL into the file

    def fresh(self, tmp: Path) -> Engine:
        target = tmp / f"{uuid.uuid4().hex}.db"
        shutil.copy(self.path, target)
        return make_engine(f"sqlite:///{target}")


class _PostgresSchema:
    """A private schema per test session (so parallel runs never meet); truncated per test."""

    def __init__(self, url: str) -> None:
        self.schema = f"loa_t_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        admin.dispose()
        self.url = url
        self.engine = self.make()
        migrations.upgrade(self.engine)
        self.tables = [t.name for t in target_metadata().sorted_tables]

    def make(self) -> Engine:
        return make_engine(
            self.url, connect_args={"options": f"-csearch_path={self.schema}"}, pool_size=25
        )

    def clean(self) -> None:
        names = ", ".join(f'"{t}"' for t in self.tables)
        with self.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))

    def drop(self) -> None:
        self.engine.dispose()
        admin = make_engine(self.url)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> _SqliteTemplate:
    return _SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def _pg_schema() -> Iterator[_PostgresSchema | None]:
    if not PG_URL:
        yield None
        return
    holder = _PostgresSchema(PG_URL)
    yield holder
    holder.drop()


@pytest.fixture(params=BACKENDS)
def engine(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    _sqlite_template: _SqliteTemplate,
    _pg_schema: _PostgresSchema | None,
) -> Iterator[Engine]:
    """A migrated, empty database on each configured backend."""
    if request.param == "sqlite":
        eng = _sqlite_template.fresh(tmp_path)
        yield eng
        eng.dispose()
    else:
        assert _pg_schema is not None
        _pg_schema.clean()
        yield _pg_schema.engine
        _pg_schema.clean()


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory on the test database."""
    return make_session_factory(engine)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session on the test database (tests commit as the code under test would)."""
    with session_factory() as s:
        yield s


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The project's default config.toml."""
    return load_app_settings(ROOT / "config.toml")
