"""Alembic environment: runs migrations on the engine handed over by migrations.upgrade."""

from __future__ import annotations

from alembic import context

from migrations.metadata import target_metadata

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # pragma: no cover - only when alembic's own CLI is used
    from content.db import make_engine
    from web.settings import load_app_settings

    settings = load_app_settings()
    engine = make_engine(settings.database.url, settings.base_dir)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=target_metadata(),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
