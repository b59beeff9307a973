"""The demo hardship ledger: scaled from the registrations, files in every state, two campaigns a year
with their sheets, payments over three years, funds never below zero; also added to an existing demo
database that lacks it (as the benchmark does), once only."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.db.models_hardship import (HardshipCampaign, HardshipFile, HardshipPayment, HardshipSheet)
from app.domain.errors import UserError
from app.domain.hardship import CampaignKind, FileState
from app.services import demo
from app.services.demo import hardship as demo_hardship
from app.services.hardship import campaigns, funds


def test_demo_ledger_scaled_realistic_and_never_overdrawn(db):
    demo.generate(db, seed=3, people=800, registrations=5000, today=date(2026, 12, 16))
    with db.read() as s:
        n_files = s.scalar(select(func.count()).select_from(HardshipFile))
        states = dict(s.execute(select(HardshipFile.state, func.count()).group_by(HardshipFile.state)).all())
        n_pay = s.scalar(select(func.count()).select_from(HardshipPayment))
        camps = s.execute(select(HardshipCampaign.kind, HardshipCampaign.year, HardshipCampaign.assist_on)
                          .order_by(HardshipCampaign.assist_on)).all()
        sheets = s.scalar(select(func.count()).select_from(HardshipSheet))
        years = s.execute(select(func.min(HardshipPayment.assist_on), func.max(HardshipPayment.assist_on))).one()
    assert n_files == demo_hardship.file_count(5000) == 100
    assert states[FileState.ACTIVE.value] > 60 and states.get(FileState.CLOSED.value, 0) > 0
    assert 900 <= n_pay <= 1100
    assert [(k, y) for k, y, _on in camps] == [("warmth", 2024), ("study", 2024), ("warmth", 2025),
                                                ("study", 2025), ("warmth", 2026), ("study", 2026)]
    assert all(on.month == (1 if k == CampaignKind.WARMTH.value else 8) for k, _y, on in camps)
    assert sheets == 6 and years[0].year == 2024 and years[1] <= date(2026, 12, 15)
    for year in (2024, 2025, 2026):
        for month in range(1, 13):
            led = funds.ledger(db, date(year, 1, 1), date(year, month, 28))
            assert all(line.closing >= 0 for line in led.lines), (year, month)
    assert all(f.available_fen >= 0 for f in funds.list_funds(db))
    first = campaigns.list_campaigns(db, 2026)[-1]
    assert campaigns.sheet_pdf(db, first.sheet_ids[0])[:4] == b"%PDF"
    with pytest.raises(UserError, match="已有困难职工档案"):
        demo_hardship.add_to(db)


def test_added_to_an_existing_demo_database_without_the_ledger(db, monkeypatch):
    demo.STEPS, saved = [st for st in demo.STEPS if st.name != "hardship"], demo.STEPS
    try:
        demo.generate(db, seed=2, people=300, registrations=3000, today=date(2026, 12, 16))
    finally:
        demo.STEPS = saved
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(HardshipFile)) == 0
    monkeypatch.setattr(demo_hardship, "BATCH", 50)    # batches flushed mid-campaign, as at 1M
    counts = demo_hardship.add_to(db, files=80)
    assert counts["files"] == 80 and counts["payments"] >= 700
