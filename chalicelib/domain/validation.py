"""Validation of one submitted record against its catalog category (SPEC §2, §3, §5).

`validate_record(category, raw, today, key_map=None)` takes the record as it arrived (JSON
object or spreadsheet row keyed by headers) and returns a `RecordCheck`: every error of the
record (not just the first), the normalized fields keyed by json_name, and the identity parts
the services need. It never raises, whatever the input.

A failed check character of the party's own USCC / 注册号 is NOT an error here: the matcher
accepts a code found in the registry anyway (early pilot codes), so it only sees
`uscc_checksum_ok=False` and builds the error with `checksum_error()` when the code is unknown.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from chalicelib.catalog.model import Category
from chalicelib.domain import messages as msg
from chalicelib.domain.field_checks import (
    DISCLOSURE,
    MASKED_FIELDS,
    OMIT,
    PROCEDURE,
    SECRET,
    CompiledCategory,
    FieldError,
    FieldPlan,
    compiled,
)
from chalicelib.domain.identifiers import (
    INDIVIDUAL_PLACEHOLDER,
    is_regno_format,
    is_uscc_format,
    normalize_code,
    regno_check_digit,
    uscc_check_char,
)
from chalicelib.domain.messages import Code
from chalicelib.domain.normalize import is_empty, split_names, to_text

LEGACY_YES = "是"


@dataclass(slots=True)
class RecordCheck:
    """The outcome of one record's check, built from checked values only (a plain dataclass: made
    once per row of a 100k-row upload, where a validating model cost a tenth of the check)."""
    ok: bool
    fields: dict[str, Any] = field(default_factory=dict)   # json_name → normalized value
    errors: list[FieldError] = field(default_factory=list)
    source_ref: str | None = None
    name: str | None = None
    uscc: str | None = None                # normalized; None when absent, malformed or the placeholder
    regno: str | None = None
    party_type: str | None = None
    decision_date: date | None = None
    disclosure: str = "公开"
    masked_fields: list[str] = field(default_factory=list)  # json_names
    procedure: str | None = None           # admin_penalty only (default 一般)
    uscc_checksum_ok: bool = True          # False: well-formed but the check character fails
    regno_checksum_ok: bool = True
    unknown_keys: list[str] = field(default_factory=list)
    content_hash: str | None = None        # submissions.content_hash of fields/masked, when a caller computed it


def checksum_error(field: str, kind: Literal["uscc", "regno"], label: str | None = None,
                   value: str | None = None, message: str | None = None) -> FieldError:
    """The rejection for a party code whose check character fails and which the registry does not
    know (built by the matcher). `value` adds the expected check character as a suggestion."""
    hint = None
    if kind == "uscc":
        label = label or "统一社会信用代码"
        expected = uscc_check_char(value[:17]) if isinstance(value, str) and is_uscc_format(value) else None
        if expected:
            hint = msg.check_char_hint(expected)
        return FieldError(field=field, code=Code.USCC_CHECKSUM.value,
                          message=message or msg.uscc_check_failed(label), suggestion=hint)
    label = label or "工商注册号"
    digit = regno_check_digit(value[:14]) if isinstance(value, str) and is_regno_format(value) else None
    if digit is not None:
        hint = msg.check_char_hint(str(digit))
    return FieldError(field=field, code=Code.REGNO_CHECKSUM.value,
                      message=message or msg.regno_check_failed(label), suggestion=hint)


def validate_record(category: Category, raw: Mapping[str, Any] | Any, today: date,
                    key_map: Mapping[str, str] | None = None) -> RecordCheck:
    """Check one record. `key_map` (from `Catalog.key_map`) overrides the category's own accepted
    keys; `today` is the Asia/Shanghai date used for FUTURE_DATE."""
    schema = compiled(category)
    values, unknown = schema.resolve_keys(raw if isinstance(raw, Mapping) else {}, key_map)
    secret = _secret_check(schema, values.get(DISCLOSURE))
    if secret is not None:  # nothing of a 涉密 record's content is kept, not even its identity
        return RecordCheck(ok=False, errors=[secret], disclosure=SECRET)
    return _Run(schema, values, today, unknown).check()


def _secret_check(schema: CompiledCategory, value: Any) -> FieldError | None:
    if DISCLOSURE not in schema.by_name or is_empty(value):
        return None
    hit, _ = schema.enum_value(DISCLOSURE, value)
    if hit != SECRET:
        return None
    return FieldError(field=DISCLOSURE, code=Code.STATE_SECRET.value,
                      message=msg.state_secret(schema.by_name[DISCLOSURE].label))


class _Run:
    """One record's check: per-field normalization, then the cross-field rules."""

    def __init__(self, schema: CompiledCategory, values: dict[str, Any], today: date,
                 unknown: list[str]) -> None:
        self.s, self.values, self.today, self.unknown = schema, values, today, unknown
        self.out: dict[str, Any] = {}
        self.errors: list[FieldError] = []
        self.masked: list[str] = []
        self.checksum_ok = {"uscc": True, "regno": True}

    def error(self, field: str, code: Code, message: str, suggestion: str | None = None) -> None:
        self.errors.append(FieldError(field=field, code=code.value, message=message, suggestion=suggestion))

    def check(self) -> RecordCheck:
        values, out, today = self.values, self.out, self.today
        for plan in self.s.plans_for(today):
            name = plan.name
            value = values.get(name)
            if type(value) is str:   # the fast paths: a text seen before, or plain free text
                hit = plan.clean.get(value)
                if hit is not None:
                    if hit is not OMIT:
                        out[name] = hit
                    continue
                if (plan.plain_text or plan.plain_code) and value.isprintable():
                    text = value.strip()
                    if text and len(text) <= plan.max_len:   # as FieldPlan._text / _code decide
                        out[name] = normalize_code(text) if plan.plain_code else text
                        continue
            elif value is None:
                if plan.required:
                    self.error(name, Code.REQUIRED, msg.required(plan.label))
                continue
            self.check_value(plan, value)
        scope_blocked = self.scope()
        if not scope_blocked:
            self.codes_present()
            self.legacy_codes()
        self.date_orders()
        return self.result()

    def check_value(self, plan: FieldPlan, value: Any) -> None:
        outcome = plan.outcome(value, self.today)
        if outcome.empty:
            if plan.required:
                self.error(plan.name, Code.REQUIRED, msg.required(plan.label))
            return
        if plan.special:
            self.masked_fields(value)
            return
        self.errors.extend(outcome.errors)
        if outcome.checksum_failed:
            self.checksum_ok[outcome.checksum_failed] = False
        result = outcome.value
        if result is not None and result != plan.default:
            self.out[plan.name] = list(result) if type(result) is list else result

    def date(self, name: str | None) -> date | None:
        """A date field's value, when it was given and is valid (kept as ISO text in `out`)."""
        value = self.out.get(name) if name else None
        return date.fromisoformat(value) if isinstance(value, str) and name in self.s.date_fields else None

    # --- cross-field rules ------------------------------------------------------------------
    def scope(self) -> bool:
        """OUT_OF_SCOPE; True when the party itself is out of scope (自然人)."""
        party_out = False
        for name, rejected in self.s.category.out_of_scope.items():
            value = self.out.get(name)
            if value in rejected and name in self.s.by_name:
                self.error(name, Code.OUT_OF_SCOPE, msg.out_of_scope(self.s.by_name[name].label, value))
                party_out |= name == self.s.category.party_type_field
        return party_out

    def codes_present(self) -> None:
        c = self.s.category
        uscc_given = not is_empty(self.values.get(c.uscc_field))
        regno_given = not is_empty(self.values.get(c.regno_field))
        uscc_label, regno_label = self.s.label(c.uscc_field), self.s.label(c.regno_field)
        if not uscc_given and not regno_given:
            self.error(c.uscc_field, Code.CODE_REQUIRED, msg.code_required(uscc_label, regno_label))
        elif self.out.get(c.uscc_field) == INDIVIDUAL_PLACEHOLDER and not regno_given:
            self.error(c.regno_field, Code.CODE_REQUIRED, msg.placeholder_needs_regno(regno_label))

    def legacy_codes(self) -> None:
        """Codes that enter the registry (registration) must pass their check unless marked legacy."""
        c = self.s.category
        if c.legacy_code_field is None or self.out.get(c.legacy_code_field) == LEGACY_YES:
            return
        for kind, name in (("uscc", c.uscc_field), ("regno", c.regno_field)):
            if not self.checksum_ok[kind]:
                label = self.s.label(name)
                self.errors.append(checksum_error(name, kind, label, self.out.get(name), msg.registration_check_failed(
                    label, self.s.label(c.legacy_code_field))))

    def date_orders(self) -> None:
        for start, end in self.s.category.date_orders:
            a, b = self.date(start), self.date(end)
            if a is not None and b is not None and b < a:
                self.error(end, Code.DATE_ORDER, msg.date_order(self.s.label(start), self.s.label(end)))

    def masked_fields(self, value: Any) -> None:
        label = self.s.by_name[MASKED_FIELDS].label
        names = split_names(value)
        if names is None:
            self.error(MASKED_FIELDS, Code.BAD_VALUE, msg.bad_text(label))
            return
        for name in names:
            json_name = self.s.key(name)
            target = self.s.by_name.get(json_name) if json_name else None
            if target is None:
                self.error(MASKED_FIELDS, Code.BAD_ENUM, msg.unknown_masked(label, name),
                           msg.choices([f.label for f in self.s.category.fields if not f.bookkeeping]))
            elif not target.maskable:
                self.error(MASKED_FIELDS, Code.MASK_NOT_ALLOWED, msg.mask_not_allowed(label, target.label),
                           msg.remove_from(label, target.label))
            elif not target.bookkeeping and json_name not in self.masked:
                self.masked.append(json_name)
        if self.masked:
            self.out[MASKED_FIELDS] = list(self.masked)

    # --- the outcome --------------------------------------------------------------------------
    def result(self) -> RecordCheck:
        c, out = self.s.category, self.out
        uscc = out.get(c.uscc_field)
        uscc = uscc if isinstance(uscc, str) and uscc != INDIVIDUAL_PLACEHOLDER else None
        regno = out.get(c.regno_field)
        source_ref = out.get(c.source_ref_field)
        if c.source_ref_field == c.uscc_field:  # registration: the enterprise's code
            source_ref = uscc or regno
        party = out.get(c.party_type_field) if c.party_type_field else None
        procedure = None
        if PROCEDURE in self.s.by_name:
            procedure = out.get(PROCEDURE, self.s.by_name[PROCEDURE].default)
        return RecordCheck(
            ok=not self.errors, fields=out, errors=self.errors,
            source_ref=_text_or_none(source_ref), name=_text_or_none(out.get(c.name_field)),
            uscc=uscc, regno=_text_or_none(regno), party_type=_text_or_none(party),
            decision_date=self.date(c.decision_date_field),
            disclosure=out.get(DISCLOSURE, "公开"), masked_fields=self.masked, procedure=procedure,
            uscc_checksum_ok=self.checksum_ok["uscc"], regno_checksum_ok=self.checksum_ok["regno"],
            unknown_keys=self.unknown,
        )


def _text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else to_text(value)


__all__ = ["FieldError", "RecordCheck", "checksum_error", "validate_record"]
