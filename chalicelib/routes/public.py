"""公示查询: the public side (no login)."""
from __future__ import annotations

import re

from chalice import Blueprint, Response

from chalicelib import pagination
from chalicelib.container import get_container
from chalicelib.http import PDF, attachment
from chalicelib.web import Router

bp = Blueprint(__name__)
api = Router(bp, get_container)

PUBLIC_CACHE = {"Cache-Control": "public, max-age=300"}
_HOST = re.compile(r"^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$")
_PREFIX = re.compile(r"^(/[A-Za-z0-9_-]{1,64}){0,3}$")
REPORT_PATH = "/v1/public/enterprises/"


@api.route("/v1/public/enterprises")
def search_enterprises(ctx):
    return Response(get_container().public.search(
        ctx.query("q"), pagination.limit_of(ctx.query("limit")), ctx.query("cursor"), ctx.query("region")),
        headers=PUBLIC_CACHE)


@api.route("/v1/public/enterprises/{code}")
def public_enterprise(ctx, code):
    return Response(get_container().public.enterprise(code), headers=PUBLIC_CACHE)


@api.route("/v1/public/enterprises/{code}/credit-check")
def credit_check(ctx, code):
    c = get_container()
    check = c.public.credit_check(code)
    if ctx.query("attest") in ("1", "true"):
        check = c.attestation.attest(check)
    return Response(check, headers={"Cache-Control": "no-store"})


@api.route("/v1/public/enterprises/{code}/report.pdf")
def credit_report_pdf(ctx, code):
    c = get_container()
    report = c.public.report(code, c.attestation.attest)
    from chalicelib.adapters.report_pdf import filename, render  # reportlab/pypdf only here
    return Response(body=render(report, c.catalog, f"{_site(ctx.request)}/pages/verify.html"), status_code=200,
                    headers={"Content-Type": PDF, "Content-Disposition": attachment(*filename(report)),
                             "Cache-Control": "no-store"})


def _site(request) -> str:
    """This site's address as the caller reached it, with API Gateway's stage prefix when the request
    came by it (printed in the PDF for its verify page); a Host header that is no host name gives localhost."""
    headers = request.headers or {}
    host = headers.get("host") or ""
    host = host if _HOST.match(host) else "localhost"
    local = host.split(":")[0] in ("localhost", "127.0.0.1")
    proto = headers.get("x-forwarded-proto") if headers.get("x-forwarded-proto") in ("http", "https") else None
    full = str((request.context or {}).get("path") or "")
    prefix = full[:full.find(REPORT_PATH)] if full.find(REPORT_PATH) > 0 else ""
    return f"{proto or ('http' if local else 'https')}://{host}{prefix if _PREFIX.match(prefix) else ''}"


@api.route("/v1/public/changes")
def change_feed(ctx):
    return get_container().feed.page(ctx.query("cursor"), pagination.limit_of(ctx.query("limit")))


@api.route("/v1/public/scorecards")
def scorecards(ctx):
    return Response(get_container().scorecards.month(ctx.query("month")), headers=PUBLIC_CACHE)


@api.route("/v1/public/attestation-key")
def attestation_key(ctx):
    return Response(get_container().attestation.public_key(), headers=PUBLIC_CACHE)


@api.route("/v1/public/attestations/verify", methods=["POST"])
def verify_attestation(ctx):
    return get_container().attestation.verify(ctx.json())


@api.route("/v1/public/open-data")
def open_data(ctx):
    c = get_container()
    return Response(c.open_data.listing(c.presign), headers=PUBLIC_CACHE)
