"""Signed credit-check attestations: proof of what the platform said at that moment.

The payload is a canonical JSON (sorted keys, no spaces, UTF-8) of code, name, restricted,
reasons and checked_at, signed with an asymmetric KMS key (ECDSA P-256, SHA-256). Anyone can
verify with the public key from GET /v1/public/attestation-key, or ask the platform.
The key is a port (`Signer`, adapters/kms.KmsSigner on AWS).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Protocol

from chalicelib.domain.identifiers import is_regno_format, is_uscc_format, normalize_code
from chalicelib.errors import BadRequest, NotFound

SIGNED_FIELDS = ("code", "name", "restricted", "reasons", "checked_at")


class Signer(Protocol):
    """The attestation key: ServiceUnavailable when it cannot be reached."""
    algorithm: str

    def sign(self, payload: bytes) -> tuple[bytes, str]: ...       # (signature, key id)
    def verify(self, payload: bytes, signature: bytes) -> bool: ...
    def public_key(self) -> dict: ...                              # {"key_id", "der", "key_spec"}


CACHE_SECONDS = 24 * 3600      # a signature is re-used for the same facts for at most a day


def canonical(check: dict, fields=SIGNED_FIELDS) -> bytes:
    return json.dumps({k: check.get(k) for k in fields}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def facts_key(check: dict) -> str:
    """The cache key of a check: its code and a hash of every signed fact except checked_at."""
    facts = canonical(check, tuple(f for f in SIGNED_FIELDS if f != "checked_at"))
    return f"{check.get('code')}#{hashlib.sha256(facts).hexdigest()}"


class AttestationService:
    def __init__(self, signer: Signer, credit_check=None, cache=None):
        self.signer = signer
        self.credit_check = credit_check    # code → today's credit check (NotFound if unknown)
        self.cache = cache                  # dal.attestations.AttestationCache

    def attest(self, check: dict) -> dict:
        """The check with its attestation. Signed at most once per (code, signed facts other than
        checked_at) within CACHE_SECONDS: an unchanged public side re-uses the cached signature, and
        the answer then carries the checked_at that was signed (the facts have held since)."""
        key = facts_key(check)
        hit = self.cache.get(key) if self.cache else None
        if hit is None:
            payload = canonical(check)
            signature, key_id = self.signer.sign(payload)
            hit = {"payload": payload.decode("utf-8"), "signature": base64.b64encode(signature).decode(),
                   "key_id": key_id, "checked_at": check.get("checked_at")}
            if self.cache:
                self.cache.put(key, hit, CACHE_SECONDS)
        return {**check, "checked_at": hit["checked_at"], "attestation": {
            "payload": hit["payload"], "signature": hit["signature"], "algorithm": self.signer.algorithm,
            "key_id": hit["key_id"]}}

    def public_key(self) -> dict:
        resp = self.signer.public_key()
        der = base64.b64encode(resp["der"]).decode()
        pem = "-----BEGIN PUBLIC KEY-----\n" + "\n".join(der[i:i + 64] for i in range(0, len(der), 64)) + \
            "\n-----END PUBLIC KEY-----\n"
        return {"key_id": resp["key_id"], "algorithm": self.signer.algorithm, "key_spec": resp["key_spec"],
                "public_key_pem": pem}

    def verify(self, body: dict) -> dict:
        """A whole attested credit check (or {"attestation": {...}}, or the bare {"payload", "signature"})
        → {"valid", "attested", "current"}.

        valid: the signature holds AND every signed field shown at top level equals the signed payload
        (a whole check must show all of them), so an edited `restricted`, `reasons`, `name`, `code` or
        `checked_at` under an intact attestation block is not valid. attested: the signed payload
        decoded (null when it is not a JSON object). current: today's credit check for the attested
        code, or null when the code is unknown — so a stale attestation shows as such.
        """
        att = body.get("attestation", body) if isinstance(body, dict) else None
        if not isinstance(att, dict):
            raise BadRequest("attestation 应为对象", details=[{"field": "attestation", "code": "BAD_TYPE"}])
        payload, signature = att.get("payload"), att.get("signature")
        if not isinstance(payload, str) or not isinstance(signature, str):
            raise BadRequest("请提供 payload 与 signature", details=[
                {"field": f, "code": "REQUIRED"} for f in ("payload", "signature") if not isinstance(att.get(f), str)])
        attested = _decoded(payload)
        shown = any(f in body for f in SIGNED_FIELDS)
        matches = attested is not None and (not shown or all(
            f in body and f in attested and _same(body[f], attested[f]) for f in SIGNED_FIELDS))
        valid = matches and self._signature_holds(payload, signature)
        code = (attested or {}).get("code")
        return {"valid": valid, "attested": attested, "current": self._current(code)}

    def _current(self, code) -> dict | None:
        if self.credit_check is None or not isinstance(code, str):
            return None
        code = normalize_code(code)
        if not (is_uscc_format(code) or is_regno_format(code)):
            return None
        try:
            return self.credit_check(code)
        except NotFound:
            return None

    def _signature_holds(self, payload: str, signature: str) -> bool:
        try:
            raw = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            return False
        if not raw:
            return False
        return self.signer.verify(payload.encode("utf-8"), raw)


def _same(shown, signed) -> bool:
    """Equal as JSON (1 is not true, 1.0 is not 1)."""
    def encode(value) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    try:
        return encode(shown) == encode(signed)
    except (TypeError, ValueError, RecursionError):
        return False


def _decoded(payload: str) -> dict | None:
    try:
        value = json.loads(payload)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None
