from __future__ import annotations

from django.conf import settings


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (assets are all local)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(response, "csp_override", None) or settings.CONTENT_SECURITY_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class DomainErrorMiddleware:
    """A service's 'not found' / 'permission denied' that a page did not catch becomes the 404 / 403
    page (never a stack trace). API errors are handled by the API's own exception handlers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from .errors import NotFound, PermissionDenied
        from .views import error_403, error_404

        if isinstance(exception, NotFound):
            return error_404(request)
        if isinstance(exception, PermissionDenied):
            return error_403(request)
        return None


class RejectNulMiddleware:
    """NUL characters cannot be stored in PostgreSQL text: refuse them up front with a clear message
    (400; JSON for the API) instead of failing deep inside a query."""

    MESSAGE = "Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL)."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"code": "invalid_characters", "message": self.MESSAGE}, status=400)
            from django.http import HttpResponseBadRequest

            return HttpResponseBadRequest(self.MESSAGE)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path:
            return True
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            return True
        if request.method in ("POST", "PUT", "PATCH"):
            if request.content_type == "multipart/form-data":
                # Uploaded files are binary (a JPEG holds NULs): only the typed fields and file names count.
                try:
                    fields = [v for values in request.POST.lists() for v in values[1]]
                    names = [f.name or "" for values in request.FILES.lists() for f in values[1]]
                except Exception:  # noqa: BLE001 - malformed multipart is Django's to refuse
                    return False
                return any("\x00" in text for text in [*fields, *names])
            try:
                body = request.body
            except Exception:  # noqa: BLE001 - unreadable bodies are Django's to refuse
                return False
            return b"\x00" in body or b"\\u0000" in body or b"%00" in body
        return False
