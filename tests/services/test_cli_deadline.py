"""`uniondesk deadline` and `uniondesk calendar` (DESIGN §5) through app.cli.main."""
import pytest

from app.cli import main
from app.db import open_database


@pytest.fixture
def dbarg(db_path):
    open_database(db_path).close()
    return ["--db", str(db_path)]


@pytest.mark.parametrize("args, reason", [
    (["--start", "9999-12-30", "--days", "5"], "超出日历范围"),
    (["--start", "2026-01-05", "--days", "99999999"], "不能超过 3660 天"),
    (["--start", "2026-01-05", "--days", "99999999999"], "不能超过 3660 天"),
    (["--start", "2026-01-05", "--days", "-1"], "不能为负数"),
])
@pytest.mark.parametrize("unit", ["workday", "calendar"])
def test_deadline_out_of_range_exits_2_with_one_line(dbarg, capsys, args, reason, unit):
    assert main(dbarg + ["deadline", *args, "--unit", unit]) == 2
    out, err = capsys.readouterr()
    assert out == "" and reason in err and "error:" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_deadline_longest_period_is_counted(dbarg, capsys):
    assert main(dbarg + ["deadline", "--start", "2026-01-05", "--days", "3660", "--unit",
                         "calendar"]) == 0
    assert capsys.readouterr().out.strip() == "2036-01-14"


def test_deadline_workdays_over_spring_festival(dbarg, capsys):
    assert main(dbarg + ["deadline", "--start", "2026-02-12", "--days", "5", "--unit", "workday"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "2026-02-26"
    assert err == ""


def test_deadline_calendar_days_into_national_day(dbarg, capsys):
    assert main(dbarg + ["deadline", "--start", "2026-09-16", "--days", "15", "--unit", "calendar"]) == 0
    assert capsys.readouterr().out.strip() == "2026-10-08"


def test_deadline_bad_date_exits_2_in_chinese(dbarg, capsys):
    assert main(dbarg + ["deadline", "--start", "2026-02-30", "--days", "5", "--unit", "workday"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "--start" in err and "2月30日" in err and "不存在" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_deadline_negative_days_exits_2(dbarg, capsys):
    assert main(dbarg + ["deadline", "--start", "2026-02-12", "--days", "-1", "--unit", "workday"]) == 2
    assert "不能为负数" in capsys.readouterr().err


def test_deadline_in_year_without_data_warns(dbarg, capsys):
    assert main(dbarg + ["deadline", "--start", "2027-03-01", "--days", "10", "--unit", "workday"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "2027-03-15"       # weekend rule only
    assert "2027" in err and "没有节假日数据" in err


def test_calendar_show_lists_spring_festival(dbarg, capsys):
    assert main(dbarg + ["calendar", "show", "2026"]) == 0
    out, err = capsys.readouterr()
    assert "2026-02-16\tholiday\t法定节假日\t春节" in out
    assert "2026-02-14\tworkday\t调休上班\t春节" in out
    assert err == ""


def test_calendar_show_year_without_data_warns(dbarg, capsys):
    assert main(dbarg + ["calendar", "show", "2027"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "2027" in err


def test_calendar_import_then_deadline_uses_it(dbarg, tmp_path, capsys):
    f = tmp_path / "2027.csv"
    f.write_text("date,kind,name\n2027-03-02,holiday,测试假日\n2027-03-06,workday,测试调休\n",
                 encoding="utf-8-sig")
    assert main(dbarg + ["calendar", "import", str(f)]) == 0
    assert "已导入 2 天" in capsys.readouterr().out
    # 2027-03-01 (Mon) + 5: 2 Mar off, 3, 4, 5, 6 (make-up Sat), 8
    assert main(dbarg + ["deadline", "--start", "2027-03-01", "--days", "5", "--unit", "workday"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "2027-03-08" and err == ""


def test_calendar_import_bad_file_exits_2_naming_the_row(dbarg, tmp_path, capsys):
    f = tmp_path / "bad.csv"
    f.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n", encoding="utf-8")
    assert main(dbarg + ["calendar", "import", str(f)]) == 2
    out, err = capsys.readouterr()
    assert "第 3 行" in err and "不存在" in err and "Traceback" not in err
    assert main(dbarg + ["calendar", "show", "2027"]) == 0
    assert capsys.readouterr().out == ""      # nothing was imported
