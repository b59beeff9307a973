"""audit.search: filters, keyset paging, permission."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import update

from app.db.models import AuditLog
from app.domain.enums import Role
from app.domain.errors import PermissionDenied
from app.services import accounts, audit, settings
from tests.clock import TODAY


@pytest.fixture
def trail(db, admin):
    settings.save(db, admin, {"office.name": "东城区总工会"})
    settings.save(db, admin, {"office.phone": "010-12345678"})
    for i in range(5):
        accounts.create_user(db, admin, f"user{i}", f"用户{i}", Role.CLERK, "secret123")
    return db


def test_newest_first_and_keyset_paging(trail, admin):
    everything = audit.search(trail, admin)
    assert len(everything) == 7
    ids = [e.id for e in everything]
    assert ids == sorted(ids, reverse=True)
    page1 = audit.search(trail, admin, limit=3)
    page2 = audit.search(trail, admin, limit=3, before_id=page1[-1].id)
    page3 = audit.search(trail, admin, limit=3, before_id=page2[-1].id)
    assert [e.id for e in page1 + page2 + page3] == ids


def test_filters(trail, admin, actors):
    assert {e.entity for e in audit.search(trail, admin, entity="setting")} == {"setting"}
    assert len(audit.search(trail, admin, entity="user", action="create")) == 5
    assert len(audit.search(trail, admin, username=admin.username)) == 7
    assert audit.search(trail, admin, username="nobody") == []
    [hit] = audit.search(trail, admin, text="东城区")
    assert hit.entity_id == "office.name" and "东城区总工会" in hit.after
    assert len(audit.search(trail, admin, text="用户3")) == 1
    assert len(audit.search(trail, admin, text="USER3")) == 1   # Latin letters in any case
    assert audit.search(trail, admin, text="%") == []  # LIKE wildcards are literal
    # a manager may read the trail too
    assert len(audit.search(trail, actors[Role.MANAGER], entity="user")) == 5


def test_date_range_is_inclusive(trail, admin):
    first = audit.search(trail, admin)[-1]
    with trail.write() as s:
        s.execute(update(AuditLog).where(AuditLog.id == first.id).values(at=datetime(2025, 3, 1, 23, 59)))
    assert [e.id for e in audit.search(trail, admin, date_from=date(2025, 3, 1),
                                       date_to=date(2025, 3, 1))] == [first.id]
    today = TODAY
    assert len(audit.search(trail, admin, date_from=today, date_to=today + timedelta(days=1))) == 6


def test_needs_view_audit(trail, actors):
    with pytest.raises(PermissionDenied, match="无权查看操作日志"):
        audit.search(trail, actors[Role.CLERK])
