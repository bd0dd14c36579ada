"""Signed credit-check attestations: proof of what the platform said at that moment.

The payload is a canonical JSON (sorted keys, no spaces, UTF-8) of code, name, restricted,
reasons and checked_at, signed with an asymmetric KMS key (ECDSA P-256, SHA-256). Anyone can
verify with the public key from GET /v1/public/attestation-key, or ask the platform.
"""
from __future__ import annotations

import base64
import binascii
import json

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import BadRequest, ServiceUnavailable

ALGORITHM = "ECDSA_SHA_256"
SIGNED_FIELDS = ("code", "name", "restricted", "reasons", "checked_at")
VERDICTS = ("KMSInvalidSignatureException", "ValidationException")   # KMS answered about the input
KMS_DOWN = "签名服务暂时不可用，请稍后重试"


def canonical(check: dict) -> bytes:
    return json.dumps({k: check.get(k) for k in SIGNED_FIELDS}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


class AttestationService:
    def __init__(self, kms, key_id: str):
        self.kms = kms
        self.key_id = key_id

    def attest(self, check: dict) -> dict:
        payload = canonical(check)
        signed = self._kms("sign", KeyId=self.key_id, Message=payload, MessageType="RAW",
                           SigningAlgorithm=ALGORITHM)
        return {**check, "attestation": {
            "payload": payload.decode("utf-8"), "signature": base64.b64encode(signed["Signature"]).decode(),
            "algorithm": ALGORITHM, "key_id": signed["KeyId"]}}

    def _kms(self, operation: str, **params) -> dict:
        """One KMS call; KMS failing or out of reach is a 503 SERVICE_UNAVAILABLE (retry later), not a 500."""
        try:
            return getattr(self.kms, operation)(**params)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in VERDICTS:
                raise
            raise ServiceUnavailable(KMS_DOWN) from exc
        except BotoCoreError as exc:
            raise ServiceUnavailable(KMS_DOWN) from exc

    def public_key(self) -> dict:
        resp = self._kms("get_public_key", KeyId=self.key_id)
        der = base64.b64encode(resp["PublicKey"]).decode()
        pem = "-----BEGIN PUBLIC KEY-----\n" + "\n".join(der[i:i + 64] for i in range(0, len(der), 64)) + \
            "\n-----END PUBLIC KEY-----\n"
        return {"key_id": resp["KeyId"], "algorithm": ALGORITHM, "key_spec": resp.get("KeySpec"),
                "public_key_pem": pem}

    def verify(self, body: dict) -> dict:
        """{"payload", "signature"} (or a whole attested credit check) → {"valid": bool}."""
        att = body.get("attestation", body) if isinstance(body, dict) else {}
        if not isinstance(att, dict):
            att = {}
        payload, signature = att.get("payload"), att.get("signature")
        if not isinstance(payload, str) or not isinstance(signature, str):
            raise BadRequest("请提供 payload 与 signature", details=[
                {"field": f, "code": "REQUIRED"} for f in ("payload", "signature") if not isinstance(att.get(f), str)])
        try:
            raw = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            return {"valid": False, "reason": "签名不是有效的 Base64"}
        try:
            ok = self._kms("verify", KeyId=self.key_id, Message=payload.encode("utf-8"), MessageType="RAW",
                           Signature=raw, SigningAlgorithm=ALGORITHM)["SignatureValid"]
        except ClientError:   # one of VERDICTS
            ok = False
        out = {"valid": bool(ok)}
        if ok:
            out["attested"] = json.loads(payload)
        return out
