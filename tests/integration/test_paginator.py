"""One paginator (issue 20): dal/batch.query_page is the one place a Query's start key and next key
are handled, query_all drains a Query with it, and the repositories that read "everything under a
key" read every page — on the emulator, with pages made small by `Limit`."""
from __future__ import annotations

from chalicelib.dal.batch import query_all, query_page
from chalicelib.dal.notices import NoticeRepository
from chalicelib.dal.watchlists import WatchlistRepository


def _notices(stack, n: int) -> None:
    table = stack.aws.table("notices")
    with table.batch_writer() as batch:
        for i in range(n):
            batch.put_item(Item={"department": "d23", "sk": f"2026-12-07T09:00:00.{i:03d}#C{i:03d}", "code": f"C{i:03d}"})


def test_query_all_drains_every_page_and_query_page_continues_where_the_last_one_stopped(stack):
    from boto3.dynamodb.conditions import Key

    _notices(stack, 7)
    table = stack.aws.table("notices")
    cond = Key("department").eq("d23")
    assert [i["code"] for i in query_all(table, KeyConditionExpression=cond, Limit=2)] == [f"C{i:03d}" for i in range(7)]
    seen, after, pages = [], None, 0
    while True:
        page, after = query_page(table, after, KeyConditionExpression=cond, Limit=3)
        seen += [i["code"] for i in page]
        pages += 1
        if not after:
            break
    assert seen == [f"C{i:03d}" for i in range(7)] and pages == 3


def test_a_repository_page_and_its_cursor_come_from_the_same_paginator(stack):
    _notices(stack, 5)
    repo = NoticeRepository(stack.aws.table("notices"))
    first, after = repo.since("d23", None, 3, None)
    rest, last = repo.since("d23", None, 3, after)
    assert [n["code"] for n in first + rest] == ["C004", "C003", "C002", "C001", "C000"] and last is None


def test_reads_of_everything_under_a_key_go_past_the_first_megabyte(stack):
    """Deliveries waiting for a retry (each holding its events) over 1 MB: the retry sweep gets every one,
    not the first page's (the emulator cuts a Query's page at 1 MB, as DynamoDB does)."""
    repo = WatchlistRepository(stack.aws.table("watchlists"))
    for i in range(5):
        repo.put_delivery({"id": f"D{i}", "watchlist_id": "W1", "status": "pending", "attempts": 1,
                           "events": [{"type": "record_published", "note": "事" * 100_000}]})
    assert sorted(d["id"] for d in repo.pending()) == [f"D{i}" for i in range(5)]
