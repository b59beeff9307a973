"""Statistics T1–T3 on a small database built record by record, every figure known by hand
(DESIGN §4 "Statistics"): channels and 合计 (人次 and repeats not added), the T3 cohort as of a later
report date (timeline for a follow-up repeated and a case reopened after it), each rate at its edges,
同比/环比 across a year boundary, and every figure equal to the count of its records."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.cli import main
from app.db.models import Employer, OutreachEvent, Registration, RegistrationIssue
from app.domain.enums import Role
from app.domain.statistics import ReportPeriod
from app.services.petitions import cases
from app.services import statistics
from app.services.statistics import TABLES, t3_handling, t4_hardship, t5_mutual_aid, workbook
from tests.services.test_cases import accept, make_user

MARCH = ReportPeriod.month(2026, 3)
MAY15 = date(2026, 5, 15)


def reg(db, actor, *, received: datetime, channel: str, disposition: str = "answered",
        head_count: int = 1, category: str = "consult", issues=("wages",), employer_id=None,
        outreach_event_id=None) -> int:
    """A registration that opens no case (answered, repeat, transferred…)."""
    with db.write() as s:
        n = s.scalar(select(func.count()).select_from(Registration)) + 1
        r = Registration(reg_no=f"{received.year}-{n:06d}", channel=channel, received_at=received,
                         head_count=head_count, is_group=head_count >= 5, representatives="[]",
                         employer_id=employer_id, category=category, summary="咨询", disposition=disposition,
                         outreach_event_id=outreach_event_id, created_by=actor.user_id,
                         created_at=received, updated_at=received)
        s.add(r)
        s.flush()
        for t in issues:
            s.add(RegistrationIssue(registration_id=r.id, issue_type=t))
        return r.id


@pytest.fixture
def desk(db, admin):
    """The office's registrations and cases (dates fixed; see the figures in each test)."""
    boss = make_user(db, admin, Role.MANAGER, "boss1", "负责人李强")
    worker = make_user(db, admin, Role.CASEWORKER, "worker1", "承办人王芳")
    with db.write() as s:
        now = datetime(2026, 1, 1)
        emp = Employer(name="宏达电子厂", industry="制造业", street="城关街道", initials="HDDZC",
                       created_at=now, updated_at=now)
        s.add(emp)
        ev = OutreachEvent(theme="工情直通车", held_on=date(2026, 3, 10), created_at=now)
        s.add(ev)
        s.flush()
        emp_id, ev_id = emp.id, ev.id
    at = lambda m, d, h=9: datetime(2026, m, d, h)  # noqa: E731

    # year boundary: calls answered in Jan 2025, Dec 2025, Jan 2026
    reg(db, boss, received=datetime(2025, 1, 20, 10), channel="call")
    for d in (15, 16):
        reg(db, boss, received=datetime(2025, 12, d, 10), channel="call")
    for d in (5, 6, 7):
        reg(db, boss, received=at(1, d), channel="call")

    # February: one case, concluded on time, petitioner unreachable at the follow-up
    f = accept(db, boss, received=at(2, 10), channel="letter")
    cases.assign(db, boss, f, handler_id=worker.user_id, now=at(2, 11))
    cases.conclude(db, boss, f, "explained", "已答复", now=at(2, 24))
    cases.follow_up(db, boss, f, "unreachable", "电话无人接听", now=at(2, 25))

    # March intake
    reg(db, boss, received=at(3, 2), channel="letter", employer_id=emp_id)
    reg(db, boss, received=at(3, 2, 10), channel="call", category="complaint",
        issues=("wages", "contract"), employer_id=emp_id)
    reg(db, boss, received=at(3, 3), channel="referral", disposition="not_accepted")
    reg(db, boss, received=at(3, 10), channel="outreach", outreach_event_id=ev_id)
    reg(db, boss, received=at(3, 11), channel="other", disposition="transferred")
    reg(db, boss, received=at(3, 12), channel="visit", disposition="repeat", head_count=4)
    reg(db, boss, received=at(3, 13), channel="call", disposition="repeat")
    a = accept(db, boss, received=at(3, 2), channel="call")                       # complaint
    b = accept(db, boss, received=at(3, 3), channel="online", category="consult")
    c = accept(db, boss, received=at(3, 5), channel="visit", head_count=3)
    d = accept(db, boss, received=at(3, 6), channel="visit", head_count=6, issues=("wages", "injury"))
    e = accept(db, boss, received=at(3, 31), channel="letter")

    # A: on time, satisfied, ¥1,000.50 for 3 workers
    cases.assign(db, boss, a, handler_id=worker.user_id, now=at(3, 3))
    cases.conclude(db, boss, a, "supported", "已支付", recovered="1000.50", workers=3, now=at(3, 10))
    cases.follow_up(db, boss, a, "satisfied", now=at(3, 12))
    # B: consult (5 working days) concluded late; unreachable on 4/21, reached on 5/20 (after May 15)
    cases.assign(db, boss, b, handler_id=worker.user_id, now=at(3, 4))
    cases.conclude(db, boss, b, "explained", "已解释", now=at(4, 20))
    cases.follow_up(db, boss, b, "unreachable", "无人接听", now=at(4, 21))
    cases.follow_up(db, boss, b, "satisfied", now=at(5, 20))
    # C: to a lower-level union, fed back in time, extended, still open on May 15 and overdue
    cases.assign(db, boss, c, kind="lower_union", assignee_name="城关街道工会", now=at(3, 6),
                 feedback_due=date(2026, 3, 13))
    cases.add_note(db, boss, c, "街道工会已约谈企业", now=at(3, 12))
    cases.request_extension(db, boss, c, "需要调查取证", now=at(3, 20))
    cases.decide_extension(db, boss, c, True, now=at(3, 21))
    cases.conclude(db, boss, c, "partly", "部分支持", now=at(6, 1))
    # D: group visit, on time, basically satisfied, ¥200 for 6 workers; reopened on 5/20
    cases.assign(db, boss, d, handler_id=worker.user_id, now=at(3, 7))
    cases.conclude(db, boss, d, "supported", "已协调", recovered=20000, workers=6, now=at(4, 1))
    cases.follow_up(db, boss, d, "basically", now=at(4, 2))
    cases.reopen(db, boss, d, "当事人反映未全额支付", now=at(5, 20))
    # E: never assigned
    return {"db": db, "cases": (f, a, b, c, d, e), "employer": emp_id, "worker": worker, "admin": admin,
            "boss": boss}


def fig(report, key):
    return report.figure(key)


def test_t1_channels_total_without_persons_or_repeats(desk):
    r = statistics.compute(desk["db"], MARCH, MAY15)
    got = {k: fig(r, f"intake.{k}").current for k in statistics.INTAKE_JSON}
    assert got == {"letters": 2, "calls": 2, "online": 1, "visit_batches": 2, "visit_persons": 9,
                   "referrals": 1, "outreach": 1, "other": 1, "total": 10, "group_visit_batches": 1,
                   "group_visit_persons": 6, "repeats": 2, "outreach_events": 1}
    assert sum(fig(r, k).current for k in statistics.t1_intake.CHANNEL_KEYS) == 10
    assert fig(r, "intake.calls").share == Decimal("20.00")
    assert fig(r, "intake.visit_persons").share is None          # 人次 is no share of 件
    assert fig(r, "intake.repeats").share is None                # repeats are outside 合计
    assert fig(r, "intake.total").previous == 1                   # February: one letter
    assert fig(r, "intake.total").ytd == 3 + 1 + 10
    assert fig(r, "intake.total").last_year == 0 and fig(r, "intake.total").yoy is None
    assert fig(r, "intake.total").mom == Decimal("900.00")
    assert [(b.label, b.figures["intake.total"]) for b in r.by_employer] == [
        ("（未填单位）", 8), ("宏达电子厂", 2)]
    assert [(b.label, b.figures["intake.total"]) for b in r.by_street][0] == ("（未填街道）", 8)
    assert ("制造业", 2) in [(b.label, b.figures["intake.total"]) for b in r.by_industry]


def test_t2_category_by_issue_type(desk):
    r = statistics.compute(desk["db"], MARCH, MAY15)
    rows = {row.category: row for row in r.categories}
    assert rows["complaint"].figure.current == 5     # the call + A, C, D, E
    assert rows["consult"].figure.current == 5
    assert rows["complaint"].cells["wages"] == 5 and rows["complaint"].cells["contract"] == 1
    assert rows["complaint"].cells["injury"] == 1
    assert r.issue_totals["wages"] == 10
    assert sum(row.figure.current for row in r.categories) == fig(r, "intake.total").current


def test_t3_march_cohort_as_of_may(desk):
    r = statistics.compute(desk["db"], MARCH, MAY15)
    got = {k: statistics._json_value(fig(r, f"handling.{k}")) for k in statistics.HANDLING_JSON}
    assert got == {"accepted": 5, "assigned": 4, "concluded": 3, "concluded_rate": "60.00",
                   "on_time": 2, "on_time_rate": "66.67", "extended": 1, "overdue": 2,
                   "in_progress": 2, "followed_up": 3, "satisfied": 1, "basically": 1,
                   "dissatisfied": 0, "unreachable": 1, "satisfaction_rate": "100.00",
                   "recovered": "1200.50", "workers_benefited": 9}
    handler = {b.label: b.figures for b in r.by_handler}
    # feedback due 10 working days after assignment (never after the due date): A concluded on its day (3/10); B and D fed
    # back nothing before concluding weeks later
    assert handler["承办人王芳"] == {"handling.assigned": 3, "handling.fed_back_on_time": 1,
                                 "handling.overdue": 0}
    assert {b.label: b.figures for b in r.by_lower_union} == {
        "城关街道工会": {"handling.assigned": 1, "handling.fed_back_on_time": 1, "handling.overdue": 1}}


def test_t3_state_follows_the_report_date(desk):
    db = desk["db"]
    # March 20: only A concluded (and followed up); B–E open; nothing overdue yet except none
    r = statistics.compute(db, MARCH, date(2026, 3, 20))
    assert fig(r, "handling.concluded").current == 1
    assert fig(r, "handling.extended").current == 0              # approved on 3/21
    assert fig(r, "handling.accepted").current == 4              # E was received on 3/31
    # May 25: D reopened (not concluded, no follow-up), B reached (satisfied), C still open
    r = statistics.compute(db, MARCH, date(2026, 5, 25))
    assert fig(r, "handling.concluded").current == 2
    assert fig(r, "handling.satisfied").current == 2 and fig(r, "handling.unreachable").current == 0
    assert fig(r, "handling.basically").current == 0
    assert fig(r, "handling.recovered").current == 100050       # D's ¥200 no longer counted
    # June 2: C concluded after its (extended) due date: late
    r = statistics.compute(db, MARCH, date(2026, 6, 2))
    assert fig(r, "handling.concluded").current == 3 and fig(r, "handling.on_time").current == 1


def test_overdue_uses_the_due_date_of_the_report_date(desk):
    """An extension approved after the report date does not rescue a case that was overdue then."""
    db = desk["db"]
    h = accept(db, desk["worker"], received=datetime(2026, 4, 1, 9))
    boss = make_user(db, desk["admin"], Role.MANAGER, "boss2", "负责人赵敏")
    cases.assign(db, boss, h, handler_id=desk["worker"].user_id, now=datetime(2026, 4, 1, 10))
    due = cases.get_case(db, h).due_date
    day_after = date.fromordinal(due.toordinal() + 1)
    april = ReportPeriod.month(2026, 4)
    assert fig(statistics.compute(db, april, day_after), "handling.overdue").current == 1
    cases.request_extension(db, boss, h, "需要鉴定", now=datetime.combine(day_after, datetime.min.time()))
    cases.decide_extension(db, boss, h, True,
                           now=datetime.combine(date.fromordinal(due.toordinal() + 2), datetime.min.time()))
    assert cases.get_case(db, h).due_date > day_after
    r = statistics.compute(db, april, day_after)
    assert fig(r, "handling.overdue").current == 1                 # as it stood on that day
    assert [x.id for x in statistics.records(db, "handling.overdue", april, day_after)] == [h]
    assert fig(statistics.compute(db, april, date.fromordinal(due.toordinal() + 3)),
               "handling.overdue").current == 0                   # extended by then


def test_rates_at_their_edges(desk):
    db = desk["db"]
    feb = statistics.compute(db, ReportPeriod.month(2026, 2), MAY15)
    assert fig(feb, "handling.concluded_rate").current == Decimal("100.00")
    assert fig(feb, "handling.on_time_rate").current == Decimal("100.00")   # all on time
    assert fig(feb, "handling.satisfaction_rate").current is None          # only 未能回访
    jan = statistics.compute(db, ReportPeriod.month(2026, 1), MAY15)
    out = statistics.to_json(jan)["handling"]
    assert out["accepted"] == 0 and out["concluded_rate"] is None and out["on_time_rate"] is None
    assert out["satisfaction_rate"] is None and out["recovered"] == "0.00"
    # March vs February for a rate: the difference in percentage points
    mar = statistics.compute(db, MARCH, MAY15)
    assert fig(mar, "handling.concluded_rate").mom == Decimal("-40.00")
    assert fig(mar, "handling.satisfaction_rate").mom is None


def test_year_boundary_comparisons(desk):
    jan = statistics.compute(desk["db"], ReportPeriod.month(2026, 1), MAY15)
    calls = fig(jan, "intake.calls")
    assert (calls.current, calls.previous, calls.last_year) == (3, 2, 1)
    assert calls.mom == Decimal("50.00") and calls.yoy == Decimal("200.00") and calls.ytd == 3
    day = statistics.compute(desk["db"], ReportPeriod(date(2026, 1, 5), date(2026, 1, 5)), MAY15)
    assert fig(day, "intake.calls").current == 1
    assert fig(day, "intake.calls").yoy is None and fig(day, "intake.calls").mom is None  # 日报


@pytest.mark.parametrize("period,as_of", [(MARCH, MAY15), (MARCH, date(2026, 5, 25)),
                                          (ReportPeriod(date(2025, 12, 1), date(2026, 3, 31)), MAY15)])
def test_every_figure_equals_its_records(desk, period, as_of):
    db = desk["db"]
    r = statistics.compute(db, period, as_of)
    checked = 0
    for table in TABLES.values():
        for f in table.figures:
            rows = statistics.records(db, f.key, period, as_of)
            value = r.figure(f.key).current
            assert sum(x.amount for x in rows) == value, f.key
            if f.measure is None:
                assert len(rows) == value, f.key
            checked += 1
    assert checked == (13 + 8 + len(t3_handling.FIGURES) + len(t4_hardship.FILES.figures)
                       + len(t4_hardship.PAYMENTS.figures) + sum(len(t.figures) for t in t5_mutual_aid.TABLES))
    for b in r.by_handler + r.by_lower_union:
        group = "handler" if b in r.by_handler else "lower_union"
        for key, value in b.figures.items():
            assert len(statistics.records(db, key, period, as_of, group=group, value=b.value)) == value
    for group, rows in (("employer", r.by_employer), ("industry", r.by_industry), ("street", r.by_street)):
        assert sum(b.figures["intake.total"] for b in rows) == r.figure("intake.total").current
        for b in rows:
            assert len(statistics.records(db, "intake.total", period, as_of, group=group,
                                          value=b.value)) == b.figures["intake.total"], (group, b)
    for row in r.categories:
        for issue, value in row.cells.items():
            ids = statistics.records(db, row.figure.key, period, as_of, group="issue_type", value=issue)
            assert len(ids) == value


def test_records_are_the_right_ones(desk):
    f, a, b, c, d, e = desk["cases"]
    got = [x.id for x in statistics.records(desk["db"], "handling.overdue", MARCH, MAY15)]
    assert got == [c, e]
    persons = statistics.records(desk["db"], "intake.visit_persons", MARCH, MAY15)
    assert sorted(x.amount for x in persons) == [3, 6]


# ------------------------------------------------------------------------------------ CLI, xlsx

def test_cli_stats_json(desk, db_path, capsys):
    desk["db"].close()
    assert main(["--db", str(db_path), "stats", "--from", "2026-03-01", "--to", "2026-03-31",
                 "--as-of", "2026-05-15", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["intake"]["total"] == 10 and out["intake"]["visit_persons"] == 9
    assert out["handling"]["on_time_rate"] == "66.67" and out["handling"]["recovered"] == "1200.50"
    assert set(out) == {"period", "intake", "handling", "hardship", "mutual_aid"}
    design_hardship = {"files_open", "files_new", "files_closed", "assisted_households", "assisted_times",
                       "amount", "by_kind", "funds"}
    assert design_hardship <= set(out["hardship"]) and out["hardship"]["amount"] == "0.00"
    assert out["mutual_aid"] == {"plans": [], "refusals": {}, "total": {
        "units": 0, "members": 0, "shares": 0, "premiums": "0.00", "claims": 0, "paid_times": 0,
        "paid": "0.00", "refused": 0, "payout_rate": None}}
    design_intake = {"letters", "calls", "online", "visit_batches", "visit_persons", "referrals",
                     "outreach", "other", "total", "group_visit_batches", "group_visit_persons", "repeats"}
    design_handling = {"accepted", "assigned", "concluded", "concluded_rate", "on_time", "on_time_rate",
                       "extended", "overdue", "followed_up", "satisfied", "basically", "dissatisfied",
                       "unreachable", "satisfaction_rate", "recovered", "workers_benefited"}
    assert set(out["intake"]) == design_intake | {"outreach_events"}     # README documents the added
    assert set(out["handling"]) == design_handling | {"in_progress"}
    assert all(type(out["intake"][k]) is int for k in design_intake)


@pytest.mark.parametrize("args,msg", [
    (["--from", "2026-03-32", "--to", "2026-03-31"], "error:"),
    (["--from", "2026-04-01", "--to", "2026-03-31"], "晚于结束日期"),
    (["--from", "2026-03-01", "--to", "2026-03-31", "--as-of", "2026-02-01"], "早于统计期间"),
])
def test_cli_stats_bad_input_exits_2(desk, db_path, capsys, args, msg):
    assert main(["--db", str(db_path), "stats", *args, "--json"]) == 2
    err = capsys.readouterr().err
    assert msg in err and len(err.strip().splitlines()) == 1 and " / error: " in err


def test_cli_report_xlsx(desk, db_path, tmp_path, capsys):
    desk["db"].close()
    out = tmp_path / "march.xlsx"
    assert main(["--db", str(db_path), "report", "--from", "2026-03-01", "--to", "2026-03-31",
                 "--as-of", "2026-05-15", "--xlsx", str(out)]) == 0
    assert "2026年3月" in capsys.readouterr().out
    ws = load_workbook(out)["T1受理情况"]
    assert [ws.cell(i, 2).value for i in range(4, 11)] == [2, 2, 1, 2, 1, 1, 1]
    charts = load_workbook(out)["图表"]
    assert len(charts._charts) == 2                                    # mix and trend
    # the trend: the 12 months ending with the report's month (April 2025 – March 2026)
    assert [charts.cell(r, 1).value for r in (23, 34, 35)] == ["2025-04", "2026-03", None]
    assert charts.cell(34, 9).value == 10                              # March's 合计
    assert not (tmp_path / "march.xlsx.part").exists()
    assert main(["--db", str(db_path), "report", "--from", "2026-03-01", "--to", "2026-03-31",
                 "--xlsx", str(tmp_path / "no" / "such" / "r.xlsx")]) == 2
    assert "/ error:" in capsys.readouterr().err


def test_cli_report_pdf(desk, db_path, tmp_path, capsys):
    from pypdf import PdfReader
    desk["db"].close()
    out = tmp_path / "march.pdf"
    assert main(["--db", str(db_path), "report", "--from", "2026-03-01", "--to", "2026-03-31",
                 "--as-of", "2026-05-15", "--pdf", str(out)]) == 0
    reader = PdfReader(out)
    pages = [pg.extract_text() for pg in reader.pages]
    n = len(pages)
    assert all(f"第 {i} 页 共 {n} 页" in t for i, t in enumerate(pages, start=1))
    text = "\n".join(pages)
    assert "信访帮扶统计报表（月报）" in text and "统计期间：2026年3月" in text
    assert "合计（件/批）\n10\n100.00%" in text                       # 合计 row: 10, its share
    assert "按期办结率\n66.67%" in text and "追回金额（元）\n¥1,200.50" in text
    assert "城关街道工会" in text and "负责人：" in text and "ROUND_HALF_UP" in text
    fonts = [f.get_object() for pg in reader.pages for f in pg["/Resources"]["/Font"].values()]
    assert all("/FontFile2" in f["/DescendantFonts"][0].get_object()["/FontDescriptor"]
               for f in fonts if f["/Subtype"] == "/Type0")                # embedded


def test_cli_report_needs_an_output(db_path, capsys):
    assert main(["--db", str(db_path), "report", "--from", "2026-03-01", "--to", "2026-03-31"]) == 2
    assert "--xlsx" in capsys.readouterr().err


def test_xlsx_read_back(desk, tmp_path):
    r = statistics.compute(desk["db"], MARCH, MAY15)
    out = workbook.write(tmp_path / "r.xlsx", r, office="某区总工会", made_on=date(2026, 5, 16))
    wb = load_workbook(out)
    assert wb.sheetnames == ["T1受理情况", "T2诉求类别×问题类型", "T3办理情况", "T4帮扶", "T5互助", "图表", "说明"]
    ws = wb["T1受理情况"]
    assert "A1:H1" in [str(m) for m in ws.merged_cells.ranges]
    assert ws["A2"].value == "填报单位：某区总工会" and "2026年3月" in ws["C2"].value
    assert ws["G2"].value == "制表日期：2026-05-16"
    assert ws.freeze_panes == "B4"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert [ws.cell(i, 1).value for i in range(4, 12)] == [
        "来信（件）", "来电（件）", "网上（件）", "来访（批）", "上级交办（件）", "走访活动问题（件）", "其他（件）",
        "合计（件/批）"]
    assert [ws.cell(i, 2).value for i in range(4, 11)] == [2, 2, 1, 2, 1, 1, 1]
    assert ws["B11"].value == "=SUM(B4:B10)" and ws["D11"].value == "=SUM(D4:D10)"
    assert ws["A12"].value == "来访（人次）" and ws["B12"].value == 9        # below 合计, not in it
    assert ws["C5"].value == pytest.approx(0.2) and ws["C5"].number_format == "0.00%"
    assert ws["E11"].value == "—"                                            # no March 2025: 同比 —
    assert ws["F4"].value == 1 and ws["F11"].value == "=SUM(F4:F10)"       # 上期 (February)
    assert ws["G11"].value == pytest.approx(9.0) and ws["G11"].number_format == "0.00%"  # 环比 900%
    t3 = wb["T3办理情况"]
    rows = {t3.cell(i, 1).value: i for i in range(4, 30) if t3.cell(i, 1).value}
    assert t3.cell(rows["受理件数"], 2).value == 5
    assert t3.cell(rows["追回金额（元）"], 2).value == pytest.approx(1200.50)
    assert t3.cell(rows["追回金额（元）"], 2).number_format == '"¥"#,##0.00'
    assert t3.cell(rows["按期办结率"], 2).value == pytest.approx(0.6667)
    assert t3.cell(rows["按期办结率"], 2).number_format == "0.00%"
    assert t3.cell(rows["合计"], 2).value.startswith("=SUM(")
    t2 = wb["T2诉求类别×问题类型"]
    assert t2.cell(3, 9).value == "劳动报酬/欠薪" and t2.cell(12, 9).value == "=SUM(I4:I11)"
    notes = wb["说明"]
    texts = {notes.cell(i, 1).value: notes.cell(i, 2).value for i in range(2, notes.max_row + 1)}
    assert "满意 + 基本满意" in texts["回访满意率"] and "ROUND_HALF_UP" in texts["比率"]
    foot = [c.value for row in ws.iter_rows() for c in row if c.value in ("填表人：", "审核人：", "负责人：")]
    assert foot == ["填表人：", "审核人：", "负责人："]


def test_xlsx_opens_in_libreoffice(desk, tmp_path):
    import shutil
    import subprocess
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed on this machine")
    r = statistics.compute(desk["db"], MARCH, MAY15)
    out = workbook.write(tmp_path / "r.xlsx", r, office="某区总工会")
    p = subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and (tmp_path / "r.pdf").stat().st_size > 0, p.stderr


def test_daily_xlsx_has_no_year_or_period_comparison(desk, tmp_path):
    r = statistics.compute(desk["db"], ReportPeriod(date(2026, 3, 2), date(2026, 3, 2)), MAY15)
    ws = load_workbook(workbook.write(tmp_path / "d.xlsx", r))["T1受理情况"]
    assert ws["A1"].value == "信访受理情况统计表（日报）"
    assert ws["B4"].value == 1 and ws["B5"].value == 2              # 3/2: one letter, two calls
    assert ws["E4"].value == "—" and ws["G4"].value == "—"


def test_recovered_and_workers_are_the_totals_as_they_stood_on_the_report_date(desk):
    """A case concluded in April with ¥1,000 for 2 workers, reopened in May and concluded again with
    ¥1,500 for 5: the April report printed on 4/30 keeps ¥1,000 and 2; printed in June, ¥1,500 and 5."""
    db, boss = desk["db"], desk["boss"]
    h = accept(db, boss, received=datetime(2026, 4, 1, 9))
    cases.assign(db, boss, h, handler_id=desk["worker"].user_id, now=datetime(2026, 4, 1, 10))
    cases.conclude(db, boss, h, "supported", "已支付", recovered="1000", workers=2,
                   now=datetime(2026, 4, 10, 9))
    april = ReportPeriod.month(2026, 4)
    before = statistics.compute(db, april, date(2026, 4, 30))
    cases.reopen(db, boss, h, "职工反映仍有欠款", now=datetime(2026, 5, 2, 9))
    cases.record_result(db, boss, h, recovered="1500", workers=5, now=datetime(2026, 5, 3, 9))
    cases.conclude(db, boss, h, "supported", "补足欠款", now=datetime(2026, 5, 4, 9))
    on_the_day = statistics.compute(db, april, date(2026, 4, 30))
    later = statistics.compute(db, april, date(2026, 6, 1))
    for r, fen, workers in ((before, 100000, 2), (on_the_day, 100000, 2), (later, 150000, 5)):
        assert fig(r, "handling.recovered").current == fen
        assert fig(r, "handling.workers_benefited").current == workers
