"""PostgreSQL: the shared Core statements with PostgreSQL's INSERT .. ON CONFLICT.

The psycopg fast path (statements compiled once and run on the raw cursor, the airing and its
audit entry in one statement, autocommit) is gone: the plain path meets the confirmation target
(300 confirmations/s, p99 under 100 ms; bench/web.py) without it.
"""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert

from scheduler.airing_store.core import CoreAiringStore

STORE = CoreAiringStore(insert)
