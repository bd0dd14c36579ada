"""The attestation key in KMS (asymmetric, ECDSA P-256): sign, verify, public key.

KMS failing or out of reach is `errors.ServiceUnavailable` (a 503, retry later); KMS's verdict
about an input (a signature that does not hold, a malformed one) is a False from `verify`.
"""
from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import Refused, ServiceUnavailable

ALGORITHM = "ECDSA_SHA_256"
VERDICTS = ("KMSInvalidSignatureException", "ValidationException")   # KMS answered about the input
KMS_DOWN = "签名服务暂时不可用，请稍后重试"


class KmsSigner:
    algorithm = ALGORITHM

    def __init__(self, kms, key_id: str):
        self.kms = kms
        self.key_id = key_id

    def _call(self, operation: str, **params) -> dict:
        try:
            return getattr(self.kms, operation)(KeyId=self.key_id, **params)
        except ClientError as exc:
            reason = exc.response["Error"]["Code"]
            if reason in VERDICTS:
                raise Refused(reason) from None
            raise ServiceUnavailable(KMS_DOWN) from exc
        except BotoCoreError as exc:
            raise ServiceUnavailable(KMS_DOWN) from exc

    def sign(self, payload: bytes) -> tuple[bytes, str]:
        """(signature, the id of the key that signed)."""
        signed = self._call("sign", Message=payload, MessageType="RAW", SigningAlgorithm=ALGORITHM)
        return signed["Signature"], signed["KeyId"]

    def verify(self, payload: bytes, signature: bytes) -> bool:
        try:
            return bool(self._call("verify", Message=payload, MessageType="RAW", Signature=signature,
                                   SigningAlgorithm=ALGORITHM)["SignatureValid"])
        except Refused:
            return False

    def public_key(self) -> dict:
        """{"key_id", "der" (SubjectPublicKeyInfo bytes), "key_spec"}."""
        resp = self._call("get_public_key")
        return {"key_id": resp["KeyId"], "der": resp["PublicKey"], "key_spec": resp.get("KeySpec")}
