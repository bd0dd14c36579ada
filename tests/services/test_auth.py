"""AuthService on a fake user pool (tests/fakes.FakeIdentityPool): the login throttle, outages that
count no failure, the first-login password challenge, account administration — the rules the
emulator tests reach only through HTTP and Cognito."""
from __future__ import annotations

from itertools import count

import pytest

from chalicelib.config import Settings
from chalicelib.container import Container
from chalicelib.errors import BadRequest, NotFound, ServiceUnavailable, TooManyAttempts, Unauthenticated
from tests.fakes import FakeIdentityPool, fake_repositories

GOOD = "Passw0rd!x"
REQUESTS = count()


@pytest.fixture
def pool() -> FakeIdentityPool:
    return FakeIdentityPool()


@pytest.fixture
def auth(pool):
    c = Container(Settings(stage="local"), identity_pool=pool, **fake_repositories())
    c.auth.ensure_user("op-d12", "operator", "d12", GOOD)
    return c.auth


def login(auth, username: str, password: str, **extra) -> dict:
    return auth.login({"username": username, "password": password, **extra}, f"req-{next(REQUESTS)}")


def test_five_wrong_passwords_then_even_the_right_one_is_throttled(auth, pool):
    for i in range(5):
        with pytest.raises(Unauthenticated):
            login(auth, "op-d12", f"wrong-{i}")
    asked = len(pool.calls)
    with pytest.raises(TooManyAttempts):
        login(auth, "OP-D12", GOOD)                       # the same account, whatever its case
    assert len(pool.calls) == asked                         # refused before the pool is asked


def test_an_outage_counts_no_failed_attempt(auth, pool):
    pool.down = True
    for _ in range(8):
        with pytest.raises(ServiceUnavailable):
            login(auth, "op-d12", GOOD)
    pool.down = False
    assert login(auth, "op-d12", GOOD)["access_token"] == "id-token-of-op-d12"


def test_the_right_password_clears_earlier_failures(auth):
    for i in range(4):
        with pytest.raises(Unauthenticated):
            login(auth, "op-d12", f"wrong-{i}")
    login(auth, "op-d12", GOOD)
    for i in range(4):
        with pytest.raises(Unauthenticated):
            login(auth, "op-d12", f"wrong-again-{i}")


def test_first_login_sets_a_new_password(auth):
    auth.create_user({"username": "Zhang", "role": "operator", "department": "d12", "temporary_password": "Temp0rary!"})
    with pytest.raises(Unauthenticated) as needed:
        login(auth, "zhang", "Temp0rary!")
    assert needed.value.details == [{"challenge": "NEW_PASSWORD_REQUIRED"}]
    with pytest.raises(BadRequest) as weak:
        login(auth, "zhang", "Temp0rary!", new_password="short")
    assert weak.value.details == [{"field": "new_password", "code": "WEAK_PASSWORD"}]
    for _ in range(6):                                      # a refused new password counts no failure
        with pytest.raises(BadRequest):
            login(auth, "zhang", "Temp0rary!", new_password="alllowercase1")
    assert login(auth, "zhang", "Temp0rary!", new_password="N3w-Passw0rd")["token_type"] == "Bearer"
    assert login(auth, "zhang", "N3w-Passw0rd")["access_token"] == "id-token-of-zhang"


def test_an_existing_username_and_a_weak_temporary_password_are_refused(auth):
    with pytest.raises(BadRequest) as exists:
        auth.create_user({"username": "OP-D12", "role": "operator", "department": "d12", "temporary_password": GOOD})
    assert exists.value.details == [{"field": "username", "code": "EXISTS"}]
    with pytest.raises(BadRequest) as weak:
        auth.create_user({"username": "li", "role": "operator", "department": "d12", "temporary_password": "weak"})
    assert weak.value.details == [{"field": "temporary_password", "code": "WEAK_PASSWORD"}]


def test_a_role_change_moves_groups_and_signs_the_account_out(auth, pool):
    out = auth.update_user("OP-D12", {"role": "supervisor"})
    assert out == {"username": "op-d12", "role": "supervisor", "department": None, "enabled": True}
    assert pool.users["op-d12"]["groups"] == ["supervisor"] and pool.signed_out == ["op-d12"]
    assert auth.throttle.tokens_valid_after("op-d12") is not None      # older tokens stop working


def test_unknown_accounts_are_404(auth):
    with pytest.raises(NotFound):
        auth.update_user("nobody", {"role": "admin"})
    with pytest.raises(NotFound):
        auth.disable_user("nobody")
