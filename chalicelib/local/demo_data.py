"""Valid demo records for every category (tests, benchmarks, the local stack's seed data).

`sample_record("admin_penalty")` gives a record keyed by json_name; `keys="label"` keys it by
the Chinese labels (the template headers), `keys="code"` by national codes where there are any.
"""
from __future__ import annotations

from typing import Any, Literal

from chalicelib.catalog import load_catalog
from chalicelib.domain.identifiers import make_regno, make_uscc

# 广元市 demo enterprises and authorities (codes carry valid check characters).
ENTERPRISE_USCC = make_uscc("91510802MA62XK0Q7")   # 利州区
ENTERPRISE_REGNO = make_regno("51080200012345")
INDIVIDUAL_REGNO = make_regno("51082100054321")    # 旺苍县 个体工商户
AGENCY_USCC = make_uscc("11510800008651234")       # 市环保局 (demo)
FOOD_DRUG_USCC = make_uscc("11510800008652345")    # 市食品药品监管局 (demo): every bureau its own code
ELSEWHERE_USCC = make_uscc("91350100M000100Y4")    # 福州 (the GB 32100 example)

_PARTY = {"name": "广元市利州区示例食品有限公司", "uscc": ENTERPRISE_USCC, "regno": ENTERPRISE_REGNO}

_SAMPLES: dict[str, dict[str, Any]] = {
    "registration": {
        **_PARTY, "enterprise_type": "有限责任公司（自然人投资或控股）", "legal_rep": "张某",
        "registered_capital": "100", "established_date": "2015/03/18", "address": "四川省广元市利州区示例路1号",
        "registration_authority": "广元市利州区市场监督管理局", "status": "存续",
        "business_scope": "食品销售；餐饮服务", "approval_date": "2026-09-01",
    },
    "admin_license": {
        "XK_XDR_MC": _PARTY["name"], "XK_XDR_LB": "法人及非法人组织", "XK_XDR_SHXYM": ENTERPRISE_USCC,
        "XK_FRDB": "张某", "XK_FR_ZJLX": "身份证", "XK_FR_ZJHM": "510802198001011234",
        "XK_XKWS": "食品经营许可决定书", "XK_WSH": "广食药许〔2026〕88号", "XK_XKLB": "普通",
        "XK_XKZS": "食品经营许可证", "XK_XKBH": "JY15108020012345", "XK_NR": "预包装食品销售；热食类食品制售",
        "XK_JDRQ": "2026/09/28", "XK_YXQZ": "2026/09/28", "XK_YXQZI": "2031/09/27",
        "XK_XKJG": "广元市食品药品监督管理局", "XK_XKJGDM": FOOD_DRUG_USCC, "XK_ZT": "1",
        "XK_LYDW": "广元市食品药品监督管理局", "XK_LYDWDM": FOOD_DRUG_USCC, "BZ": "",
    },
    "admin_penalty": {
        "CF_XDR_MC": _PARTY["name"], "CF_XDR_LB": "法人及非法人组织", "CF_XDR_SHXYM": ENTERPRISE_USCC,
        "CF_XDR_GSZC": ENTERPRISE_REGNO, "CF_FRDB": "张某", "CF_FR_ZJLX": "身份证",
        "CF_FR_ZJHM": "510802198001011234", "CF_WSH": "广环罚〔2026〕12号", "CF_WFXW": "超标排放大气污染物",
        "CF_SY": "经监测，该公司锅炉废气颗粒物排放浓度超过国家标准。", "CF_YJ": "《中华人民共和国大气污染防治法》第九十九条",
        "CF_CFLB": "罚款", "CF_NR": "罚款人民币伍万元", "CF_NR_FK": "5", "CF_JDRQ": "2026/09/28",  # 伍万元 = 5
        "CF_YXQ": "2027/09/28", "CF_CFJG": "广元市环境保护局", "CF_CFJGDM": AGENCY_USCC,
        "CF_SJLY": "广元市环境保护局", "CF_SJLYDM": AGENCY_USCC, "BZ": "",
    },
    "inspection": {
        **_PARTY, "inspection_no": "JC-2026-0001", "inspection_authority": "广元市质量技术监督局",
        "inspection_type": "双随机抽查", "inspection_date": "2026-09-15", "result": "未发现问题",
    },
    "abnormal_list": {
        **_PARTY, "decision_no": "广工商异〔2026〕3号", "reason": "未按规定报送年度报告",
        "listed_date": "2026-07-01", "decision_authority": "广元市工商行政管理局",
    },
    "serious_violation": {
        **_PARTY, "decision_no": "广工商严〔2026〕1号", "reason": "被列入经营异常名录届满3年仍未履行相关义务",
        "listed_date": "2026-06-30", "decision_authority": "广元市工商行政管理局",
    },
    "chattel_mortgage": {
        **_PARTY, "registration_no": "510800-DY-2026-0007", "registration_date": "2026-08-20",
        "registration_authority": "广元市工商行政管理局", "secured_amount": "300", "mortgagee": "示例银行广元分行",
        "collateral": "生产设备一批", "debt_from": "2026-08-20", "debt_to": "2028-08-19", "status": "有效",
    },
    "equity_pledge": {
        **_PARTY, "registration_no": "510800-ZY-2026-0002", "pledgor": "李某", "pledgor_id_no": "510802198502023456",
        "pledged_amount": "50", "pledgee": "示例投资有限公司", "pledgee_id_no": ELSEWHERE_USCC,
        "registration_date": "2026-08-01", "status": "有效",
    },
    "trademark": {
        **_PARTY, "trademark_no": "20260001", "trademark_name": "利州示例", "nice_class": "30",
        "announcement_date": "2026-05-14", "valid_from": "2026-05-14", "valid_to": "2036-05-13",
    },
    "other": {
        **_PARTY, "title": "企业守信激励名单", "doc_no": "广发改〔2026〕5号", "content": "列入守信激励名单",
        "produced_date": "2026-09-10",
    },
}


_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def fine_in_words(wan: int) -> str:
    """1–99 万元 in the capital numerals a 处罚决定书 uses: 5 → 伍万元, 12 → 壹拾贰万元."""
    if not 1 <= wan <= 99:
        raise ValueError(f"1–99 万元 only: {wan}")
    tens, ones = divmod(wan, 10)
    words = (_DIGITS[tens] + "拾" if tens else "") + (_DIGITS[ones] if ones else "")
    return f"{words}万元"


def sample_record(category_id: str, keys: Literal["json", "label", "code"] = "json",
                  **overrides: Any) -> dict[str, Any]:
    """A valid record (as of 2026-10-01) keyed by json_name, Chinese label or national code.
    `overrides` are json_names; a value of None removes the field."""
    record = {**_SAMPLES[category_id], **overrides}
    record = {k: v for k, v in record.items() if v is not None}
    if keys == "json":
        return record
    category = load_catalog().category(category_id)
    rename = {f.json_name: (f.label if keys == "label" else (f.code or f.json_name)) for f in category.fields}
    return {rename.get(k, k): v for k, v in record.items()}
