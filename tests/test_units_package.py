"""Import from the packaged lists (no file at hand), search, lookup and the demo operation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content.models import AuditEntry
from scheduler.models.units import AdminUnit
from scheduler.units import (
    UnitsError,
    find_province,
    fold,
    import_province,
    list_units,
    package_list,
    predecessors,
    unit_on,
)
from tests.units_helpers import count, unit


def test_package_lists_have_official_counts() -> None:
    new, old = package_list("2025"), package_list("legacy")
    assert (new.count("province"), new.count("commune")) == (34, 3_321)
    assert (old.count("province"), old.count("district"), old.count("commune")) == (63, 696, 10_035)


def test_import_one_province_by_name_and_code(session: Session) -> None:
    summary = import_province(session, "Thái Nguyên", "demo")
    assert (summary.new, summary.changed, summary.closed) == (93, 0, 0)
    assert summary.listed == {"province": 1, "district": 0, "commune": 92}
    session.commit()
    assert count(session, "2025", "province") == 1
    assert count(session, "2025", "commune") == 92
    again = import_province(session, "19", "demo")
    assert (again.new, again.changed, again.closed) == (0, 0, 0)
    again = import_province(session, "thai nguyen", "demo")
    assert again.new == 0
    entries = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "units.import")
    )
    assert entries == 3


def test_legacy_province_links_to_2025(session: Session) -> None:
    import_province(session, "19", "demo", structure="legacy")
    import_province(session, "19", "demo")
    old = unit(session, "legacy", "province", "19")
    assert old.successor is not None and old.successor.structure == "2025"
    # Every legacy commune of the province has a successor, each one a 2025 commune.
    communes = list_units(session, province="19", structure="legacy", level="commune")
    assert len(communes) == 172
    assert all(c.successor is not None and c.successor.level == "commune" for c in communes)
    target = communes[0].successor
    assert communes[0] in predecessors(session, target)
    assert unit_on(communes[0], dt.date(2026, 3, 1)) is target
    assert unit_on(communes[0], dt.date(2025, 6, 30)) is communes[0]


def test_accent_insensitive_search(session: Session) -> None:
    import_province(session, "19", "demo")
    import_province(session, "Lạng Sơn", "demo")
    hits = list_units(session, search="thai nguyen")
    assert [u.code for u in hits if u.level == "province"] == ["19"]
    bac_son = list_units(session, search="BAC SON")
    assert bac_son and all("bac son" in fold(u.full_name or u.name) for u in bac_son)
    assert list_units(session, search="Bắc Sơn") == bac_son
    assert list_units(session, search="dong hy")  # đ folds to d
    assert list_units(session, search="100%_") == []  # LIKE wildcards are escaped
    assert find_province(session, "Tỉnh Thái Nguyên").code == "19"
    assert find_province(session, "LANG SON").code == "20"


def test_unknown_province_writes_nothing(session: Session) -> None:
    for bad in ("99", "Atlantis", "1x"):
        with pytest.raises(UnitsError, match="Unknown province"):
            import_province(session, bad, "demo")
    assert session.scalar(select(func.count()).select_from(AdminUnit)) == 0
    with pytest.raises(UnitsError, match="No administrative units are stored"):
        list_units(session, province="19")
