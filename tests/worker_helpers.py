"""Helpers for worker tests: settings with chosen job times, contexts on a test database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from sqlalchemy.engine import Engine

from content.db import make_session_factory
from scheduler.config import Settings
from scheduler.worker.clock import FixedClock
from scheduler.worker.runner import WorkerContext, install
from tests.conftest import ROOT
from web.settings import parse_app_settings


def config_data(
    jobs: dict[str, dict[str, Any]] | None = None,
    timezone: str | None = None,
    **worker: Any,
) -> dict[str, Any]:
    """The project's config.toml as a dict, with worker settings and jobs replaced."""
    with (ROOT / "config.toml").open("rb") as fh:
        data = tomllib.load(fh)
    if timezone:
        data["locale"]["timezone"] = timezone
    data["worker"].update(worker)
    if jobs is not None:
        data["worker"]["jobs"] = jobs
    return data


def make_settings(base_dir: Path, **kwargs: Any) -> Settings:
    """Settings parsed from config_data(**kwargs), paths relative to base_dir."""
    notifications = kwargs.pop("notifications", None)
    backup = kwargs.pop("backup", None)
    data = config_data(**kwargs)
    if notifications:
        data["notifications"].update(notifications)
    if backup:
        data["backup"].update(backup)
    return parse_app_settings(data, "test-config", base_dir=str(base_dir))


def write_config(path: Path, database_url: str, **kwargs: Any) -> Path:
    """Write a config file for a worker subprocess."""
    notifications = kwargs.pop("notifications", None)
    data = config_data(**kwargs)
    data["database"]["url"] = database_url
    if notifications:
        data["notifications"].update(notifications)
    path.write_bytes(tomli_w.dumps(data).encode())
    return path


def context(settings: Settings, engine: Engine, at: dt.datetime) -> WorkerContext:
    """A worker context with a fixed clock at `at`, installed for this process."""
    ctx = WorkerContext(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        clock=FixedClock(at),
        instance="test",
    )
    install(ctx)
    return ctx


def with_zone(settings: Settings, zone: str) -> Settings:
    """The same settings in another planning zone."""
    return dataclasses.replace(settings, locale=dataclasses.replace(settings.locale, timezone=zone))
