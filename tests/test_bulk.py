"""Bulk import/export: one format in JSON and XLSX, all-or-nothing, every bad row listed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from content.models import Programme
from scheduler.bulk.exporter import export_rows
from scheduler.bulk.importer import BulkImportError, import_rows
from scheduler.bulk.tables import read_file, write_json, write_xlsx
from scheduler.models import Airing, Channel, ScheduledItem, SlotPattern
from scheduler.periods import Week
from tests import factories as f
from web.catalogue import render_in

DOC = {
    "format": "loa/1",
    "channels": [
        {
            "code": "DTT-PB",
            "name": "Đài truyền thanh xã Phú Bình",
            "kind": "commune_radio",
            "unit_code": "05800",
            "languages": "vi, tay",
            "active_from": "2025-07-01",
        }
    ],
    "slot_patterns": [
        {"channel_code": "DTT-PB", "weekdays": "123456", "start": "06:00", "minutes": 30},
        {"channel_code": "DTT-PB", "weekdays": "12345", "start": "17:30", "minutes": 30},
    ],
    "programmes": [
        {
            "code": "NTM-01",
            "title": "Xây dựng nông thôn mới ở Phú Bình",
            "type": "phong_su",
            "topics": ["ntm"],
            "language": "vi",
            "duration_seconds": "10:00",
            "approved_by": "Nguyễn Văn An",
        },
        {
            "code": "TAY-01",
            "title": "Bản tin tiếng Tày",
            "type": "tin",
            "topics": "ntm,ocop",
            "language": "tay",
            "duration_seconds": 300,
            "approved_by": "Nguyễn Văn An",
        },
    ],
    "schedule_items": [
        {
            "channel_code": "DTT-PB",
            "week": "2026-W45",
            "state": "published",
            "date": "02/11/2026",
            "start": "06:00",
            "programme_code": "NTM-01",
        },
        {
            "channel_code": "DTT-PB",
            "date": "2026-11-02",
            "start": "06:00",
            "programme_code": "TAY-01",
        },
    ],
    "airings": [
        {
            "channel_code": "DTT-PB",
            "date": "2026-11-02",
            "start": "06:00",
            "programme_code": "NTM-01",
            "status": "aired",
        },
        {
            "channel_code": "DTT-PB",
            "date": "2026-11-02",
            "start": "06:10",
            "programme_code": "TAY-01",
            "status": "not_aired",
            "reason_code": "mat_dien",
        },
        {
            "channel_code": "DTT-PB",
            "date": "2026-11-03",
            "start": "19:00",
            "programme_code": "TAY-01",
            "status": "aired",
        },
    ],
}


@pytest.fixture
def commune(session):
    province = f.unit(session, "Tỉnh Thái Nguyên", level="province", code="19")
    u = f.unit(session, "Xã Phú Bình", parent=province, code="05800")
    session.commit()
    return u


def write(tmp_path: Path, doc: dict) -> Path:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def counts(session):
    return tuple(
        session.scalar(select(func.count()).select_from(m))
        for m in (Channel, SlotPattern, Programme, ScheduledItem, Airing)
    )


def test_import_all_sections_then_reimport_is_idempotent(session, settings, commune, tmp_path):
    rows = read_file(write(tmp_path, DOC))
    summary = import_rows(session, settings, rows, "tester")
    session.commit()
    assert counts(session) == (1, 2, 2, 2, 3)
    assert summary.counts["airings"]["new"] == 3
    planned = session.scalars(select(Airing).order_by(Airing.id)).all()
    assert [a.scheduled_item_id is not None for a in planned] == [True, True, False]
    assert planned[1].status == "not_aired" and planned[1].reason_code == "mat_dien"
    again = import_rows(session, settings, read_file(write(tmp_path, DOC)), "tester")
    session.commit()
    assert counts(session) == (1, 2, 2, 2, 3)
    assert set(again.counts["channels"]) == {"unchanged"}
    assert set(again.counts["airings"]) == {"existing"}


def test_bad_rows_are_all_listed_and_nothing_is_written(session, settings, commune, tmp_path):
    doc = json.loads(json.dumps(DOC))
    doc["channels"][0]["languages"] = "vi, klingon"
    doc["programmes"][1]["topics"] = "ntm, bong_da"
    doc["programmes"][0]["duration_seconds"] = "mười phút"
    doc["slot_patterns"][1]["start"] = "25:00"
    with pytest.raises(BulkImportError) as err:
        import_rows(session, settings, read_file(write(tmp_path, doc)), "tester")
    session.rollback()
    text = str(err.value)
    assert "channels row 1, column 'languages': unknown language 'klingon'" in text
    assert "programmes row 2, column 'topics': unknown topic 'bong_da'" in text
    vi = render_in(err.value, "vi")  # one language: Vietnamese words for every row
    assert "channels dòng 1, cột 'languages': ngôn ngữ 'klingon' không hợp lệ" in vi
    assert "programmes dòng 2, cột 'topics': chủ đề 'bong_da' không hợp lệ" in vi
    assert "unknown" not in vi and "row" not in vi
    assert "programmes row 1, column 'duration_seconds'" in text
    assert "slot_patterns row 2, column 'start'" in text
    assert counts(session) == (0, 0, 0, 0, 0)


def test_export_round_trip_through_xlsx(session, settings, commune, tmp_path):
    import_rows(session, settings, read_file(write(tmp_path, DOC)), "tester")
    session.commit()
    sections = export_rows(session, settings, "19", (Week(2026, 45), Week(2026, 45)))
    assert len(sections["schedule_items"]) == 2 and len(sections["airings"]) == 3
    assert sections["schedule_items"][0]["state"] == "published"
    xlsx = tmp_path / "out.xlsx"
    write_xlsx(xlsx, sections)
    back = read_file(xlsx)
    assert back["channels"][0][0] == 2  # spreadsheet row numbers start below the header
    summary = import_rows(session, settings, back, "tester")
    session.commit()
    assert counts(session) == (1, 2, 2, 2, 3)
    assert set(summary.counts["programmes"]) == {"unchanged"}
    js = tmp_path / "out.json"
    write_json(js, sections)
    assert json.loads(js.read_text(encoding="utf-8"))["format"] == "loa/1"


def test_unknown_sections_and_columns_are_refused(tmp_path):
    from scheduler.errors import Invalid

    with pytest.raises(Invalid, match="unknown section 'stations'"):
        read_file(write(tmp_path, {"stations": []}))
    with pytest.raises(Invalid, match="unknown column"):
        read_file(write(tmp_path, {"channels": [{"colour": "red"}]}))
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(Invalid, match="not a readable XLSX"):
        read_file(bad)


def test_cli_import_reports_bad_rows_with_exit_1(tmp_path, monkeypatch):
    from web.cli import main

    monkeypatch.setenv("LOA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(main, ["import", str(write(tmp_path, DOC))])
    assert result.exit_code == 1
    assert "channels row 1, column 'unit_code'" in result.output
    result = runner.invoke(main, ["export", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 1 and "use a .json or .xlsx" in result.output
    result = runner.invoke(
        main, ["export", "--from-week", "2026-W54", "-o", str(tmp_path / "x.json")]
    )
    assert result.exit_code == 1 and "does not exist" in result.output
