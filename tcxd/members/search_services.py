"""Saved member-list filters: a user's own, never shared; the list still applies the user's scope."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.db import transaction

from tcxd.audit.services import audit_record
from tcxd.common.errors import NotFound, ValidationFailed

from .models import SavedSearch

ALLOWED_KEYS = {"q", "status", "sex", "ethnicity", "religion", "political_theory", "professional_level",
                "general_education", "born_from", "born_to", "admitted_year", "to_chuc", "age_band",
                "party_age_band", "occupation_group"}
MAX_PER_USER = 50


@transaction.atomic
def saved_search_create(*, actor, name: str, query: str) -> SavedSearch:
    name = (name or "").strip()
    params = [(k, v) for k, v in parse_qsl(query or "") if k in ALLOWED_KEYS and v]
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Đặt tên cho bộ lọc."]
    elif SavedSearch.objects.filter(user=actor, name=name).exists():
        errors["name"] = [f"Đã có bộ lọc tên “{name}”."]
    if not params:
        errors.setdefault("name", []).append("Chưa có điều kiện lọc nào để lưu.")
    if SavedSearch.objects.filter(user=actor).count() >= MAX_PER_USER:
        errors.setdefault("name", []).append(f"Mỗi người lưu tối đa {MAX_PER_USER} bộ lọc.")
    if errors:
        raise ValidationFailed(errors)
    saved = SavedSearch.objects.create(user=actor, name=name, query=urlencode(params))
    audit_record(actor=actor, action="saved_search.create", obj=saved, after={"name": name, "query": saved.query})
    return saved


@transaction.atomic
def saved_search_delete(*, actor, pk: int) -> None:
    saved = SavedSearch.objects.filter(user=actor, pk=pk).first()
    if saved is None:
        raise NotFound()
    audit_record(actor=actor, action="saved_search.delete", obj=saved, before={"name": saved.name,
                                                                               "query": saved.query})
    saved.delete()
