"""SQLite: the shared Core statements with SQLite's INSERT .. ON CONFLICT."""

from __future__ import annotations

from sqlalchemy.dialects.sqlite import insert

from scheduler.airing_store.core import CoreAiringStore

STORE = CoreAiringStore(insert)
