"""Field checks for forms: ID numbers, credit codes, phones, names and free text. Pure; no database.

Each ``check_*`` takes what a person typed and returns the normalized value, or raises
``ValidationError`` naming the field by its Chinese label and saying what to fix. Services run
several checks through ``checked`` with one ``Collector`` so that a form reports every bad field
at once.

Empty input: ``check_name`` and ``check_text(required=True)`` refuse it; ``check_id_number``,
``check_uscc`` and ``check_phone`` refuse it too ("请填写…"), so a caller whose field is optional
checks ``is_blank`` first.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from stdnum.cn import ric, uscc

from . import clock
from .dates import format_cn, parse_date
from .enums import Gender
from .errors import Collector, Label, ValidationError

T = TypeVar("T")

ID_FIELD = Label("身份证号", "id_number")        # their keys: the fields of PersonInput/EmployerInput
BIRTH_FIELD = Label("出生日期", "birth_date")
GENDER_FIELD = Label("性别", "gender")
USCC_FIELD = Label("统一社会信用代码", "uscc")
PHONE_FIELD = Label("电话", "phone")

# First two digits of a resident ID: province-level division (GB/T 2260), plus 81/82/83 used by
# residence permits of Hong Kong, Macao and Taiwan residents.
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83"})
EARLIEST_BIRTH = date(1900, 1, 1)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


# ---------------------------------------------------------------- generic helpers (reused)

def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value: Any) -> str:
    """``None`` → ""; surrounding whitespace trimmed; Windows line ends made ``\\n``."""
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def check_required(value: Any, field: str) -> str:
    text = clean_text(value)
    if not text:
        raise ValidationError([(field, f"请填写{field}")])
    return text


def check_length(text: str, field: str, max_len: int) -> str:
    """Length counts characters (code points): 𠀀 (U+20000) is one character, as a person sees it."""
    if len(text) > max_len:
        raise ValidationError([(field, f"不能超过 {max_len} 个字（现有 {len(text)} 个字），请删减")])
    return text


def check_text(value: Any, field: str, max_len: int, required: bool = False) -> str:
    """Free text (address, note, industry…): trimmed, control characters refused, length checked."""
    text = clean_text(value)
    if not text:
        if required:
            raise ValidationError([(field, f"请填写{field}")])
        return ""
    if _CONTROL.search(text):
        raise ValidationError([(field, "含有无法显示的控制字符，请删除后重新填写")])
    return check_length(text, field, max_len)


def check_name(value: Any, field: str = "姓名", max_len: int = 50) -> str:
    """A person's or unit's name: required, trimmed, inner runs of spaces made one; no Unicode
    normalization, so rare characters (𠀀, 堃, 喆) and compatibility ideographs stay exactly as typed."""
    text = check_required(value, field)
    if "\n" in text or _CONTROL.search(text):
        raise ValidationError([(field, "不能包含换行或控制字符")])
    text = _SPACES.sub(" ", text)
    if not any(ch.isalpha() for ch in text):
        raise ValidationError([(field, f"「{text}」不是有效的{field}，请填写文字")])
    return check_length(text, field, max_len)


def checked(errors: Collector, fn: Callable[..., T], *args: Any, default: Any = None,
            **kwargs: Any) -> T | Any:
    """Run one check; on ValidationError add its field errors to ``errors`` and return ``default``."""
    try:
        return fn(*args, **kwargs)
    except ValidationError as e:
        errors.extend(e.errors)
        return default


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _narrow(value: Any) -> str:
    """Full-width digits and letters (typed with a Chinese input method) made ASCII."""
    return unicodedata.normalize("NFKC", clean_text(value))


# ---------------------------------------------------------------- gender

def parse_gender(value: Any, field: str = GENDER_FIELD) -> Gender | None:
    """"M"/"F", 男/女, a Gender, or blank (None)."""
    if isinstance(value, Gender):
        return value
    text = clean_text(value)
    if not text:
        return None
    for g in Gender:
        if text.upper() == g.value or text == g.label:
            return g
    raise ValidationError([(field, f"「{text}」不是有效的性别，请选择男或女")])


# ---------------------------------------------------------------- resident ID (居民身份证号码)

def check_id_number(value: Any, birth_date: date | str | None = None,
                    gender: Gender | str | None = None) -> tuple[str, date, Gender]:
    """A Chinese resident ID number → (normalized with upper-case X, birth date, gender).

    Checks length 18, digits, province code, the birth date it contains and the check digit
    (stdnum.cn.ric). When ``birth_date`` or ``gender`` were also filled in on the form they must
    agree with the number; a disagreement is reported on that field.
    """
    raw = _narrow(value)
    if not raw:
        raise ValidationError([(ID_FIELD, "请填写身份证号码")])
    number = re.sub(r"[\s-]", "", raw).upper()
    if len(number) == 15 and _digits(number):
        raise ValidationError([(ID_FIELD, "身份证号码应为18位；这是15位的旧号码，请填写二代身份证上的18位号码")])
    if len(number) != 18:
        raise ValidationError([(ID_FIELD, f"身份证号码应为18位，现为{len(number)}位，请核对")])
    if not _digits(number[:17]) or not (_digits(number[17]) or number[17] == "X"):
        raise ValidationError([(ID_FIELD, "身份证号码只能是数字，最后一位可以是 X")])
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError([(ID_FIELD, f"身份证号码前两位「{number[:2]}」不是有效的省级行政区划代码，请核对")])
    y, m, d = int(number[6:10]), int(number[10:12]), int(number[12:14])
    try:
        born = ric.get_birth_date(number)
    except Exception:  # stdnum raises InvalidComponent for 2月30日 and the like
        raise ValidationError([(ID_FIELD, f"身份证号码中的出生日期 {y}年{m}月{d}日 不存在，请核对第7-14位")]) from None
    if born < EARLIEST_BIRTH or born > clock.today():
        raise ValidationError([(ID_FIELD, f"身份证号码中的出生日期 {format_cn(born)} 不合理，请核对第7-14位")])
    if number[17] != ric.calc_check_digit(number):
        raise ValidationError([(ID_FIELD, "身份证号码校验位不正确，请核对最后一位")])
    sex = Gender.MALE if int(number[16]) % 2 == 1 else Gender.FEMALE

    errors = Collector()
    given_birth = checked(errors, _optional_date, birth_date, BIRTH_FIELD)
    if given_birth is not None and given_birth != born:
        errors.add(BIRTH_FIELD, f"填写的出生日期 {format_cn(given_birth)} 与身份证号码中的 "
                                f"{format_cn(born)} 不一致，请核对")
    given_sex = checked(errors, parse_gender, gender)
    if given_sex is not None and given_sex != sex:
        errors.add(GENDER_FIELD, f"填写的性别「{given_sex.label}」与身份证号码（第17位为"
                                 f"{'单数' if sex is Gender.MALE else '双数'}，应为{sex.label}）不一致，请核对")
    errors.raise_if_any()
    return number, born, sex


def _optional_date(value: date | str | None, field: str) -> date | None:
    if is_blank(value):
        return None
    return parse_date(value, field)


def check_birth_date(value: date | str | None, field: str = BIRTH_FIELD) -> date | None:
    """Blank → None; otherwise a real date between 1900 and today."""
    d = _optional_date(value, field)
    if d is not None and not (EARLIEST_BIRTH <= d <= clock.today()):
        raise ValidationError([(field, f"{format_cn(d)} 不合理，出生日期应在1900年至今天之间")])
    return d


# ---------------------------------------------------------------- unified social credit code

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, Z, S, V
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 32100-2015 (with amendment XG1-2016) table 1: the registration authority (1st character) and
# the institution categories it registers (2nd character).
USCC_AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": ("司法行政", {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所", "4": "司法鉴定机构",
                   "5": "仲裁委员会", "9": "其他"}),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": ("旅游", {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
                 "9": "其他"}),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": ("农业", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"}),
    "Y": ("其他", {"1": "其他"}),
}


def uscc_check_character(first17: str) -> str:
    """The 18th character of a unified social credit code (GB 32100 §4.3: weights 3^i mod 31)."""
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(value: Any, field: str = USCC_FIELD) -> str:
    """统一社会信用代码 (GB 32100) → 18 upper-case characters. Checked by the standard itself
    (python-stdnum wants 8 leading digits and refuses the A, N and Y authorities): the 1st and 2nd
    characters against table 1, positions 3–8 a 6-digit administrative division code (a province
    of GB/T 2260, or 100000 for the national level), the alphabet, and the check character."""
    raw = _narrow(value)
    if not raw:
        raise ValidationError([(field, f"请填写{field}")])
    code = uscc.compact(raw)
    if len(code) != 18:
        raise ValidationError([(field, f"应为18位，现为{len(code)}位，请核对")])
    bad = sorted({c for c in code if c not in _USCC_ALPHABET})
    if bad:
        raise ValidationError([(field, f"含有不允许的字符「{''.join(bad)}」：只能是数字和大写字母"
                                       "（不含 I、O、Z、S、V），请核对")])
    authority = USCC_AUTHORITIES.get(code[0])
    if authority is None:
        raise ValidationError([(field, f"第1位「{code[0]}」不是登记管理部门代码（应为 1-9、A、N 或 Y），请核对")])
    if code[1] not in authority[1]:
        kinds = "、".join(authority[1])
        raise ValidationError([(field, f"第2位「{code[1]}」不是{authority[0]}登记的机构类别代码"
                                       f"（应为 {kinds}），请核对")])
    division = code[2:8]
    if not _digits(division) or (division[:2] not in PROVINCE_CODES and division != "100000"):
        raise ValidationError([(field, f"第3-8位「{division}」不是行政区划代码，请核对")])
    if code[-1] != uscc_check_character(code[:17]):
        raise ValidationError([(field, "校验位不正确，请核对最后一位")])
    return code


# ---------------------------------------------------------------- phone numbers

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^(0\d{2,3})-?(\d{3,4}-?\d{4})(?:(?:-|转|#)(\d{1,6}))?$")
_SERVICE = re.compile(r"^([48]00)-?(\d{3})-?(\d{4})$")


def landline_area_length(digits: str) -> int:
    """Chinese area codes: 010 and 020–029 have three digits, every other one four."""
    return 3 if digits[1:2] in ("1", "2") else 4


def check_phone(value: Any, field: str = PHONE_FIELD) -> str:
    """Mobile ``13812345678`` (spaces, dashes and +86 allowed) or landline with area code
    ``0755-12345678`` (optional extension ``转123``), or a 400/800 number.

    Normalized: mobile as 11 digits, landline as ``区号-号码[转分机]``, 400 numbers ``400-xxx-xxxx``.
    """
    raw = _narrow(value)
    if not raw:
        raise ValidationError([(field, f"请填写{field}")])
    if re.search(r"[A-Za-z]", raw):
        raise ValidationError([(field, "电话号码不能包含字母，分机号请写成「转123」")])
    s = re.sub(r"[\s()（）]", "", raw)
    s = re.sub(r"^(\+86|0086)-?", "", s)
    digits = s.replace("-", "")
    if digits.startswith("86") and len(digits) == 13 and _MOBILE.match(digits[2:]):
        digits = digits[2:]
    if _MOBILE.match(digits):
        return digits
    m = _SERVICE.match(s)
    if m:
        return "-".join(m.groups())
    m = _LANDLINE.match(s)
    if m:
        area, local, ext = m.group(1), m.group(2).replace("-", ""), m.group(3)
        whole = area + local
        n = landline_area_length(whole)
        area, local = whole[:n], whole[n:]
        if len(local) in (7, 8) and not local.startswith("0"):
            return f"{area}-{local}" + (f"转{ext}" if ext else "")
    if _digits(digits) and len(digits) in (7, 8) and digits[0] != "0":
        raise ValidationError([(field, f"座机号码「{raw}」请加区号，如 0755-{digits}")])
    if _digits(digits) and digits.startswith("1") and len(digits) >= 9:
        raise ValidationError([(field, f"手机号码应为以13–19开头的11位数字，现为「{raw}」，请核对")])
    raise ValidationError([(field, f"「{raw}」不是有效的电话号码：手机填11位数字，座机请带区号，如 0755-12345678")])


def phone_search_prefix(text: str) -> str:
    """What a typed phone fragment looks like in stored (normalized) form, for prefix search:
    ``075512`` → ``0755-12``; a mobile fragment stays digits."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text or ""))
    if digits.startswith("86") and len(digits) > 3 and digits[2] == "1":
        digits = digits[2:]
    if digits[:3] in ("400", "800"):
        return "-".join(p for p in (digits[:3], digits[3:6], digits[6:]) if p)
    if digits.startswith("0"):
        n = landline_area_length(digits)
        if len(digits) > n:
            return digits[:n] + "-" + digits[n:]
    return digits
