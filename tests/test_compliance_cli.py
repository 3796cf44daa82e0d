"""`loa compliance` and `loa report`, and the DOCX/XLSX opened and rendered by LibreOffice."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

import migrations
from content.db import make_engine, make_session_factory
from tests import factories as f
from tests.compliance_data import airing, channel_with_languages, item
from web.cli import main

ROOT = Path(__file__).resolve().parent.parent
ARTEFACTS = ROOT / "artefacts"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A SQLite file with a province, three commune stations and a quarter of airings."""
    url = f"sqlite:///{tmp_path / 'loa.db'}"
    engine = make_engine(url)
    migrations.upgrade(engine)
    with make_session_factory(engine)() as session:
        province = f.unit(session, "Thái Nguyên", level="province", code="19",
                          valid_from=dt.date(2025, 7, 1))  # fmt: skip
        prog = f.programme(session, "Bản tin nông thôn mới", seconds=600)
        hmong = f.programme(session, "Tin tiếng Mông", topics=("y_te",), language="hmn")
        for i, name in enumerate(("Phường Đức Xuân", "Xã Bằng Thành", "Xã Ba Bể")):
            unit = f.unit(session, name, parent=province, code=f"0184{i}")
            langs = ("vi", "hmn") if i == 2 else ("vi",)
            ch = channel_with_languages(session, unit, "commune_radio", langs,
                                        dt.date(2025, 7, 1), name=f"Đài {name}")  # fmt: skip
            for w in range(40, 53):  # 2025-Q4 (all past: the report uses the clock)
                monday = dt.date.fromisocalendar(2025, w, 1)
                for k in range(2 - i):
                    day = monday + dt.timedelta(days=k)
                    start = dt.datetime.combine(day, dt.time(6), tzinfo=VN)
                    si = item(session, ch, prog, day, dt.time(6), VN)
                    status = "not_aired" if (w + k) % 5 == 0 else "aired"
                    airing(session, ch, prog, start.astimezone(dt.UTC), VN, status, item=si)
                if i == 2:
                    item(session, ch, hmong, monday, dt.time(17), VN)  # never confirmed
        session.commit()
    engine.dispose()
    return url


def run(url: str, *args: str):
    return CliRunner().invoke(main, list(args), env={"LOA_DATABASE_URL": url},
                              catch_exceptions=False)  # fmt: skip


def test_compliance_json_table_csv(db_url: str, tmp_path: Path) -> None:
    res = run(db_url, "compliance", "--period", "2025-Q4", "--unit", "19", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    weekly = next(r for r in data["rules"] if r["rule_id"] == "ntm_commune_weekly")
    first = weekly["channels"][0]
    assert {"channel_id", "channel_name", "unit_code", "period", "count", "status"} <= set(first)
    assert first["period"] == "2025-Q4" and len(first["periods"]) == 13
    res = run(db_url, "--lang", "vi", "compliance", "--period", "2025-W45", "--unit", "19",
              "--rule", "ntm_commune_weekly")  # fmt: skip
    assert res.exit_code == 0 and "Đạt mục tiêu" in res.output and "Chưa đạt" in res.output
    assert "Target met" not in res.output and "trạng thái" in res.output
    res = run(db_url, "compliance", "--period", "2025-W45", "--unit", "19", "--rule",
              "ntm_commune_weekly")  # fmt: skip
    assert res.exit_code == 0 and "Below minimum" in res.output and "Chưa đạt" not in res.output
    out = tmp_path / "c.csv"
    res = run(db_url, "--lang", "vi", "compliance", "--period", "2025-11", "--format", "csv",
              "-o", str(out))  # fmt: skip
    assert res.exit_code == 0 and out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:3] == ["Quy định", "Mã đài", "Đài"]
    assert {r["Tình trạng"] for r in rows} <= {"Đạt mục tiêu", "Đạt tối thiểu", "Chưa đạt",
                                              "Đang diễn ra", "Không áp dụng"}  # fmt: skip
    assert not any(r["Quy định"] == "ntm_commune_weekly" for r in rows)  # names, not ids
    res = run(db_url, "--lang", "en", "compliance", "--period", "2025-11", "--format", "csv")
    assert res.output.startswith("Rule,Station code,Station,")
    res = run(db_url, "compliance", "--period", "2025-Q4", "--format", "xlsx", "-o",
              str(tmp_path / "c.xlsx"))  # fmt: skip
    assert res.exit_code == 0 and (tmp_path / "c.xlsx").stat().st_size > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compliance", "--period", "2026-W54"], "53 ISO weeks"),
        (["compliance", "--period", "2025-Q4", "--unit", "99"], "99"),
        (["compliance", "--period", "2025-Q4", "--rule", "nope"], "nope"),
        (["compliance", "--period", "2025-Q4", "--format", "xlsx"], "-o"),
        (["report", "--period", "2026-Q5", "--unit", "19", "--format", "docx", "-o", "x.docx"],
         "period"),
    ],
)  # fmt: skip
def test_bad_input_exits_non_zero(db_url: str, args: list[str], message: str) -> None:
    res = run(db_url, *args)
    assert res.exit_code != 0 and message in res.output


def _render(path: Path, out_dir: Path, stem: str) -> Path:
    """Convert with LibreOffice (fails on a file it must repair) and render page 1 to PNG."""
    work = out_dir / stem
    work.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        ["libreoffice", "--headless", f"-env:UserInstallation=file://{work}/profile",
         "--convert-to", "pdf", "--outdir", str(work), str(path)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    pdf = work / (path.stem + ".pdf")
    assert proc.returncode == 0 and pdf.exists(), proc.stdout + proc.stderr
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(ARTEFACTS / stem)], check=True, timeout=60)  # fmt: skip
    return ARTEFACTS / f"{stem}.png"


@pytest.mark.skipif(
    not shutil.which("libreoffice") or not shutil.which("pdftoppm"),
    reason="LibreOffice and poppler-utils are needed (installed by .ci/run)",
)
def test_report_docx_and_xlsx_open_in_libreoffice(db_url: str, tmp_path: Path) -> None:
    ARTEFACTS.mkdir(exist_ok=True)
    docx, xlsx = tmp_path / "bao-cao-quy.docx", tmp_path / "bao-cao-quy.xlsx"
    for fmt, path in (("docx", docx), ("xlsx", xlsx)):
        res = run(db_url, "report", "--period", "2025-Q4", "--unit", "19", "--format", fmt,
                  "-o", str(path))  # fmt: skip
        assert res.exit_code == 0, res.output
    for path, stem in ((docx, "compliance-report-docx"), (xlsx, "compliance-report-xlsx")):
        png = _render(path, tmp_path, stem)
        assert png.stat().st_size > 5000
    res = run(db_url, "report", "--period", "2025-Q4", "--unit", "19", "--format", "json", "-o",
              str(tmp_path / "r.json"))  # fmt: skip
    data = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert data["deadline"] == "2025-12-20" and len(data["summary"]) == 3
    assert data["total"]["unconfirmed"] == 13
