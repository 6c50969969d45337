"""Service-side guards: a write outside the actor's scope is 'not found'; inside it but with a
read-only role, 'permission denied'. Views and API call the same services, so both get this."""

from __future__ import annotations

from tcxd.common.errors import NotFound, PermissionDenied

from .scope import scope_for


def require_read(actor, path: str) -> None:
    if not scope_for(actor).contains(path):
        raise NotFound()


def require_write(actor, path: str) -> None:
    scope = scope_for(actor)
    if not scope.contains(path):
        raise NotFound()
    if not scope.can_write:
        raise PermissionDenied("Vai trò của bạn chỉ được xem, không được thay đổi dữ liệu.")


READ_ONLY_MESSAGE = "Vai trò của bạn chỉ được xem, không được thay đổi dữ liệu."


def require_write_role(actor) -> None:
    """Before showing a write form or taking a write request: a read-only role gets 403 (the record
    itself was already fetched through the scope, so out of scope is 404 before this is reached)."""
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

    if not scope_for(actor).can_write:
        raise DjangoPermissionDenied(READ_ONLY_MESSAGE)
