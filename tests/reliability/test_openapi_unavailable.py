"""openapi.yaml declares 503 SERVICE_UNAVAILABLE exactly where the app can answer it: login (Cognito),
every authenticated route (the token check needs the pool's JWKS), the attestation routes (KMS) — and
lists the code in the Error response's description."""
from __future__ import annotations

from chalicelib.identity import policy
from tests.reliability.test_openapi_sync import METHODS, document

ERROR = {"$ref": "#/components/responses/Error"}
# public routes that need a service besides the data: Cognito (login), KMS (attestations)
PUBLIC_WITH_DEPENDENCY = {("POST", "/v1/auth/token"), ("GET", "/v1/public/enterprises/{code}/credit-check"),
                          ("GET", "/v1/public/enterprises/{code}/report.pdf"),   # carries an attestation
                          ("GET", "/v1/public/attestation-key"), ("POST", "/v1/public/attestations/verify")}


def test_503_is_documented_where_a_dependency_can_be_out():
    doc = document()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            key = (method.upper(), path)
            expected = not policy.rule(*key).public or key in PUBLIC_WITH_DEPENDENCY
            assert ("503" in op["responses"]) == expected, f"{method} {path}: 503 documented: {not expected}"
            if expected:
                assert op["responses"]["503"] == ERROR, f"{method} {path}"


def test_the_error_description_lists_service_unavailable():
    assert "SERVICE_UNAVAILABLE (503" in document()["components"]["responses"]["Error"]["description"]
