"""AttestationService on a fake signer (tests/fakes.FakeSigner): one signature per unchanged public
side, an edited field under an intact signature is not valid, the key out of reach is a 503."""
from __future__ import annotations

import pytest

from chalicelib.config import Settings
from chalicelib.container import Container
from chalicelib.errors import ServiceUnavailable
from tests.fakes import FakeSigner, fake_repositories

CHECK = {"code": "91110000000000000X", "name": "某某有限公司", "restricted": False, "reasons": [],
         "checked_at": "2026-12-07T09:00:00+08:00"}


@pytest.fixture
def signer() -> FakeSigner:
    return FakeSigner()


@pytest.fixture
def attestation(signer):
    return Container(Settings(stage="local"), attestation_signer=signer, **fake_repositories()).attestation


def test_an_unchanged_check_is_signed_once(attestation, signer):
    first = attestation.attest(CHECK)
    again = attestation.attest({**CHECK, "checked_at": "2026-12-07T15:00:00+08:00"})
    assert signer.signed == 1 and again["attestation"] == first["attestation"]
    assert again["checked_at"] == CHECK["checked_at"]          # the moment that was signed
    attestation.attest({**CHECK, "restricted": True, "reasons": ["严重违法失信"]})
    assert signer.signed == 2


def test_an_edited_field_under_an_intact_signature_is_not_valid(attestation):
    attested = attestation.attest(CHECK)
    assert attestation.verify(attested)["valid"] is True
    assert attestation.verify({**attested, "restricted": True})["valid"] is False
    assert attestation.verify({"attestation": {**attested["attestation"], "signature": "AAAA"}})["valid"] is False


def test_the_key_out_of_reach_is_a_503_and_nothing_is_cached(attestation, signer):
    signer.down = True
    with pytest.raises(ServiceUnavailable):
        attestation.attest(CHECK)
    signer.down = False
    attestation.attest(CHECK)
    assert signer.signed == 1
