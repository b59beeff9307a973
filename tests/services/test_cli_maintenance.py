"""`uniondesk backup / restore / check` through app.cli.main (DESIGN §5)."""
import sqlite3

from app.cli import main
from app.db import open_database
from app.domain.actor import CLI_ACTOR
from app.services import audit, settings


def make_db(path, name="东城区总工会"):
    db = open_database(path)
    settings.save(db, CLI_ACTOR, {"office.name": name})
    db.close()


def office_name(path):
    db = open_database(path)
    try:
        return settings.get(db, "office.name")
    finally:
        db.close()


def test_backup_restore_round_trip(tmp_path, capsys):
    live = tmp_path / "office.db"
    make_db(live)
    out = tmp_path / "b.db"
    assert main(["--db", str(live), "backup", str(out)]) == 0
    assert f"已备份到 {out}" in capsys.readouterr().out

    db = open_database(live)
    settings.save(db, CLI_ACTOR, {"office.name": "改过的名字"})
    db.close()
    assert main(["--db", str(live), "restore", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "已恢复" in printed and "before-restore-" in printed
    assert office_name(live) == "东城区总工会"
    db = open_database(live)
    try:
        assert f"审计指纹：{audit.fingerprint(db)}（已据恢复后的审计链重新设定锚点）" in printed
    finally:
        db.close()
    assert main(["--db", str(live), "check"]) == 0


def test_restore_of_junk_exits_2_with_chinese_message(tmp_path, capsys):
    live = tmp_path / "office.db"
    make_db(live)
    junk = tmp_path / "junk.db"
    junk.write_text("hello\n" * 100)
    assert main(["--db", str(live), "restore", str(junk)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("错误：") and "不是 UnionDesk 备份文件" in err and "error:" in err
    assert office_name(live) == "东城区总工会"


def test_check_ok_then_fails_after_tampering(tmp_path, capsys):
    live = tmp_path / "office.db"
    make_db(live)
    assert main(["--db", str(live), "check"]) == 0
    out = capsys.readouterr().out
    assert "完整性检查：通过" in out and "检查结果：全部通过" in out

    con = sqlite3.connect(live)
    audit_id = con.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    con.execute("UPDATE audit_log SET after = '{\"value\":\"x\"}' WHERE id = ?", (audit_id,))
    con.commit()
    con.close()
    assert main(["--db", str(live), "check"]) == 1
    out = capsys.readouterr().out
    assert f"审计记录 #{audit_id} 的内容被改动" in out


def test_backup_to_unwritable_place_exits_2(tmp_path, capsys):
    live = tmp_path / "office.db"
    make_db(live)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["--db", str(live), "backup", str(blocker / "sub" / "b.db")]) == 2
    assert "无法写入备份文件" in capsys.readouterr().err


def test_check_fails_after_the_trail_or_a_row_is_changed_in_the_file(tmp_path, capsys):
    live = tmp_path / "office.db"
    make_db(live)
    assert main(["--db", str(live), "check"]) == 0
    out = capsys.readouterr().out
    assert "审计指纹：" in out and "数据与审计记录：一致" in out and "编号计数器：通过" in out

    con = sqlite3.connect(live)
    con.execute("UPDATE settings SET value = '\"西城区总工会\"' WHERE key = 'office.name'")
    con.commit()
    con.close()
    assert main(["--db", str(live), "check"]) == 1
    out = capsys.readouterr().out
    assert "设置 #office.name（表 settings） 字段 value：数据库中为 \"西城区总工会\"" in out

    con = sqlite3.connect(live)
    con.execute("DELETE FROM audit_log")
    con.execute("DELETE FROM audit_head")
    con.commit()
    con.close()
    assert main(["--db", str(live), "check"]) == 1
    out = capsys.readouterr().out
    assert "审计链：通过" not in out and "少于锚点" in out and "检查结果：发现问题" in out


def test_restore_of_a_cut_off_backup_exits_2_and_changes_nothing(tmp_path, capsys):
    live = tmp_path / "office.db"
    make_db(live)
    out = tmp_path / "b.db"
    assert main(["--db", str(live), "backup", str(out)]) == 0
    assert "审计指纹" in capsys.readouterr().out
    out.write_bytes(out.read_bytes()[:-4096])
    db = open_database(live)
    settings.save(db, CLI_ACTOR, {"office.name": "改过的名字"})
    db.close()
    assert main(["--db", str(live), "restore", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "文件不完整（可能被截断）" in err and "当前数据库没有改动" in err
    assert office_name(live) == "改过的名字"
