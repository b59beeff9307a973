"""Content search: trigram MATCH for 3+ characters, LIKE for 1–2, both over summary, request,
facts and case notes, limited to SEARCH_LIMIT hits and newest received first."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, text

from app.db.models import CaseEvent, Registration
from app.services.petitions import list_export, lists, search
from app.services.petitions.lists import RegistrationFilter

from .test_lists import TODAY, add_person, add_registration


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


# ------------------------------------------------------------------------------------ time budget

def _office(db, n: int = 40):
    """``n`` registrations a day apart (newest last), three of them sharing one day; "拖欠薪资" in
    every third one, in turn in the summary, the request, the facts or a case note. Returns the
    ids of those, newest first."""
    base = datetime(2026, 9, 1, 9)
    expected = []
    for i in range(n):
        at = base + timedelta(days=min(i, 20) if i in (20, 21, 22) else i)
        fields: dict = {}
        if i % 3 == 0:
            fields = [{"summary": f"第{i}件 拖欠薪资"}, {"request": "要求支付拖欠薪资"},
                      {"facts": "单位拖欠薪资两月"}, {}][i // 3 % 4]
        rid, case_id = add_registration(db, received=at, summary=fields.get("summary", f"第{i}件 咨询"),
                                        request=fields.get("request", ""),
                                        facts=fields.get("facts", ""),
                                        case={} if i % 3 == 0 and not fields else None)
        if case_id is not None:
            with db.write() as s:
                s.add(CaseEvent(case_id=case_id, at=at, username="w", kind="note", text="已追回拖欠薪资"))
                search.index_case_notes(s, rid, "已追回拖欠薪资")
        if i % 3 == 0:
            expected.append((at, rid))
    return [rid for _at, rid in sorted(expected, reverse=True)]


def _follow(db, q: str, **kw) -> tuple[list[int], list]:
    """Every hit of ``q`` by continuing a search cut short after each window; the answers."""
    got, answers = [], []
    with db.read() as s:
        found = search.find(s, q, select(Registration.id, Registration.received_at),
                            id_of=lambda r: r[0], newest_first=lambda r: (r[1], r[0]), budget=0, **kw)
        answers.append(found)
        got += [r[0] for r in found.rows]
        while found.resume is not None:
            found = search.find(s, q, select(Registration.id, Registration.received_at),
                                id_of=lambda r: r[0], newest_first=lambda r: (r[1], r[0]),
                                budget=0, resume=found.resume, **kw)
            answers.append(found)
            got += [r[0] for r in found.rows]
    return got, answers


def test_short_query_cut_short_then_continued_without_duplicates_or_gaps(db):
    expected = _office(db)
    assert len(expected) == 14 and ids(db, "欠薪") == expected          # no budget: all at once
    assert ids(db, "拖欠薪资") == expected                               # the trigram index agrees
    got, answers = _follow(db, "欠薪", slice_rows=4)
    first = answers[0]
    assert first.searched_back_to is not None and first.resume is not None
    assert 0 < len(first.rows) < len(expected)                          # partial, honestly marked
    assert got == expected                                              # same order, none twice
    assert answers[-1].resume is None and answers[-1].searched_back_to is None
    backs = [a.searched_back_to for a in answers[:-1]]
    assert backs == sorted(backs, reverse=True) and len(backs) >= 5     # each goes further back
    # every registration received on or after where it stopped was searched: what it returned
    # so far is exactly the expected hits received from that day's stop on
    with db.read() as s:
        when = {r.id: r.received_at for r in s.execute(select(Registration.id, Registration.received_at))}
    shown = 0
    for a in answers[:-1]:
        shown += len(a.rows)
        assert got[:shown] == [i for i in expected if when[i] >= a.resume[0]]
    # a slice of one registration, windows growing by time (no budget): the same hits
    with db.read() as s:
        found = search.find(s, "欠薪", select(Registration.id, Registration.received_at),
                            id_of=lambda r: r[0], newest_first=lambda r: (r[1], r[0]),
                            budget=search.NO_BUDGET, slice_rows=1)
    assert [r[0] for r in found.rows] == expected and found.resume is None


def test_word_found_nowhere_answers_early_and_finishes_after_continuing(db):
    _office(db, 30)
    got, answers = _follow(db, "鲸鱼", slice_rows=5)
    assert got == [] and len(answers) > 2
    assert answers[0].rows == [] and answers[0].searched_back_to == date(2026, 9, 26)
    assert answers[-1].searched_back_to is None and answers[-1].resume is None


def test_continuing_stops_at_the_limit(db):
    now = datetime(2026, 11, 2, 8)
    with db.write() as s:
        s.add_all([Registration(reg_no=f"2026-{i:06d}", channel="call",
                                received_at=now + timedelta(minutes=i), category="consult",
                                summary=f"欠薪{i}号", disposition="answered", created_at=now,
                                updated_at=now) for i in range(1, 251)])
    got, answers = _follow(db, "欠薪", slice_rows=30)
    assert got == list(range(250, 50, -1)) and answers[-1].resume is None


@pytest.mark.sqlite_only("the FTS5 index's half of the time budget (PostgreSQL answers 3+ "
                        "characters with one pg_trgm query)")
def test_three_characters_fall_back_to_scanning_when_the_index_is_slow(db, monkeypatch):
    """A common word with a filter that passes few of its matches: the trigram index gives up
    when its half of the budget is gone, and the scan goes on from the newest, continuable."""
    expected = _office(db)
    person = add_person(db, "张三")
    with db.write() as s:
        for rid in expected[1::2]:
            s.get(Registration, rid).person_id = person
    mine = expected[1::2]
    f = RegistrationFilter(text="拖欠薪资", person_id=person)
    assert [r.id for r in lists.registration_page(db, f, today=TODAY).rows] == mine   # the index
    monkeypatch.setattr(search, "FTS_CHUNK", 2)         # the index in chunks of 2 ids: too slow
    monkeypatch.setattr(search, "SCAN_SLICE", 3)
    page = lists.registration_page(db, f, today=TODAY, budget=0)
    assert page.searched_back_to is not None and len(page.rows) < len(mine)
    got = [r.id for r in page.rows]
    while page.resume is not None:
        page = lists.registration_page(db, f, today=TODAY, budget=0, resume=page.resume)
        got += [r.id for r in page.rows]
    assert got == mine
    assert lists.count_registrations(db, f, TODAY) == len(mine)     # counting goes to the end


def test_list_search_with_filters_and_dates_continues_to_the_same_rows(db, monkeypatch):
    _office(db)
    f = RegistrationFilter(text="欠薪", date_from=date(2026, 9, 5), date_to=date(2026, 10, 1))
    everything = [r.id for r in lists.iter_rows(db, f, today=TODAY)]
    assert everything and lists.count_registrations(db, f, TODAY) == len(everything)
    monkeypatch.setattr(search, "SCAN_SLICE", 3)
    page = lists.registration_page(db, f, today=TODAY, budget=0)
    assert page.complete and page.searched_back_to <= date(2026, 10, 1)
    got = [r.id for r in page.rows]
    while page.resume is not None:
        page = lists.registration_page(db, f, today=TODAY, budget=0, resume=page.resume)
        got += [r.id for r in page.rows]
        assert page.searched_back_to is None or page.searched_back_to >= date(2026, 9, 5)
    assert got == everything
    # the case list: case filters read by their index or not, the same hits
    cf = lists.CaseFilter(text="薪资", status="accepted")
    for selective in (1, 10_000):
        monkeypatch.setattr(lists, "SELECTIVE_CASES", selective)
        page = lists.case_page(db, cf, today=TODAY, budget=0)
        rows = list(page.rows)
        while page.resume is not None:
            page = lists.case_page(db, cf, today=TODAY, budget=0, resume=page.resume)
            rows += page.rows
        assert [r.id for r in rows] == [r.id for r in lists.iter_rows(db, cf, today=TODAY)]
        assert rows and lists.count_cases(db, cf, TODAY) == len(rows)


def test_export_of_a_search_is_the_whole_search_not_the_first_answer(db, admin, tmp_path, monkeypatch):
    from openpyxl import load_workbook
    expected = _office(db)
    monkeypatch.setattr(search, "SHORT_BUDGET", 0)
    monkeypatch.setattr(search, "SCAN_SLICE", 3)
    f = RegistrationFilter(text="欠薪")
    assert lists.registration_page(db, f, today=TODAY).resume is not None     # the list: cut short
    res = list_export.export_xlsx(db, admin, f, tmp_path / "搜索.xlsx", today=TODAY)
    rows = list(load_workbook(res.path).active.iter_rows(values_only=True))
    assert res.rows == len(expected) and f"共 {len(expected)} 条" in rows[0][0]
    with db.read() as s:
        reg_no = {r.id: r.reg_no for r in s.execute(select(Registration.id, Registration.reg_no))}
    assert [r[0] for r in rows[2:-1]] == [reg_no[i] for i in expected]  # last: the fingerprint


# ------------------------------------------------------------------------------------ file out of memory

class _SlowOlderRows:
    """A clock of the search's own (``search._now``) and a SQL function ``slow(id)`` that costs
    ``cost`` seconds of that clock for each registration older than the newest ``fast`` ones: the
    newest pages are in memory, the older ones must come from disk (the office PC just started)."""

    def __init__(self, db, monkeypatch, fast: int, cost: float = 0.010):
        from sqlalchemy import and_, event, func
        self.t = 0.0
        with db.read() as s:
            newest = sorted(s.execute(select(Registration.id, Registration.received_at)).all(),
                            key=lambda r: (r[1], r[0]), reverse=True)
        self.cheap = {r[0] for r in newest[:fast]}
        self.ticks = 0

        def slow(rid: int) -> int:
            self.ticks += 1
            if rid not in self.cheap:
                self.t += cost
            return 1
        db.engine.dispose()     # every new connection gets the function
        event.listen(db.engine, "connect", lambda conn, _r: conn.create_function("slow", 1, slow))
        monkeypatch.setattr(search, "_now", lambda: self.t)
        like = search._like_condition
        monkeypatch.setattr(search, "_like_condition",
                            lambda s, q: and_(func.slow(Registration.id) == 1, like(s, q)))
        monkeypatch.setattr(search, "PROGRESS_STEPS", 5)


@pytest.mark.sqlite_only("the time limit inside a window is SQLite's progress handler (PostgreSQL: "
                         "between windows only)")
@pytest.mark.parametrize("word", ["欠薪", "鲸鱼"])
def test_short_search_keeps_its_limit_when_older_rows_are_slow_to_read(db, monkeypatch, word):
    """The first window (the newest registrations, in memory) is fast, so the next one is made
    4× as long — and each of its rows costs 10 ms. The search stops inside that window when its
    limit is reached (before: only after the whole window, 3× over), the list says how far back
    it got, and continuing finds the rest, none twice, none left out."""
    expected = _office(db) if word == "欠薪" else (_office(db), [])[1]
    slow = _SlowOlderRows(db, monkeypatch, fast=4)
    monkeypatch.setattr(search, "SCAN_SLICE", 4)
    limit = 0.05
    page = lists.registration_page(db, RegistrationFilter(text=word), today=TODAY, budget=limit)
    assert slow.t <= limit + 0.010                      # within the limit, give or take one row
    assert slow.ticks > 4                               # it did start on the slow rows
    with db.read() as s:
        when = {r.id: r.received_at for r in s.execute(select(Registration.id, Registration.received_at))}
    assert page.resume is not None and page.searched_back_to == page.resume[0].date()
    assert page.searched_back_to == min(when[i] for i in slow.cheap).date()    # the first window
    got = [r.id for r in page.rows]
    assert got == [i for i in expected if when[i] >= page.resume[0]]
    while page.resume is not None:
        page = lists.registration_page(db, RegistrationFilter(text=word), today=TODAY,
                                       budget=search.NO_BUDGET, resume=page.resume)
        got += [r.id for r in page.rows]
    assert got == expected


@pytest.mark.sqlite_only("EXPLAIN QUERY PLAN of SQLite")
def test_short_search_windows_read_the_date_index_newest_first(db, monkeypatch):
    """Each window of a 1–2 character search reads an index ending in the date received backwards
    (``ix_registrations_received``; with a channel, that channel's) and stops at its LIMIT: no
    sort of the window."""
    from sqlalchemy import event
    _office(db, 12)
    seen = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if (statement.startswith("SELECT") and "LIKE" in statement
                and "ORDER BY registrations.received_at DESC" in statement):
            seen.append((statement, parameters))
    event.listen(db.engine, "before_cursor_execute", grab)
    monkeypatch.setattr(search, "SCAN_SLICE", 3)
    for f, index in ((RegistrationFilter(text="欠薪"), "ix_registrations_received (received_at"),
                     (RegistrationFilter(text="欠薪", channel="call"),
                      "ix_registrations_channel (channel=? AND received_at")):
        seen.clear()
        lists.registration_page(db, f, today=TODAY, budget=search.NO_BUDGET)
        assert len(seen) > 1
        with db.engine.connect() as conn:
            for statement, parameters in seen:
                plan = " / ".join(r[-1] for r in conn.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + statement, parameters))
                assert plan.startswith("SEARCH registrations USING INDEX " + index), plan
                assert "TEMP B-TREE" not in plan, plan
    event.remove(db.engine, "before_cursor_execute", grab)


@pytest.mark.sqlite_only("the trigram index (PostgreSQL answers 3+ characters with pg_trgm)")
def test_three_characters_read_only_as_many_ids_as_hits_wanted_at_first(db):
    """With the file out of memory each id read from the trigram index costs a row of four tables:
    the first chunk asks for ``SEARCH_LIMIT`` ids (it asked for five times as many)."""
    from sqlalchemy import event
    _office(db, 12)
    asked = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if "MATCH" in statement:
            asked.append(parameters)
    event.listen(db.engine, "before_cursor_execute", grab)
    page = lists.registration_page(db, RegistrationFilter(text="拖欠薪资"), today=TODAY)
    event.remove(db.engine, "before_cursor_execute", grab)
    assert len(page.rows) == 4
    assert len(asked) == 1 and search.SEARCH_LIMIT in asked[0]
