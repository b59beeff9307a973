"""`uniondesk claim-quote` (DESIGN §5) through app.cli.main: the benefit and the rule applied; a
refusal or bad input exits 2 with one line naming the reason."""
from datetime import date

import pytest

from app.cli import main
from app.domain.mutual_aid import PlanKind, Tier
from app.services.mutual_aid.cover import tiers_to_json

from .mutual_aid_data import add_employer, add_person, add_plan, enroll


@pytest.fixture
def dbarg(db, db_path):
    with db.write() as s:
        emp = add_employer(s)
        zhang = add_person(s, "张三", "11010519800101001X", "M", date(1980, 1, 1), emp)
        li = add_person(s, "李四", "110105198501010028", "F", date(1985, 1, 1), emp)
        add_person(s, "王五", "110105197001010035", "M", date(1970, 1, 1), emp)
        zy = add_plan(s)
        yl = add_plan(s, code="YL", kind=PlanKind.REIMBURSE, name="住院医疗", threshold_fen=50_000,
                      ratio_bp=8000, term_cap_fen=2_000_000)
        tj = add_plan(s, code="TJ", kind=PlanKind.LUMP, name="女职工特殊疾病", male_min_age=None,
                      male_max_age=None, tiers=tiers_to_json([Tier("乳腺癌", 1_000_000)]), term_cap_fen=None)
        enroll(s, zy, emp, [zhang], paid_on=date(2026, 1, 10), shares=2)
        enroll(s, yl, emp, [zhang], paid_on=date(2026, 1, 10))
        enroll(s, tj, emp, [li], paid_on=date(2026, 1, 10))
    return ["--db", str(db_path)]


def run(dbarg, capsys, *args):
    code = main(dbarg + ["claim-quote", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_daily_quote_prints_the_benefit_and_the_rule(dbarg, capsys):
    code, out, err = run(dbarg, capsys, "--plan", "zy", "--id", "11010519800101001x", "--event", "2026-05-01",
                         "--until", "2026-05-11")
    assert (code, err) == (0, "")
    lines = out.strip().splitlines()
    assert lines[0].startswith("计划：2026 ZY 住院津贴互助保障（住院津贴：免赔3天，每天¥40/份")
    assert lines[1] == "参保人：张三（110105********001X），2份，保障自2026年1月11日，观察期至2026年4月10日"
    assert lines[2:4] == ["应给付 ¥560.00", "住院10天 − 免赔3天 = 7天 × ¥40 × 2份 = ¥560.00"]
    assert lines[4] == "本期已给付 ¥0.00，本次前剩余额度 ¥14,400.00"


def test_reimburse_and_lump_quotes(dbarg, capsys):
    code, out, _ = run(dbarg, capsys, "--plan", "YL", "--id", "11010519800101001X", "--event", "2026-06-01",
                       "--until", "2026-06-08", "--amount", "3,500.50")
    assert code == 0 and "(自付 ¥3,500.50 − 起付 ¥500) × 80% = ¥2,400.40" in out
    code, out, _ = run(dbarg, capsys, "--plan", "TJ", "--id", "110105198501010028", "--event", "2026-08-01",
                       "--tier", "乳腺癌")
    assert code == 0 and "乳腺癌 ¥10,000 = ¥10,000.00" in out


@pytest.mark.parametrize("args, reason", [
    (["--plan", "ZY", "--id", "11010519800101001X", "--event", "2026-04-10", "--until", "2026-04-20"],
     "不予给付：观察期内："),
    (["--plan", "ZY", "--id", "11010519800101001X", "--event", "2026-05-01", "--until", "2026-05-03"],
     "不予给付：未超过免赔天数："),
    (["--plan", "ZY", "--id", "110105197001010035", "--event", "2026-05-01", "--until", "2026-05-11"],
     "不予给付：未参加该计划："),
    (["--plan", "ZY", "--id", "11010519800101001X", "--event", "2026-05-11", "--until", "2026-05-01"],
     "早于入院日期"),
    (["--plan", "YL", "--id", "11010519800101001X", "--event", "2026-05-01", "--amount", "-3"], "不能为负数"),
    (["--plan", "YL", "--id", "11010519800101001X", "--event", "2026-05-01", "--amount", "3.001"], "精确到分"),
    (["--plan", "XX", "--id", "11010519800101001X", "--event", "2026-05-01"], "现有计划编号：TJ、YL、ZY"),
    (["--plan", "ZY", "--id", "110105199901010000", "--event", "2026-05-01"], "没有身份证号为"),
    (["--plan", "ZY", "--id", "11010519800101001X", "--event", "2026-13-01"], "不存在"),
    (["--plan", "ZY", "--id", "11010519800101001X", "--event", "明天"], "不是日期"),
])
def test_refusal_and_bad_input_exit_2_with_one_line(dbarg, capsys, args, reason):
    code, out, err = run(dbarg, capsys, *args)
    assert code == 2 and out == "" and reason in err and "error:" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_refusal_names_its_code_in_english(dbarg, capsys):
    _, _, err = run(dbarg, capsys, "--plan", "ZY", "--id", "11010519800101001X", "--event", "2026-04-10",
                    "--until", "2026-04-20")
    assert err.strip().endswith("error: claim refused: waiting")
