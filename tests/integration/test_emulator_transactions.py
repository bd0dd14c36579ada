"""The local emulator's transaction speed fix (chalicelib/local/emulator.py) keeps DynamoDB's
all-or-nothing: a cancelled TransactWriteItems leaves every item as it was — an updated item, a
put over an existing one, a put of a new one, a delete — and a transaction on a table of thousands
of items does not copy the table (it would take seconds per transaction and gigabytes)."""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError


def test_a_cancelled_transaction_leaves_every_item_as_it_was(stack):
    table = stack.aws.table("jobs")
    client, name = table.meta.client, table.name
    table.put_item(Item={"pk": "T", "sk": "upd", "n": 1, "tags": {"a"}})
    table.put_item(Item={"pk": "T", "sk": "over", "v": "old"})
    table.put_item(Item={"pk": "T", "sk": "del", "v": "kept"})
    with pytest.raises(ClientError) as err:
        client.transact_write_items(TransactItems=[
            {"Update": {"TableName": name, "Key": {"pk": "T", "sk": "upd"},
                        "UpdateExpression": "SET n = n + :one ADD tags :b",
                        "ExpressionAttributeValues": {":one": 1, ":b": {"b"}}}},
            {"Update": {"TableName": name, "Key": {"pk": "T", "sk": "created-by-update"},
                        "UpdateExpression": "SET n = :one", "ExpressionAttributeValues": {":one": 1}}},
            {"Put": {"TableName": name, "Item": {"pk": "T", "sk": "over", "v": "new"}}},
            {"Put": {"TableName": name, "Item": {"pk": "T", "sk": "new", "v": "x"}}},
            {"Delete": {"TableName": name, "Key": {"pk": "T", "sk": "del"}}},
            {"ConditionCheck": {"TableName": name, "Key": {"pk": "T", "sk": "absent"},
                                "ConditionExpression": "attribute_exists(pk)"}},
        ])
    assert err.value.response["Error"]["Code"] == "TransactionCanceledException"
    items = {i["sk"]: i for i in table.query(KeyConditionExpression="pk = :p",
                                             ExpressionAttributeValues={":p": "T"})["Items"]}
    assert items == {"upd": {"pk": "T", "sk": "upd", "n": 1, "tags": {"a"}},
                     "over": {"pk": "T", "sk": "over", "v": "old"},
                     "del": {"pk": "T", "sk": "del", "v": "kept"}}


def test_a_committed_update_in_a_transaction_is_applied(stack):
    table = stack.aws.table("jobs")
    table.put_item(Item={"pk": "T", "sk": "upd", "n": 1})
    table.meta.client.transact_write_items(TransactItems=[
        {"Update": {"TableName": table.name, "Key": {"pk": "T", "sk": "upd"},
                    "UpdateExpression": "SET n = n + :one", "ExpressionAttributeValues": {":one": 1}}}])
    assert table.get_item(Key={"pk": "T", "sk": "upd"})["Item"]["n"] == 2


def test_a_transaction_with_an_update_does_not_copy_the_table(stack, monkeypatch):
    """Counted, not timed: moto's own rollback deep-copies each touched table; the undo log copies
    only the updated item."""
    import copy

    import moto.dynamodb.models.table as moto_table

    table = stack.aws.table("jobs")
    with table.batch_writer() as batch:
        for i in range(300):
            batch.put_item(Item={"pk": "BIG", "sk": f"{i:04d}"})
    copies = []
    real = copy.deepcopy

    def counting(obj, memo=None):
        if isinstance(obj, moto_table.Table):
            copies.append(obj.name)
        return real(obj, memo)
    monkeypatch.setattr(copy, "deepcopy", counting)
    table.meta.client.transact_write_items(TransactItems=[
        {"Update": {"TableName": table.name, "Key": {"pk": "BIG", "sk": "0001"},
                    "UpdateExpression": "SET n = :one", "ExpressionAttributeValues": {":one": 1}}},
        {"Put": {"TableName": table.name, "Item": {"pk": "BIG", "sk": "new"}}}])
    assert copies == []
