"""公示查询: the public side (no login)."""
from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import pagination
from chalicelib.container import get_container
from chalicelib.web import Router

bp = Blueprint(__name__)
api = Router(bp, get_container)

PUBLIC_CACHE = {"Cache-Control": "public, max-age=300"}


@api.route("/v1/public/enterprises")
def search_enterprises(ctx):
    return Response(get_container().public.search(
        ctx.query("q"), pagination.limit_of(ctx.query("limit")), ctx.query("cursor"), ctx.query("region"),
        ctx.query("status")),
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
