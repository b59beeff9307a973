"""Content search: trigram MATCH for 3+ characters, LIKE for 1–2, both over summary, request,
facts and case notes, limited to SEARCH_LIMIT hits and newest received first."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text

from app.db.models import CaseEvent, Registration
from app.services import lists, search
from app.services.lists import RegistrationFilter

from .test_lists import TODAY, add_registration


def ids(db, q: str) -> list[int]:
    with db.read() as s:
        return search.search_ids(s, q)


def test_four_and_two_characters_across_fields_and_notes(db):
    base = datetime(2026, 11, 1, 9)
    a = add_registration(db, received=base, summary="公司拖欠工资三个月")[0]
    b = add_registration(db, received=base + timedelta(days=2), summary="咨询", request="要求补发拖欠工资")[0]
    c = add_registration(db, received=base + timedelta(days=1), summary="咨询", facts="老板拖欠工资后失联")[0]
    d, case_id = add_registration(db, received=base - timedelta(days=3), summary="工伤", case={})
    with db.write() as s:       # as the case service writes a note: timeline row + index
        for note in ("已协调单位支付工伤待遇", "第二次回访，单位拖欠工资已付清"):
            s.add(CaseEvent(case_id=case_id, at=base, username="w", kind="note", text=note))
            search.index_case_notes(s, d, note)
    assert ids(db, "拖欠工资") == [b, c, a, d]              # 4 characters: MATCH, newest first
    assert ids(db, "工资") == [b, c, a, d]                  # 2 characters: LIKE fallback
    assert ids(db, "协调单位") == [d] and ids(db, "协调") == [d]   # notes, both ways
    assert ids(db, "  拖欠   工资 ") == []                  # inner space kept as typed: no hit
    assert ids(db, "") == [] and ids(db, "无此内容") == []


def test_quotes_and_operators_are_plain_text(db):
    base = datetime(2026, 11, 1, 9)
    q = add_registration(db, received=base, summary='他说"明天发"工资 AND OR NEAR')[0]
    p = add_registration(db, received=base, summary="完成100%的任务_a")[0]
    assert ids(db, '"明天发"') == [q]
    assert ids(db, "AND OR") == [q]
    assert ids(db, "0%") == [p] and ids(db, "%") == [p]         # LIKE wildcards escaped
    assert ids(db, "_a") == [p] and ids(db, "*") == []


def test_limited_to_first_hits_by_date(db):
    now = datetime(2026, 11, 2, 8)
    with db.write() as s:
        s.add_all([Registration(reg_no=f"2026-{i:06d}", channel="call",
                                received_at=now + timedelta(minutes=i), category="consult",
                                summary=f"欠薪{i}号", disposition="answered", created_at=now,
                                updated_at=now) for i in range(1, 251)])
    for q in ("欠薪", "欠薪1"):
        got = ids(db, q)
        assert len(got) <= search.SEARCH_LIMIT
        with db.read() as s:
            dates = [s.get(Registration, i).received_at for i in got]
        assert dates == sorted(dates, reverse=True)
    assert len(ids(db, "欠薪")) == 200 and ids(db, "欠薪")[0] == 250
    # the list with a text filter is one complete page of at most 200 rows
    page = lists.registration_page(db, RegistrationFilter(text="欠薪"), today=TODAY)
    assert page.complete and len(page.rows) == 200 and not page.more
    assert lists.count_registrations(db, RegistrationFilter(text="欠薪"), TODAY) == 200
    # combined with another filter, the limit applies after filtering
    page = lists.registration_page(db, RegistrationFilter(text="欠薪", channel="visit"), today=TODAY)
    assert page.rows == ()


def test_fts_kept_by_triggers_on_edit(db):
    rid = add_registration(db, received=datetime(2026, 11, 1), summary="原来的摘要")[0]
    with db.write() as s:
        s.execute(text("UPDATE registrations SET summary = '改过的摘要内容' WHERE id = :i"), {"i": rid})
    assert ids(db, "改过的") == [rid] and ids(db, "原来的") == []
