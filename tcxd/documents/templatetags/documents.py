"""Template tags for the member pages: the document buttons of a dossier and of one of its events."""

from __future__ import annotations

from django import template
from django.urls import reverse

from tcxd.authz.models import Role
from tcxd.authz.scope import scope_for

from .. import selectors as S
from ..kinds import KIND_OF_EVENT, SPECS, DocumentKind

register = template.Library()


@register.simple_tag(takes_context=True)
def member_documents(context, member) -> dict:
    """What the dossier page offers: the decisions (with whether the member has a fitting event) for the roles that
    draft them, and whether the user manages the templates."""
    user = context["request"].user
    can_draft = S.can_draft(user)
    decisions = []
    if can_draft:
        kinds = S.member_event_kinds(member=member)
        for kind, label in DocumentKind.choices:
            url = reverse("documents:decision", args=[member.pk, kind])
            decisions.append({"kind": kind, "label": label, "url": url,
                              "available": bool(kinds & set(SPECS[kind].events))})
    scope = scope_for(user)
    return {"can_draft": can_draft, "decisions": decisions,
            "can_manage": scope.role == Role.ADMIN or (scope.role == Role.OFFICER and scope.can_write)}


@register.simple_tag
def event_documents(event) -> list[dict]:
    """The documents about one event: label and URL (the event chosen by ``?su-kien=``)."""
    kind = KIND_OF_EVENT.get(event.kind)
    if kind is None or event.voided_at:
        return []
    url = reverse("documents:decision", args=[event.member_id, kind])
    return [{"kind": kind, "label": SPECS[kind].short, "title": DocumentKind(kind).label,
             "url": f"{url}?su-kien={event.pk}"}]
