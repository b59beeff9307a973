"""Enumerations with their Chinese labels, defined once (DESIGN §3). The UI never hard-codes a label."""
from __future__ import annotations

from enum import Enum


class LabelledEnum(str, Enum):
    """A str enum whose members carry a Chinese label: ``Role.CLERK.label == "登记员"``."""

    def __new__(cls, value: str, label: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label  # type: ignore[attr-defined]
        return obj

    def __str__(self) -> str:  # the code value, for storage and the CLI
        return self.value

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def label_of(cls, value: str | None) -> str:
        if value is None:
            return ""
        try:
            return cls(value).label
        except ValueError:
            return str(value)


class Role(LabelledEnum):
    CLERK = ("clerk", "登记员")
    CASEWORKER = ("caseworker", "承办人")
    MANAGER = ("manager", "负责人")
    ADMIN = ("admin", "系统管理员")


class Gender(LabelledEnum):
    MALE = ("M", "男")
    FEMALE = ("F", "女")


class DayKind(LabelledEnum):
    HOLIDAY = ("holiday", "法定节假日")
    WORKDAY = ("workday", "调休上班")


class DeadlineUnit(LabelledEnum):
    WORKDAY = ("workday", "工作日")
    CALENDAR = ("calendar", "自然日")


class PersonFlag(LabelledEnum):
    MIGRANT = ("migrant", "农民工")
    MODEL_WORKER = ("model_worker", "劳模")
    MEMBER = ("member", "工会会员")
