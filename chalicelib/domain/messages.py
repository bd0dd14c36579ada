"""Rejection codes (SPEC §5) and their Chinese messages — one place, so every channel says the same."""
from __future__ import annotations

from enum import Enum


class Code(str, Enum):
    REQUIRED = "REQUIRED"
    BAD_DATE = "BAD_DATE"
    FUTURE_DATE = "FUTURE_DATE"
    BAD_ENUM = "BAD_ENUM"
    BAD_VALUE = "BAD_VALUE"          # not in SPEC §5's list: a non-number amount, a list where text belongs
    TOO_LONG = "TOO_LONG"
    CODE_REQUIRED = "CODE_REQUIRED"
    USCC_CHECKSUM = "USCC_CHECKSUM"
    REGNO_CHECKSUM = "REGNO_CHECKSUM"
    DATE_ORDER = "DATE_ORDER"
    OUT_OF_SCOPE = "OUT_OF_SCOPE"
    STATE_SECRET = "STATE_SECRET"
    MASK_NOT_ALLOWED = "MASK_NOT_ALLOWED"


DATE_FORMATS = "YYYY/MM/DD 或 YYYY-MM-DD"

# Short Chinese names of every rejection code, for reports and pages (counters keep the codes).
CODE_NAMES = {
    "REQUIRED": "必填项为空", "BAD_DATE": "日期格式错误", "FUTURE_DATE": "日期晚于今天",
    "BAD_ENUM": "取值不在可选范围", "BAD_VALUE": "取值类型错误", "TOO_LONG": "内容超长",
    "CODE_REQUIRED": "缺少企业代码", "USCC_CHECKSUM": "统一社会信用代码校验错误",
    "REGNO_CHECKSUM": "注册号校验错误", "DATE_ORDER": "日期先后矛盾", "OUT_OF_SCOPE": "不属于涉企信息",
    "STATE_SECRET": "涉及国家秘密", "NAME_MISMATCH": "名称与登记不符", "CODE_MISMATCH": "代码与登记不符",
    "DUPLICATE_IN_BATCH": "同批重复", "SOURCE_REF_CHANGED": "文号被改动", "WITHDRAWN": "记录已撤销",
    "MASK_NOT_ALLOWED": "屏蔽了不可屏蔽的字段", "VERSION_CONFLICT": "版本冲突",
    "UNKNOWN_ITEM": "不是已批准的目录事项",
}


def code_name(code: str) -> str:
    """The Chinese name of a rejection code; an unknown code is named as 其他原因."""
    return CODE_NAMES.get(code, f"其他原因（{code}）")


def required(label: str) -> str:
    return f"「{label}」为必填项，不能为空"


def bad_date(label: str) -> str:
    return f"「{label}」不是有效日期，应为 {DATE_FORMATS}"


def future_date(label: str, today: str) -> str:
    return f"「{label}」不能晚于今天（{today}）"


def bad_enum(label: str, value: str) -> str:
    return f"「{label}」的值「{value[:50]}」不在可选范围内"


def choices(values: list[str]) -> str:
    return "可选值：" + "、".join(values)


def bad_amount(label: str) -> str:
    return f"「{label}」应为不小于 0 的数字（单位：万元）"


def bad_text(label: str) -> str:
    return f"「{label}」应为文本，不能是列表或对象"


def too_long(label: str, max_len: int, length: int) -> str:
    return f"「{label}」长度为 {length} 个字符，超过上限 {max_len} 个字符"


def code_required(uscc_label: str, regno_label: str) -> str:
    return f"「{uscc_label}」和「{regno_label}」至少填写一项"


def placeholder_needs_regno(regno_label: str) -> str:
    return f"个体工商户以 00000000000000000X 代替统一社会信用代码时，必须填写「{regno_label}」"


def uscc_malformed(label: str) -> str:
    return f"「{label}」格式不正确：应为 18 位数字或大写字母（不含 I、O、S、V、Z）"


def uscc_check_failed(label: str) -> str:
    return f"「{label}」校验位错误，且该代码不在本市登记信息中"


def uscc_agency_check_failed(label: str) -> str:
    return f"「{label}」校验位错误"


def regno_malformed(label: str) -> str:
    return f"「{label}」格式不正确：应为 15 位数字"


def regno_check_failed(label: str) -> str:
    return f"「{label}」校验位错误，且该注册号不在本市登记信息中"


def check_char_hint(expected: str) -> str:
    return f"按前面各位计算，末位校验码应为「{expected}」，请核对代码是否录入有误"


def date_order(from_label: str, to_label: str) -> str:
    return f"「{to_label}」不能早于「{from_label}」"


def out_of_scope(label: str, value: str) -> str:
    if value == "自然人":
        return f"「{label}」为自然人的信息不属于涉企信息，不予归集"
    if value == "简易":
        return "按简易程序作出的行政处罚不予归集（仅归集一般程序的处罚信息）"
    return f"「{label}」为「{value}」的信息不在归集范围内"


def state_secret(label: str) -> str:
    return f"「{label}」为涉密：属于国家秘密的信息不得归集公示，本条未予保存"


def unknown_masked(label: str, value: str) -> str:
    return f"「{label}」中的「{value[:50]}」不是本类信息的字段"


def registration_check_failed(label: str, legacy_label: str) -> str:
    return f"「{label}」校验位错误，不能登记；登记机关确认的历史代码请在「{legacy_label}」中填「是」"


def mask_not_allowed(label: str, field_label: str) -> str:
    return f"「{field_label}」用于联合惩戒或标识当事人，必须公示，不能列入「{label}」"


def remove_from(label: str, value: str) -> str:
    return f"请从「{label}」中删除「{value}」"
