"""Pinyin first letters for search (「张三」→ "zs"), computed on save and stored."""
from __future__ import annotations

from functools import lru_cache

# Surnames whose reading as a surname differs from the common reading.
SURNAME_INITIALS = {"曾": "z", "单": "s", "解": "x", "仇": "q", "区": "o", "朴": "p", "查": "z",
                    "盖": "g", "乐": "y", "尉": "y", "覃": "q", "缪": "m", "长": "c", "种": "c",
                    "员": "y", "折": "s", "燕": "y", "纪": "j", "任": "r", "秘": "b", "重": "c"}
COMPOUND_SURNAMES = {"万俟": "mq", "尉迟": "yc", "单于": "cy"}


@lru_cache(maxsize=200_000)
def initials(text: str, surname: bool = True) -> str:
    """Lower-case first letters of each Chinese character; letters and digits kept as they are;
    characters without a reading (rare ones such as 𠀀) are skipped. With ``surname`` the first
    one or two characters are read as a surname."""
    from pypinyin import Style, lazy_pinyin
    text = (text or "").strip()
    head = ""
    if surname and text:
        for compound, letters in COMPOUND_SURNAMES.items():
            if text.startswith(compound):
                head, text = letters, text[len(compound):]
                break
        else:
            if text[0] in SURNAME_INITIALS:
                head, text = SURNAME_INITIALS[text[0]], text[1:]
    out = [head]
    for part in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default"):
        for ch in part:
            if ch.isascii() and ch.isalnum():
                out.append(ch.lower())
    return "".join(out)


SUFFIX_LENGTH = 12   # letters kept of each inner suffix (employer_initials.suffix)


def inner_suffixes(letters: str) -> set[str]:
    """The initials from each position after the first, cut to ``SUFFIX_LENGTH``:
    "bjszxwy" → {"jszxwy", "szxwy", "zxwy", "xwy", "wy", "y"}. A query of initials that is a
    prefix of one of them matches inside the name (the whole name's prefix is ``letters`` itself)."""
    return {letters[k:k + SUFFIX_LENGTH] for k in range(1, len(letters))}
