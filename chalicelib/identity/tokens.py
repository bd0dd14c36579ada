"""Verification of Cognito ID tokens against the pool's JWKS (PyJWT).

Checks the RS256 signature, issuer, audience (the app client), expiry and token_use=id; the
role comes from `cognito:groups`, the department from `custom:department`. A token issued at or
before its user's `tokens_valid_after` (account disabled, role or department changed) is refused;
that cut-off is read through a per-process cache of CUTOFF_CACHE_SECONDS, so revocation takes
effect within that time everywhere.
"""
from __future__ import annotations

import threading
import time

import jwt
from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import ServiceUnavailable, Unauthenticated
from chalicelib.models.principal import ROLES as ROLE_ORDER
from chalicelib.models.principal import Principal

CUTOFF_CACHE_SECONDS = 30     # SPEC §6.3: refused from at most 60 s after the change


class TokenVerifier:
    def __init__(self, jwks_url: str, issuer: str, client_id: str, cutoffs=None, clock=time.monotonic,
                 cache_seconds: float = CUTOFF_CACHE_SECONDS):
        self.issuer = issuer
        self.client_id = client_id
        self.cutoffs = cutoffs        # callable: username → tokens_valid_after (epoch s) | None
        self.clock = clock
        self.cache_seconds = cache_seconds
        self._cutoff_cache: dict[str, tuple[float, int | None]] = {}
        self._lock = threading.Lock()
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600, timeout=10)

    def verify(self, token: str) -> Principal:
        """The principal of a bearer token; Unauthenticated for any flaw."""
        try:
            key = self._jwks.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token, key.key, algorithms=["RS256"], audience=self.client_id, issuer=self.issuer,
                options={"require": ["exp", "iat", "iss", "aud", "token_use"]}, leeway=5,
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
        username = str(claims.get("cognito:username", claims.get("sub", ""))).lower()
        cutoff = self._cutoff(username)
        if cutoff is not None and int(claims["iat"]) <= cutoff:
            raise Unauthenticated("账号已停用或权限已变更，请重新登录")
        return Principal(username=username, role=role,
                         department=department if role in ("operator", "system") else None,
                         sub=claims.get("sub", ""))


    def _cutoff(self, username: str) -> int | None:
        if self.cutoffs is None:
            return None
        now = self.clock()
        with self._lock:
            cached = self._cutoff_cache.get(username)
        if cached is not None and now - cached[0] < self.cache_seconds:
            return cached[1]
        try:
            value = self.cutoffs(username)
        except (BotoCoreError, ClientError) as exc:    # the table out of reach: not the token's fault
            raise ServiceUnavailable("暂时无法校验登录令牌，请稍后重试") from exc
        with self._lock:
            if len(self._cutoff_cache) > 10_000:
                self._cutoff_cache.clear()
            self._cutoff_cache[username] = (now, value)
        return value


def bearer_token(headers) -> str:
    value = (headers or {}).get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated()
    return token.strip()
