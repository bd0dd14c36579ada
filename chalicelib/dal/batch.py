"""BatchGetItem over any number of keys: 100 keys a request, unprocessed keys asked again."""
from __future__ import annotations


def batch_get(table, keys: list[dict], *, consistent: bool = False) -> list[dict]:
    """The items of `table` (a boto3 Table) that exist among `keys`, in no particular order.

    Through the resource's client, which (de)serialises attribute values itself: plain Python."""
    client, name = table.meta.client, table.name
    options: dict = {"ConsistentRead": True} if consistent else {}
    items: list[dict] = []
    for start in range(0, len(keys), 100):
        request = {name: {"Keys": keys[start:start + 100], **options}}
        while request:
            resp = client.batch_get_item(RequestItems=request)
            items += resp["Responses"].get(name, [])
            request = resp.get("UnprocessedKeys") or None
    return items
