from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tcxd.audit.services import audit_record

from .models import ApiToken

TOKEN_LIFETIME = dt.timedelta(days=30)


@transaction.atomic
def api_token_create(*, actor, user, name: str = "") -> tuple[str, ApiToken]:
    """A new bearer token for ``user``; the clear key is returned once and never stored."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, key_hash=ApiToken.hash_key(key), prefix=key[:8],
                                    name=name[:100], expires_at=timezone.now() + TOKEN_LIFETIME)
    audit_record(actor=actor, action="api_token.create", obj=token,
                 after={"user": user.pk, "prefix": token.prefix, "name": token.name},
                 org=user.org.path if user.org_id else "")
    return key, token


def api_token_user(*, key: str):
    token = (ApiToken.objects.select_related("user", "user__org")
             .filter(key_hash=ApiToken.hash_key(key)).first())
    if token is None or not token.is_valid() or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> None:
    token.revoked = True
    token.save(update_fields=["revoked"])
    audit_record(actor=actor, action="api_token.revoke", obj=token, before={"revoked": False},
                 after={"revoked": True})
