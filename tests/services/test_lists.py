"""Registration and case lists: each filter narrows, relative periods on a fixed today, keyset
paging without duplicates or gaps (forward, backward, tail), deadline states as date ranges,
workbench numbers, saved filters with relative dates.

Rows are inserted directly by ``seed`` (fast, exact dates); ``make_user`` skips password hashing.
Other test modules (UI) import these helpers.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db.models import Case, Employer, HotspotWarning, Person, Registration, RegistrationIssue, User
from app.domain.actor import Actor
from app.domain.case_clock import DeadlineState
from app.domain.enums import ListFlag, Period, Role
from app.domain.errors import ValidationError
from app.services.petitions import lists, workbench
from app.services.query import saved_filters
from app.services.petitions.lists import CaseFilter, RegistrationFilter, resolve_period

TODAY = date(2026, 11, 18)          # a Wednesday
NOW = datetime(2026, 11, 18, 10, 0)


# ------------------------------------------------------------------------------------ helpers

def make_user(db, role: Role, username: str, display: str) -> Actor:
    with db.write() as s:
        u = User(username=username, display_name=display, role=role.value, password_hash="x",
                 active=True, created_at=NOW)
        s.add(u)
        s.flush()
        return Actor(user_id=u.id, username=username, display_name=display, role=role)


def add_employer(db, name: str) -> int:
    with db.write() as s:
        e = Employer(name=name, initials="x", created_at=NOW, updated_at=NOW)
        s.add(e)
        s.flush()
        return e.id


def add_person(db, name: str, id_number: str | None = None, employer_id: int | None = None) -> int:
    with db.write() as s:
        p = Person(name=name, initials="x", id_number=id_number, employer_id=employer_id,
                   created_at=NOW, updated_at=NOW)
        s.add(p)
        s.flush()
        return p.id


_counter = {"reg": 0, "case": 0}


def add_registration(db, *, received: datetime, channel="call", category="complaint",
                     disposition="answered", issues=("wages",), person_id=None, employer_id=None,
                     summary="公司拖欠工资", request="", facts="", head_count=1,
                     leader_reception=False, case: dict | None = None) -> tuple[int, int | None]:
    """One registration (and its case when ``case`` is given: status, due_date, handler_id,
    accepted_on, flags…). Returns (registration id, case id)."""
    with db.write() as s:
        n = (s.scalar(select(Registration.id).order_by(Registration.id.desc()).limit(1)) or 0) + 1
        reg = Registration(reg_no=f"{received.year}-{n:06d}", channel=channel, received_at=received,
                           person_id=person_id, head_count=head_count, is_group=head_count >= 5,
                           representatives="[]", employer_id=employer_id, category=category,
                           summary=summary, request=request, facts=facts,
                           disposition="accepted" if case is not None else disposition,
                           leader_reception=leader_reception, created_at=received,
                           updated_at=received)
        s.add(reg)
        s.flush()
        for t in issues:
            s.add(RegistrationIssue(registration_id=reg.id, issue_type=t))
        case_id = None
        if case is not None:
            c = dict(status="accepted", accepted_on=received.date(),
                     notice_due=received.date() + timedelta(days=15),
                     due_date=received.date() + timedelta(days=28))
            c.update(case)
            n_case = (s.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) or 0) + 1
            row = Case(case_no=f"C{received.year}-{n_case:06d}", registration_id=reg.id,
                       category=category, created_at=received, updated_at=received, **c)
            s.add(row)
            s.flush()
            case_id = row.id
        return reg.id, case_id


def reg_ids(db, f, today=TODAY) -> list[int]:
    return [r.id for r in lists.iter_rows(db, f, today=today, page_size=7)]


# ------------------------------------------------------------------------------------ periods

@pytest.mark.parametrize("period,expected", [
    (Period.TODAY, (date(2026, 11, 18), date(2026, 11, 18))),
    (Period.THIS_WEEK, (date(2026, 11, 16), date(2026, 11, 22))),
    (Period.THIS_MONTH, (date(2026, 11, 1), date(2026, 11, 30))),
    (Period.LAST_MONTH, (date(2026, 10, 1), date(2026, 10, 31))),
    (Period.THIS_QUARTER, (date(2026, 10, 1), date(2026, 12, 31))),
    (Period.THIS_YEAR, (date(2026, 1, 1), date(2026, 12, 31))),
    (Period.LAST_7_DAYS, (date(2026, 11, 12), date(2026, 11, 18))),
    (Period.LAST_30_DAYS, (date(2026, 10, 20), date(2026, 11, 18))),
])
def test_relative_periods_resolve_against_today(period, expected):
    assert resolve_period(period, TODAY) == expected
    assert resolve_period(period.label, TODAY) == expected      # 「本月」 as typed
    assert resolve_period(period.value, TODAY) == expected


def test_period_edges():
    assert resolve_period(Period.LAST_MONTH, date(2026, 1, 15)) == (date(2025, 12, 1), date(2025, 12, 31))
    assert resolve_period(Period.THIS_QUARTER, date(2026, 3, 31)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert resolve_period(Period.THIS_MONTH, date(2028, 2, 10)) == (date(2028, 2, 1), date(2028, 2, 29))
    with pytest.raises(ValidationError) as e:
        resolve_period("下下月", TODAY)
    assert "时间范围" in str(e.value)


# ------------------------------------------------------------------------------------ filters

@pytest.fixture
def sample(db):
    """A small office: two employers, two handlers, registrations across two months."""
    acme = add_employer(db, "甲公司")
    other = add_employer(db, "乙公司")
    wang = make_user(db, Role.CASEWORKER, "wang", "王芳")
    li = make_user(db, Role.CASEWORKER, "li", "李明")
    zhang = add_person(db, "张三", "11010519491231002X", acme)
    ids = {}
    ids["call_oct"] = add_registration(db, received=datetime(2026, 10, 9, 9), channel="call",
                                       category="consult", issues=("contract",))[0]
    ids["visit_group"] = add_registration(db, received=datetime(2026, 11, 2, 9), channel="visit",
                                          head_count=12, employer_id=acme, person_id=zhang,
                                          summary="十二名工人被拖欠工资",
                                          case=dict(handler_id=wang.user_id, status="assigned",
                                                    due_date=date(2026, 11, 17), supervised=True))
    ids["letter"] = add_registration(db, received=datetime(2026, 11, 10, 15), channel="letter",
                                     category="help", issues=("injury", "social_insurance"),
                                     employer_id=other, summary="工伤认定迟迟没有结果",
                                     case=dict(handler_id=li.user_id, status="in_progress",
                                               due_date=date(2026, 11, 19)))
    ids["online"] = add_registration(db, received=datetime(2026, 11, 17, 20), channel="online",
                                     disposition="not_accepted", leader_reception=True,
                                     facts="单位未签订劳动合同", issues=("contract",))
    ids["today"] = add_registration(db, received=datetime(2026, 11, 18, 8, 30), channel="visit",
                                    employer_id=acme, summary="加班费计算有误",
                                    case=dict(handler_id=wang.user_id, due_date=date(2026, 12, 16)))
    ids["done"] = add_registration(db, received=datetime(2026, 9, 1, 9), channel="call",
                                   summary="社保断缴",
                                   case=dict(handler_id=li.user_id, status="concluded",
                                             due_date=date(2026, 9, 29),
                                             concluded_on=date(2026, 9, 20),
                                             recovered_fen=8_600_000, workers_benefited=12))
    ids = {k: v[0] if isinstance(v, tuple) else v for k, v in ids.items()}
    return dict(ids=ids, acme=acme, other=other, wang=wang, li=li, zhang=zhang)


def test_registration_filters_each_narrow(db, sample):
    ids, acme = sample["ids"], sample["acme"]
    everything = reg_ids(db, RegistrationFilter())
    assert everything == [ids[k] for k in ("today", "online", "letter", "visit_group", "call_oct", "done")]
    F = RegistrationFilter
    assert reg_ids(db, F(period=Period.THIS_MONTH.value)) == [ids["today"], ids["online"], ids["letter"],
                                                            ids["visit_group"]]
    assert reg_ids(db, F(period="今天")) == [ids["today"]]
    assert reg_ids(db, F(date_from=date(2026, 10, 1), date_to=date(2026, 11, 2))) == \
        [ids["visit_group"], ids["call_oct"]]
    assert reg_ids(db, F(channel="visit")) == [ids["today"], ids["visit_group"]]
    assert reg_ids(db, F(category="help")) == [ids["letter"]]
    assert reg_ids(db, F(issue_type="contract")) == [ids["online"], ids["call_oct"]]
    assert reg_ids(db, F(issue_type="social_insurance")) == [ids["letter"]]
    assert reg_ids(db, F(disposition="not_accepted")) == [ids["online"]]
    assert reg_ids(db, F(disposition="accepted")) == [ids["today"], ids["letter"], ids["visit_group"],
                                                      ids["done"]]
    assert reg_ids(db, F(employer_id=acme)) == [ids["today"], ids["visit_group"]]
    assert reg_ids(db, F(person_id=sample["zhang"])) == [ids["visit_group"]]
    assert reg_ids(db, F(flags=(ListFlag.GROUP_VISIT.value,))) == [ids["visit_group"]]
    assert reg_ids(db, F(flags=(ListFlag.LEADER_RECEPTION.value,))) == [ids["online"]]
    assert reg_ids(db, F(channel="visit", employer_id=acme, period="本月")) == [ids["today"],
                                                                               ids["visit_group"]]
    assert reg_ids(db, F(text="劳动合同")) == [ids["online"]]           # facts, 4 characters
    assert reg_ids(db, F(text="工资")) == [ids["online"], ids["visit_group"], ids["call_oct"]]  # LIKE
    assert lists.count_registrations(db, F(channel="visit"), TODAY) == 2
    assert lists.count_registrations(db, F(), TODAY) == 6


def test_registration_rows_carry_labels(db, sample):
    page = lists.registration_page(db, RegistrationFilter(channel="letter"), today=TODAY)
    (row,) = page.rows
    assert (row.channel_label, row.category_label, row.disposition_label) == ("来信", "求助", "受理")
    assert row.issues_label in ("工伤/职业病、社会保险", "社会保险、工伤/职业病")
    assert row.employer_name == "乙公司" and row.case_no.startswith("C2026-")
    group = lists.registration_page(db, RegistrationFilter(employer_id=sample["acme"],
                                                           channel="visit"), today=TODAY).rows[-1]
    assert (group.person_name, group.id_number, group.head_count, group.is_group) == \
        ("张三", "11010519491231002X", 12, True)


def case_ids(db, f, today=TODAY) -> list[int]:
    return [r.id for r in lists.iter_rows(db, f, today=today, page_size=2)]


def test_case_filters_and_deadline_states(db, sample):
    ids, wang, li = sample["ids"], sample["wang"], sample["li"]
    page = lists.case_page(db, CaseFilter(), today=TODAY)
    by_reg = {r.registration_id: r for r in page.rows}
    # 11-17 is past (已超期); 11-19 is one working day ahead (即将到期); 12-16 正常
    assert by_reg[ids["visit_group"]].deadline is DeadlineState.OVERDUE
    assert by_reg[ids["letter"]].deadline is DeadlineState.DUE_SOON
    assert by_reg[ids["today"]].deadline is DeadlineState.NORMAL
    assert by_reg[ids["done"]].deadline is DeadlineState.ON_TIME      # concluded in time
    assert by_reg[ids["done"]].recovered_text == "¥86,000.00"
    assert by_reg[ids["visit_group"]].handler_name == "王芳"
    assert by_reg[ids["visit_group"]].flags_label == "督办"

    def regs(f):
        return [by_reg_id[c] for c in case_ids(db, f)]
    by_reg_id = {r.id: r.registration_id for r in page.rows}
    assert regs(CaseFilter(deadline="overdue")) == [ids["visit_group"]]
    assert regs(CaseFilter(deadline="due_soon")) == [ids["letter"]]
    assert regs(CaseFilter(deadline="normal")) == [ids["today"]]
    assert regs(CaseFilter(status=lists.OPEN)) == [ids["today"], ids["letter"], ids["visit_group"]]
    assert regs(CaseFilter(status="concluded")) == [ids["done"]]
    assert regs(CaseFilter(handler_id=wang.user_id)) == [ids["today"], ids["visit_group"]]
    assert regs(CaseFilter(handler_id=li.user_id, status=lists.OPEN)) == [ids["letter"]]
    assert regs(CaseFilter(employer_id=sample["acme"])) == [ids["today"], ids["visit_group"]]
    assert regs(CaseFilter(channel="letter")) == [ids["letter"]]
    assert regs(CaseFilter(category="help")) == [ids["letter"]]
    assert regs(CaseFilter(issue_type="injury")) == [ids["letter"]]
    assert regs(CaseFilter(flags=("supervised",))) == [ids["visit_group"]]
    assert regs(CaseFilter(flags=("group_visit",))) == [ids["visit_group"]]
    assert regs(CaseFilter(period="本月")) == [ids["today"], ids["letter"], ids["visit_group"]]
    assert regs(CaseFilter(text="工伤认定")) == [ids["letter"]]
    assert regs(CaseFilter(sort="due", descending=False)) == [ids["done"], ids["visit_group"],
                                                              ids["letter"], ids["today"]]
    assert lists.count_cases(db, CaseFilter(deadline="overdue"), TODAY) == 1
    assert lists.count_cases(db, CaseFilter(employer_id=sample["acme"]), TODAY) == 2


def test_due_soon_counts_working_days(db, sample):
    """Friday 2026-11-20: the next two working days are Mon 23 and Tue 24; a case due on Sunday 22
    or Tuesday 24 is due soon, Wednesday 25 is normal."""
    friday = date(2026, 11, 20)
    assert lists.soon_end(db, friday) == date(2026, 11, 25)
    for due in (date(2026, 11, 22), date(2026, 11, 24), date(2026, 11, 25)):
        add_registration(db, received=datetime(2026, 11, 1), case=dict(due_date=due))
    soon = [r.due_date for r in lists.iter_rows(db, CaseFilter(deadline="due_soon"), today=friday)]
    assert date(2026, 11, 24) in soon and date(2026, 11, 22) in soon
    assert date(2026, 11, 25) not in soon


# ------------------------------------------------------------------------------------ keyset paging

@pytest.fixture
def many(db):
    """53 registrations, several sharing a received time and a channel (ties on the sort key)."""
    base = datetime(2026, 11, 1, 8)
    channels = ["call", "visit", "letter", "online"]
    for i in range(53):
        add_registration(db, received=base + timedelta(hours=i // 3), channel=channels[i % 4],
                         case=dict(due_date=date(2026, 11, 20) + timedelta(days=i % 5)) if i % 2 else None)
    return 53


@pytest.mark.parametrize("sort,descending", [("received", True), ("received", False),
                                             ("channel", True), ("channel", False),
                                             ("reg_no", True), ("category", False),
                                             ("disposition", True)])
def test_keyset_pages_have_no_gaps_or_duplicates(db, many, sort, descending):
    f = RegistrationFilter(sort=sort, descending=descending)
    everything = lists.registration_page(db, f, limit=1000, today=TODAY).rows
    assert len(everything) == many
    forward, page = [], lists.registration_page(db, f, limit=10, today=TODAY)
    while True:
        forward += page.rows
        if not page.more:
            break
        page = lists.registration_page(db, f, after=page.rows[-1].key, limit=10, today=TODAY)
    assert [r.id for r in forward] == [r.id for r in everything]
    # tail window, then backwards to the start
    backward, page = [], lists.registration_page(db, f, tail=True, limit=10, today=TODAY)
    assert [r.id for r in page.rows] == [r.id for r in everything[-10:]]
    while True:
        backward = list(page.rows) + backward
        if not page.more:
            break
        page = lists.registration_page(db, f, before=page.rows[0].key, limit=10, today=TODAY)
    assert [r.id for r in backward] == [r.id for r in everything]


@pytest.mark.parametrize("sort,descending", [("case_no", True), ("due", False), ("due", True),
                                             ("status", False), ("accepted", True)])
def test_case_keyset_with_nullable_due_dates(db, many, sort, descending):
    with db.write() as s:      # two suspended cases: no due date
        for c in s.execute(select(Case).order_by(Case.id).limit(2)).scalars():
            c.due_date, c.suspended = None, True
    f = CaseFilter(sort=sort, descending=descending)
    everything = lists.case_page(db, f, limit=1000, today=TODAY).rows
    assert len(everything) == 26
    got, page = [], lists.case_page(db, f, limit=4, today=TODAY)
    while True:
        got += page.rows
        if not page.more:
            break
        page = lists.case_page(db, f, after=page.rows[-1].key, limit=4, today=TODAY)
    assert [r.id for r in got] == [r.id for r in everything]
    back, page = [], lists.case_page(db, f, tail=True, limit=4, today=TODAY)
    while True:
        back = list(page.rows) + back
        if not page.more:
            break
        page = lists.case_page(db, f, before=page.rows[0].key, limit=4, today=TODAY)
    assert [r.id for r in back] == [r.id for r in everything]
    assert lists.count_cases(db, CaseFilter(deadline="suspended"), TODAY) == 2


def test_unknown_sort_is_refused(db):
    with pytest.raises(ValidationError):
        lists.registration_page(db, RegistrationFilter(sort="summary"))


# ------------------------------------------------------------------------------------ workbench

def test_workbench_counts(db, sample, actors):
    wang = sample["wang"]
    manager = make_user(db, Role.MANAGER, "boss", "负责人")
    with db.write() as s:
        case = s.execute(select(Case).where(Case.handler_id == wang.user_id,
                                            Case.due_date == date(2026, 12, 16))).scalar_one()
        case.extension_status = "requested"
        s.add(HotspotWarning(kind="group_visit", registration_id=sample["ids"]["visit_group"],
                             first_at=NOW, last_at=NOW, created_at=NOW))
        s.add(HotspotWarning(kind="employer", employer_id=sample["acme"], first_at=NOW, last_at=NOW,
                             created_at=NOW, acknowledged_at=NOW, acknowledged_by=manager.user_id))
    mine = workbench.workbench_counts(db, wang, TODAY)
    assert (mine.my_open, mine.due_soon, mine.overdue, mine.awaiting_approval, mine.warnings,
            mine.today_registrations) == (2, 0, 1, None, 1, 1)
    boss = workbench.workbench_counts(db, manager, TODAY)
    assert (boss.my_open, boss.due_soon, boss.overdue, boss.awaiting_approval) == (0, 1, 1, 1)
    # 告知书未送达: open cases whose acceptance notice has no delivery yet; recording it takes one off
    assert mine.notice_pending == mine.my_open == 2
    assert boss.notice_pending == len(case_ids(db, CaseFilter(status=lists.OPEN)))
    with db.write() as s:
        s.get(Case, case.id).notice_delivered_on = TODAY
    assert workbench.workbench_counts(db, wang, TODAY).notice_pending == 1
    flagged = case_ids(db, CaseFilter(flags=(ListFlag.NOTICE_PENDING.value,)))
    assert case.id not in flagged and len(flagged) == len(case_ids(db, CaseFilter())) - 1
    mine = workbench.workbench_counts(db, wang, TODAY)
    # each number is the count of the filter its button opens
    for name, f in workbench.workbench_filters(wang).items():
        if isinstance(f, CaseFilter):
            assert len(case_ids(db, f)) == getattr(mine, name) or name == "awaiting_approval"


# ------------------------------------------------------------------------------------ saved filters

def test_saved_filter_round_trip_keeps_relative_period(db, sample):
    wang, li = sample["wang"], sample["li"]
    f = CaseFilter(period=Period.THIS_MONTH.value, status=lists.OPEN, flags=("supervised",),
                   handler_id=wang.user_id, sort="due", descending=False)
    saved = saved_filters.save(db, wang, "本月督办", f)
    assert saved.name == "本月督办"
    (back,) = saved_filters.list_saved(db, wang, CaseFilter)
    assert back.filter == f and back.filter.period == "this_month"
    # reopened in December, 本月 is December
    assert back.filter.days(date(2026, 12, 5)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert saved_filters.list_saved(db, li, CaseFilter) == []           # per user
    # explicit dates survive too; saving under the same name replaces
    g = RegistrationFilter(date_from=date(2026, 11, 1), date_to=date(2026, 11, 9), channel="call")
    saved_filters.save(db, wang, "十一月上旬来电", g)
    saved_filters.save(db, wang, "十一月上旬来电", replace_channel(g))
    (reg_saved,) = saved_filters.list_saved(db, wang, RegistrationFilter)
    assert reg_saved.filter == replace_channel(g)
    saved_filters.delete(db, wang, reg_saved.id)
    assert saved_filters.list_saved(db, wang, RegistrationFilter) == []
    with pytest.raises(ValidationError) as e:
        saved_filters.save(db, wang, "  ", f)
    assert "名称" in str(e.value)


def replace_channel(f: RegistrationFilter) -> RegistrationFilter:
    from dataclasses import replace
    return replace(f, channel="visit")


# ------------------------------------------------------------------------------------ query plans
# With the file out of memory (the office PC just started) every row read is a disk read: these
# case pages must read their own index in the list's order, not sort thousands of cases.

def _plans(db, call) -> dict[str, str]:
    """Run ``call``; EXPLAIN QUERY PLAN of each statement on ``cases`` alone that it ran (the
    page's ids, the count), by the first line of the statement."""
    from sqlalchemy import event
    seen = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        head = statement.strip().split("\n")[0].strip()
        if head in ("SELECT cases.id", "SELECT count(cases.id) AS count_1"):
            seen.append((head, statement, parameters))
    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)
    plans = {}
    with db.engine.connect() as conn:
        for head, statement, parameters in seen:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            plans[head] = " / ".join(r[-1] for r in rows)
    return plans


@pytest.mark.sqlite_only("EXPLAIN QUERY PLAN of SQLite")
@pytest.mark.parametrize("flag,index", [(ListFlag.FOCUS, "ix_cases_focus_due"),
                                        (ListFlag.SUPERVISED, "ix_cases_supervised_due")])
@pytest.mark.parametrize("descending", [False, True])
def test_flagged_cases_by_due_date_read_their_index_in_order(db, many, flag, index, descending):
    with db.write() as s:       # every third case flagged, one of them suspended (no due date)
        cases = s.execute(select(Case).order_by(Case.id)).scalars().all()
        for c in cases[::3]:
            setattr(c, flag.value, True)
        cases[0].due_date, cases[0].suspended = None, True
    f = CaseFilter(flags=(flag.value,), sort="due", descending=descending)
    plans = _plans(db, lambda: lists.case_page(db, f, limit=5, today=TODAY))
    assert index in plans["SELECT cases.id"] and "TEMP B-TREE" not in plans["SELECT cases.id"]
    everything = lists.case_page(db, f, limit=1000, today=TODAY).rows
    flagged = [c for c in cases[::3]]
    key = sorted(flagged, key=lambda c: (c.due_date is not None, c.due_date or date.min, c.id),
                 reverse=descending)
    assert [r.id for r in everything] == [c.id for c in key]


@pytest.mark.sqlite_only("EXPLAIN QUERY PLAN of SQLite")
def test_open_cases_without_delivered_notice_read_the_partial_index(db, sample):
    f = CaseFilter(status=lists.OPEN, flags=(ListFlag.NOTICE_PENDING.value,), sort="accepted",
                   descending=False)
    plans = _plans(db, lambda: (lists.case_page(db, f, today=TODAY), lists.count_cases(db, f, TODAY)))
    for head in ("SELECT cases.id", "SELECT count(cases.id) AS count_1"):
        assert "ix_cases_notice_pending" in plans[head], plans[head]
    assert "TEMP B-TREE" not in plans["SELECT cases.id"]
    # one handler's (the workbench's 告知书未送达 for a caseworker): the same index
    mine = CaseFilter(status=lists.OPEN, flags=(ListFlag.NOTICE_PENDING.value,),
                      handler_id=sample["wang"].user_id, sort="accepted", descending=False)
    assert "ix_cases_notice_pending" in _plans(db, lambda: lists.case_page(db, mine, today=TODAY))[
        "SELECT cases.id"]
    ids = sample["ids"]
    with db.read() as s:
        want = s.execute(select(Case.registration_id).where(
            Case.status.in_(("accepted", "assigned", "in_progress")), Case.notice_delivered_on.is_(None))
            .order_by(Case.accepted_on, Case.id)).scalars().all()
    assert [r.registration_id for r in lists.case_page(db, f, today=TODAY).rows] == want
    assert set(want) == {ids["visit_group"], ids["letter"], ids["today"]}


@pytest.mark.sqlite_only("EXPLAIN QUERY PLAN of SQLite")
def test_category_and_open_read_one_index_without_the_table(db, sample):
    f = CaseFilter(category="complaint", status=lists.OPEN)
    plan = _plans(db, lambda: lists.case_page(db, f, today=TODAY))["SELECT cases.id"]
    assert "COVERING INDEX ix_cases_status_category" in plan, plan
    ids = sample["ids"]
    assert [r.registration_id for r in lists.case_page(db, f, today=TODAY).rows] == [
        ids["today"], ids["visit_group"]]
