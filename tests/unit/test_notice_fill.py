"""Filling a notice template (app.domain.notices.fill): placeholders whose value ends with a
sentence mark never give doubled marks, in every shipped template; 你（们） by head count."""
from __future__ import annotations

import re

import pytest

from app.domain import notices as rules
from app.domain.notices import NoticeKind
from app.paths import resource_path

DOUBLED = re.compile(r"[。，；：、！？][。，；：、！？]|[。，；：、][”」）]")   # 「？”」 is fine


def shipped(kind: NoticeKind) -> str:
    return resource_path("notices", f"{kind.value}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", list(NoticeKind), ids=lambda k: k.value)
@pytest.mark.parametrize("mark", ["。", "；", "！", "？", "，"])
def test_values_ending_with_a_mark_never_double_it(kind, mark):
    values = {name: f"某某{mark}" for name in rules.PLACEHOLDERS}
    text = "".join(rules.fill(shipped(kind), values, plural=False))
    assert not DOUBLED.search(text), (kind, DOUBLED.search(text).group(0), text)
    # without the mending, substitution alone would have doubled them (the test can fail)
    plain = "".join(p.format_map(values) for p in rules.paragraphs(shipped(kind)))
    if kind is not NoticeKind.REGISTER_SHEET and mark in "。；，":
        assert DOUBLED.search(plain)


def test_the_cases_the_clerk_saw():
    text = "因{transfer_reason}，依据{basis}，本单位已将该事项转送{transfer_to}处理。"
    assert rules.fill(text, {"transfer_reason": "依法转送处理。", "basis": "条例",
                             "transfer_to": "人社局"}) == ["因依法转送处理，依据条例，本单位已将该事项转送人社局处理。"]
    assert rules.fill("因{extension_reason}，经本单位负责人批准", {"extension_reason": "申请延期。"}) \
        == ["因申请延期，经本单位负责人批准"]
    # a full stop inside quotes goes; a question mark stays; a value at the paragraph's end keeps its mark
    assert rules.fill("反映的“{summary}”问题", {"summary": "欠薪。"}) == ["反映的“欠薪”问题"]
    assert rules.fill("反映的“{summary}”问题", {"summary": "为何欠薪？"}) == ["反映的“为何欠薪？”问题"]
    assert rules.fill("处理意见如下：{outcome_text}", {"outcome_text": "支付工资。"}) == ["处理意见如下：支付工资。"]


def test_you_is_singular_for_one_person_and_plural_for_a_group():
    text = "你（们）于{received_date}反映的问题，将书面答复你(们)。"
    assert rules.fill(text, {"received_date": "昨天"}, plural=False) == ["你于昨天反映的问题，将书面答复你。"]
    assert rules.fill(text, {"received_date": "昨天"}, plural=True) == ["你们于昨天反映的问题，将书面答复你们。"]
    assert rules.fill(text, {"received_date": "昨天"}) == ["你（们）于昨天反映的问题，将书面答复你(们)。"]
    assert not rules.is_group(1) and not rules.is_group(0) and rules.is_group(2)
    for kind in NoticeKind:
        for para in rules.fill(shipped(kind), {}, plural=False):
            assert "们" not in para.replace("我们", ""), (kind, para)


def test_assign_addresses_a_person_as_you_and_a_body_as_your_unit():
    assert rules.assignee_you("handler") == "你"
    assert rules.assignee_you("department") == "你单位" == rules.assignee_you("lower_union")
    text = "".join(rules.fill(shipped(NoticeKind.ASSIGN), {"assignee_you": "你",
                                                           "assign_requirements": "三日内约谈。"}))
    assert "交由你办理" in text and "办理要求：三日内约谈。" in text and "你单位" not in text
