"""Document numbers are unique in the office: each notice kind has its own 代字 (the office's
文号代字 + a word for the kind, or one the office sets), a lookup by number finds the notice (the
lists' search box, ``notices.find_by_number``, ``uniondesk notice --case``), and a database from
before keeps the numbers it issued."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from app.cli import main
from app.db.models import Notice
from app.domain.enums import Role
from app.domain.errors import UserError, ValidationError
from app.domain.notices import DOC_WORDS, NoticeKind, doc_prefix, normalize_doc_number
from app.services.petitions import lists, notices
from app.services import settings
from app.services.petitions.lists import CaseFilter, RegistrationFilter
from tests.services.test_notices import NOW, office, person, register, staff  # noqa: F401


@pytest.fixture
def firsts(db, staff, person):
    """The first 受理, 不予受理 and 转送 notices of the year, each on its own registration."""
    clerk = staff[Role.CLERK]
    acc = register(db, staff, person)
    rej = register(db, staff, person, disposition="not_accepted", reject_reason="litigation")
    tra = register(db, staff, person, disposition="transferred", transfer_to="区人社局",
                   transfer_reason="属劳动保障监察职责")
    return {"accept": (acc, notices.issue(db, clerk, "accept", case_id=acc.case_id, now=NOW)),
            "reject": (rej, notices.issue(db, clerk, "reject", registration_id=rej.id, now=NOW)),
            "transfer": (tra, notices.issue(db, clerk, "transfer", registration_id=tra.id, now=NOW))}


def test_first_notices_of_each_kind_have_different_numbers(firsts):
    assert [n.doc_no for _r, n in firsts.values()] == \
        ["朝工信受〔2026〕1号", "朝工信不受〔2026〕1号", "朝工信转〔2026〕1号"]
    assert all(n.serial == 1 for _r, n in firsts.values())


def test_default_prefixes_are_distinct_for_every_kind():
    prefixes = {doc_prefix(k, "朝工信") for k in DOC_WORDS}
    assert len(prefixes) == len(DOC_WORDS) == sum(1 for k in NoticeKind if k.numbered)
    assert doc_prefix(NoticeKind.ACCEPT, "") == ""                 # nothing set: profile incomplete
    assert doc_prefix(NoticeKind.ACCEPT, "", "朝总受") == "朝总受"


@pytest.mark.parametrize("typed", ["朝工信转〔2026〕1号", "朝工信转[2026]1号", " 朝工信转（2026）1 ",
                                   "朝工信转【2026】第1号"])
def test_a_number_finds_its_notice_however_the_brackets_are_typed(db, firsts, typed):
    reg, n = firsts["transfer"]
    assert normalize_doc_number(typed) == n.doc_no
    assert [f.id for f in notices.find_by_number(db, typed)] == [n.id]
    assert notices.find_subject(db, typed) == (None, reg.id)
    page = lists.registration_page(db, RegistrationFilter(text=typed), today=NOW.date())
    assert [r.id for r in page.rows] == [reg.id]
    assert lists.count_registrations(db, RegistrationFilter(text=typed), today=NOW.date()) == 1


def test_case_list_search_finds_the_case_by_notice_case_and_registration_number(db, firsts):
    reg, n = firsts["accept"]
    for number in (n.doc_no, reg.case_no, reg.reg_no):
        page = lists.case_page(db, CaseFilter(text=number), today=NOW.date())
        assert [r.id for r in page.rows] == [reg.case_id], number
    assert notices.find_by_number(db, "朝工信受〔2026〕9号") == []
    assert lists.case_page(db, CaseFilter(text="朝工信受〔2026〕9号"), today=NOW.date()).rows == ()


def test_cli_notice_takes_a_document_number(db, db_path, firsts, tmp_path, capsys):
    _reg, n = firsts["accept"]
    out = tmp_path / "again.pdf"
    assert main(["--db", str(db_path), "notice", "--case", "朝工信受[2026]1号", "--kind", "accept",
                 "--pdf", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"已重印 {n.doc_no} ")


def test_office_sets_its_own_prefix_per_kind_but_never_one_for_two_kinds(db, admin, staff, person):
    settings.save(db, admin, {"doc_prefix.accept": "朝总信受字"})
    acc = register(db, staff, person)
    n = notices.issue(db, staff[Role.CLERK], "accept", case_id=acc.case_id, now=NOW)
    assert n.doc_no == "朝总信受字〔2026〕1号"
    with pytest.raises(ValidationError) as e:
        settings.save(db, admin, {"doc_prefix.reject": "朝总信受字"})
    assert set(e.value.fields) == {"受理告知书代字（不填：文号代字＋受）",
                                   "不予受理告知书代字（不填：文号代字＋不受）"}
    assert "文号会重复" in e.value.errors[0][1]
    with pytest.raises(ValidationError):                    # a derived one counts too
        settings.save(db, admin, {"doc_prefix.extend": "朝工信转"})
    assert settings.get(db, "doc_prefix.reject") == "" and settings.get(db, "doc_prefix.extend") == ""


def test_a_database_from_before_keeps_its_numbers(db, staff, person, firsts):
    """Older versions numbered every kind 「朝工信〔2026〕n号」: those stay as issued (number and
    printed snapshot); new notices take the kind's 代字 and go on with its serial; the old number
    finds each notice that carries it."""
    with db.write() as s:                                   # as an older version wrote them
        s.execute(update(Notice).where(Notice.kind.in_(["accept", "reject"]))
                  .values(doc_no="朝工信〔2026〕1号"))
    before = {n.id: notices.document(db, n.id) for _r, n in firsts.values()}
    acc, _n = firsts["accept"]
    new = notices.issue(db, staff[Role.CLERK], "accept", case_id=acc.case_id, now=NOW)
    assert new.doc_no == "朝工信受〔2026〕2号"
    assert {i: notices.document(db, i) for i in before} == before
    old = notices.find_by_number(db, "朝工信〔2026〕1号")
    assert [n.kind for n in old] == [NoticeKind.ACCEPT, NoticeKind.REJECT]
    with pytest.raises(UserError, match="有2份文书"):
        notices.find_subject(db, "朝工信〔2026〕1号")
    page = lists.registration_page(db, RegistrationFilter(text="朝工信〔2026〕1号"), today=NOW.date())
    assert {r.id for r in page.rows} == {firsts["accept"][0].id, firsts["reject"][0].id}


def test_delivery_and_void_name_kind_and_number(firsts):
    _reg, n = firsts["reject"]
    assert n.named == "不予受理告知书 朝工信不受〔2026〕1号"
