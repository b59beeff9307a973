"""Backup, restore and the daily automatic backup on real SQLite files."""
import sqlite3
from datetime import date, timedelta

import pytest

from app.db import open_database
from app.domain.actor import CLI_ACTOR
from app.domain.enums import Role
from app.domain.errors import PermissionDenied, UserError
from app.services import accounts, audit, backup, settings


def office_name(db):
    return settings.get(db, "office.name")


@pytest.mark.sqlite_only("backs up and restores the SQLite file")
def test_backup_then_restore_round_trip(db, db_path, tmp_path, admin):
    settings.save(db, admin, {"office.name": "东城区总工会"})
    accounts.create_user(db, admin, "li", "李四", Role.CLERK, "secret123")
    out = backup.backup_to(db, tmp_path / "saved" / "b1.db")
    assert out.is_file()
    # the copy is one self-contained file that opens as a database
    con = sqlite3.connect(out)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()

    # change things after the backup, then go back
    settings.save(db, admin, {"office.name": "改过的名字"})
    accounts.create_user(db, admin, "wang", "王五", Role.CLERK, "secret123")
    db.close()
    saved = backup.restore_from(db.url, out)

    again = open_database(db_path)
    try:
        assert office_name(again) == "东城区总工会"
        assert [u.username for u in accounts.list_users(again)] == ["li"]
        assert audit.verify(again) == []
        entries = audit.search(again, admin, action="restore")
        assert len(entries) == 1 and entries[0].username == CLI_ACTOR.username
    finally:
        again.close()
    # restore keeps the previous database in backups/
    assert saved is not None and saved.parent == db_path.parent / "backups"
    assert saved.name.startswith("before-restore-") and saved.suffix == ".db"
    old = open_database(saved, migrate=False)
    try:
        assert office_name(old) == "改过的名字"
    finally:
        old.close()


@pytest.mark.sqlite_only("backs up and restores the SQLite file")
def test_backup_into_folder_names_the_file(db, tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    out = backup.backup_to(db, folder)
    assert out.parent == folder and out.name.startswith("uniondesk-")


@pytest.mark.sqlite_only("backs up and restores the SQLite file")
def test_backup_onto_itself_refused(db, db_path):
    with pytest.raises(UserError, match="就是正在使用的数据库"):
        backup.backup_to(db, db_path)


@pytest.mark.sqlite_only("backs up and restores the SQLite file")
def test_restore_of_text_file_refused_and_db_untouched(db, db_path, tmp_path, admin):
    settings.save(db, admin, {"office.name": "东城区总工会"})
    db.close()
    before = db_path.read_bytes()
    junk = tmp_path / "notes.db"
    junk.write_text("这不是数据库\n" * 200, encoding="utf-8")
    with pytest.raises(UserError, match="不是 UnionDesk 备份文件") as e:
        backup.restore_from(db.url, junk)
    assert "当前数据库没有改动" in e.value.message
    assert db_path.read_bytes() == before
    assert not (db_path.parent / "backups").exists()
    again = open_database(db_path)
    assert office_name(again) == "东城区总工会"
    again.close()


@pytest.mark.sqlite_only("backs up and restores the SQLite file")
def test_restore_refuses_foreign_and_newer_databases(db, tmp_path):
    foreign = tmp_path / "other.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE stuff (x)")
    con.commit()
    con.close()
    with pytest.raises(UserError, match="不是 UnionDesk 备份文件"):
        backup.restore_from(db.url, foreign)

    newer = backup.backup_to(db, tmp_path / "newer.db")
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num='9999'")
    con.commit()
    con.close()
    with pytest.raises(UserError, match="比本程序新"):
        backup.restore_from(db.url, newer)

    with pytest.raises(UserError, match="找不到备份文件"):
        backup.restore_from(db.url, tmp_path / "missing.db")


@pytest.mark.sqlite_only("backs up and restores the SQLite file")
def test_restore_into_missing_database(tmp_path, db, admin):
    settings.save(db, admin, {"office.name": "西城区总工会"})
    out = backup.backup_to(db, tmp_path / "b.db")
    fresh = tmp_path / "new" / "office.db"
    from app.db.engine import to_url
    fresh.parent.mkdir()
    assert backup.restore_from(to_url(fresh), out) is None
    again = open_database(fresh)
    assert office_name(again) == "西城区总工会"
    again.close()


@pytest.mark.sqlite_only("backs up and restores the SQLite file")
def test_gui_wrappers_need_backup_permission(db, tmp_path, actors, admin):
    with pytest.raises(PermissionDenied):
        backup.backup_as(db, actors[Role.MANAGER], tmp_path / "b.db")
    with pytest.raises(PermissionDenied):
        backup.restore_as(db, actors[Role.CLERK], tmp_path / "b.db")
    out = backup.backup_as(db, admin, tmp_path / "b.db")
    assert out.is_file()
    assert [e.action for e in audit.search(db, admin, entity="database")] == ["backup"]


@pytest.mark.sqlite_only("backs up and restores the SQLite file")
def test_gui_restore_drops_connections_made_to_the_old_file_meanwhile(db, tmp_path, admin,
                                                                      monkeypatch):
    settings.save(db, admin, {"office.name": "原来的名字"})
    out = backup.backup_as(db, admin, tmp_path / "b.db")
    settings.save(db, admin, {"office.name": "改过的名字"})
    real_restore_from = backup.restore_from

    def read_first(url, src, actor):
        settings.office(db)  # a background read between closing and replacing the file
        return real_restore_from(url, src, actor)

    monkeypatch.setattr(backup, "restore_from", read_first)
    backup.restore_as(db, admin, out)
    assert settings.office(db).name == "原来的名字"


def test_server_database_refused(tmp_path):
    from sqlalchemy.engine import make_url
    with pytest.raises(UserError, match="pg_dump"):
        backup.restore_from(make_url("postgresql://u@server/uniondesk"), tmp_path / "x.db")


@pytest.mark.sqlite_only("backs up and restores the SQLite file")
def test_auto_backup_once_a_day_and_keeps_newest(db, db_path):
    day = date(2026, 1, 1)
    first = backup.auto_backup(db, today=day)
    assert first == db_path.parent / "backups" / "auto-20260101.db"
    assert backup.auto_backup(db, today=day) is None  # once a day
    for i in range(1, 35):
        assert backup.auto_backup(db, today=day + timedelta(days=i)) is not None
    autos = sorted(p.name for p in (db_path.parent / "backups").glob("auto-*.db"))
    assert len(autos) == 30  # backup.keep default
    assert autos[0] == f"auto-{day + timedelta(days=5):%Y%m%d}.db"
    assert autos[-1] == f"auto-{day + timedelta(days=34):%Y%m%d}.db"


@pytest.mark.sqlite_only("backs up and restores the SQLite file")
def test_auto_backup_keep_setting_and_leaves_other_files(db, db_path, admin):
    settings.save(db, admin, {"backup.keep": 2})
    folder = db_path.parent / "backups"
    folder.mkdir()
    (folder / "before-restore-20250101-000000.db").write_bytes(b"x")
    for i in range(4):
        backup.auto_backup(db, today=date(2026, 5, 1 + i))
    assert sorted(p.name for p in folder.iterdir()) == [
        "auto-20260503.db", "auto-20260503.db.audit-anchor.json",
        "auto-20260504.db", "auto-20260504.db.audit-anchor.json",
        "before-restore-20250101-000000.db"]  # an old backup's anchor file goes with it


# ---------------------------------------------------------------- issue 9: cut-off and damaged backups

def _fresh_backup(db, admin, tmp_path):
    settings.save(db, admin, {"office.name": "东城区总工会"})
    out = backup.backup_to(db, tmp_path / "saved" / "b1.db")
    settings.save(db, admin, {"office.name": "现在的名字"})
    return out


def _untouched(db_path, tmp_path):
    again = open_database(db_path)
    try:
        assert office_name(again) == "现在的名字"
    finally:
        again.close()
    assert not list(db_path.parent.glob("*.restoring"))


@pytest.mark.sqlite_only("backs up and restores the SQLite file")
def test_backup_records_its_anchor_beside_it(db, admin, tmp_path):
    out = _fresh_backup(db, admin, tmp_path)
    recorded = audit.read_anchor(audit.sidecar_path(out))
    assert recorded.length == audit.current_anchor(db).length - 1  # one write since the backup
    assert (recorded.length, recorded.head_hash) == (audit.anchor_of_file(out).length,
                                                     audit.anchor_of_file(out).head_hash)


@pytest.mark.sqlite_only("backs up and restores the SQLite file")
def test_restore_refuses_a_cut_off_backup(db, db_path, admin, tmp_path):
    out = _fresh_backup(db, admin, tmp_path)
    page = int.from_bytes(out.read_bytes()[16:18], "big")
    data = out.read_bytes()
    out.write_bytes(data[:-2 * page])
    db.close()
    with pytest.raises(UserError, match="文件长度 .* 字节不符，文件不完整（可能被截断）") as e:
        backup.restore_from(db.url, out)
    assert "当前数据库没有改动" in e.value.message
    _untouched(db_path, tmp_path)


@pytest.mark.sqlite_only("backs up and restores the SQLite file")
def test_restore_refuses_a_backup_whose_fulltext_index_is_damaged(db, db_path, admin, tmp_path):
    out = _fresh_backup(db, admin, tmp_path)
    con = sqlite3.connect(out)
    con.execute("INSERT INTO registration_fts(rowid, summary, request, facts, notes) "
                "VALUES (1, '公司拖欠工资三个月', '支付工资', '八月起未发', '')")
    con.commit()
    # the index's segment pages zeroed, as when the file's tail is lost: the table is there, its
    # index no longer matches it
    con.execute("UPDATE registration_fts_data SET block = zeroblob(length(block)) WHERE id > 10")
    con.commit()
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"  # SQLite's own check misses it
    con.close()
    db.close()
    with pytest.raises(UserError, match="全文索引 registration_fts 已损坏") as e:
        backup.restore_from(db.url, out)
    assert "当前数据库没有改动" in e.value.message
    _untouched(db_path, tmp_path)


@pytest.mark.sqlite_only("backs up and restores the SQLite file")
def test_restore_refuses_a_backup_changed_after_it_was_made(db, db_path, admin, tmp_path):
    out = _fresh_backup(db, admin, tmp_path)
    con = sqlite3.connect(out)
    last = con.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    con.execute("DELETE FROM audit_log WHERE id = ?", (last,))
    con.commit()
    con.close()
    db.close()
    with pytest.raises(UserError, match="备份文件在备份之后被改动过"):
        backup.restore_from(db.url, out)
    _untouched(db_path, tmp_path)


@pytest.mark.sqlite_only("backs up and restores the SQLite file")
def test_restore_of_an_older_backup_resets_the_anchor(db, db_path, admin, tmp_path):
    from app.services import maintenance
    out = _fresh_backup(db, admin, tmp_path)
    replaced = audit.fingerprint(db)
    db.close()
    backup.restore_from(db.url, out)
    again = open_database(db_path)
    try:
        report = maintenance.check(again)
        assert report.ok, report.lines
        anchor = audit.read_anchor(audit.anchor_path(again.url))
        assert anchor.fingerprint == audit.fingerprint(again)
        assert anchor.length == audit.anchor_of_file(out).length + 1  # the restore's own row
        [row] = audit.search(again, admin, action="restore")
        assert replaced in row.after
    finally:
        again.close()
