"""部门用户: login, the catalog and templates, records, uploads, 回退 inbox, 信息共享, watchlists, notices."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib import pagination
from chalicelib.container import get_container
from chalicelib.errors import NotFound
from chalicelib.http import xlsx_download
from chalicelib.identity.policy import require_department
from chalicelib.web import Router

bp = Blueprint(__name__)
api = Router(bp, get_container)


@api.route("/v1/auth/token", methods=["POST"])
def login(ctx):
    return get_container().auth.login(ctx.json(), ctx.request_id)


@api.route("/v1/catalog")
def catalog(ctx):
    return get_container().catalog.public_view()


@api.route("/v1/templates/{category}")
def template(ctx, category):
    catalog = get_container().catalog
    if category not in catalog.categories:
        raise NotFound("没有该信息类别的模板", details=[{"category": category, "allowed": sorted(catalog.categories)}])
    from chalicelib.adapters.spreadsheet import build_template  # openpyxl only where needed
    cat = catalog.category(category)
    return xlsx_download(build_template(cat), f"template-{category}.xlsx", f"{cat.name}.xlsx")


@api.route("/v1/records", methods=["POST"])
def submit_records(ctx):
    body = ctx.json()
    records = body.get("records")
    department = require_department(ctx.principal, body.get("department"))
    from chalicelib.services.rejections import check_channel
    from chalicelib.services.submissions import check_batch  # validation stack only where needed
    check_batch(records)
    channel = check_channel(body.get("channel"))
    ctx.target = f"{department}/{body.get('category')}"
    out = get_container().submissions.submit(ctx.principal, department, body.get("category"), records,
                                             channel=channel)
    ctx.audit_details = {"accepted": len(out.accepted), "unchanged": len(out.unchanged),
                         "rejected": len(out.rejected)}
    return out.as_response()


@api.route("/v1/records")
def list_records(ctx):
    return get_container().records.list(
        ctx.principal, ctx.query("department"), ctx.query("category"), ctx.query("state"),
        pagination.limit_of(ctx.query("limit")), ctx.query("cursor"),
        {k: ctx.query(k) for k in ("ref", "code", "name", "from", "to", "late")})


@api.route("/v1/records/{record_id}")
def get_record(ctx, record_id):
    ctx.target = record_id
    return get_container().records.get(ctx.principal, record_id)


@api.route("/v1/records/{record_id}", methods=["PUT"])
def modify_record(ctx, record_id):
    ctx.target = record_id
    return get_container().records.modify(ctx.principal, record_id, ctx.json())


@api.route("/v1/records/{record_id}", methods=["DELETE"])
def delete_record(ctx, record_id):
    ctx.target = record_id
    return get_container().records.withdraw(ctx.principal, record_id, ctx.optional_json())


@api.route("/v1/preferences")
def get_preferences(ctx):
    return get_container().preferences.get(ctx.principal, ctx.query("department"))


@api.route("/v1/preferences", methods=["PUT"])
def put_preferences(ctx):
    body = ctx.json()
    department = body.get("department") or ctx.query("department")
    ctx.target = str(department or ctx.principal.department or "-")[:100]   # any JSON value: the audit keeps text
    return get_container().preferences.put(ctx.principal, department, body)


@api.route("/v1/records/{record_id}/withdraw", methods=["POST"])
def withdraw_record(ctx, record_id):
    ctx.target = record_id
    return get_container().records.withdraw(ctx.principal, record_id, ctx.json())


@api.route("/v1/records/{record_id}/reinstate", methods=["POST"])
def reinstate_record(ctx, record_id):
    ctx.target = record_id
    return get_container().records.reinstate(ctx.principal, record_id, ctx.json())


@api.route("/v1/rejections")
def list_rejections(ctx):
    return get_container().rejections.list(
        ctx.principal, ctx.query("department"), ctx.query("state"), ctx.query("category"), ctx.query("code"),
        ctx.query("upload_id"), pagination.limit_of(ctx.query("limit")), ctx.query("cursor"))


@api.route("/v1/rejections/{rejection_id}")
def get_rejection(ctx, rejection_id):
    ctx.target = rejection_id
    return get_container().rejections.get(ctx.principal, rejection_id)


@api.route("/v1/rejections/{rejection_id}/dismiss", methods=["POST"])
def dismiss_rejection(ctx, rejection_id):
    ctx.target = rejection_id
    return get_container().rejections.dismiss(ctx.principal, rejection_id, ctx.json())


@api.route("/v1/uploads")
def list_uploads(ctx):
    return get_container().upload_service.list(ctx.principal, ctx.query("department"),
                                               pagination.limit_of(ctx.query("limit")), ctx.query("cursor"))


@api.route("/v1/uploads", methods=["POST"])
def create_upload(ctx):
    body = ctx.json()
    department = require_department(ctx.principal, body.get("department"))
    out = get_container().upload_service.create(ctx.principal, department, body)
    ctx.target = out["upload_id"]
    return out


@api.route("/v1/uploads/{upload_id}")
def upload_status(ctx, upload_id):
    ctx.target = upload_id       # audited: the answer hands out the 回退 file (rejected rows)
    return get_container().upload_service.status(ctx.principal, upload_id)


@api.route("/v1/shared/enterprises/{code}")
def shared_enterprise(ctx, code):
    ctx.target = code
    return get_container().sharing.enterprise(code)


@api.route("/v1/watchlists", methods=["POST"])
def create_watchlist(ctx):
    body = ctx.json()
    department = require_department(ctx.principal, body.get("department"))
    out = get_container().watchlists.create(ctx.principal, department, body)
    ctx.target = out["id"]
    return out


@api.route("/v1/watchlists/{watchlist_id}/deliveries")
def watchlist_deliveries(ctx, watchlist_id):
    return get_container().watchlists.deliveries(ctx.principal, watchlist_id,
                                                 pagination.limit_of(ctx.query("limit")), ctx.query("cursor"))


@api.route("/v1/notices/registrations")
def registration_notices(ctx):
    return get_container().registry.notices(ctx.principal, ctx.query("since"), pagination.limit_of(ctx.query("limit")),
                                            ctx.query("cursor"))
