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
