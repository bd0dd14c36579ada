"""The public side's writes with the name index kept in step (SPEC §6.3, issue #22).

An enterprise whose last public copy goes leaves the public side (PublicRepository.refresh deletes
its profile and says which left); its names then leave the search index too, so a search never
offers an enterprise it cannot show. Every writer of the public side (forward, retract: 撤销,
公示期满, a move, 信用修复) goes through this one place, as every change-log write goes through
ChangePublisher — the repositories themselves tell nobody.
"""
from __future__ import annotations

from collections.abc import Iterable


class PublicSide:
    def __init__(self, public, registry):
        self.public = public          # dal.public.PublicRepository
        self.registry = registry      # dal.registry.RegistryRepository (its name index)

    def put(self, copies: list[dict]) -> None:
        self.public.put(copies)

    def delete(self, keys: list[tuple[str, str, str]]) -> None:
        self.public.delete(keys)

    def refresh(self, codes: Iterable[str], profiles: dict[str, dict] | None = None) -> list[str]:
        """PublicRepository.refresh, then the enterprises that left are taken out of the name index."""
        left = self.public.refresh(codes, profiles)
        if left:
            self.registry.unindex_names(left)
        return left
