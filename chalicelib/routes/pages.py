"""Pages (部门门户, 公示查询) and the health probe."""
from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.container import get_container
from chalicelib.services.pages import page
from chalicelib.web import Router

bp = Blueprint(__name__)
api = Router(bp, get_container)


@api.route("/health")
def health(ctx):
    return get_container().health.check()


@api.route("/")
def home(ctx):
    return pages_response("index.html")


@api.route("/pages/{name}")
def page_asset(ctx, name):
    return pages_response(name)


def pages_response(name: str) -> Response:
    body, ctype = page(name)
    return Response(body=body.decode("utf-8") if "charset" in ctype else body,
                    headers={"Content-Type": ctype, "Cache-Control": "no-cache"})
