"""唯一关联: tie a validated record to exactly one enterprise (SPEC §3)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from chalicelib.catalog.model import Category
from chalicelib.domain.identifiers import is_local_region, region_of, region_of_regno, to_half_width
from chalicelib.domain.validation import FieldError, RecordCheck, checksum_error
from chalicelib.models.record import Enterprise


@dataclass
class Match:
    outcome: str                      # local / elsewhere / pending / rejected
    code: str = ""                    # the partition: matched USCC, else 注册号
    enterprise: Enterprise | None = None
    errors: list[FieldError] = field(default_factory=list)
    enterprise_name: str | None = None  # elsewhere: the name the enterprise is known by (first given)
    name_conflict: bool = False         # elsewhere: the record names the code differently


def same_name(a: str, b: str) -> bool:
    if a == b:            # the common case: the name exactly as registered
        return True

    def norm(s: str) -> str:
        return "".join(to_half_width(s).split()).upper()
    return norm(a) == norm(b)


def match(category: Category, check: RecordCheck, registry: dict[str, Enterprise],
          held: dict[str, str] | None = None, publishable: Callable[[], bool] | None = None) -> Match:
    """Outcome for one valid record, given the registry entries of its codes and `held`: the names
    `elsewhere` codes are known by (a new elsewhere code is added with this record's name when the
    record will be published: `publishable()`, asked only then)."""
    if category.id == "registration":           # the registry's own data defines the enterprise
        return Match("local", code=check.uscc or check.regno or "")
    by_uscc = registry.get(check.uscc) if check.uscc else None
    if check.uscc and by_uscc is None and not check.uscc_checksum_ok:
        # a code outside the registry must be right on its own, whatever else the record carries
        return Match("rejected", errors=[checksum_error(
            category.uscc_field, "uscc", category.field(category.uscc_field).label, check.uscc)])
    enterprise = by_uscc or (registry.get(check.regno) if check.regno else None)
    if enterprise is not None and by_uscc is None and check.uscc and enterprise.uscc and enterprise.uscc != check.uscc:
        label = category.field(category.uscc_field).label
        return Match("rejected", errors=[FieldError(
            field=category.uscc_field, code="CODE_MISMATCH",
            message=f"「{label}」与注册号对应的登记信息不一致（登记的统一社会信用代码：{enterprise.uscc}）",
            suggestion=enterprise.uscc)])
    if enterprise is not None:
        if check.name and not any(same_name(check.name, n) for n in enterprise.known_names()):
            label = category.field(category.name_field).label
            return Match("rejected", errors=[FieldError(
                field=category.name_field, code="NAME_MISMATCH",
                message=f"「{label}」与登记机关登记的名称不一致（登记名称：{enterprise.name}）",
                suggestion=enterprise.name)])
        return Match("local", code=enterprise.code, enterprise=enterprise)
    if check.uscc:
        local = is_local_region(region_of(check.uscc))
        return Match("pending", code=check.uscc) if local else elsewhere(check.uscc, check.name, held, publishable)
    if check.regno:
        if not check.regno_checksum_ok:
            return Match("rejected", errors=[checksum_error(
                category.regno_field, "regno", category.field(category.regno_field).label, check.regno)])
        local = is_local_region(region_of_regno(check.regno))
        return Match("pending", code=check.regno) if local else elsewhere(check.regno, check.name, held, publishable)
    return Match("rejected", errors=[FieldError(field=category.uscc_field, code="CODE_REQUIRED",
                                                message="统一社会信用代码和注册号至少填写一项")])


def elsewhere(code: str, name: str | None, held: dict[str, str] | None,
              publishable: Callable[[], bool] | None = None) -> Match:
    """SPEC §3: an `elsewhere` enterprise is known by the first name published for its code (held from
    the first publishable record that names it); a record naming it differently is accepted, keeps its
    own name and is flagged name_conflict — it never renames the enterprise."""
    name = name or ""
    first = name
    if held is not None and name:
        if code in held:
            first = held[code]
        elif publishable is None or publishable():
            held[code] = name
    return Match("elsewhere", code=code, enterprise_name=first or None,
                 name_conflict=not same_name(name, first))
