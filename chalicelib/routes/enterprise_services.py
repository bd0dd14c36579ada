"""企业服务: 异议 (objections) and 信用修复 (credit repair) — filed and followed by the public, answered
by the record's department (SPEC §5.2, §6.3)."""
from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib import pagination
from chalicelib.container import get_container
from chalicelib.web import Router

bp = Blueprint(__name__)
api = Router(bp, get_container)


def _source(ctx) -> str:
    """The client's address as API Gateway (or the local gateway) reports it."""
    return str(((ctx.request.context or {}).get("identity") or {}).get("sourceIp") or "unknown")[:64]


NO_STORE = {"Cache-Control": "no-store"}


def _file(ctx, kind: str) -> Response:
    return Response(get_container().cases.file(kind, ctx.json(), _source(ctx), ctx.request_id),
                    status_code=201, headers=NO_STORE)


def _follow(ctx, kind: str, case_id: str) -> Response:
    return Response(get_container().cases.follow(kind, case_id, ctx.query("token")), headers=NO_STORE)


@api.route("/v1/public/objections", methods=["POST"])
def file_objection(ctx):
    return _file(ctx, "objection")


@api.route("/v1/public/objections/{objection_id}")
def follow_objection(ctx, objection_id):
    return _follow(ctx, "objection", objection_id)


@api.route("/v1/public/repairs", methods=["POST"])
def file_repair(ctx):
    return _file(ctx, "repair")


@api.route("/v1/public/repairs/{repair_id}")
def follow_repair(ctx, repair_id):
    return _follow(ctx, "repair", repair_id)


def _inbox(ctx, kind: str) -> dict:
    return get_container().cases.inbox(ctx.principal, kind, ctx.query("department"), ctx.query("state"),
                                       pagination.limit_of(ctx.query("limit")), ctx.query("cursor"))


def _decided(ctx, case_id: str, out: dict) -> dict:
    ctx.target = case_id
    ctx.audit_details = {"record_id": out["record_id"], "decision": out["decision"]}
    return out


@api.route("/v1/objections")
def objection_inbox(ctx):
    return _inbox(ctx, "objection")


@api.route("/v1/objections/{objection_id}/answer", methods=["POST"])
def answer_objection(ctx, objection_id):
    ctx.target = objection_id
    return _decided(ctx, objection_id, get_container().cases.answer(ctx.principal, objection_id, ctx.json()))


@api.route("/v1/repairs")
def repair_inbox(ctx):
    return _inbox(ctx, "repair")


@api.route("/v1/repairs/{repair_id}/decide", methods=["POST"])
def decide_repair(ctx, repair_id):
    ctx.target = repair_id
    return _decided(ctx, repair_id, get_container().cases.decide(ctx.principal, repair_id, ctx.json()))
