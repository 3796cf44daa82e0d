"""Unit files: GSO CSV/XLSX exports, malformed and unknown files (clear error, nothing written)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from scheduler.models.units import AdminUnit
from scheduler.units import UnitsError, UnitsFileError, import_file, read_units_file
from scheduler.units.text import fold, split_type
from tests.units_helpers import LEGACY, V2025, count, unit

GSO_LEGACY = ["Tỉnh Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp"]
GSO_2025 = ["Tỉnh / Thành Phố", "Mã TP", "Phường Xã", "Mã PX", "Cấp"]


def _stored(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AdminUnit)) or 0


def _gso_rows_legacy(testdata: Path, province: str) -> list[list[str]]:
    """Rows as the GSO site exports them, made from the real list of one province."""
    data = json.loads((testdata / LEGACY).read_text(encoding="utf-8"))
    prov = next(p for p in data if p["Code"] == province)
    rows = []
    for d in prov["District"]:
        for w in d["Ward"] or [{"FullName": "", "Code": ""}]:
            level = split_type(w["FullName"])[0] or ""
            rows.append(
                [
                    prov["FullName"],
                    prov["Code"],
                    d["FullName"],
                    d["Code"],
                    w["FullName"],
                    w["Code"],
                    level,
                ]
            )
    return rows


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


def test_gso_csv_legacy_matches_json(session: Session, testdata: Path, tmp_path: Path) -> None:
    rows = _gso_rows_legacy(testdata, "31")  # Hải Phòng, with the island district Bạch Long Vĩ
    path = _write_csv(tmp_path / "gso.csv", GSO_LEGACY, rows)
    units = read_units_file(path)
    assert units.structure == "legacy"
    summary = import_file(session, path, "test")
    assert summary.listed["district"] == 15
    assert summary.new == 1 + 15 + summary.listed["commune"]
    assert unit(session, "legacy", "district", "318").full_name == "Huyện Bạch Long Vĩ"
    session.commit()
    whole = read_units_file(testdata / LEGACY).only_province("31")
    by_json = {(r.level, r.code, r.name, r.unit_type) for r in whole.records}
    by_csv = {(r.level, r.code, r.name, r.unit_type) for r in units.records}
    assert by_csv == by_json
    again = import_file(session, path, "test")
    assert (again.new, again.changed, again.closed) == (0, 0, 0)


def test_gso_xlsx_2025(session: Session, testdata: Path, tmp_path: Path) -> None:
    data = json.loads((testdata / V2025).read_text(encoding="utf-8"))
    prov = next(p for p in data if p["Code"] == "19")
    book = Workbook()
    sheet = book.active
    sheet.append(["Danh mục đơn vị hành chính"])  # a title row above the header
    sheet.append(GSO_2025)
    for w in prov["Wards"]:
        # Excel drops leading zeros of numeric codes: 19 and 5419 must still work.
        sheet.append(
            [
                prov["FullName"],
                int(prov["Code"]),
                w["FullName"],
                int(w["Code"]),
                w["AdministrativeUnitShortName"],
            ]
        )
    path = tmp_path / "gso.xlsx"
    book.save(path)
    summary = import_file(session, path, "test")
    assert summary.structure == "2025"
    assert summary.new == 1 + len(prov["Wards"])
    assert count(session, "2025", "commune") == len(prov["Wards"])
    assert unit(session, "2025", "province", "19").full_name == "Tỉnh Thái Nguyên"


def test_csv_with_bad_rows_lists_them_and_writes_nothing(
    session: Session, testdata: Path, tmp_path: Path
) -> None:
    rows = _gso_rows_legacy(testdata, "19")
    rows[3][5] = "12ab"  # bad commune code
    rows[7][4] = ""  # commune name missing
    rows[9][3] = ""  # district code missing
    path = _write_csv(tmp_path / "bad.csv", GSO_LEGACY, rows)
    with pytest.raises(UnitsFileError) as err:
        import_file(session, path, "test")
    text = str(err.value)
    assert "row 5" in text and "12ab" in text and "Mã PX" in text
    assert "row 9" in text and "Phường Xã" in text
    assert "row 11, Mã QH" in text
    assert len(err.value.problems) == 3
    assert _stored(session) == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.json", '[{"Code": "01", "Name": "Hà Nội", "District": [', "malformed JSON"),
        ("shape.json", '{"provinces": []}', "unknown format"),
        ("codes.json", '[{"Code": "x1", "Name": "A", "Wards": []}]', "invalid"),
        ("list.txt", "01,Hà Nội", "unknown format"),
        ("empty.csv", "a,b,c\n1,2,3\n", "no header row"),
    ],
)
def test_bad_files_are_clear_errors(
    session: Session, tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UnitsError, match=message):
        import_file(session, path, "test")
    assert _stored(session) == 0


def test_structure_mismatch_is_refused(session: Session, testdata: Path) -> None:
    with pytest.raises(UnitsError, match="not legacy"):
        import_file(session, testdata / V2025, "test", structure="legacy")


def test_fold() -> None:
    assert fold("  Thành phố  Hồ Chí Minh ") == "thanh pho ho chi minh"
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("Thanh Hoá") == fold("Thanh Hóa") == "thanh hoa"
    assert fold("Thanh Ho\u0301a") == "thanh hoa"  # decomposed input


def _cli(engine: Engine, *args: str) -> tuple[int, str]:
    from web.cli import main

    runner = CliRunner()
    env = {"LOA_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    result = runner.invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_cli_import_list_and_errors(engine: Engine, testdata: Path, tmp_path: Path) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("CLI wiring is checked on SQLite; the operations run on both backends")
    code, out = _cli(engine, "units", "import", "--province", "Thái Nguyên")
    assert code == 0, out
    assert "93 new, 0 changed, 0 closed" in out
    code, out = _cli(engine, "units", "import", "--province", "19")
    assert code == 0 and "0 new, 0 changed, 0 closed" in out
    code, out = _cli(engine, "units", "list", "--search", "thai nguyen", "--level", "province")
    assert code == 0 and "Tỉnh Thái Nguyên" in out
    code, out = _cli(engine, "units", "list", "--province", "19", "--format", "json")
    rows = json.loads(out[out.index("[") :])
    assert len(rows) == 93 and rows[0]["level"] == "province"
    code, out = _cli(engine, "units", "import", "--province", "Atlantis")
    assert code == 1 and "Unknown province" in out
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    code, out = _cli(engine, "units", "import", str(bad))
    assert code == 1 and "malformed JSON" in out
    code, out = _cli(engine, "units", "list", "--on", "2025-13-01")
    assert code == 2 and "YYYY-MM-DD" in out
