"""Field checks: ID numbers, credit codes, phones, names, text. Pure; no database."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st
from stdnum.cn import ric

from app.domain.enums import Gender
from app.domain.errors import Collector, ValidationError
from app.domain.validation import (PROVINCE_CODES, USCC_AUTHORITIES, check_birth_date,
                                   check_id_number, check_name, check_phone, check_text, check_uscc,
                                   checked, parse_gender, phone_search_prefix,
                                   uscc_check_character)
from tests.clock import TODAY


def with_check_digit(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def errors_of(fn, *args, **kwargs) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as e:
        fn(*args, **kwargs)
    return e.value.errors


# ---------------------------------------------------------------- ID numbers

def test_valid_ids_normalized_with_birth_date_and_gender():
    assert check_id_number("11010519491231002x") == ("11010519491231002X", date(1949, 12, 31),
                                                     Gender.FEMALE)
    assert check_id_number(" 360426 19910101 0071 ") == ("360426199101010071", date(1991, 1, 1),
                                                          Gender.MALE)
    # full-width digits typed with a Chinese input method
    assert check_id_number("３６０４２６１９９１０１０１００７１")[0] == "360426199101010071"


def test_wrong_checksum():
    assert errors_of(check_id_number, "110105194912310021") == \
        [("身份证号", "身份证号码校验位不正确，请核对最后一位")]


def test_wrong_length_and_characters():
    assert errors_of(check_id_number, "1101051949123100")[0][1].startswith("身份证号码应为18位")
    assert "15位的旧号码" in errors_of(check_id_number, "110105491231002")[0][1]
    assert "只能是数字" in errors_of(check_id_number, "1101051949123100AX")[0][1]
    assert errors_of(check_id_number, "")[0] == ("身份证号", "请填写身份证号码")
    assert "行政区划" in errors_of(check_id_number, with_check_digit("99010519491231002"))[0][1]


def test_february_30_in_an_id_is_named():
    msg = errors_of(check_id_number, with_check_digit("11010519900230001"))[0][1]
    assert msg.startswith("身份证号码中的出生日期 1990年2月30日 不存在")


def test_birth_date_in_the_future_refused():
    tomorrow = TODAY + timedelta(days=1)
    number = with_check_digit(f"110105{tomorrow:%Y%m%d}001")
    assert "不合理" in errors_of(check_id_number, number)[0][1]


def test_birth_date_disagreeing_with_the_form():
    errs = errors_of(check_id_number, "11010519491231002X", birth_date="1950-01-01")
    assert errs == [("出生日期", "填写的出生日期 1950年1月1日 与身份证号码中的 1949年12月31日 不一致，请核对")]
    # the same date written differently agrees
    assert check_id_number("11010519491231002X", birth_date="1949年12月31日")[1] == date(1949, 12, 31)
    assert check_id_number("11010519491231002X", birth_date=date(1949, 12, 31))[1] == date(1949, 12, 31)


def test_gender_disagreeing_with_the_form():
    errs = errors_of(check_id_number, "11010519491231002X", gender="男")
    assert errs[0][0] == "性别" and "应为女" in errs[0][1]
    errs = errors_of(check_id_number, "360426199101010071", gender=Gender.FEMALE)
    assert errs[0][0] == "性别" and "应为男" in errs[0][1]
    assert check_id_number("360426199101010071", gender="M")[2] is Gender.MALE


def test_both_disagreements_reported_together():
    errs = errors_of(check_id_number, "11010519491231002X", birth_date="1950-01-01", gender="男")
    assert [f for f, _ in errs] == ["出生日期", "性别"]


_first17 = st.builds(
    lambda prov, area, born, seq: f"{prov}{area:04d}{born:%Y%m%d}{seq:03d}",
    st.sampled_from(sorted(PROVINCE_CODES)), st.integers(0, 9999),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY), st.integers(0, 999))


@given(_first17)
def test_any_valid_generated_id_passes_and_a_changed_last_char_fails(first17):
    number = with_check_digit(first17)
    normalized, born, sex = check_id_number(number)
    assert normalized == number
    assert born.strftime("%Y%m%d") == first17[6:14]
    assert (sex is Gender.MALE) == (int(first17[16]) % 2 == 1)
    for other in "0123456789X":
        if other != number[-1]:
            assert errors_of(check_id_number, number[:-1] + other) == \
                [("身份证号", "身份证号码校验位不正确，请核对最后一位")]


# ---------------------------------------------------------------- other fields

def test_uscc():
    assert check_uscc(" 91110000600037341l ") == "91110000600037341L"
    assert errors_of(check_uscc, "91110000600037341M") == [("统一社会信用代码", "校验位不正确，请核对最后一位")]
    assert "应为18位" in errors_of(check_uscc, "9111000060003734")[0][1]
    assert "不允许的字符「O」" in errors_of(check_uscc, "91110000600O37341L")[0][1]


@pytest.mark.parametrize("code, registered_by", [
    ("N2110105J5KFHCU23D", "农业：村级集体经济组织"),
    ("Y11101053HRT8H5Q1A", "其他"),
    ("A1110105C40F8HM32B", "中央军委改革和编制办公室：军队事业单位"),
    ("91110000600037341L", "工商：企业"),
])
def test_uscc_of_every_registration_authority_is_accepted(code, registered_by):
    """GB 32100 table 1 lets the code begin with a letter (A, N, Y): python-stdnum refuses these."""
    assert check_uscc(code.lower()) == code
    authority, kinds = USCC_AUTHORITIES[code[0]]
    assert registered_by in (authority, f"{authority}：{kinds[code[1]]}")


@pytest.mark.parametrize("code, message", [
    ("N2110105J5KFHCU23E", "校验位不正确"),           # one character off
    ("Y11101053HRT8H5Q1B", "校验位不正确"),
    ("B1110105C40F8HM32" + "X", "第1位「B」不是登记管理部门代码"),
    ("N4110105J5KFHCU23D", "第2位「4」不是农业登记的机构类别代码"),
    ("Y2110105J5KFHCU23D", "第2位「2」不是其他登记的机构类别代码"),
    ("94110105J5KFHCU23D", "第2位「4」不是工商登记的机构类别代码"),
    ("91990105J5KFHCU23D", "第3-8位「990105」不是行政区划代码"),
    ("911A0105J5KFHCU23D", "第3-8位「1A0105」不是行政区划代码"),
])
def test_uscc_bad_authority_division_or_check_character(code, message):
    assert message in errors_of(check_uscc, code)[0][1]


def test_uscc_check_character_with_a_correct_body_and_each_wrong_one():
    body = "A1110105C40F8HM32"
    assert uscc_check_character(body) == "B"
    wrong = [c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != "B"]
    assert all("校验位不正确" in errors_of(check_uscc, body + c)[0][1] for c in wrong)


@pytest.mark.parametrize("typed, stored", [
    ("13812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("１３８１２３４５６７８", "13812345678"),
    ("010-12345678", "010-12345678"),
    ("(021) 6123 4567", "021-61234567"),
    ("075512345678", "0755-12345678"),
    ("0755-1234567", "0755-1234567"),
    ("0755-12345678转123", "0755-12345678转123"),
    ("0755-12345678-123", "0755-12345678转123"),
    ("400-800-1234", "400-800-1234"),
])
def test_phone_accepted(typed, stored):
    assert check_phone(typed) == stored


@pytest.mark.parametrize("typed, fragment", [
    ("1381234567a", "字母"), ("138-1234-abcd", "字母"), ("0755-12345678 ext 12", "字母"),
    ("1281234567", "11位"), ("12812345678", "13–19开头"), ("12345678", "区号"),
    ("0755-123", "区号"), ("", "请填写电话"),
])
def test_phone_refused(typed, fragment):
    errs = errors_of(check_phone, typed)
    assert errs[0][0] == "电话" and fragment in errs[0][1]


def test_phone_search_prefix_matches_stored_form():
    assert phone_search_prefix("075512") == "0755-12"
    assert phone_search_prefix("010-1234") == "010-1234"
    assert phone_search_prefix("0755") == "0755"
    assert phone_search_prefix("138 12") == "13812"
    assert phone_search_prefix("400800") == "400-800"


def test_name_required_trimmed_and_rare_characters_kept():
    assert errors_of(check_name, "   ") == [("姓名", "请填写姓名")]
    assert errors_of(check_name, None) == [("姓名", "请填写姓名")]
    assert check_name("  王𠀀 ") == "王𠀀"
    assert len(check_name("王𠀀")) == 2
    assert check_name("李堃") == "李堃" and check_name("张喆") == "张喆"
    assert check_name("阿卜杜·热合曼") == "阿卜杜·热合曼"
    assert check_name("John   Smith") == "John Smith"
    assert check_name("\U0002A6A5\U0002B820") == "\U0002A6A5\U0002B820"   # extensions B/E kept
    assert "不能包含换行" in errors_of(check_name, "张\n三")[0][1]
    assert "不是有效的姓名" in errors_of(check_name, "123")[0][1]


def test_name_length_counts_characters_not_bytes():
    assert check_name("𠀀" * 50) == "𠀀" * 50
    assert errors_of(check_name, "𠀀" * 51)[0][1].startswith("不能超过 50 个字")
    assert errors_of(check_name, "某" * 101, "单位名称", 100)[0][0] == "单位名称"


def test_ten_thousand_character_text_refused_naming_the_limit():
    errs = errors_of(check_text, "字" * 10_000, "备注", 2000)
    assert errs == [("备注", "不能超过 2000 个字（现有 10000 个字），请删减")]
    assert check_text("字" * 2000, "备注", 2000) == "字" * 2000
    assert check_text(None, "住址", 200) == "" and check_text("  a\r\nb ", "住址", 200) == "a\nb"
    assert errors_of(check_text, " ", "诉求内容", 100, required=True) == [("诉求内容", "请填写诉求内容")]
    assert "控制字符" in errors_of(check_text, "a\x00b", "住址", 200)[0][1]


def test_birth_date_and_gender_parsing():
    assert check_birth_date("") is None
    assert check_birth_date("1980/5/6") == date(1980, 5, 6)
    assert "不存在" in errors_of(check_birth_date, "1980-02-30")[0][1]
    assert "不合理" in errors_of(check_birth_date, TODAY + timedelta(days=1))[0][1]
    assert parse_gender("女") is Gender.FEMALE and parse_gender("m") is Gender.MALE
    assert parse_gender("") is None
    assert errors_of(parse_gender, "未知")[0][0] == "性别"


def test_checked_collects_every_error():
    errors = Collector()
    assert checked(errors, check_name, "", default="") == ""
    assert checked(errors, check_phone, "abc") is None
    assert checked(errors, check_text, "ok", "住址", 10) == "ok"
    assert [f for f, _ in errors.errors] == ["姓名", "电话"]
    with pytest.raises(ValidationError) as e:
        errors.raise_if_any()
    assert "姓名：请填写姓名" in str(e.value)


def test_field_errors_carry_the_fields_key_beside_the_label():
    from app.domain.errors import Collector, FieldError, Label, ValidationError, labels
    from app.domain.validation import check_id_number, checked
    names = labels({"name": "姓名"})
    assert names["name"] == "姓名" and names["name"].key == "name"
    errors = Collector()
    errors.add(names["name"], "请填写姓名")
    errors.add("", "整体的问题")                                    # no field: no key
    checked(errors.scoped("new_person"), check_id_number, "110105194912310021")
    with pytest.raises(ValidationError) as e:
        errors.raise_if_any()
    err = e.value
    assert err.keys == ["name", None, "new_person.id_number"]
    assert err.errors[0] == ("姓名", "请填写姓名")                   # still a (label, message) pair
    label, message = err.errors[2]
    assert label == "身份证号" and "校验位" in message
    assert err.fields == ["姓名", "", "身份证号"]
    again = ValidationError(err.errors)                              # re-raised: keys kept
    assert again.keys == err.keys
    assert FieldError(Label("电话", "phone"), "x").key == "phone"
    assert ValidationError([("电话", "x")]).keys == [None]
