"""归集公示目录: a department's 目录事项 (drafted, submitted, approved or returned by 市工商局) and the
public compiled 目录 and 数据格式规范, as JSON or xlsx (SPEC §5.3, §6.3)."""
from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.container import get_container
from chalicelib.http import output_format, xlsx_download
from chalicelib.web import Router

bp = Blueprint(__name__)
api = Router(bp, get_container)

PUBLIC_CACHE = {"Cache-Control": "public, max-age=300"}


def _changed(ctx, item_code: str, out: dict) -> dict:
    ctx.target = item_code
    ctx.audit_details = {"state": out["state"], "version": out["version"], "approved_version": out["approved_version"]}
    return out


@api.route("/v1/catalog/items")
def list_items(ctx):
    return get_container().catalog_items.list(ctx.principal, ctx.query("department"), ctx.query("state"))


@api.route("/v1/catalog/items", methods=["POST"])
def create_item(ctx):
    out = get_container().catalog_items.create(ctx.principal, ctx.json())
    return Response(_changed(ctx, out["item_code"], out), status_code=201)


@api.route("/v1/catalog/items/{item_code}")
def get_item(ctx, item_code):
    return get_container().catalog_items.get(ctx.principal, item_code)


def _step(ctx, item_code: str, step: str, body: dict) -> dict:
    """One change of an item through the service's method `step`, audited with the item's new state."""
    ctx.target = item_code
    return _changed(ctx, item_code, getattr(get_container().catalog_items, step)(ctx.principal, item_code, body))


@api.route("/v1/catalog/items/{item_code}", methods=["PUT"])
def edit_item(ctx, item_code):
    return _step(ctx, item_code, "edit", ctx.json())


@api.route("/v1/catalog/items/{item_code}/submit", methods=["POST"])
def submit_item(ctx, item_code):
    return _step(ctx, item_code, "submit", ctx.optional_json())


@api.route("/v1/catalog/items/{item_code}/approve", methods=["POST"])
def approve_item(ctx, item_code):
    return _step(ctx, item_code, "approve", ctx.optional_json())


@api.route("/v1/catalog/items/{item_code}/return", methods=["POST"])
def return_item(ctx, item_code):
    return _step(ctx, item_code, "return_", ctx.json())


@api.route("/v1/public/catalog-items")
def public_catalog_items(ctx):
    fmt = output_format(ctx.query("format"))
    out = get_container().catalog_items.public_catalog()
    if fmt == "json":
        return Response(out, headers=PUBLIC_CACHE)
    from chalicelib.adapters.spreadsheet.catalog_xlsx import catalog_items_xlsx  # openpyxl only here
    return xlsx_download(catalog_items_xlsx(out), "catalog-items.xlsx", "广元市政府部门涉企信息归集公示目录.xlsx",
                         PUBLIC_CACHE)


@api.route("/v1/public/format-rules")
def public_format_rules(ctx):
    fmt = output_format(ctx.query("format"))
    out = get_container().catalog_items.format_rules()
    if fmt == "json":
        return Response(out, headers=PUBLIC_CACHE)
    from chalicelib.adapters.spreadsheet.catalog_xlsx import format_rules_xlsx  # openpyxl only here
    return xlsx_download(format_rules_xlsx(out), "format-rules.xlsx", "广元市政府部门涉企信息归集数据格式规范.xlsx",
                         PUBLIC_CACHE)
