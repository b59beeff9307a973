"""The generic list page (ui/widgets) on a ledger declared in a few lines: a toy 账户名册 over the
real ``users`` table of a temp database, with a filter field of every kind (choice from an enum,
yes/no, a lookup loaded later, a date period, a hidden condition, a content search), its own
service calls (page / count / export), saved filters through the registry."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from app.db.models import User
from app.domain.enums import Period, Role
from app.domain.periods import resolve_period
from app.domain.permissions import Perm
from app.output.excel import Column
from app.services.query.export import ExportResult, every_row, export_table
from app.services.query.filters import register_filter
from app.services.query.paging import ListPage, SortSpec, day_bounds, read_page, sort_spec
from app.services.query.service import ListService, check_filter_class
from tests.clock import TODAY
from tests.ui.util import idle
from ui.context import AppContext
from ui.models import Col
from ui.widgets.filter_bar import Choice, DatePeriod, Hidden, Lookup, Text, YesNo
from ui.widgets.list_page import LedgerListPage, ListSpec
from ui.widgets.period_picker import PeriodPicker


# ---------------------------------------------------------------- the toy ledger's service

@register_filter
@dataclass(frozen=True)
class AccountFilter:
    period: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    role: str | None = None
    active: bool | None = None
    user_id: int | None = None
    username: str | None = None
    text: str = ""
    sort: str = "created"
    descending: bool = True

    LIST = "test_accounts"
    PERM = Perm.MANAGE_USERS          # who may see the list (and keep saved filters of it)


@dataclass(frozen=True)
class AccountRow:
    id: int
    name: str
    role_label: str
    active: bool
    created_at: datetime
    key: tuple


SORTS = {"created": SortSpec((User.created_at,), (False,)), "name": SortSpec((User.display_name,), (False,))}


def _conds(f: AccountFilter) -> list:
    lo, hi = resolve_period(f.period, TODAY) if f.period else (f.date_from, f.date_to)
    conds = day_bounds(True, lo, hi, User.created_at)
    for col, value in ((User.role, f.role), (User.active, f.active), (User.id, f.user_id),
                       (User.username, f.username)):
        if value is not None:
            conds.append(col == value)
    if f.text.strip():
        conds.append(User.display_name.contains(f.text.strip()))
    return conds


def _row(u: User, spec: SortSpec) -> AccountRow:
    values = {"created_at": u.created_at, "display_name": u.display_name}
    return AccountRow(u.id, u.display_name, Role.label_of(u.role), u.active, u.created_at,
                      tuple(values[c.key] for c in spec.columns) + (u.id,))


def account_page(db, f: AccountFilter, *, after=None, before=None, tail=False, limit=100) -> ListPage:
    spec = sort_spec(SORTS, f.sort)
    with db.read() as s:
        if f.text.strip():          # a content search: one complete page
            users = s.execute(select(User).where(*_conds(f)).order_by(User.id.desc())).scalars().all()
            return ListPage(tuple(_row(u, spec) for u in users), False, True)
        raw, more = read_page(s, select(User).where(*_conds(f)), spec, User.id, f.descending,
                              after=after, before=before, tail=tail, limit=limit)
        return ListPage(tuple(_row(r[0], spec) for r in raw), more)


def count_accounts(db, f: AccountFilter) -> int:
    with db.read() as s:
        return s.scalar(select(func.count(User.id)).where(*_conds(f)))


def export_accounts(db, actor, f: AccountFilter, path, *, full_ids=False, progress=None) -> ExportResult:
    return export_table(
        db, actor, f, path, perm=Perm.VIEW_CASES, name="账户名册",
        columns=lambda _full: [(Column("姓名"), lambda r: r.name), (Column("角色"), lambda r: r.role_label)],
        count=lambda: count_accounts(db, f),
        rows=lambda tick: every_row(account_page, db, f, page_size=2, progress=tick),
        words=lambda: "全部记录", today=TODAY, full_ids=full_ids, progress=progress)


def user_choices(db) -> list[tuple[int, str]]:
    with db.read() as s:
        return [(i, n) for i, n in s.execute(select(User.id, User.display_name).order_by(User.id))]


ACCOUNTS = ListService(AccountFilter, account_page, count_accounts, export_accounts)


class AccountsPage(LedgerListPage):
    title = "账户名册"
    spec = ListSpec(
        ACCOUNTS,
        columns=(Col("name", "姓名", lambda r: r.name, sort="name"),
                 Col("role", "角色", lambda r: r.role_label),
                 Col("created", "创建时间", lambda r: f"{r.created_at:%Y-%m-%d}", sort="created")),
        filters=(DatePeriod("创建时间"), Choice("role", "角色", Role), YesNo("active", "启用", no="停用"),
                 Lookup("user_id", "账户", user_choices, unknown="（指定账户）"),
                 Hidden("username", "用户名"), Text("搜索姓名")),
        wide="name")


class NoExportPage(LedgerListPage):
    title = "只看不导"
    spec = ListSpec(ListService(AccountFilter, account_page, count_accounts), AccountsPage.spec.columns,
                    (Choice("role", "角色", Role),), key="test_accounts_plain")


# ---------------------------------------------------------------- fixtures

PEOPLE = [("甲", Role.CLERK, True, 40), ("乙", Role.CLERK, False, 3), ("丙", Role.CASEWORKER, True, 2),
          ("丁", Role.MANAGER, True, 1), ("戊", Role.CASEWORKER, False, 70)]


@pytest.fixture
def accounts(db):
    """Five accounts created 40, 3, 2, 1 and 70 days before TODAY (mid-December: 3/2/1 this month)."""
    now = datetime.combine(TODAY, datetime.min.time()) + timedelta(hours=9)
    with db.write() as s:
        for i, (name, role, active, days) in enumerate(PEOPLE):
            s.add(User(username=f"u{i}", display_name=name, role=role.value, password_hash="x",
                       active=active, created_at=now - timedelta(days=days)))
    return user_choices(db)


@pytest.fixture
def page(db, admin, qtbot, accounts):
    w = AccountsPage(AppContext(db, admin))
    qtbot.addWidget(w)
    w.show()
    idle(qtbot)
    return w


def names(page) -> set[str]:
    return {page.model.row_at(r).name for r in range(page.model.rowCount())}


# ---------------------------------------------------------------- tests

def test_every_field_kind_filters_the_declared_list(page, qtbot, accounts):
    assert page.count_label.text() == "共 5 条" and names(page) == {"甲", "乙", "丙", "丁", "戊"}
    bar = page.bar
    role = bar.widget("role")
    assert [role.itemText(i) for i in range(role.count())] == ["全部"] + [r.label for r in Role]
    role.setCurrentIndex(role.findData(Role.CLERK.value))
    idle(qtbot)
    assert names(page) == {"甲", "乙"} and page.count_label.text() == "共 2 条"
    active = bar.widget("active")
    active.setCurrentIndex(active.findText("停用"))
    idle(qtbot)
    assert names(page) == {"乙"} and page.model.filter == AccountFilter(role="clerk", active=False)
    page.reset()
    idle(qtbot)
    assert names(page) == {"甲", "乙", "丙", "丁", "戊"} and role.currentIndex() == 0

    # the lookup was filled off the GUI thread on the first refresh
    lookup = bar.widget("user_id")
    assert [lookup.itemText(i) for i in range(lookup.count())] == ["全部", "甲", "乙", "丙", "丁", "戊"]
    lookup.setCurrentIndex(lookup.findText("丙"))
    idle(qtbot)
    assert names(page) == {"丙"}
    page.reset()
    idle(qtbot)

    # the period: 本月 shows its days greyed and lists the accounts created in it
    page.period_combo.setCurrentIndex(page.period_combo.findData(Period.THIS_MONTH.value))
    idle(qtbot)
    assert page.date_from.date().toPython() == TODAY.replace(day=1) and not page.date_from.isEnabled()
    assert names(page) == {"乙", "丙", "丁"} and page.model.filter.period == "this_month"

    # a hidden condition from outside, shown and removable
    page.apply_filter(AccountFilter(username="u4"))
    idle(qtbot)
    assert names(page) == {"戊"} and page.hidden_label.text() == "另按用户名筛选"
    assert page.period_combo.currentIndex() == 0
    page.clear_hidden()
    idle(qtbot)
    assert page.model.filter.username is None and len(names(page)) == 5

    # content search: one complete page, its hits are the count
    page.text_edit.setText("丁")
    qtbot.keyClick(page.text_edit, Qt.Key.Key_Return)
    idle(qtbot)
    assert names(page) == {"丁"} and page.count_label.text() == "找到 1 条"


def test_lookup_value_missing_from_its_list_is_still_shown(page, qtbot):
    page.apply_filter(AccountFilter(user_id=999))
    idle(qtbot)
    lookup = page.bar.widget("user_id")
    assert lookup.currentText() == "（指定账户）" and page.model.rowCount() == 0


def test_saved_filter_sort_paging_and_export(page, qtbot, tmp_path):
    page.bar.widget("role").setCurrentIndex(page.bar.widget("role").findData("caseworker"))
    idle(qtbot)
    page.ask_name = lambda: "承办人们"
    page.save_current()
    idle(qtbot)
    page.reset()
    idle(qtbot)
    i = page.saved_combo.findText("承办人们")
    assert i > 0
    page.saved_combo.setCurrentIndex(i)
    page.saved_combo.activated.emit(i)
    idle(qtbot)
    assert page.model.filter == AccountFilter(role="caseworker") and names(page) == {"丙", "戊"}
    assert page.bar.widget("role").currentData() == "caseworker"

    # sorting by name (descending first), read two rows at a time as the view asks for them
    page.reset()
    idle(qtbot)
    page.model.page_size = 2
    page._header_clicked(page.model.column_index("name"))     # noqa: SLF001
    qtbot.waitUntil(lambda: page.model.rowCount() == 5 and not page.model.loading, timeout=5000)
    idle(qtbot)
    by_name = sorted((n for n, *_ in PEOPLE), reverse=True)
    assert page.model.filter.sort == "name"
    assert [page.model.row_at(r).name for r in range(5)] == by_name
    page.view.hide()                                # no reading ahead for the view: first page only
    with qtbot.waitSignal(page.model.loaded, timeout=5000):
        page.model.set_filter(page.model.filter)
    assert page.model.rowCount() == 2
    page.jump_to_end()
    idle(qtbot)
    assert page.model.tail_mode and [r.name for r in page.model.rows] == by_name[-2:]

    out = tmp_path / "账户.xlsx"
    page.ask_export_path = lambda: str(out)
    page.export()
    idle(qtbot)
    ws = load_workbook(out).active
    assert ws["A1"].value.startswith("账户名册（导出于") and [c.value for c in ws[2]] == ["姓名", "角色"]
    assert sorted(ws.cell(row=r, column=1).value for r in range(3, 8)) == sorted(n for n, *_ in PEOPLE)
    assert ws.cell(row=8, column=1).value.startswith("审计指纹")
    assert page.message.text().startswith("已导出 5 条")


def test_a_list_without_export_shows_no_export_button(db, admin, qtbot, accounts):
    w = NoExportPage(AppContext(db, admin))
    qtbot.addWidget(w)
    w.show()
    idle(qtbot)
    assert not w.export_button.isVisible() and w.export() is None
    assert w.period_combo is None and w.text_edit is None and w.count_label.text() == "共 5 条"


def test_period_picker_value_and_quiet_set_value(qtbot):
    picker = PeriodPicker(today=lambda: date(2026, 11, 18))
    qtbot.addWidget(picker)
    seen = []
    picker.changed.connect(lambda: seen.append(picker.value()))
    picker.set_value(None, date(2026, 1, 1), None)
    assert seen == [] and picker.value() == (None, date(2026, 1, 1), None)
    assert picker.date_from.isEnabled()
    picker.combo.setCurrentIndex(picker.combo.findData("last_quarter"))
    assert seen == [("last_quarter", None, None)]
    assert picker.date_to.date().toPython() == date(2026, 9, 30) and not picker.date_to.isEnabled()


def test_a_list_service_says_what_its_filter_lacks():
    @dataclass(frozen=True)
    class NoSort:
        text: str = ""
        LIST = "test_no_sort"
    with pytest.raises(TypeError, match="no field 'sort'.*no PERM.*not registered"):
        check_filter_class(NoSort)

    @dataclass(frozen=True)
    class NoDefault:
        year: int
        sort: str = ""
        descending: bool = True
        LIST = "test_accounts"
        PERM = Perm.VIEW_CASES
    with pytest.raises(TypeError, match="'year' has no default.*another class"):
        ListService(NoDefault, account_page, count_accounts)
    assert ACCOUNTS.name == "test_accounts"


def test_saved_filters_of_a_list_need_the_permission_to_see_that_list(db, actors):
    from app.domain.errors import PermissionDenied
    from app.services.petitions.lists import CaseFilter
    from app.services.query import saved_filters
    clerk = actors[Role.CLERK]
    with pytest.raises(PermissionDenied):
        saved_filters.save(db, clerk, "我的账户", AccountFilter(role="clerk"))
    assert saved_filters.save(db, clerk, "我的案件", CaseFilter()).list_name == "cases"
    rec = saved_filters.save(db, actors[Role.ADMIN], "启用的", AccountFilter(active=True))
    assert saved_filters.list_saved(db, actors[Role.ADMIN], AccountFilter)[0].filter == rec.filter


def test_a_next_page_arriving_after_a_jump_to_the_end_is_dropped(qtbot):
    """The race the suite once hit: the view asked for the next page, the user jumped to the end,
    and the next page arrived after the tail — it must not be appended to the tail window."""
    from types import SimpleNamespace

    from ui.models import KeysetModel
    names = ["甲", "乙", "丙", "丁", "戊", "己"]
    rows = [SimpleNamespace(name=n, key=(i,)) for i, n in enumerate(names)]

    def fetch(_f, *, limit, after=None, before=None, tail=False):
        if tail:
            return ListPage(tuple(rows[-limit:]), True)
        start = 0 if after is None else after[0] + 1
        return ListPage(tuple(rows[start:start + limit]), start + limit < len(rows))

    pending = []                                        # reads held until the test delivers them
    model = KeysetModel([Col("name", "姓名", lambda r: r.name)], fetch, lambda _f: len(rows),
                        page_size=2, runner=lambda fn, ok, _err: pending.append((fn, ok)))
    model.set_filter(object())
    for fn, ok in pending[:]:                           # first page and count
        ok(fn())
    pending.clear()
    assert [r.name for r in model.rows] == ["甲", "乙"]
    model.fetchMore()                                   # the view asks for 丙, 丁 …
    model.jump_to_end()                                 # … and the user jumps to the end
    (next_fn, next_ok), (tail_fn, tail_ok) = pending
    tail_ok(tail_fn())
    next_ok(next_fn())                                  # the next page arrives last
    assert model.tail_mode and [r.name for r in model.rows] == ["戊", "己"]
    assert not model.loading
