"""Registry items and 双告知 notices are written as transactions of up to 100 puts (dal/batch.put_all),
each enterprise's items and notices in one transaction."""
from __future__ import annotations

from chalicelib.local.demo_data import sample_record
from tests.integration.helpers import accepted
from tests.integration.test_request_costs import Requests, enterprises, registrations
from tests.reliability.state import scan


def test_a_batch_naming_one_regno_twice_writes_its_item_once_in_one_transaction(client, login, stack):
    """A transaction may not touch an item twice: the alias of the first enterprise and the second,
    注册号-only enterprise share a key; the later one is written (as BatchWriteItem did)."""
    first, second = enterprises(2, district="510811")
    batch = [sample_record("registration", **first),
             sample_record("registration", name=second["name"], uscc="", regno=first["regno"])]
    counter = Requests(stack)
    registry = login("op-d21", "operator", "d21")
    with counter.measure() as seen:
        accepted(client, registry, "registration", batch)
    assert seen["TransactWriteItems enterprises+notices"] == 1
    assert stack.registry_repo.get(first["uscc"]).name == first["name"]
    assert stack.registry_repo.get(first["regno"]).name == second["name"]


def test_an_enterprise_and_its_notices_share_a_transaction_of_at_most_100_items(client, login, stack):
    pool = enterprises(250, district="510812")
    counter = Requests(stack)
    registry = login("op-d21", "operator", "d21")
    with counter.measure() as seen:
        accepted(client, registry, "registration", registrations(pool))
    # enterprise, alias, one notice: 33 enterprises (99 items) a transaction
    assert seen["TransactWriteItems enterprises+notices"] == 8
    notices = {(n["department"], n["code"]) for n in scan(stack.settings, "notices")}
    assert {c for _, c in notices} == {e["uscc"] for e in pool} and len(notices) == 250
    found = stack.registry_repo.lookup([pool[249]["uscc"], pool[0]["regno"]])
    assert found[pool[249]["uscc"]].name == pool[249]["name"] and found[pool[0]["regno"]].uscc == pool[0]["uscc"]
    resp = client.http.get("/v1/notices/registrations", headers=login("op-d12", "operator", "d12"))
    assert resp.status_code == 200, resp.body
