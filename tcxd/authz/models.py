from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị hệ thống"
    OFFICER = "officer", "Chuyên viên Ban Tổ chức"
    LEADER = "leader", "Lãnh đạo (chỉ xem)"
    CELL = "cell", "Bí thư, chi ủy chi bộ"
    MEMBER = "member", "Đảng viên"


class User(AbstractUser):
    """A person who logs in. Belongs to one org; the role decides what they may do in its subtree."""

    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="thuộc tổ chức", null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class ApiToken(models.Model):
    """A bearer token for scripts. Only the SHA-256 of the key is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name="người dùng")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("tiền tố", max_length=8)
    name = models.CharField("tên", max_length=100, blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    expires_at = models.DateTimeField("hết hạn", null=True, blank=True)
    last_used_at = models.DateTimeField("dùng lần cuối", null=True, blank=True)
    revoked = models.BooleanField("đã thu hồi", default=False)

    class Meta:
        verbose_name = "mã truy cập API"
        verbose_name_plural = "mã truy cập API"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)

    def is_valid(self) -> bool:
        return not self.revoked and (self.expires_at is None or self.expires_at > timezone.now())
