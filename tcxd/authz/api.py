from __future__ import annotations

import datetime as dt

from django.contrib.auth import authenticate
from ninja import Router, Schema, Status
from ninja.security import HttpBearer, SessionAuth

from tcxd.common.schemas import READ_ERRORS, ErrorOut

from . import services


class ApiKeyAuth(HttpBearer):
    """Authorization: Bearer <token>."""

    def authenticate(self, request, token):
        user = services.api_token_user(key=token)
        if user is not None:
            request.user = user
        return user


class SessionAuthCsrf(SessionAuth):
    """Web session (with CSRF on unsafe methods)."""


router = Router(tags=["Xác thực"])


class TokenIn(Schema):
    username: str
    password: str
    name: str = ""


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime | None


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    org_id: int | None
    org_name: str | None


@router.post("/token", auth=None,
             response={200: TokenOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
             summary="Đổi tên đăng nhập/mật khẩu lấy mã truy cập")
def token_create(request, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        return Status(401, {"code": "invalid_credentials", "message": "Tên đăng nhập hoặc mật khẩu không đúng."})
    key, token = services.api_token_create(actor=user, user=user, name=payload.name)
    return Status(200, {"token": key, "expires_at": token.expires_at})


@router.get("/me", response={200: MeOut, **READ_ERRORS}, summary="Người dùng hiện tại")
def me(request):
    user = request.auth
    return {"username": user.username, "full_name": user.full_name, "role": user.role,
            "role_label": user.get_role_display(), "org_id": user.org_id,
            "org_name": user.org.name if user.org_id else None}
