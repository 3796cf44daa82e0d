"""Text at the door: decomposed Vietnamese (tone marks as combining characters) that enters
through any entry point is stored in NFC, on SQLite and PostgreSQL; search finds both forms."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from content.feeds.store import add_source, ingest_document
from content.media_models import FeedItem, FeedSource
from content.models import Programme
from scheduler.bulk.importer import import_rows
from scheduler.bulk.tables import read_file
from scheduler.models import AdminUnit, Channel
from scheduler.units.queries import list_units
from scheduler.units.service import import_file
from tests import factories as f
from tests.conftest import ROOT
from web.settings import parse_app_settings

TITLE = "Xây dựng nông thôn mới ở bản Phìn Hồ"
NFD = unicodedata.normalize("NFD", TITLE)


def nfd(text: str) -> str:
    """The decomposed form (what legacy code pages and some keyboards send)."""
    out = unicodedata.normalize("NFD", text)
    assert out != text
    return out


def is_nfc(text: str | None) -> bool:
    """Stored composed (and not empty)."""
    return bool(text) and unicodedata.is_normalized("NFC", text)


def test_bulk_import_json_stores_nfc(session: Session, settings, tmp_path: Path) -> None:
    commune = f.unit(session, "Xã Nậm Xe", code="08001")
    session.commit()
    doc = {
        "format": "loa/1",
        "channels": [{"code": "DTT-NX", "name": nfd("Đài truyền thanh xã Nậm Xe"),
                      "kind": "commune_radio", "unit_code": commune.code,
                      "languages": "vi", "active_from": "2026-01-01"}],
        "programmes": [{"code": "NTM-9", "title": NFD, "type": "tin", "topics": "ntm",
                        "language": "vi", "duration_seconds": 300,
                        "description": nfd("Dòng một\nDòng hai")}],
    }  # fmt: skip
    path = tmp_path / "bulk.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    import_rows(session, settings, read_file(path), "tester")
    session.commit()
    programme = session.scalars(select(Programme)).one()
    assert programme.title == TITLE and is_nfc(programme.description)
    assert "\n" in (programme.description or "")
    assert session.scalars(select(Channel)).one().name == "Đài truyền thanh xã Nậm Xe"


def test_bulk_import_refuses_control_characters(session: Session, settings, tmp_path) -> None:
    from scheduler.bulk.importer import BulkImportError

    doc = {"programmes": [{"code": "X", "title": "Bản tin\x07", "type": "tin", "topics": "ntm",
                           "language": "vi", "duration_seconds": 60}]}  # fmt: skip
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(BulkImportError) as err:
        import_rows(session, settings, read_file(path), "tester")
    assert "control character (U+0007)" in str(err.value)


def test_unit_file_stores_nfc_and_search_finds_both_forms(session: Session, tmp_path) -> None:
    units = [{"Code": "08", "Name": nfd("Tuyên Quang"), "Wards": [
        {"Code": "02269", "Name": nfd("Phường Hà Giang 1"), "FullName": nfd("Phường Hà Giang 1")},
    ]}]  # fmt: skip
    path = tmp_path / "units.json"
    path.write_text(json.dumps(units, ensure_ascii=False), encoding="utf-8")
    import_file(session, path, "tester", effective=dt.date(2025, 8, 1))
    session.commit()
    names = {u.name for u in session.scalars(select(AdminUnit))}
    assert names == {"Tuyên Quang", "Phường Hà Giang 1"}
    for query in ("Hà Giang", nfd("Hà Giang"), "ha giang"):
        found = list_units(session, search=query, structure="2025")
        assert [u.code for u in found] == ["02269"], query


def test_feed_entries_store_nfc_and_drop_control_characters(session: Session, settings) -> None:
    source = add_source(session, "https://bao.example.vn/rss", "tester")
    title = nfd("Hội nghị tổng kết") + "\x0b"
    body = f"""<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
    <title>{nfd("Báo Tuyên Quang")}</title>
    <item><guid>a1</guid><title>{title}</title><description>{nfd("Nội dung")}\x01</description>
    </item></channel></rss>""".encode()
    outcome = ingest_document(session, source, body, settings.zone)
    session.commit()
    assert outcome.new_items == 1
    item = session.scalars(select(FeedItem)).one()
    assert item.title == "Hội nghị tổng kết" and item.text == "Nội dung"
    assert session.get(FeedSource, source.id) is not None


def cp1258(text: str) -> bytes:
    """Windows-1258 bytes: base letters (â, ơ, ư...) precomposed, tone marks as separate codes."""
    out = b""
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        for form in (ch, parts, unicodedata.normalize("NFC", parts[:-1]) + parts[-1]):
            try:
                out += form.encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
    return out


def test_feed_entries_in_a_legacy_encoding(session: Session, settings) -> None:
    source = add_source(session, "https://cu.example.vn/rss", "tester")
    body = cp1258(
        '<?xml version="1.0" encoding="windows-1258"?><rss version="2.0"><channel>'
        "<item><guid>b1</guid><title>Thông báo lịch phát sóng</title></item>"
        "</channel></rss>"
    )
    assert not unicodedata.is_normalized("NFC", body.decode("cp1258"))
    ingest_document(session, source, body, settings.zone)
    session.commit()
    assert session.scalars(select(FeedItem)).one().title == "Thông báo lịch phát sóng"


def test_config_labels_are_nfc(settings) -> None:
    data = {"topics": {"ntm": {"vi": nfd("Nông thôn mới"), "en": "New rural development"}}}
    parsed = parse_app_settings(data, "test.toml")
    assert parsed.topics["ntm"].vi == "Nông thôn mới"
    with pytest.raises(ValueError, match="control character"):
        parse_app_settings({"topics": {"x": {"vi": "a\x00", "en": "a"}}}, "test.toml")


def _cli_url(engine: Engine, request: pytest.FixtureRequest) -> str:
    """The CLI's LOA_DATABASE_URL for the test database (the PostgreSQL schema included)."""
    if engine.dialect.name == "sqlite":
        return engine.url.render_as_string(hide_password=False)
    schema = request.getfixturevalue("_pg_schema").schema
    url = engine.url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


def test_cli_arguments_store_nfc(engine: Engine, session: Session, request) -> None:
    from web.cli import main

    env = {"LOA_DATABASE_URL": _cli_url(engine, request)}
    runner = CliRunner()
    out = runner.invoke(
        main, ["programmes", "add", "--title", f"  {NFD} ", "--topic", "ntm", "--duration", "60"],
        env=env,
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    name = nfd("Báo Lào Cai")
    out = runner.invoke(main, ["feeds", "add", "https://x.example.vn/rss", "--name", name], env=env)
    assert out.exit_code == 0, out.output
    bad = runner.invoke(main, ["programmes", "add", "--title", "A\x1b[31m", "--topic", "ntm",
                               "--duration", "60"], env=env)  # fmt: skip
    assert bad.exit_code == 1 and "control character" in bad.output
    assert session.scalars(select(Programme.title)).all() == [TITLE]
    assert session.scalars(select(FeedSource.name)).all() == ["Báo Lào Cai"]


def _migration():
    path = ROOT / "migrations" / "versions" / "0010_nfc_texts.py"
    spec = importlib.util.spec_from_file_location("nfc_texts", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_data_migration_rewrites_stored_rows_in_nfc(engine: Engine, session: Session) -> None:
    unit_id = f.unit(session, "Xã Bản Phố", code="08002").id
    session.commit()
    session.close()  # on SQLite a session's transaction holds the write lock
    with engine.begin() as conn:
        conn.execute(insert(Programme.__table__).values(
            title=NFD, programme_type="tin", language="vi", duration_seconds=60,
            priority="normal", created_by="old", description=None))  # fmt: skip
        conn.execute(insert(Channel.__table__).values(
            name=nfd("Đài xã Bản Phố"), kind="commune_radio", unit_id=unit_id,
            active_from=dt.date(2025, 1, 1)))  # fmt: skip
    migration = _migration()
    with engine.begin() as conn:
        changed = sum(migration.normalise(conn, t, c) for t, c in migration.COLUMNS.items())
    assert changed == 2
    session.expire_all()
    assert session.scalars(select(Programme.title)).all() == [TITLE]
    assert session.scalars(select(Channel.name)).all() == ["Đài xã Bản Phố"]
    session.rollback()
    with engine.begin() as conn:  # a second run finds nothing to do
        assert sum(migration.normalise(conn, t, c) for t, c in migration.COLUMNS.items()) == 0
