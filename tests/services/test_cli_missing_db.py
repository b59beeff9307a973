"""A mistyped ``--db``: every command but ``demo`` stops with exit 2 and one line naming the file,
and leaves nothing behind (no empty database, no folders). ``demo`` creates the database."""
import pytest

from app.cli import main


def commands(tmp_path):
    csv = tmp_path / "days.csv"
    csv.write_text("date,kind,name\n2027-01-01,holiday,元旦\n", encoding="utf-8")
    return {
        "check": ["check"],
        "backup": ["backup", str(tmp_path / "b.db")],
        "notice": ["notice", "--case", "2026-000001", "--kind", "accept", "--pdf", str(tmp_path / "n.pdf")],
        "calendar show": ["calendar", "show", "2026"],
        "calendar import": ["calendar", "import", str(csv)],
        "deadline": ["deadline", "--start", "2026-02-12", "--days", "5", "--unit", "workday"],
    }


@pytest.mark.sqlite_only("a database file that does not exist")
@pytest.mark.parametrize("name", ["check", "backup", "notice", "calendar show", "calendar import",
                                  "deadline"])
def test_missing_database_file_exits_2_naming_it(tmp_path, capsys, name):
    typo = tmp_path / "offcie" / "uniondesk.db"
    assert main(["--db", str(typo), *commands(tmp_path)[name]]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip().splitlines() == [err.strip()]
    assert str(typo) in err and "不存在" in err and "does not exist" in err
    assert not typo.parent.exists()
    assert not (tmp_path / "b.db").exists() and not (tmp_path / "n.pdf").exists()


@pytest.mark.sqlite_only("a database file that does not exist")
def test_demo_creates_the_database(tmp_path, capsys):
    new = tmp_path / "new" / "demo.db"
    assert main(["--db", str(new), "demo", "--people", "5", "--registrations", "5"]) == 0
    assert new.is_file()
    capsys.readouterr()
    assert main(["--db", str(new), "check"]) == 0
