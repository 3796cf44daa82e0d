"""The migrations produce exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

import migrations
from migrations.metadata import target_metadata


def test_migrations_match_models(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, target_metadata())
    assert diff == [], f"models and migrations differ: {diff}"


def test_database_is_at_head(engine: Engine) -> None:
    assert migrations.is_current(engine)


def test_upgrade_is_idempotent(engine: Engine) -> None:
    migrations.upgrade(engine)
    assert migrations.is_current(engine)
