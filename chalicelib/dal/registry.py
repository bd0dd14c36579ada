"""The enterprise registry: enterprise items, 注册号 alias items, and the name-search index."""
from __future__ import annotations

from collections.abc import Iterable

from boto3.dynamodb.conditions import Key

from chalicelib.dal.batch import Put, batch_get, put_all, query_page
from chalicelib.dal.items import from_item, to_item
from chalicelib.models.record import Enterprise


def name_tokens(name: str) -> set[str]:
    """Character bigrams of a normalised name (the name-search index keys)."""
    n = "".join(name.split()).upper()
    return {n[i:i + 2] for i in range(len(n) - 1)} if len(n) > 1 else ({n} if n else set())


class RegistryRepository:
    def __init__(self, enterprises_table, name_index_table):
        self.table = enterprises_table
        self.names = name_index_table

    def _batch_get(self, codes: list[str]) -> list[dict]:
        return [from_item(i) for i in batch_get(self.table, [{"code": c} for c in codes])]

    def lookup(self, codes: Iterable[str]) -> dict[str, Enterprise]:
        """code (USCC or 注册号) → Enterprise, for the codes the registry knows."""
        return self.lookup_all(codes)[0]

    def lookup_all(self, codes: Iterable[str]) -> tuple[dict[str, Enterprise], dict[str, str]]:
        """lookup(), and code → the name an `elsewhere` enterprise is known by (its first name given),
        from the same reads."""
        wanted = [c for c in dict.fromkeys(codes) if c]
        found: dict[str, Enterprise] = {}
        aliases: dict[str, str] = {}
        elsewhere: dict[str, str] = {}
        for item in self._batch_get(wanted):
            if item.get("kind") == "alias":
                aliases[item["code"]] = item["uscc"]
            elif item.get("kind") == "elsewhere":
                elsewhere[item["code"]] = item["name"]
            else:
                found[item["code"]] = Enterprise.model_validate(_strip(item))
        missing = [u for u in set(aliases.values()) if u not in found]
        for item in self._batch_get(missing):
            found[item["code"]] = Enterprise.model_validate(_strip(item))
        for regno, uscc in aliases.items():
            if uscc in found:
                found[regno] = found[uscc]
        return found, elsewhere

    def hold_elsewhere_names(self, names: dict[str, str]) -> dict[str, str]:
        """Remember the first name given for each new `elsewhere` code (SPEC §3: it is the enterprise's
        public name; later records never rename it). One conditional put per code new to the platform:
        a code another batch claimed meanwhile keeps its name, returned as code → name (a code registered
        meanwhile is left to the registry). A registration of the code replaces the item."""
        taken = []
        for code, name in names.items():
            try:
                self.table.put_item(Item={"code": code, "kind": "elsewhere", "name": name},
                                    ConditionExpression="attribute_not_exists(code)")
            except self.table.meta.client.exceptions.ConditionalCheckFailedException:
                taken.append(code)
        return self.lookup_all(taken)[1] if taken else {}

    def get(self, code: str) -> Enterprise | None:
        return self.lookup([code]).get(code)

    def save(self, enterprises: list[Enterprise], also: dict[str, list[Put]] | None = None) -> None:
        """Write enterprises and the alias items of their 注册号, transactions of up to 100 puts; the
        puts `also[code]` (its 双告知 notices) go into the transaction of the enterprise `code`."""
        groups = []
        for e in enterprises:
            group = [Put(self.table, {**to_item(e.model_dump()), "kind": "enterprise"}, ("code",))]
            if e.uscc and e.regno:
                group.append(Put(self.table, {"code": e.regno, "kind": "alias", "uscc": e.uscc}, ("code",)))
            groups.append(group + (also or {}).get(e.code, []))
        put_all(groups)

    def index_names(self, profiles: list[dict]) -> None:
        """Name-search tokens of enterprises that have a public profile (idempotent puts)."""
        from chalicelib.domain.projection import search_entries
        seen = {(e["token"], e["code"]): e for p in profiles for e in search_entries(p)}
        with self.names.batch_writer(overwrite_by_pkeys=["token", "code"]) as batch:
            for item in seen.values():
                batch.put_item(Item=item)

    def search_token(self, token: str, limit: int, after: dict | None) -> tuple[list[str], dict | None]:
        items, last = query_page(self.names, after, KeyConditionExpression=Key("token").eq(token), Limit=limit)
        return [i["code"] for i in items], last


def _strip(item: dict) -> dict:
    return {k: v for k, v in item.items() if k != "kind"}
