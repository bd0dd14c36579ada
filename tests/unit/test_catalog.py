"""Catalog integrity: the seed's 43 departments, the 10 categories of SPEC §2, accepted keys."""
from __future__ import annotations

import json

import pytest

from chalicelib.catalog import (
    Catalog,
    build_key_map,
    load_catalog,
    make_county_department,
    normalize_key,
)
from chalicelib.catalog.model import Category, Department, FieldType, Masking

CATALOG = load_catalog()
ALL_CATEGORIES = ["registration", "admin_license", "admin_penalty", "inspection", "abnormal_list",
                  "serious_violation", "chattel_mortgage", "equity_pledge", "trademark", "other"]
PENALTY_REQUIRED = {"CF_XDR_MC", "CF_XDR_LB", "CF_WSH", "CF_WFXW", "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR",
                    "CF_JDRQ", "CF_YXQ", "CF_CFJG", "CF_CFJGDM", "CF_SJLY", "CF_SJLYDM"}
PENALTY_OPTIONAL = {"CF_XDR_SHXYM", "CF_XDR_GSZC", "CF_XDR_ZZJG", "CF_XDR_SWDJ", "CF_FRDB", "CF_FR_ZJLX",
                    "CF_FR_ZJHM", "CF_XDR_ZJLX", "CF_XDR_ZJHM", "CF_NR_FK", "CF_NR_WFFF", "CF_NR_ZKDX",
                    "CF_GSJZQ", "BZ"}
LICENSE_REQUIRED = {"XK_XDR_MC", "XK_XDR_LB", "XK_WSH", "XK_XKLB", "XK_NR", "XK_JDRQ", "XK_YXQZ", "XK_YXQZI",
                    "XK_XKJG", "XK_XKJGDM", "XK_ZT", "XK_LYDW", "XK_LYDWDM"}
LICENSE_OPTIONAL = {"XK_XDR_SHXYM", "XK_XDR_GSZC", "XK_XDR_ZZJG", "XK_XDR_SWDJ", "XK_FRDB", "XK_FR_ZJLX",
                    "XK_FR_ZJHM", "XK_XKWS", "XK_XKZS", "XK_XKBH", "BZ"}


def test_given_the_seed_annex_then_43_departments_in_order():
    assert list(CATALOG.departments) == [f"d{i:02d}" for i in range(1, 44)]
    assert CATALOG.department("d12").name == "市环保局"
    assert CATALOG.department("d21").name == "市工商局"
    assert CATALOG.department("d23").name == "市食品药品监管局"
    assert CATALOG.department("d01").name == "市发展改革委"
    assert CATALOG.department("d43").name == "市粮食局"


def test_given_departments_then_registry_gets_all_categories_and_others_four():
    registry = CATALOG.department("d21")
    assert registry.is_registry and set(registry.categories) == set(ALL_CATEGORIES)
    assert CATALOG.registry_department().id == "d21"
    for d in CATALOG.departments.values():
        assert d.level == "市级" and d.region == "510800" and d.push_mode in {"batch", "manual"}
        assert d.leader.title and d.office and d.operators  # 三位一体
        if d.id != "d21":
            assert not d.is_registry
            assert CATALOG.allowed_categories(d.id) == {"admin_license", "admin_penalty", "inspection", "other"}
    assert 3 <= sum(d.push_mode == "batch" for d in CATALOG.departments.values()) <= 12
    assert CATALOG.allowed_categories("d99") == set()


def test_given_categories_then_the_ten_of_the_spec_with_their_identity_fields():
    assert list(CATALOG.categories) == ALL_CATEGORIES
    for c in CATALOG.categories.values():
        names = {f.json_name for f in c.fields}
        for attr in ("source_ref_field", "decision_date_field", "name_field", "uscc_field", "regno_field"):
            assert getattr(c, attr) in names, (c.id, attr)
        assert c.field(c.decision_date_field).type is FieldType.DATE
        assert c.field(c.decision_date_field).required and c.field(c.decision_date_field).not_future
        assert c.field(c.uscc_field).type is FieldType.USCC
        assert c.field(c.regno_field).type is FieldType.REGNO
        assert c.party_type_field is None or c.party_type_field in names
        assert {"disclosure", "masked_fields"} <= names
        for start, end in c.date_orders:
            assert c.field(start).type is FieldType.DATE and c.field(end).type is FieldType.DATE
        for name in c.out_of_scope:
            assert name in names
        for f in c.fields:
            if f.type in (FieldType.ENUM, FieldType.MULTI_ENUM):
                assert f.enum, (c.id, f.json_name)
                assert set(f.enum_aliases.values()) <= set(f.enum) | set(f.legacy_values)
    assert CATALOG.category("admin_penalty").has_field("procedure")
    assert not CATALOG.category("admin_license").has_field("procedure")
    with pytest.raises(KeyError):
        CATALOG.category("nope")


@pytest.mark.parametrize("category_id, required, optional", [
    ("admin_penalty", PENALTY_REQUIRED, PENALTY_OPTIONAL),
    ("admin_license", LICENSE_REQUIRED, LICENSE_OPTIONAL),
])
def test_given_a_shuanggongshi_category_then_json_names_are_the_national_codes(category_id, required, optional):
    c = CATALOG.category(category_id)
    national = [f for f in c.fields if f.code]
    assert {f.json_name for f in national} == required | optional
    assert all(f.json_name == f.code for f in national)
    assert {f.json_name for f in national if f.required} == required


def test_given_penalty_enums_then_as_the_standard_lists_them():
    c = CATALOG.category("admin_penalty")
    assert c.field("CF_XDR_LB").enum == ["法人及非法人组织", "自然人", "个体工商户"]
    assert c.field("CF_CFLB").type is FieldType.MULTI_ENUM and len(c.field("CF_CFLB").enum) == 14
    assert "暂扣或者吊销许可证/执照" in c.field("CF_CFLB").legacy_values
    assert c.field("procedure").enum == ["一般", "简易"] and c.field("procedure").default == "一般"
    lic = CATALOG.category("admin_license")
    assert lic.field("XK_XKLB").enum == ["普通", "特许", "认可", "核准", "登记", "其他"]
    assert lic.field("XK_ZT").enum_aliases == {"1": "有效", "2": "无效"}
    assert CATALOG.category("registration").field("status").enum == ["存续", "在业", "吊销", "注销", "迁出"]
    assert len(CATALOG.category("abnormal_list").field("reason").enum) == 4


def test_given_personal_ids_then_masking_is_set():
    pen, lic, pledge = (CATALOG.category(c) for c in ("admin_penalty", "admin_license", "equity_pledge"))
    assert pen.field("CF_FR_ZJHM").masking is Masking.NEVER
    assert pen.field("CF_XDR_ZJHM").masking is Masking.NEVER
    assert lic.field("XK_FR_ZJHM").masking is Masking.NEVER
    assert pledge.field("pledgor_id_no").masking is Masking.PARTIAL
    assert pledge.field("pledgee_id_no").masking is Masking.PARTIAL


def test_given_every_category_then_each_accepted_key_names_exactly_one_field():
    for c in CATALOG.categories.values():
        km = CATALOG.key_map(c.id)
        for f in c.fields:
            for key in [f.json_name, f.label, *f.aliases, *([f.code] if f.code else [])]:
                assert km[key] == f.json_name
                assert km[normalize_key(key)] == f.json_name
        assert km[normalize_key("公开属性")] == "disclosure" and km["屏蔽字段"] == "masked_fields"
    assert CATALOG.key_map("admin_penalty")[normalize_key("*罚款金额(万元)")] == "CF_NR_FK"
    assert CATALOG.key_map("admin_penalty")[normalize_key(" cf_wsh ")] == "CF_WSH"


def test_given_a_category_with_two_fields_sharing_a_label_then_the_key_map_refuses_it():
    c = CATALOG.category("other").model_copy(deep=True)
    c.fields[1].label = c.fields[0].label
    with pytest.raises(ValueError):
        build_key_map(c)


def test_given_the_public_view_then_it_is_json_without_contacts():
    view = CATALOG.public_view()
    text = json.dumps(view, ensure_ascii=False)
    assert "leader" not in text and "operators" not in text and "0839-" not in text
    assert len(view["departments"]) == 43 and len(view["categories"]) == 10
    pen = next(c for c in view["categories"] if c["id"] == "admin_penalty")
    wsh = next(f for f in pen["fields"] if f["json_name"] == "CF_WSH")
    assert wsh["label"] == "行政处罚决定书文号" and wsh["code"] == "CF_WSH" and wsh["required"] is True
    assert {"json_name", "label", "code", "type", "max_len", "required", "enum"} <= set(wsh)


def test_given_business_scopes_then_shuanggaozhi_finds_the_departments():
    assert CATALOG.scope_departments("预包装食品销售；餐饮服务") == {"d23"}
    assert CATALOG.scope_departments("危险化学品经营（不带储存）；卷烟零售") == {"d25", "d34"}
    assert CATALOG.scope_departments("道路普通货物运输；建筑工程施工") == {"d13", "d14"}
    assert CATALOG.scope_departments("旅游咨询；排污处理") == {"d04", "d12"}
    assert CATALOG.scope_departments("软件开发") == set()
    assert CATALOG.scope_departments(None) == set()  # type: ignore[arg-type]
    assert 20 <= len(CATALOG.scope_keywords)
    assert all(d in CATALOG.departments for ids in CATALOG.scope_keywords.values() for d in ids)


def test_given_a_county_then_its_department_derives_from_the_city_one():
    dept = make_county_department("510802", "d12")
    assert (dept.id, dept.name, dept.level, dept.region) == ("510802-d12", "利州区环保局", "县区级", "510802")
    assert set(dept.categories) == set(CATALOG.department("d12").categories)
    assert make_county_department("510824", "d21").is_registry
    assert make_county_department("510811", "d31").name == "昭化区银监分局"
    with pytest.raises(ValueError):
        make_county_department("110101", "d12")
    extended = CATALOG.with_department(dept)
    assert extended.allowed_categories("510802-d12") == {"admin_license", "admin_penalty", "inspection", "other"}
    assert "510802-d12" not in CATALOG.departments  # the loaded catalog is never mutated
    with pytest.raises(ValueError):
        CATALOG.with_department(Department(id="x", name="x", categories=["nope"]))


def test_given_period_parameters_then_they_are_data():
    pen = CATALOG.category("admin_penalty").period["penalty"]
    assert pen["fine_threshold_wan"] == "1" and pen["minor"] == {"months": 3} and pen["standard"] == {"years": 3}
    assert CATALOG.category("other").period["default"] == {"years": 1, "from": "produced_date"}
    assert CATALOG.category("serious_violation").period["cap"]["years"] == 3
    assert CATALOG.time_limits.collect_working_days == 7 and CATALOG.time_limits.publish_working_days == 20


def test_given_a_new_category_then_with_category_returns_an_extended_catalog():
    extra = Category.model_validate({**CATALOG.category("other").model_dump(), "id": "other2"})
    assert isinstance(CATALOG.with_category(extra), Catalog)
    assert "other2" in CATALOG.with_category(extra).categories and "other2" not in CATALOG.categories
