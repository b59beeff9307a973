"""The one home of masking: how an ID number, a bank account or a phone is shown to someone who
should not see it whole. Lists, exports, sign-for sheets, roster reports and the audit view all
call these; nothing else writes asterisks."""
from __future__ import annotations


def mask_id(number: str | None) -> str:
    """``110105********002X``: the region code (first 6) and the last 4 shown; blank stays blank.

    This is the mask of list exports, 签领表 and import reports (DESIGN §4)."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * max(0, len(number) - 4) + number[-4:]
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_id_tail(number: str | None) -> str:
    """``****1234``: only the last four, for a pick list where the name is shown beside it."""
    if not number:
        return ""
    return "****" + number[-4:]


def mask_account(number: str | None) -> str:
    """A bank card or account: ``6222 **** **** 1234`` — first 4 and last 4 (spaces ignored)."""
    if not number:
        return ""
    digits = "".join(number.split())
    if len(digits) <= 8:
        return "*" * max(0, len(digits) - 4) + digits[-4:]
    return f"{digits[:4]} **** **** {digits[-4:]}"
