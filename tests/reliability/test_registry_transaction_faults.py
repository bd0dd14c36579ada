"""Registry items and 双告知 notices go in transactions of idempotent puts (dal/batch.put_all): one
cancelled by a conflict with another writer or by throttling is sent again at once; one cancelled for
any other reason fails the request (the API client's resend then writes everything)."""
from __future__ import annotations

from botocore.exceptions import ClientError

from chalicelib.container import get_container
from chalicelib.domain.samples import ENTERPRISE_USCC, sample_record
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


def test_registry_and_notice_transactions_cancelled_by_conflicts_are_sent_again(client, auth, faults):
    container = get_container()
    faults.fail(sc.ddb(container), "TransactWriteItems", when=table_is("enterprises"), times=2,
                exc=cancelled("TransactionConflict"))
    faults.fail(sc.ddb(container), "TransactWriteItems", when=table_is("notices"), exc=cancelled("ThrottlingError"))
    api = register(client, auth)
    assert not api.server_errors                      # retried inside the request
    assert faults.injected == {("TransactWriteItems", "fail"): 3}, faults.injected
    assert container.registry_repo.get(ENTERPRISE_USCC) is not None
    assert {n["code"] for n in scan(container.settings, "notices")} == {ENTERPRISE_USCC}


def test_a_registry_transaction_cancelled_for_another_reason_fails_and_the_resend_writes_it(client, auth, faults):
    container = get_container()
    faults.fail(sc.ddb(container), "TransactWriteItems", when=table_is("enterprises"),
                exc=cancelled("ValidationError"))
    api = register(client, auth)
    assert len(api.server_errors) == 1                # not retried: the client's resend did it
    assert container.registry_repo.get(ENTERPRISE_USCC) is not None
    assert {n["code"] for n in scan(container.settings, "notices")} == {ENTERPRISE_USCC}
