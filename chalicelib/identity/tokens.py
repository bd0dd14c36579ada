"""Verification of Cognito ID tokens against the pool's JWKS (PyJWT).

Checks the RS256 signature, issuer, audience (the app client), expiry and token_use=id; the
role comes from `cognito:groups`, the department from `custom:department`.
"""
from __future__ import annotations

import jwt

from chalicelib.errors import ServiceUnavailable, Unauthenticated
from chalicelib.models.principal import Principal

ROLE_ORDER = ("admin", "supervisor", "system", "operator")


class TokenVerifier:
    def __init__(self, jwks_url: str, issuer: str, client_id: str):
        self.issuer = issuer
        self.client_id = client_id
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600, timeout=10)

    def verify(self, token: str) -> Principal:
        """The principal of a bearer token; Unauthenticated for any flaw."""
        try:
            key = self._jwks.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token, key.key, algorithms=["RS256"], audience=self.client_id, issuer=self.issuer,
                options={"require": ["exp", "iss", "aud", "token_use"]}, leeway=5,
            )
        except jwt.PyJWKClientConnectionError:     # the pool's keys are out of reach: not the token's fault
            raise ServiceUnavailable("暂时无法校验登录令牌（密钥服务不可用），请稍后重试") from None
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("登录已过期，请重新登录") from None
        except (jwt.PyJWTError, ValueError, KeyError):
            raise Unauthenticated("令牌无效") from None
        if claims.get("token_use") != "id":
            raise Unauthenticated("应使用 ID 令牌 (token_use=id)")
        groups = claims.get("cognito:groups") or []
        role = next((r for r in ROLE_ORDER if r in groups), None)
        if role is None:
            raise Unauthenticated("账号未分配角色")
        department = claims.get("custom:department") or None
        if role in ("operator", "system") and not department:
            raise Unauthenticated("账号未绑定部门")
        return Principal(username=claims.get("cognito:username", claims.get("sub", "")), role=role,
                         department=department if role in ("operator", "system") else None,
                         sub=claims.get("sub", ""))


def bearer_token(headers) -> str:
    value = (headers or {}).get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated()
    return token.strip()
