"""Fixtures for the rules tests: fresh caches per test and two users for service tests."""

from __future__ import annotations

import pytest

from tcxd.rules.selectors import rules_cache_clear


@pytest.fixture(autouse=True)
def _fresh_rule_caches():
    rules_cache_clear()
    yield
    rules_cache_clear()


@pytest.fixture
def rules_admin(django_user_model):
    return django_user_model.objects.create_superuser(username="qt_quydinh", password="matkhau-Rat-Manh-2026")


@pytest.fixture
def plain_user(django_user_model):
    return django_user_model.objects.create_user(username="dv_thuong", password="matkhau-Rat-Manh-2026")
