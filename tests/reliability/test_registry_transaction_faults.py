"""Registry items and 双告知 notices go in transactions of idempotent puts (dal/batch.put_all): one
cancelled by a conflict with another writer or by throttling is written put by put instead (the
enterprise last); one cancelled for any other reason fails the request (the API client's resend then writes everything)."""
from __future__ import annotations

from botocore.exceptions import ClientError

from chalicelib.container import get_container
from chalicelib.local.demo_data import ENTERPRISE_USCC, sample_record
from tests.reliability import scenarios as sc
from tests.reliability.faults import table_is
from tests.reliability.state import scan


def cancelled(reason: str) -> ClientError:
    return ClientError({"Error": {"Code": "TransactionCanceledException", "Message": "injected"},
                        "CancellationReasons": [{"Code": "None"}, {"Code": reason}],
                        "ResponseMetadata": {"HTTPStatusCode": 400}}, "TransactWriteItems")


def register(client, auth) -> sc.Retrying:
    api = sc.Retrying(client)
    resp = api.call("POST", "/v1/records", auth("op-d21", "operator", "d21"),
                    {"category": "registration", "records": [sample_record("registration")]})
    assert resp.status_code == 200 and not resp.json_body["rejected"], resp.body
    return api


def test_a_registry_transaction_cancelled_by_contention_is_written_put_by_put(client, auth, faults):
    container = get_container()
    faults.fail(sc.ddb(container), "TransactWriteItems", when=table_is("enterprises"),
                exc=cancelled("TransactionConflict"))
    api = register(client, auth)
    assert not api.server_errors                      # written within the request
    assert faults.injected == {("TransactWriteItems", "fail"): 1}, faults.injected
    assert container.registry_repo.get(ENTERPRISE_USCC) is not None
    assert {n["code"] for n in scan(container.settings, "notices")} == {ENTERPRISE_USCC}


def test_a_put_by_put_fallback_failing_half_way_leaves_the_enterprise_to_the_resend(client, auth, faults):
    """The enterprise is written after its alias and notices: when its own put fails, the
    registration is not known, so the client's resend applies it again, notices and all. On this
    rare path a notice is delivered at least once: the resend's notice carries its own time, so the
    department may see the enterprise twice — never not at all."""
    container = get_container()
    faults.fail(sc.ddb(container), "TransactWriteItems", when=table_is("enterprises"),
                exc=cancelled("ThrottlingError"))
    faults.fail(sc.ddb(container), "PutItem", exc=ClientError(
        {"Error": {"Code": "InternalServerError", "Message": "injected"}, "ResponseMetadata": {"HTTPStatusCode": 500}},
        "PutItem"), when=lambda params: table_is("enterprises")(params) and params["Item"].get("kind") == "enterprise")
    api = register(client, auth)
    assert len(api.server_errors) == 1                # the first try failed; the resend did it
    assert faults.injected == {("TransactWriteItems", "fail"): 1, ("PutItem", "fail"): 1}, faults.injected
    assert container.registry_repo.get(ENTERPRISE_USCC) is not None
    notices = [n["code"] for n in scan(container.settings, "notices")]
    assert set(notices) == {ENTERPRISE_USCC} and len(notices) == 2, notices   # the first try's, and the resend's


def test_a_registry_transaction_cancelled_for_another_reason_fails_and_the_resend_writes_it(client, auth, faults):
    container = get_container()
    faults.fail(sc.ddb(container), "TransactWriteItems", when=table_is("enterprises"),
                exc=cancelled("ValidationError"))
    api = register(client, auth)
    assert len(api.server_errors) == 1                # not retried: the client's resend did it
    assert container.registry_repo.get(ENTERPRISE_USCC) is not None
    assert {n["code"] for n in scan(container.settings, "notices")} == {ENTERPRISE_USCC}
