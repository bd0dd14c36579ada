"""Pydantic models of the 归集公示目录 (catalog): categories, their fields, departments.

The catalog is data (see the JSON files beside this module); these models are its schema.
Everything that needs to know a field's label, code, type or rules reads it from here.
"""
from __future__ import annotations

from enum import Enum

from pydantic import BaseModel
from pydantic import Field as PydField


class FieldType(str, Enum):
    TEXT = "text"            # free text, max_len applies
    DATE = "date"            # YYYY/MM/DD, YYYY-MM-DD or an Excel date cell → ISO date string
    ENUM = "enum"            # one of `enum`
    MULTI_ENUM = "multi_enum"  # one or more of `enum` (JSON list or a string split on 、,;)
    DECIMAL = "decimal"      # a non-negative amount (万元)
    USCC = "uscc"            # 统一社会信用代码
    REGNO = "regno"          # 工商注册号
    CODE = "code"            # other identifiers (证件号码, 文号 ...): text, normalised half-width


# A type's Chinese name (templates' 填表说明, the 数据格式规范).
TYPE_NAMES = {
    FieldType.TEXT: "文本", FieldType.DATE: "日期", FieldType.ENUM: "单选",
    FieldType.MULTI_ENUM: "多选", FieldType.DECIMAL: "数值", FieldType.USCC: "统一社会信用代码",
    FieldType.REGNO: "工商注册号", FieldType.CODE: "代码/编号",
}


class Masking(str, Enum):
    """How a field appears in the public copy (SPEC §5)."""
    NONE = "none"        # published as is
    NEVER = "never"      # 非公示项: never published (法定代表人证件号码, a natural person's 证件号码)
    PARTIAL = "partial"  # natural-person ID-like value: first 6 + ******** + last 4


class FieldDef(BaseModel):
    json_name: str                       # the JSON key; for 双公示 categories it IS the national code
    label: str                           # Chinese name, the template header
    code: str | None = None              # national column code (CF_…/XK_…) where there is one
    type: FieldType = FieldType.TEXT
    max_len: int = 200
    required: bool = False
    enum: list[str] = PydField(default_factory=list)
    enum_aliases: dict[str, str] = PydField(default_factory=dict)  # accepted input → canonical value
    masking: Masking = Masking.NONE
    aliases: list[str] = PydField(default_factory=list)  # further accepted keys/headers
    help: str = ""                        # one line for the 填表说明 sheet
    example: str | None = None            # the 数据格式规范's example (else one made from the type)
    # Additions (catalog loader / validation):
    legacy_values: list[str] = PydField(default_factory=list)  # accepted and kept, never offered in templates
    not_future: bool = False              # a date of a past fact: later than today → FUTURE_DATE
    default: str | None = None            # value assumed when absent (公开属性 公开, 程序类型 一般)
    bookkeeping: bool = False             # intake control (公开属性, 屏蔽字段, 程序类型): never in the public copy
    maskable: bool = True                 # False: decides 联合惩戒 or identifies the party — naming it in
                                          # 屏蔽字段 is rejected MASK_NOT_ALLOWED (SPEC §5)


class Category(BaseModel):
    id: str                               # e.g. "admin_penalty"
    name: str                             # e.g. "行政处罚信息"
    registry_only: bool                   # True: only the registry authority may submit it
    source_ref_field: str                 # json_name of the field that identifies a record
    decision_date_field: str              # json_name of the date that starts the time limits
    name_field: str                       # json_name of 企业名称 / 行政相对人名称
    uscc_field: str                       # json_name of 统一社会信用代码
    regno_field: str                      # json_name of 工商注册号 / 注册号
    party_type_field: str | None = None   # json_name of 行政相对人类别 (双公示 only)
    fields: list[FieldDef]
    period: dict = PydField(default_factory=dict)  # publication-period parameters (*configurable*)
    # Additions (catalog loader / validation):
    date_orders: list[tuple[str, str]] = PydField(default_factory=list)  # (from, to): to < from → DATE_ORDER
    out_of_scope: dict[str, list[str]] = PydField(default_factory=dict)  # field → values rejected OUT_OF_SCOPE
    # registration: the party's codes enter the registry, so a failed check character is rejected
    # (USCC_CHECKSUM / REGNO_CHECKSUM) unless this field (历史代码) marks a known legacy code with 是
    legacy_code_field: str | None = None
    # 数据格式规范 and 目录事项 (SPEC §5.3): the publication-period rule in words, and the bounds (months)
    # within which a catalog item may set a period of its own (None: the law fixes it, no override)
    period_rule: str = ""
    item_period_months: tuple[int, int] | None = None

    def field(self, json_name: str) -> FieldDef:
        for f in self.fields:
            if f.json_name == json_name:
                return f
        raise KeyError(json_name)

    def has_field(self, json_name: str) -> bool:
        return any(f.json_name == json_name for f in self.fields)


class Contact(BaseModel):
    name: str = ""
    title: str = ""
    phone: str = ""


class Department(BaseModel):
    id: str                               # d01…d43, or <region>-dNN for county/district ones
    name: str
    level: str = "市级"                   # 市级 / 县区级
    region: str = "510800"                # 6-digit administrative code
    push_mode: str = "manual"             # "batch" (批量推送, every 7 working days) or "manual"
    is_registry: bool = False             # the registry authority (市工商局 / 市场监督管理局)
    categories: list[str] = PydField(default_factory=list)
    leader: Contact = PydField(default_factory=Contact)       # 分管领导
    office: str = ""                                          # 责任单位
    operators: list[Contact] = PydField(default_factory=list)  # 操作人员
    strict_items: bool = False            # records must name one of its approved 目录事项 (item_code)


class TimeLimits(BaseModel):
    """归集/公示时限 in working days (SPEC §4, *configurable*)."""
    collect_working_days: int = 7         # 归集时限: on the platform within 7 working days
    publish_working_days: int = 20        # 公示时限: published within 20 working days
    batch_push_working_days: int = 7      # batch pushers push at least this often
    pending_report_working_days: int = 7  # a pending match still pending after this is reported
    at_risk_working_days: int = 2         # publish deadline at risk when this few are left
    answer_working_days: int = 10         # 异议 answered / 信用修复 decided within this many (SPEC §5.2)
