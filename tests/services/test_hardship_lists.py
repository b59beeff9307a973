"""The file list and the assistance list: each filter, keyset pages both ways and the last page,
counts, export to xlsx read back cell by cell with ID numbers masked."""
from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from app.services import people, people_search
from app.services.hardship import files, lists, payments
from app.services.query.filters import filter_class, filter_from_dict, filter_to_dict
from tests.services.hardship_util import CLERK, MANAGER, active_file, at, file_input, funded, id_number, person

P = payments.PaymentInput
TODAY = date(2026, 12, 16)


def _office(db):
    acme = people.create_employer(db, CLERK, people.EmployerInput(name="甲公司", street="望京街道")).id
    other = people.create_employer(db, CLERK, people.EmployerInput(name="乙公司", street="三里屯街道")).id
    a = active_file(db, person(db, "张伟", 1, employer_id=acme), income="1000")      # deep
    b = active_file(db, person(db, "李娜", 2, male=False, employer_id=other), income="2000")  # relative
    c = files.create_file(db, CLERK, file_input(person(db, "王强", 3), main_cause="serious_illness",
                                                secondary_causes=("schooling",)), now=at(12, 1))
    return a, b, c, acme


def _nos(page):
    return [r.file_no for r in page.rows]


def test_file_list_filters_and_paging(db):
    a, b, c, acme = _office(db)
    F = lists.FileFilter
    assert _nos(lists.file_page(db, F(), today=TODAY)) == [c.file_no, b.file_no, a.file_no]
    assert _nos(lists.file_page(db, F(category="deep"), today=TODAY)) == [a.file_no]
    assert _nos(lists.file_page(db, F(state="active"), today=TODAY)) == [b.file_no, a.file_no]
    assert _nos(lists.file_page(db, F(state=lists.OPEN), today=TODAY)) == [c.file_no, b.file_no, a.file_no]
    assert _nos(lists.file_page(db, F(cause="schooling"), today=TODAY)) == [c.file_no]
    assert _nos(lists.file_page(db, F(cause="serious_illness"), today=TODAY)) == [c.file_no]
    assert _nos(lists.file_page(db, F(employer_id=acme), today=TODAY)) == [a.file_no]
    assert _nos(lists.file_page(db, F(street="三里屯街道"), today=TODAY)) == [b.file_no]
    assert _nos(lists.file_page(db, F(text="李"), today=TODAY)) == [b.file_no]
    assert _nos(lists.file_page(db, F(text=id_number(3)[:17]), today=TODAY)) == [c.file_no]
    assert _nos(lists.file_page(db, F(text=a.file_no.lower()), today=TODAY)) == [a.file_no]
    assert _nos(lists.file_page(db, F(review=lists.REVIEW_OVERDUE), today=date(2027, 11, 3))) == \
        [b.file_no, a.file_no]
    assert _nos(lists.file_page(db, F(review=lists.REVIEW_SOON), today=date(2027, 10, 10))) == \
        [b.file_no, a.file_no]
    # b was filed above 低保 (2,000 a head): 脱困 proposed six months on
    assert _nos(lists.file_page(db, F(review=lists.OUT_OF_POVERTY), today=date(2027, 5, 2))) == [b.file_no]
    assert _nos(lists.file_page(db, F(date_from=date(2026, 11, 1)), today=TODAY)) == [c.file_no]
    assert lists.count_files(db, F(state="active"), TODAY) == 2
    # keyset: two rows a page, forwards, backwards, the last page
    first = lists.file_page(db, F(), limit=2, today=TODAY)
    assert first.more and _nos(first) == [c.file_no, b.file_no]
    second = lists.file_page(db, F(), after=first.rows[-1].key, limit=2, today=TODAY)
    assert _nos(second) == [a.file_no] and not second.more
    back = lists.file_page(db, F(), before=second.rows[0].key, limit=2, today=TODAY)
    assert _nos(back) == [c.file_no, b.file_no]
    assert _nos(lists.file_page(db, F(), tail=True, limit=2, today=TODAY)) == [b.file_no, a.file_no]
    by_due = lists.file_page(db, F(sort="review_due", descending=False), today=TODAY)
    assert [r.review_due for r in by_due.rows][0] is None
    row = lists.file_page(db, F(category="deep"), today=TODAY).rows[0]
    assert (row.category_label, row.state_label, row.id_masked) == ("深度困难", "在档", "110105********" + id_number(1)[-4:])
    # saved filters find the class by its list name
    f = F(category="deep", date_from=date(2026, 1, 1))
    assert filter_from_dict(filter_class("hardship_files"), filter_to_dict(f)) == f


def test_assistance_list_filters_paging_and_export(db, tmp_path):
    a, b, _c, _acme = _office(db)
    fund = funded(db)
    ids = []
    for i, (f, kind, on) in enumerate([(a, "living", "2026-11-05"), (b, "medical", "2026-11-20"),
                                       (a, "medical", "2026-12-01"), (b, "living", "2026-12-02")]):
        ids.append(payments.propose(db, CLERK, P(kind, f"{100 * (i + 1)}", fund, on, file_id=f.id),
                                    now=at(12, 2)).id)
    payments.approve(db, MANAGER, ids[0], now=at(12, 3))
    F = lists.PaymentFilter
    assert [r.id for r in lists.payment_page(db, F(), today=TODAY).rows] == ids[::-1]
    assert [r.id for r in lists.payment_page(db, F(kind="medical"), today=TODAY).rows] == [ids[2], ids[1]]
    assert [r.id for r in lists.payment_page(db, F(state="approved"), today=TODAY).rows] == [ids[0]]
    assert [r.id for r in lists.payment_page(db, F(period="this_month"), today=TODAY).rows] == [ids[3], ids[2]]
    assert [r.id for r in lists.payment_page(db, F(text="李娜"), today=TODAY).rows] == [ids[3], ids[1]]
    # a common surname (more namesakes than FEW_PEOPLE) takes the other plan and finds the same rows
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(people_search, "FEW_PEOPLE", 0)
        assert [r.id for r in lists.payment_page(db, F(text="李娜"), today=TODAY).rows] == [ids[3], ids[1]]
        assert lists.count_payments(db, F(text="李"), TODAY) == 2
        assert _nos(lists.file_page(db, lists.FileFilter(text="李"), today=TODAY)) == [b.file_no]
    assert [r.id for r in lists.payment_page(db, F(file_id=a.id), today=TODAY).rows] == [ids[2], ids[0]]
    assert lists.count_payments(db, F(fund_id=fund), TODAY) == 4
    assert lists.payment_total(db, F(), TODAY) == 1_000_00
    tail = lists.payment_page(db, F(), tail=True, limit=3, today=TODAY)
    assert [r.id for r in tail.rows] == [ids[2], ids[1], ids[0]]
    out = tmp_path / "帮扶记录.xlsx"
    res = lists.export_payments(db, CLERK, F(kind="medical"), out, full_ids=True, today=TODAY)
    assert res.rows == 2 and not res.full_ids                          # a clerk gets masked IDs
    ws = load_workbook(out).active
    assert "帮扶类别：医疗救助" in ws["A1"].value and "共 2 条" in ws["A1"].value
    assert [c.value for c in ws[2]][:6] == ["帮扶日期", "帮扶对象", "身份证号", "档案编号", "帮扶类别", "金额"]
    assert ws["B3"].value == "张伟" and ws["C3"].value == "110105********" + id_number(1)[-4:]
    assert ws["F3"].value == 300 and ws["E4"].value == "医疗救助"
    res = lists.export_files(db, MANAGER, lists.FileFilter(state="active"), tmp_path / "档案.xlsx",
                             full_ids=True, today=TODAY)
    ws = load_workbook(tmp_path / "档案.xlsx").active
    assert res.full_ids and ws["C3"].value == id_number(2, male=False) and ws["B4"].value == "张伟"
