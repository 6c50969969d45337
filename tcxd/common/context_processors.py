from __future__ import annotations

from django.utils import timezone


def tcxd(request):
    user = getattr(request, "user", None)
    return {
        "today": timezone.localdate(),
        "current_role_label": user.get_role_display() if user and user.is_authenticated else "",
    }
