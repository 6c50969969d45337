"""TCXD's WSGI application as gunicorn serves it behind nginx (deploy/gunicorn.conf.py: ``wsgi_app``).

The app records the client address from ``REMOTE_ADDR`` (audit trail, login throttling). Behind nginx that is
nginx's own address, so this wrapper puts the address nginx saw (``X-Real-IP``, which nginx always overwrites) in
``REMOTE_ADDR`` — only when the connection comes from a trusted proxy (TCXD_TRUSTED_PROXIES, default the loopback
addresses) and BEHIND_PROXY=1. The proxy's address stays in ``tcxd.proxy_addr``. Anything else passes unchanged.
"""

from __future__ import annotations

import ipaddress
import os

from django.urls import get_resolver

from tcxd.wsgi import application as django_application

# Import every view, API router and form now (≈ 2 s): with gunicorn's preload_app this happens once in the master
# and the workers share it, instead of each worker's first request paying for it after every (re)start.
URL_PATTERNS = get_resolver().url_patterns


def _enabled() -> bool:
    return os.environ.get("BEHIND_PROXY", "").strip().lower() in {"1", "true", "yes", "on"}


def _networks(spec: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in spec.split(",") if item.strip())


ENABLED = _enabled()
TRUSTED = _networks(os.environ.get("TCXD_TRUSTED_PROXIES", "127.0.0.1,::1"))


def _trusted(addr: str) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return any(ip in net for net in TRUSTED)


def client_address(environ: dict) -> str | None:
    """The address nginx saw, or None when the request did not come through a trusted proxy."""
    if not ENABLED or not _trusted(environ.get("REMOTE_ADDR", "")):
        return None
    real = environ.get("HTTP_X_REAL_IP", "").strip()
    try:
        return str(ipaddress.ip_address(real))
    except ValueError:
        return None


def application(environ, start_response):
    real = client_address(environ)
    if real is not None:
        environ["tcxd.proxy_addr"] = environ.get("REMOTE_ADDR")
        environ["REMOTE_ADDR"] = real  # gunicorn's access log reads the same dict: it shows the client too
    return django_application(environ, start_response)
