"""What a locked-out client sees (django-axes): JSON for the API, the Vietnamese page for the web."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render

MESSAGE = "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút hoặc liên hệ quản trị hệ thống."


def lockout_response(request, original_response=None, credentials=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "too_many_attempts", "message": MESSAGE}, status=429)
    return render(request, "registration/locked.html", {"message": MESSAGE}, status=429)
