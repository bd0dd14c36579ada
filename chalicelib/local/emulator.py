"""The embedded AWS emulator (moto server) for `make run` and the tests.

One speed fix, no change of behaviour: moto's TransactWriteItems deep-copies the whole table once
per item of the transaction to be able to roll back, so one transaction costs O(items × table
size) (32 s for 100 items on a 5,000-item table, measured here; an upload whose rejected rows fill
the rejections table grew the test process to 13 GB). An undo log of the touched items rolls back
just as well: Put/Delete replace or remove an item, so the item before is kept as it is; Update
may change the stored item in place, so a copy of that one item is kept. Real DynamoDB needs none
of this; nothing in chalicelib outside local/ knows about it.

One fidelity fix: DynamoDB applies each (conditional) write atomically, but moto's backend checks
the condition and then writes in Python, so parallel requests to the threaded server can
interleave (20 parallel conditional increments admitted 6 where the condition allows 5). Writes
are serialised by one lock, as DynamoDB serialises writes to an item.
"""
from __future__ import annotations

import copy
import threading

_state = threading.local()
_WRITES = threading.RLock()


class _NoTableCopy:
    """Stands in for the `copy` module inside moto's DynamoDB backend."""

    def __getattr__(self, name):
        return getattr(copy, name)

    def deepcopy(self, obj, memo=None):
        from moto.dynamodb.models.table import Table

        if getattr(_state, "undo_log", False) and isinstance(obj, Table):
            return obj          # rolled back by the undo log instead
        return copy.deepcopy(obj, memo)


def _touched(backend, transact_items) -> list[tuple]:
    """(table, hash, range, item-before) for every item a transaction may change."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    out = []
    for entry in transact_items:
        for kind, op in entry.items():
            table = backend.tables.get(op.get("TableName"))
            if table is None:
                continue
            attrs = op["Item"] if kind == "Put" else op.get("Key", {})
            if table.hash_key_attr not in attrs:
                continue
            h = DynamoType(attrs[table.hash_key_attr])
            r = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr in attrs else None
            before = table.items.get(h, {}).get(r) if r is not None else table.items.get(h)
            if kind == "Update" and before is not None:
                before = copy.deepcopy(before)      # an update may change the stored item in place
            out.append((table, h, r, before))
    return out


def _undo(log: list[tuple]) -> None:
    for table, h, r, before in reversed(log):
        if r is None:
            if before is None:
                table.items.pop(h, None)
            else:
                table.items[h] = before
        elif before is None:
            table.items.get(h, {}).pop(r, None)
        else:
            table.items[h][r] = before


def patch_transactions() -> None:
    import moto.dynamodb.models as backend

    if getattr(backend.DynamoDBBackend.transact_write_items, "_undo_log_patch", False):
        return
    original = backend.DynamoDBBackend.transact_write_items
    backend.copy = _NoTableCopy()

    def transact_write_items(self, transact_items):
        log = _touched(self, transact_items)
        _state.undo_log = True
        try:
            return original(self, transact_items)
        except Exception:
            _undo(log)
            raise
        finally:
            _state.undo_log = False

    transact_write_items._undo_log_patch = True
    backend.DynamoDBBackend.transact_write_items = transact_write_items


def serialise_writes() -> None:
    import moto.dynamodb.models as backend

    for name in ("put_item", "update_item", "delete_item", "transact_write_items"):
        original = getattr(backend.DynamoDBBackend, name)
        if getattr(original, "_serialised", False):
            continue

        def locked(self, *args, _original=original, **kwargs):
            with _WRITES:
                return _original(self, *args, **kwargs)

        locked._serialised = True
        locked._undo_log_patch = getattr(original, "_undo_log_patch", False)
        setattr(backend.DynamoDBBackend, name, locked)


def start(port: int, host: str = "127.0.0.1"):
    """Start a moto server thread on host:port; returns it (call .stop())."""
    from moto.server import ThreadedMotoServer

    patch_transactions()
    serialise_writes()
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    return server
