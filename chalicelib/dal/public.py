"""The public side: masked copies of published records and enterprise profiles, nothing else.

Public routes read only this table, so unpublished, withdrawn, archived or unmasked data cannot
reach them by construction. pk = enterprise code; sk = "#profile" or "<category>#<record_id>".
"""
from __future__ import annotations

from boto3.dynamodb.conditions import Key

from chalicelib.dal.batch import batch_get, query_all
from chalicelib.dal.items import from_item, to_item
from chalicelib.domain.projection import CREDIT, SEARCH_SUMMARY, search_summary

PROFILE = "#profile"
ALIAS = "#alias"      # pk = 注册号 → the USCC the enterprise is listed under


def copy_key(code: str, category: str, record_id: str) -> dict:
    return {"code": code, "sk": f"{category}#{record_id}"}


def split_partition(items: list[dict]) -> tuple[dict | None, list[dict]]:
    """An enterprise partition's items → its profile (or alias) item, and its public copies."""
    profile = next((i for i in items if i["sk"] in (PROFILE, ALIAS)), None)
    return profile, [i for i in items if i["sk"] not in (PROFILE, ALIAS)]


class PublicRepository:
    def __init__(self, table):
        self.table = table

    def put(self, copies: list[dict]) -> None:
        """copies: {"code", "category", "record_id", ...} (stored items: domain.projection.Projection.item)."""
        with self.table.batch_writer(overwrite_by_pkeys=["code", "sk"]) as batch:
            for c in copies:
                batch.put_item(Item=to_item({**c, **copy_key(c["code"], c["category"], c["record_id"])}))

    def refresh(self, codes, profiles: dict[str, dict] | None = None) -> list[str]:
        """Rewrite the profiles of enterprises whose copies changed (one consistent Query each): an
        enterprise left with no public copy leaves the public side (profile and alias deleted).
        `profiles`: fresh profiles by code (forward); the others are read as stored. Returns the
        codes that left."""
        codes = list(dict.fromkeys(codes))
        fresh = profiles or {}
        stored = self.profiles([c for c in codes if c not in fresh])
        left = []
        with self.table.batch_writer(overwrite_by_pkeys=["code", "sk"]) as batch:
            for code in codes:
                p = {k: v for k, v in (fresh.get(code) or stored.get(code) or {}).items() if k != "sk"}
                if not p:
                    continue
                copies = [from_item(i) for i in query_all(
                    self.table, KeyConditionExpression=Key("code").eq(code), ConsistentRead=True,
                    ProjectionExpression="sk, category, record_id, #c", ExpressionAttributeNames={"#c": CREDIT})
                          if i["sk"] not in (PROFILE, ALIAS)]
                alias = p.get("regno") if p.get("regno") and p["regno"] != code else None
                if not copies:
                    batch.delete_item(Key={"code": code, "sk": PROFILE})
                    if alias:
                        batch.delete_item(Key={"code": alias, "sk": ALIAS})
                    left.append(code)
                    continue
                # None when a copy has no credit facts stored (written before they were)
                summary = search_summary(copies) if all(CREDIT in c for c in copies) else None
                if code in fresh or p.get(SEARCH_SUMMARY) != from_item(to_item(summary)):
                    batch.put_item(Item=to_item({**p, "code": code, "sk": PROFILE, SEARCH_SUMMARY: summary}))
                if code in fresh:
                    if alias:
                        batch.put_item(Item={"code": alias, "sk": ALIAS, "uscc": code})
        return left

    def delete(self, keys: list[tuple[str, str, str]]) -> None:
        with self.table.batch_writer(overwrite_by_pkeys=["code", "sk"]) as batch:
            for code, category, record_id in keys:
                batch.delete_item(Key=copy_key(code, category, record_id))

    def current_versions(self, keys: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], int]:
        """(code, category, record_id) → version of the public copy there, for those that exist."""
        wanted = [copy_key(*k) for k in dict.fromkeys(keys)]
        items = batch_get(self.table, wanted, consistent=True) if wanted else []
        return {(i["code"], *i["sk"].split("#", 1)): int(i["version"]) for i in items}

    def enterprise(self, code: str) -> tuple[dict | None, list[dict]]:
        """Profile and every public copy of one enterprise: one Query (two for a 注册号)."""
        profile, copies = self._partition(code)
        if profile and profile["sk"] == ALIAS:
            profile, copies = self._partition(profile["uscc"])
        return profile, copies

    def _partition(self, code: str) -> tuple[dict | None, list[dict]]:
        return split_partition([from_item(i) for i in query_all(self.table, KeyConditionExpression=Key("code").eq(code))])

    def profiles(self, codes: list[str]) -> dict[str, dict]:
        return {i["code"]: from_item(i) for i in batch_get(self.table, [{"code": c, "sk": PROFILE} for c in codes])}
