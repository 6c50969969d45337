"""Gunicorn settings of TCXD (``gunicorn --config deploy/gunicorn.conf.py``), read by tcxd-web.service.

Every value can be overridden from the environment file (/etc/tcxd/tcxd.env) with the GUNICORN_* variables
below; nothing here is a secret. Sizing notes are in docs/deployment.md ("Gunicorn").

- Worker model: ``sync`` workers behind nginx. nginx buffers the request body (uploads up to TCXD_IMPORT_MAX_MB)
  and the response, so a sync worker never waits on a slow client; one request per process gives a hard per-request
  timeout. Long work (imports, big exports, restructuring) runs in ``manage.py db_worker``, not here.
- ``workers``: 2 × cores + 1 (5 on a 2-core machine). Each holds at most one PostgreSQL connection
  (CONN_MAX_AGE), so PostgreSQL's max_connections is sized from this (deploy/postgresql/tcxd.conf).
- ``preload_app``: the app is imported once in the master, before forking: the workers share its memory pages
  and a broken release fails at start, not at the first request. Consequence: a code change needs
  ``systemctl restart tcxd-web`` (a HUP reload re-forks the same code).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOME = HERE.parent  # the release (the directory holding manage.py)


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value in {"1", "true", "yes", "on"}


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (a cgroup/cpuset limit included)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# --- Where and what --------------------------------------------------------------------------------------------
chdir = str(HOME)
raw_env = ["DJANGO_SETTINGS_MODULE=tcxd.settings"]
# The app behind a small WSGI wrapper that takes the client address from nginx's X-Real-IP (deploy/proxy_wsgi.py):
# the audit trail and the login throttling (django-axes) read REMOTE_ADDR, which behind nginx is 127.0.0.1.
# (on sys.path from here rather than through gunicorn's `pythonpath`, which `gunicorn --check-config` ignores)
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
wsgi_app = "proxy_wsgi:application"
# Loopback only: nginx is the one way in (TLS, upload limit, buffering). A second application server behind a
# separate nginx host would bind its LAN address and list nginx's address in FORWARDED_ALLOW_IPS/TCXD_TRUSTED_PROXIES.
bind = [b.strip() for b in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if b.strip()]
backlog = 2048
proc_name = "tcxd-web"

# --- Workers ---------------------------------------------------------------------------------------------------
workers = _int("GUNICORN_WORKERS", 2 * _cores() + 1)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = _int("GUNICORN_THREADS", 1)  # only for worker_class=gthread
preload_app = _bool("GUNICORN_PRELOAD", True)
# A worker is replaced after this many requests (± jitter, so they do not all restart at once): memory that
# Python's allocator keeps after a big page (a report, a PDF) goes back to the system.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# A request still running after `timeout` seconds has its worker killed and restarted (nginx answers 504 a little
# earlier, proxy_read_timeout). Pages are expected in well under a second; a national report page may take
# seconds; everything longer belongs in the background worker. PostgreSQL stops the statement of such a request
# by itself (statement_timeout below), so a killed worker leaves no query running.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)  # on stop/restart: requests in flight may finish
keepalive = _int("GUNICORN_KEEPALIVE", 5)  # gthread only; sync workers close each connection (nginx does keepalive)
# The heartbeat file on a memory file system: on a busy disk, fchmod() on /tmp can stall a worker.
worker_tmp_dir = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
# Long member-list filter URLs (saved searches) fit; nginx's large_client_header_buffers is 4 × 8k.
limit_request_line = 8190

# --- Proxy -----------------------------------------------------------------------------------------------------
# Who may set X-Forwarded-Proto (wsgi.url_scheme); Django itself trusts it through BEHIND_PROXY=1.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# --- Logs ------------------------------------------------------------------------------------------------------
# Errors to stderr (journald: `journalctl -u tcxd-web`). Access log: a file rotated by deploy/logrotate/tcxd
# (USR1 reopens it), or "-" for journald. %(h)s is the real client (proxy_wsgi), %(M)s the duration in ms,
# %({x-request-id}i)s nginx's request id, the same as in nginx's log line of the request.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "/var/log/tcxd/access.log") or None
access_log_format = '%(h)s - %(u)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s" rid=%({x-request-id}i)s'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# --- Control socket (gunicorn ≥ 25: `gunicornc`) -----------------------------------------------------------------
# In the service's RuntimeDirectory (/run/tcxd-web, mode 0600) when systemd gives one; otherwise none (it would
# go to $HOME/.gunicorn).
if os.environ.get("RUNTIME_DIRECTORY"):
    control_socket = os.path.join(os.environ["RUNTIME_DIRECTORY"].split(":")[0], "gunicorn.ctl")
else:
    control_socket_disable = True

# --- PostgreSQL limits of the web processes only ------------------------------------------------------------------
# statement_timeout for the connections of the web workers (not the background worker, whose tasks run long
# statements on purpose): a statement of a page can never outlive its request. Set
# GUNICORN_STATEMENT_TIMEOUT=0 to turn it off.
_statement_timeout = _int("GUNICORN_STATEMENT_TIMEOUT", max(timeout - 5, 1))
if _statement_timeout and os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://")):
    os.environ["PG_OPTIONS"] = f"{os.environ.get('PG_OPTIONS', '')} -c statement_timeout={_statement_timeout}s".strip()


# Before the workers are forked, the master fills the work lists' engine memo for the whole country (reads only;
# seconds at a province's scale, a minute or more at the national one): every worker, and every worker started
# later to replace a recycled one, begins with the answers instead of judging each member again on its first work
# list (~3–5 s). GUNICORN_WARM=0 turns it off.
warm = _bool("GUNICORN_WARM", True)


def when_ready(server) -> None:
    """With preload_app the master imported Django: it must hold no database connection the workers would
    inherit (none is opened at import; the warm-up opens one and this closes it)."""
    try:
        from django.db import connections
    except ImportError:
        return
    if warm and preload_app:
        import time

        started = time.monotonic()
        try:
            from tcxd.members.worklists import warm as warm_worklists

            held = warm_worklists()
            server.log.info("work lists warmed: %d answers in %.1f s", held, time.monotonic() - started)
        except Exception:  # a database not reachable yet: the workers start cold, and say why in the log
            server.log.exception("work lists not warmed")
    connections.close_all()
