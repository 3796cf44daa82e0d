"""PostgreSQL: unconfirmed items' slots are looked up one by one only when they are few."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from scheduler.compliance import aggregate


def test_few_pending_decides_by_the_share_of_items_without_airing(session: Session) -> None:
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        assert aggregate._few_pending(conn) is False  # SQLite always joins
        return
    # No slots counted (never analysed, or none): join, the plan that is never pathological.
    conn.execute(text("ANALYZE slots"))
    sql = "SELECT reltuples FROM pg_class WHERE oid = CAST('slots' AS regclass)"
    total = conn.execute(text(sql))
    if float(total.scalar_one()) <= 0:
        assert aggregate._few_pending(conn) is False
    else:  # pragma: no cover - only with slots in the test database
        pytest.skip("test database holds slots")
