"""map_headers / is_code_row: labels, national codes and json names map in any order."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.adapters.spreadsheet import (
    SpreadsheetError,
    check_headers,
    field_labels,
    header_key_map,
    is_code_row,
    map_headers,
    required_fields,
)


@pytest.fixture(scope="module")
def spec(category):
    """(category, key map, required json names)."""
    return category, header_key_map(category), required_fields(category)


def test_given_chinese_labels_when_mapped_then_every_column_gets_its_json_name(spec):
    cat, keys, required = spec
    labels = [f.label for f in cat.fields]
    hm = map_headers(labels, keys, required)
    assert hm.columns == {i: f.json_name for i, f in enumerate(cat.fields)}
    assert hm.ignored == [] and hm.missing == [] and hm.duplicates == []


def test_given_codes_json_names_and_decorated_labels_mixed_when_mapped_then_all_map(spec):
    cat, keys, required = spec
    header = [" *行政相对人名称 ", "cf_xdr_lb", "CF_WSH", "处罚类别＊", "罚款金额(万元)",
              "处罚决定日期\n(必填)", None, "  "]
    hm = map_headers(header, keys, required)
    assert hm.columns == {0: "CF_XDR_MC", 1: "CF_XDR_LB", 2: "CF_WSH", 3: "CF_CFLB",
                          4: "CF_NR_FK", 5: "CF_JDRQ"}
    assert hm.missing == []


def test_given_extra_missing_and_repeated_headers_when_mapped_then_each_is_reported(spec):
    cat, keys, required = spec
    header = ["行政相对人名称", "序号", "CF_XDR_MC", "处罚类别", "联系人 "]
    hm = map_headers(header, keys, required)
    assert hm.columns == {0: "CF_XDR_MC", 3: "CF_CFLB"}
    assert hm.ignored == ["序号", "联系人"]
    assert hm.duplicates == ["CF_XDR_MC"]
    assert hm.missing == ["CF_XDR_LB", "CF_WSH", "CF_JDRQ"]


def test_given_missing_required_columns_when_checked_then_missing_headers_lists_their_labels(spec):
    cat, keys, required = spec
    hm = map_headers(["行政相对人名称"], keys, required)
    with pytest.raises(SpreadsheetError) as err:
        check_headers(hm, field_labels(cat))
    assert err.value.code == "MISSING_HEADERS"
    assert err.value.message == "缺少必填列：行政相对人类别、行政处罚决定书文号、处罚类别、处罚决定日期"
    assert err.value.details[0] == {"field": "CF_XDR_LB", "label": "行政相对人类别"}


def test_given_complete_headers_when_checked_then_nothing_is_raised(spec):
    cat, keys, required = spec
    check_headers(map_headers([f.label for f in cat.fields], keys, required))


@given(data=st.data())
def test_given_any_column_order_and_key_kind_when_mapped_then_the_mapping_follows(spec, data):
    cat, keys, required = spec
    fields = data.draw(st.permutations(cat.fields))
    kinds = data.draw(st.lists(st.sampled_from(["label", "code", "json"]), min_size=len(fields),
                               max_size=len(fields)))
    header = [{"label": f.label, "code": f.code, "json": f.json_name}[k]
              for f, k in zip(fields, kinds, strict=True)]
    hm = map_headers(header, keys, required)
    assert hm.columns == {i: f.json_name for i, f in enumerate(fields)}
    assert hm.missing == []


def test_given_the_template_code_row_when_checked_then_it_is_a_code_row(spec):
    cat, keys, required = spec
    header = [f.label for f in cat.fields]
    codes = [f.code for f in cat.fields]
    columns = map_headers(header, keys, required).columns
    assert is_code_row(codes, keys, columns)
    assert is_code_row(codes + [None], keys)


@pytest.mark.parametrize("row", [
    ["某某有限公司", "法人及非法人组织", "91350100M000100Y43", None, "广环罚〔2024〕1号"],
    [None, None, None],
    [],
    ["CF_XDR_MC", "备注说明"],
], ids=["data", "blank", "empty", "half-codes"])
def test_given_a_data_or_blank_row_when_checked_then_it_is_not_a_code_row(spec, row):
    cat, keys, required = spec
    assert not is_code_row(row, keys)


def test_given_codes_under_the_wrong_columns_when_checked_against_the_header_then_not_a_code_row(spec):
    cat, keys, required = spec
    columns = map_headers(["行政相对人名称", "处罚类别"], keys, ()).columns
    assert not is_code_row(["CF_CFLB", "CF_XDR_MC"], keys, columns)
