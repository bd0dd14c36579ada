"""Valid records for every category, under every kind of key, and the normalisation of values."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from chalicelib.catalog import load_catalog
from chalicelib.domain.validation import validate_record
from chalicelib.local.demo_data import ENTERPRISE_REGNO, ENTERPRISE_USCC, sample_record

CATALOG = load_catalog()
TODAY = date(2026, 10, 1)


def check(category_id: str, record: dict, today: date = TODAY):
    return validate_record(CATALOG.category(category_id), record, today, CATALOG.key_map(category_id))


def fields(category_id: str, **overrides) -> dict:
    result = check(category_id, sample_record(category_id, **overrides))
    assert result.ok, result.errors
    return result.fields


@pytest.mark.parametrize("category_id", list(CATALOG.categories))
@pytest.mark.parametrize("keys", ["label", "code", "json"])
def test_given_a_valid_record_keyed_by_labels_or_codes_then_accepted_with_the_same_fields(category_id, keys):
    # Given a valid record whose keys are the template headers (or national codes / json names)
    record = sample_record(category_id, keys=keys)
    # When it is checked
    result = check(category_id, record)
    # Then it is accepted, every key is known, and the fields are keyed by json_name
    assert result.ok and result.errors == [] and result.unknown_keys == []
    assert result.fields == check(category_id, sample_record(category_id)).fields
    category = CATALOG.category(category_id)
    assert result.source_ref and result.name == "广元市利州区示例食品有限公司"
    assert result.decision_date is not None and result.decision_date.isoformat() == result.fields[
        category.decision_date_field]
    assert result.disclosure == "公开" and result.masked_fields == []
    assert result.uscc_checksum_ok and result.regno_checksum_ok


def test_given_identity_parts_then_exposed_on_the_check():
    result = check("admin_penalty", sample_record("admin_penalty"))
    assert (result.source_ref, result.uscc, result.regno) == ("广环罚〔2026〕12号", ENTERPRISE_USCC, ENTERPRISE_REGNO)
    assert (result.party_type, result.procedure) == ("法人及非法人组织", "一般")
    assert check("registration", sample_record("registration")).source_ref == ENTERPRISE_USCC
    assert check("registration", sample_record("registration", uscc=None)).source_ref == ENTERPRISE_REGNO
    assert check("inspection", sample_record("inspection")).procedure is None


@pytest.mark.parametrize("raw", [
    "2026/09/28", "2026-09-28", "20260928", "2026/9/28", "2026年9月28日", "2026-09-28 00:00:00",
    "２０２６／０９／２８", datetime(2026, 9, 28, 15, 30), date(2026, 9, 28), 46293, 46293.625, 20260928,
])
def test_given_a_date_in_any_accepted_form_then_iso(raw):
    assert fields("admin_penalty", CF_JDRQ=raw)["CF_JDRQ"] == "2026-09-28"


def test_given_long_term_then_2099_12_31():
    assert fields("admin_license", XK_YXQZI="长期")["XK_YXQZI"] == "2099-12-31"
    assert fields("admin_license", XK_YXQZI="2099/12/31")["XK_YXQZI"] == "2099-12-31"


@pytest.mark.parametrize("raw, expected", [
    ("警告、罚款", ["警告", "罚款"]), ("警告,罚款", ["警告", "罚款"]), ("警告；罚款；警告", ["警告", "罚款"]),
    (["罚款", "责令停产停业"], ["罚款", "责令停产停业"]), ("罚款", ["罚款"]),
    ("暂扣或者吊销许可证/执照", ["暂扣或者吊销许可证/执照"]),
    ("暂扣或者吊销许可证、暂扣或者吊销执照", ["暂扣或者吊销许可证/执照"]),
    ("没收违法所得、没收非法财物", ["没收违法所得", "没收非法财物"]),
    (" 警告 ， 罚款 ", ["警告", "罚款"]),
])
def test_given_penalty_kinds_as_a_list_or_a_separated_string_then_a_list(raw, expected):
    assert fields("admin_penalty", CF_CFLB=raw)["CF_CFLB"] == expected


@pytest.mark.parametrize("raw, expected", [("1", "有效"), (1, "有效"), ("2", "无效"), (2.0, "无效"), ("有效", "有效")])
def test_given_licence_states_as_codes_or_words_then_the_word(raw, expected):
    assert fields("admin_license", XK_ZT=raw)["XK_ZT"] == expected


def test_given_enum_aliases_then_canonical_values():
    assert fields("admin_penalty", CF_XDR_LB="法人")["CF_XDR_LB"] == "法人及非法人组织"
    assert fields("abnormal_list", reason="未按照规定报送年度报告的")["reason"] == "未按规定报送年度报告"
    assert fields("registration", status="在营")["status"] == "在业"


@pytest.mark.parametrize("raw, expected", [
    ("0.5", "0.5"), (0.5, "0.5"), (5, "5"), (Decimal("1.50"), "1.5"), ("1,200.00", "1200"), ("3万元", "3"),
    ("０．５", "0.5"), (0, "0"), (0.1 + 0.2, "0.30000000000000004"),
])
def test_given_amounts_as_text_or_numbers_then_plain_decimal_strings(raw, expected):
    assert fields("admin_penalty", CF_NR_FK=raw)["CF_NR_FK"] == expected


def test_given_codes_with_blanks_full_width_or_lower_case_then_normalized():
    uscc = ENTERPRISE_USCC.lower().translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    result = check("admin_penalty", sample_record("admin_penalty", CF_XDR_SHXYM=f"　{uscc} "))
    assert result.ok and result.uscc == ENTERPRISE_USCC
    assert check("admin_penalty", sample_record("admin_penalty", CF_XDR_GSZC=int(ENTERPRISE_REGNO))).regno == ENTERPRISE_REGNO


def test_given_an_individual_with_the_placeholder_and_a_regno_then_accepted_without_uscc():
    result = check("admin_penalty", sample_record(
        "admin_penalty", CF_XDR_LB="个体工商户", CF_XDR_SHXYM="00000000000000000X"))
    assert result.ok and result.uscc is None and result.regno == ENTERPRISE_REGNO
    assert result.fields["CF_XDR_SHXYM"] == "00000000000000000X"


def test_given_text_with_control_characters_and_padding_then_stripped():
    assert fields("admin_penalty", CF_SY="  违法\x00事实\x07\n ")["CF_SY"] == "违法事实"
    assert fields("admin_penalty", CF_CFJG=12345)["CF_CFJG"] == "12345"


def test_given_header_variants_then_the_same_field():
    record = sample_record("admin_penalty", keys="label")
    amount = record.pop("罚款金额（万元）")
    record["*罚款金额(万元)"] = amount
    record["行政处罚决定书文号 *"] = record.pop("行政处罚决定书文号")
    result = check("admin_penalty", record)
    assert result.ok and result.fields["CF_NR_FK"] == "5" and result.source_ref == "广环罚〔2026〕12号"


def test_given_unknown_and_empty_keys_then_ignored_and_listed():
    record = {**sample_record("inspection"), "department": "d22", "序号": 1, "remark": "", "额外列": None}
    result = check("inspection", record)
    assert result.ok and result.unknown_keys == ["department", "序号", "额外列"]
    assert "remark" not in result.fields


def test_given_the_same_field_under_two_keys_then_the_first_non_empty_wins():
    record = {**sample_record("other"), "文号": "", "doc_no": "A-1"}
    record = {"文号": "", **record, "DOC_NO": "B-2"}
    assert check("other", record).source_ref == "A-1"


def test_given_bookkeeping_fields_then_defaults_are_not_stored_and_masks_map_to_json_names():
    result = check("admin_penalty", sample_record(
        "admin_penalty", disclosure="公开", procedure="一般程序", masked_fields="违法事实、CF_YJ,处罚内容"))
    assert result.ok and result.masked_fields == ["CF_SY", "CF_YJ", "CF_NR"]
    assert "disclosure" not in result.fields and "procedure" not in result.fields
    assert result.fields["masked_fields"] == ["CF_SY", "CF_YJ", "CF_NR"]
    listed = check("other", sample_record("other", masked_fields=["内容", "content"]))
    assert listed.masked_fields == ["content"]


def test_given_the_catalog_key_map_is_omitted_then_the_categorys_own_keys_apply():
    category = CATALOG.category("trademark")
    assert validate_record(category, sample_record("trademark", keys="label"), TODAY).ok
