"""The real official lists: counts, idempotent re-import, the 2026 update, successor links.

Whole-country imports are slow-ish, so each backend imports both lists once per module;
tests that change data work in a transaction they roll back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from content.db import make_session_factory, transaction
from scheduler.models.units import AdminUnit
from scheduler.units import (
    ImportSummary,
    find_unit,
    import_file,
    import_list,
    list_units,
    read_units_file,
    unit_on,
)
from tests.conftest import BACKENDS
from tests.units_helpers import LEGACY, V2025, count, unit, v2026


@pytest.fixture(scope="module", params=BACKENDS)
def country(
    request: pytest.FixtureRequest,
    testdata: Path,
    tmp_path_factory: pytest.TempPathFactory,
    _sqlite_template,  # noqa: ANN001
    _pg_schema,  # noqa: ANN001
) -> Iterator[tuple[sessionmaker[Session], dict[str, ImportSummary]]]:
    """Both whole-country lists imported once into a fresh database of each backend."""
    engine: Engine
    if request.param == "sqlite":
        engine = _sqlite_template.fresh(tmp_path_factory.mktemp("units"))
    else:
        _pg_schema.clean()
        engine = _pg_schema.engine
    factory = make_session_factory(engine)
    summaries = {}
    with transaction(factory) as s:
        summaries["legacy"] = import_file(s, testdata / LEGACY, "test")
    with transaction(factory) as s:
        summaries["2025"] = import_file(s, testdata / V2025, "test")
    yield factory, summaries
    if request.param == "sqlite":
        engine.dispose()
    else:
        _pg_schema.clean()


@pytest.fixture
def rollback_session(country) -> Iterator[Session]:  # noqa: ANN001
    """A session whose changes are rolled back at the end of the test."""
    factory, _ = country
    with factory() as s:
        yield s
        s.rollback()


def test_counts_of_both_structures(country, rollback_session: Session) -> None:  # noqa: ANN001
    _, summaries = country
    s = rollback_session
    assert (summaries["legacy"].new, summaries["2025"].new) == (10_794, 3_355)
    assert count(s, "legacy", "province") == 63
    assert count(s, "legacy", "district") == 696
    assert count(s, "legacy", "commune") == 10_035
    assert count(s, "2025", "province") == 34
    assert count(s, "2025", "commune") == 3_321
    assert count(s, "2025", "commune", AdminUnit.unit_type == "Đặc khu") == 13
    assert count(s, "legacy", "commune", AdminUnit.unit_type == "Thị trấn") == 617
    # The five island districts without communes are stored, with no children.
    con_dao = unit(s, "legacy", "district", "755")
    assert con_dao.full_name == "Huyện Côn Đảo"
    assert not list(s.scalars(select(AdminUnit).where(AdminUnit.parent_id == con_dao.id)))


def test_effective_dates(rollback_session: Session) -> None:
    s = rollback_session
    old = unit(s, "legacy", "commune", "00001")
    new = unit(s, "2025", "commune", "00004")
    assert old.valid_to == dt.date(2025, 7, 1) and old.valid_from < dt.date(2000, 1, 1)
    assert new.valid_from == dt.date(2025, 7, 1) and new.valid_to is None
    assert old.parent.code == "001" and old.parent.parent.code == "01"
    assert new.parent.code == "01"
    on_2024 = list_units(s, level="province", on=dt.date(2024, 12, 31))
    on_2026 = list_units(s, level="province", on=dt.date(2026, 1, 1))
    assert (len(on_2024), len(on_2026)) == (63, 34)
    assert {u.structure for u in on_2024} == {"legacy"}


def test_reimport_is_idempotent(testdata: Path, rollback_session: Session) -> None:
    s = rollback_session
    for name in (LEGACY, V2025):
        again = import_file(s, testdata / name, "test")
        assert (again.new, again.changed, again.closed, again.linked) == (0, 0, 0, 0)
        assert "0 new, 0 changed, 0 closed" in str(again.line())


def test_2026_update_applied_in_place(testdata: Path, rollback_session: Session) -> None:
    s = rollback_session
    before = {u.code: (u.id, u.valid_from) for u in list_units(s, structure="2025")}
    summary = import_file(s, v2026(testdata), "test", effective=dt.date(2026, 4, 30))
    assert (summary.new, summary.closed) == (0, 0)
    assert summary.changed >= 200  # 190 spellings, 10 Xã->Phường, Đồng Nai, English names
    after = {u.code: (u.id, u.valid_from) for u in list_units(s, structure="2025")}
    assert after == before  # same rows, valid_from unchanged
    dong_nai = unit(s, "2025", "province", "75")
    assert (dong_nai.unit_type, dong_nai.full_name) == ("Thành phố", "Thành phố Đồng Nai")
    assert unit(s, "2025", "province", "38").full_name == "Tỉnh Thanh Hoá"
    assert unit(s, "2025", "commune", "00745").name == "Phố Bảng"
    # 06325: upstream wrote "xã Bắc Sơn"; the type prefix is capitalised, so no change.
    bac_son = unit(s, "2025", "commune", "06325")
    assert (bac_son.full_name, bac_son.unit_type) == ("Xã Bắc Sơn", "Xã")
    phuong = count(s, "2025", "commune", AdminUnit.unit_type == "Phường")
    xa = count(s, "2025", "commune", AdminUnit.unit_type == "Xã")
    assert (phuong, xa) == (697, 2611)
    again = import_file(s, v2026(testdata), "test", effective=dt.date(2026, 4, 30))
    assert (again.new, again.changed, again.closed) == (0, 0, 0)


def test_newer_list_closes_vanished_units(testdata: Path, rollback_session: Session) -> None:
    s = rollback_session
    # A list of province 19 without one commune closes just that commune, at the given date.
    full = read_units_file(testdata / V2025)
    part = full.only_province("19")
    gone = next(r for r in part.records if r.level == "commune")
    part.records.remove(gone)
    summary = import_list(s, part, "test", effective=dt.date(2026, 5, 1))
    assert (summary.new, summary.changed, summary.closed) == (0, 0, 1)
    closed = unit(s, "2025", "commune", gone.code)
    assert closed.valid_to == dt.date(2026, 5, 1)
    assert count(s, "2025", "commune", AdminUnit.valid_to.is_(None)) == 3_320
    # Listed again: reopened (counted as changed), and a rerun changes nothing.
    back = import_list(s, full.only_province("19"), "test")
    assert (back.new, back.changed, back.closed) == (0, 1, 0)
    assert unit(s, "2025", "commune", gone.code).valid_to is None


def test_successor_links_and_resolution(rollback_session: Session) -> None:
    s = rollback_session
    linked = count(s, "legacy", "commune", AdminUnit.successor_id.is_not(None))
    assert linked >= 10_030
    # Phường Phúc Xá (Ba Đình) was merged into Phường Hồng Hà (00097) on 1 July 2025.
    phuc_xa = find_unit(s, "00001", "commune", on=dt.date(2024, 6, 1))
    assert phuc_xa.successor is not None and phuc_xa.successor.code == "00097"
    assert unit_on(phuc_xa, dt.date(2024, 6, 1)) is phuc_xa
    assert unit_on(phuc_xa, dt.date(2026, 1, 1)).full_name == "Phường Hồng Hà"
    # A commune whose code the new commune reused links to it.
    tn_old = unit(s, "legacy", "province", "19")
    assert tn_old.successor.code == "19"
    district = unit(s, "legacy", "district", "164")
    assert district.successor.code == "19"  # districts resolve to the province after 2025
    new = unit(s, "2025", "commune", "00097")
    assert unit_on(new, dt.date(2024, 1, 1)) is None  # no single predecessor going back
