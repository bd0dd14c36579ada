"""One invalid record per rule of SPEC §5, each rejected with its stable code and a Chinese message."""
from __future__ import annotations

from datetime import date

import pytest

from chalicelib.catalog import load_catalog
from chalicelib.domain.identifiers import make_regno, make_uscc
from chalicelib.domain.validation import FieldError, checksum_error, validate_record
from chalicelib.local.demo_data import AGENCY_USCC, ENTERPRISE_REGNO, ENTERPRISE_USCC, sample_record

CATALOG = load_catalog()
TODAY = date(2026, 10, 1)
BAD_CHECK_USCC = ENTERPRISE_USCC[:17] + ("0" if ENTERPRISE_USCC[17] != "0" else "1")
BAD_CHECK_REGNO = ENTERPRISE_REGNO[:14] + str((int(ENTERPRISE_REGNO[14]) + 1) % 10)


def check(category_id: str, **overrides):
    return validate_record(CATALOG.category(category_id), sample_record(category_id, **overrides), TODAY,
                           CATALOG.key_map(category_id))


def codes(result) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in result.errors]


@pytest.mark.parametrize("category_id", list(CATALOG.categories))
def test_given_each_required_field_missing_then_required(category_id):
    category = CATALOG.category(category_id)
    for f in (f for f in category.fields if f.required):
        # When one required field is blank
        result = check(category_id, **{f.json_name: "  "})
        # Then exactly that field is reported, naming its label
        assert codes(result) == [(f.json_name, "REQUIRED")], f.json_name
        assert f"「{f.label}」" in result.errors[0].message and not result.ok


@pytest.mark.parametrize("category_id, field", [
    ("admin_penalty", "CF_JDRQ"), ("admin_license", "XK_YXQZI"), ("inspection", "inspection_date"),
    ("trademark", "valid_to"), ("other", "publicity_deadline"), ("abnormal_list", "removal_date"),
])
@pytest.mark.parametrize("raw", ["2026-02-30", "28/09/2026", "明天", "2026-13-01", True, [2026], 10**12, "1899-12-31"])
def test_given_an_unreadable_date_then_bad_date(category_id, field, raw):
    result = check(category_id, **{field: raw})
    assert codes(result) == [(field, "BAD_DATE")]
    assert "不是有效日期，应为 YYYY/MM/DD 或 YYYY-MM-DD" in result.errors[0].message


def test_given_a_bad_decision_date_then_the_message_names_the_label():
    result = check("admin_penalty", CF_JDRQ="2026-02-30")
    assert result.errors[0].message == "「处罚决定日期」不是有效日期，应为 YYYY/MM/DD 或 YYYY-MM-DD"


@pytest.mark.parametrize("category_id, field", [
    ("admin_penalty", "CF_JDRQ"), ("admin_license", "XK_JDRQ"), ("registration", "approval_date"),
    ("registration", "established_date"), ("inspection", "inspection_date"), ("abnormal_list", "listed_date"),
    ("serious_violation", "listed_date"), ("chattel_mortgage", "registration_date"),
    ("equity_pledge", "registration_date"), ("trademark", "announcement_date"), ("other", "produced_date"),
])
def test_given_a_decision_or_listing_date_after_today_then_future_date(category_id, field):
    assert codes(check(category_id, **{field: "2026-10-02"})) == [(field, "FUTURE_DATE")]
    assert check(category_id, **{field: "2026-10-01"}).ok  # today itself is fine


@pytest.mark.parametrize("category_id, field", [
    ("admin_license", "XK_YXQZI"), ("admin_penalty", "CF_YXQ"), ("trademark", "valid_to"),
    ("chattel_mortgage", "debt_to"), ("other", "publicity_deadline"),
])
def test_given_an_end_of_validity_in_the_future_then_accepted(category_id, field):
    assert check(category_id, **{field: "2030-01-01"}).ok


@pytest.mark.parametrize("category_id, field, raw", [
    ("admin_penalty", "CF_XDR_LB", "公司"), ("admin_penalty", "CF_CFLB", "警告、打板子"),
    ("admin_penalty", "CF_CFLB", {"a": 1}), ("admin_license", "XK_XKLB", "特殊"), ("admin_license", "XK_ZT", "3"),
    ("registration", "status", "休眠"), ("inspection", "inspection_type", "抽检"), ("abnormal_list", "reason", "其他"),
    ("chattel_mortgage", "status", "无效"), ("equity_pledge", "status", "注销"),
    ("admin_penalty", "procedure", "普通"), ("other", "disclosure", "内部"), ("other", "masked_fields", "不存在的字段"),
])
def test_given_a_value_outside_the_enum_then_bad_enum_with_the_choices(category_id, field, raw):
    result = check(category_id, **{field: raw})
    assert codes(result) == [(field, "BAD_ENUM")]
    assert result.errors[0].suggestion.startswith("可选值：")


@pytest.mark.parametrize("category_id, field, max_len", [
    ("admin_penalty", "CF_XDR_MC", 200), ("admin_penalty", "CF_WSH", 128), ("admin_penalty", "CF_SY", 4000),
    ("inspection", "result", 2000), ("other", "content", 4000), ("registration", "business_scope", 4000),
])
def test_given_text_over_its_limit_then_too_long(category_id, field, max_len):
    assert check(category_id, **{field: "字" * max_len}).ok
    result = check(category_id, **{field: "字" * (max_len + 1)})
    assert codes(result) == [(field, "TOO_LONG")] and str(max_len) in result.errors[0].message


@pytest.mark.parametrize("category_id", list(CATALOG.categories))
def test_given_neither_uscc_nor_regno_then_code_required(category_id):
    c = CATALOG.category(category_id)
    result = check(category_id, **{c.uscc_field: None, c.regno_field: ""})
    assert codes(result) == [(c.uscc_field, "CODE_REQUIRED")]


def test_given_the_individual_placeholder_without_regno_then_code_required_on_the_regno():
    result = check("admin_penalty", CF_XDR_LB="个体工商户", CF_XDR_SHXYM="00000000000000000X", CF_XDR_GSZC=None)
    assert codes(result) == [("CF_XDR_GSZC", "CODE_REQUIRED")] and result.uscc is None


@pytest.mark.parametrize("raw", ["9151080", "91510802MA62XK0Q7I", "91510802MA62XK0Q75X", "915108-2MA62XK0Q75"])
def test_given_a_malformed_uscc_then_uscc_checksum(raw):
    result = check("admin_penalty", CF_XDR_SHXYM=raw)
    assert codes(result) == [("CF_XDR_SHXYM", "USCC_CHECKSUM")] and result.uscc is None


def test_given_a_regno_in_the_uscc_column_then_a_suggestion():
    result = check("inspection", uscc=ENTERPRISE_REGNO)
    assert codes(result) == [("uscc", "USCC_CHECKSUM")] and "注册号" in result.errors[0].suggestion


def test_given_a_partys_uscc_with_a_failed_check_char_then_flagged_not_rejected():
    # Given a well-formed code whose check character fails (early pilot codes exist in the registry)
    result = check("admin_penalty", CF_XDR_SHXYM=BAD_CHECK_USCC)
    # Then the record passes validation; the matcher decides with the flag
    assert result.ok and not result.uscc_checksum_ok and result.uscc == BAD_CHECK_USCC
    # And the matcher's rejection for an unknown code names the field and the expected check char
    error = checksum_error("CF_XDR_SHXYM", "uscc", "统一社会信用代码", BAD_CHECK_USCC)
    assert isinstance(error, FieldError) and error.code == "USCC_CHECKSUM"
    assert "「统一社会信用代码」" in error.message and f"「{ENTERPRISE_USCC[17]}」" in error.suggestion


def test_given_a_partys_regno_with_a_failed_check_digit_then_flagged_not_rejected():
    result = check("inspection", regno=BAD_CHECK_REGNO)
    assert result.ok and not result.regno_checksum_ok and result.regno == BAD_CHECK_REGNO
    # a registration's codes enter the registry: rejected unless marked as a known legacy code
    assert codes(check("registration", regno=BAD_CHECK_REGNO)) == [("regno", "REGNO_CHECKSUM")]
    assert codes(check("registration", uscc=BAD_CHECK_USCC)) == [("uscc", "USCC_CHECKSUM")]
    legacy = check("registration", regno=BAD_CHECK_REGNO, uscc=BAD_CHECK_USCC, legacy_code="是")
    assert legacy.ok and not legacy.regno_checksum_ok and not legacy.uscc_checksum_ok
    error = checksum_error("regno", "regno", value=BAD_CHECK_REGNO)
    assert error.code == "REGNO_CHECKSUM" and ENTERPRISE_REGNO[14] in error.suggestion
    assert checksum_error("x", "uscc").suggestion is None


@pytest.mark.parametrize("raw", ["51080200012345", "5108020001234X", "5108020001234567", "ABCDEFGHIJKLMNO"])
def test_given_a_malformed_regno_then_regno_checksum(raw):
    assert codes(check("admin_license", XK_XDR_GSZC=raw)) == [("XK_XDR_GSZC", "REGNO_CHECKSUM")]


def test_given_an_authoritys_uscc_with_a_failed_check_char_then_rejected_outright():
    bad = AGENCY_USCC[:17] + ("0" if AGENCY_USCC[17] != "0" else "1")
    result = check("admin_penalty", CF_CFJGDM=bad)
    assert codes(result) == [("CF_CFJGDM", "USCC_CHECKSUM")] and AGENCY_USCC[17] in result.errors[0].suggestion


@pytest.mark.parametrize("category_id, start, end", [
    ("admin_license", "XK_YXQZ", "XK_YXQZI"), ("trademark", "valid_from", "valid_to"),
    ("chattel_mortgage", "debt_from", "debt_to"), ("abnormal_list", "listed_date", "removal_date"),
    ("serious_violation", "listed_date", "removal_date"),
])
def test_given_an_end_before_its_start_then_date_order(category_id, start, end):
    result = check(category_id, **{start: "2026-09-01", end: "2026-08-31"})
    assert codes(result) == [(end, "DATE_ORDER")]
    assert check(category_id, **{start: "2026-09-01", end: "2026-09-01"}).ok


@pytest.mark.parametrize("category_id, field", [("admin_penalty", "CF_XDR_LB"), ("admin_license", "XK_XDR_LB")])
def test_given_a_natural_person_then_out_of_scope_and_no_code_required(category_id, field):
    c = CATALOG.category(category_id)
    result = check(category_id, **{field: "自然人", c.uscc_field: None, c.regno_field: None})
    assert codes(result) == [(field, "OUT_OF_SCOPE")] and "自然人" in result.errors[0].message


def test_given_a_summary_procedure_penalty_then_out_of_scope():
    result = check("admin_penalty", procedure="简易程序")
    assert codes(result) == [("procedure", "OUT_OF_SCOPE")] and result.procedure == "简易"


@pytest.mark.parametrize("category_id", list(CATALOG.categories))
def test_given_a_state_secret_then_only_that_error_and_nothing_kept(category_id):
    c = CATALOG.category(category_id)
    record = sample_record(category_id, keys="label", **{c.decision_date_field: "bad", "disclosure": "涉密"})
    result = validate_record(c, record, TODAY, CATALOG.key_map(category_id))
    assert codes(result) == [("disclosure", "STATE_SECRET")]
    assert result.fields == {} and result.name is None and result.source_ref is None and result.uscc is None
    assert result.disclosure == "涉密" and not result.ok


@pytest.mark.parametrize("field, raw", [("CF_NR_FK", "五千元"), ("CF_NR_FK", "-1"), ("CF_NR_FK", "NaN"),
                                        ("CF_NR_WFFF", [1]), ("CF_SY", {"a": 1}), ("CF_WSH", ["x"])])
def test_given_a_value_of_the_wrong_shape_then_bad_value(field, raw):
    assert codes(check("admin_penalty", **{field: raw})) == [(field, "BAD_VALUE")]


def test_given_many_problems_then_all_are_reported_in_field_order():
    result = check("admin_license", XK_XDR_MC=None, XK_XDR_LB="自然人", XK_XKLB="x", XK_JDRQ="2027-01-01",
                   XK_YXQZ="2026-09-01", XK_YXQZI="2026-01-01", XK_XKJGDM="short", XK_ZT=None)
    assert codes(result) == [
        ("XK_XDR_MC", "REQUIRED"), ("XK_XKLB", "BAD_ENUM"), ("XK_JDRQ", "FUTURE_DATE"),
        ("XK_XKJGDM", "USCC_CHECKSUM"), ("XK_ZT", "REQUIRED"), ("XK_XDR_LB", "OUT_OF_SCOPE"),
        ("XK_YXQZI", "DATE_ORDER"),
    ]
    assert all(e.message for e in result.errors)


def test_given_a_valid_made_up_code_pair_then_both_checksums_pass():
    result = check("admin_penalty", CF_XDR_SHXYM=make_uscc("91510821MA6A00001"),
                   CF_XDR_GSZC=make_regno("51082100000001"))
    assert result.ok and result.uscc_checksum_ok and result.regno_checksum_ok
