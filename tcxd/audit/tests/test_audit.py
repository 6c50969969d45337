from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from tcxd.audit.context import RequestContext, reset_context, set_context
from tcxd.audit.models import AuditEntry
from tcxd.audit.services import audit_record
from tcxd.orgs import services as S


def test_audit_row_records_who_when_where_and_what(tree):
    token = set_context(RequestContext(ip="10.0.0.5", user_agent="pytest", channel="web"))
    try:
        S.org_headcount_set(actor=tree.admin, org=tree.cell_a1, official=4, probationary=0)
    finally:
        reset_context(token)
    entry = AuditEntry.objects.get(action="org.headcount")
    assert entry.actor == tree.admin and entry.actor_name == "quantri"
    assert (entry.ip, entry.user_agent, entry.channel) == ("10.0.0.5", "pytest", "web")
    assert entry.before == {"official": 0, "probationary": 0}
    assert entry.after == {"official": 4, "probationary": 0}
    assert entry.org_path == tree.cell_a1.path
    assert entry.changes() == [("official", 0, 4)]


def test_sensitive_fields_are_masked(tree):
    entry = audit_record(actor=tree.admin, action="test", obj=tree.cell_a1,
                         after={"cccd": "001099000123", "name": "x"})
    assert entry.after == {"cccd": "***", "name": "x"}


def test_audit_trail_cannot_be_edited_through_the_admin(tree):
    model_admin = site._registry[AuditEntry]
    request = RequestFactory().get("/")
    request.user = tree.admin
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.mark.django_db
def test_system_actor_is_named(tree):
    entry = audit_record(actor=None, action="system.test", obj=tree.root)
    assert entry.actor is None and entry.actor_name == "hệ thống"
