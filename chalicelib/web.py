"""The route decorator every endpoint uses: authenticate, authorise, audit, translate errors.

Kept out of app.py so that app.py holds only the routes themselves.
"""
from __future__ import annotations

import uuid

from chalicelib import http
from chalicelib.errors import BadRequest, DomainError
from chalicelib.identity import policy
from chalicelib.models.principal import ANONYMOUS, Principal
from chalicelib.observability import logger, tracer


class RequestContext:
    """What a view gets besides its path parameters."""

    def __init__(self, request, principal: Principal, request_id: str):
        self.request = request
        self.principal = principal
        self.request_id = request_id
        self.target = "-"          # set by the view for the audit entry
        self.audit_details: dict = {}

    def json(self) -> dict:
        return http.json_object(self.request.raw_body)

    def optional_json(self) -> dict:
        body = http.parse_json(self.request.raw_body, required=False)
        if not isinstance(body, dict):
            raise BadRequest("请求体应为 JSON 对象")
        return body

    def query(self, name: str) -> str | None:
        return (self.request.query_params or {}).get(name)


class Router:
    def __init__(self, app, container):
        self.app = app               # the Chalice app or a Blueprint
        self.container = container   # callable returning the Container

    def route(self, path: str, methods=("GET",), **kwargs):
        for method in methods:
            policy.rule(method, path)  # fail at import if a route has no access rule

        def register(view):
            def wrapped(**params):
                return self._call(view, path, params)
            wrapped.__name__ = view.__name__
            wrapped.__doc__ = view.__doc__
            self.app.route(path, methods=list(methods), **kwargs)(wrapped)
            return view
        return register

    def _binary_types(self) -> list[str]:
        app = getattr(self.app, "current_app", self.app)   # a Blueprint answers for its registered app
        return app.api.binary_types

    @tracer.capture_method(capture_response=False)
    def _call(self, view, path: str, params: dict):
        request = self.app.current_request
        rule = policy.rule(request.method, path)
        request_id = (request.context or {}).get("requestId") or uuid.uuid4().hex
        principal, outcome = ANONYMOUS, "ok"
        ctx = RequestContext(request, principal, request_id)
        logger.remove_keys(["department", "user", "upload_id"])
        logger.append_keys(request_id=request_id, route=f"{request.method} {path}")
        try:
            if not rule.public:
                from chalicelib.identity.tokens import bearer_token  # PyJWT/cryptography: first token only
                principal = self.container().verifier.verify(bearer_token(request.headers))
                ctx.principal = principal
                logger.append_keys(user=principal.username, department=principal.department)
                policy.require_role(principal, request.method, path)
            http.check_params(params, request.query_params)
            return http.acceptable(request.headers, view(ctx, **params), self._binary_types())
        except DomainError as err:
            outcome = f"{err.status} {err.code}"
            if err.status >= 500:   # a dependency's outage (503): operators must see it, with what caused it
                (logger.warning if err.status == 503 else logger.error)(
                    f"answered {outcome}", extra={"code": err.code, "status": err.status,
                                                  "cause": repr(err.__cause__) if err.__cause__ else None})
            return http.error_response(err)
        except Exception:
            outcome = "500 INTERNAL"
            logger.exception("unhandled error")
            return http.internal_response()
        finally:
            if rule.audit and principal is not ANONYMOUS:
                try:
                    self.container().audit.record(principal, rule.audit, target=ctx.target,
                                                  request_id=request_id, outcome=outcome,
                                                  details=ctx.audit_details)
                except Exception:
                    logger.exception("audit write failed")
