"""Scope = the subtree of the user's org. The one place every page, endpoint, export and search
asks "may this user see / change this record?". Out of scope is answered as 404 by callers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from tcxd.common.paths import path_range

from .models import Role

WRITE_ROLES = {Role.ADMIN, Role.OFFICER}


@dataclass(frozen=True)
class Scope:
    prefixes: tuple[str, ...]  # () = nothing; ("",) = everything
    role: str
    can_write: bool

    @property
    def is_everything(self) -> bool:
        return "" in self.prefixes

    def q(self, field: str = "path") -> Q:
        """Index-friendly range filter on a path field (e.g. "path" or "org__path")."""
        if self.is_everything:
            return Q()
        if not self.prefixes:
            return Q(pk__in=[])
        cond = Q()
        for prefix in self.prefixes:
            low, high = path_range(prefix)
            cond |= Q(**{f"{field}__gte": low, f"{field}__lt": high})
        return cond

    def contains(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.prefixes)


NOTHING = Scope(prefixes=(), role="", can_write=False)


def scope_for(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.role == Role.ADMIN or user.is_superuser:
        return Scope(prefixes=("",), role=Role.ADMIN, can_write=True)
    if user.org_id is None:
        return NOTHING
    return Scope(prefixes=(user.org.path,), role=user.role, can_write=user.role in WRITE_ROLES)


def in_scope(user, path: str) -> bool:
    return scope_for(user).contains(path)


def can_write(user, path: str) -> bool:
    scope = scope_for(user)
    return scope.can_write and scope.contains(path)
