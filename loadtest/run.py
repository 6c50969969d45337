#!/usr/bin/env python
"""Bounded load test of TCXD on loopback, from one command (``make loadtest``), stopping by itself.

1. the dataset database: created if missing (PostgreSQL), migrated, the benchmark dataset generated if empty
   (``--size``, default M: Hà Nội, ~200 000 members);
2. the officers: one province officer account and several commune officer accounts (``bench-load-*``, a fresh
   random password each run, made unusable again at the end), the orgs of each, names sampled from the members
   of each one's scope (what the officers type: folded prefixes and whole names);
3. gunicorn (DEBUG=0 HTTPS=0, 127.0.0.1 on a free port; ``deploy/gunicorn.conf.py`` when it exists, else
   2 × cores + 1 sync workers) and ``manage.py db_worker`` (the imports' check runs there);
4. locust headless (``loadtest/locustfile.py``): ``--users`` users, ramp ``--spawn-rate``/s, for ``--duration``;
5. everything stopped (also on Ctrl-C or an error), the import batches of the run deleted;
6. results: per page type count, median, p95, p99, max, errors; overall p95; the goal (p95 ≤ ``--goal-ms``,
   0 errors) as PASS/FAIL; a latency chart. Into ``--out`` (default docs/perf): loadtest.json, loadtest.csv,
   loadtest-latency.png. The run's own files (every request, locust's CSV and HTML report, server logs) stay in
   var/loadtest/<time>/.

Exit code: 0 PASS, 1 FAIL (goal missed), 2 the run itself could not be done.

Options also from the environment: LOADTEST_SIZE, LOADTEST_USERS, LOADTEST_DURATION, LOADTEST_DATABASE_URL.
``--smoke``: 5 users for 20 s, every page type requested at least once (each user first tours its tasks).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
USER_PREFIX = "bench-load-"  # the dataset's --replace detaches bench-* accounts from their orgs
GOAL_MS = 300
BUCKET_S = 10  # the chart's time buckets
DEPLOY_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
PG_CONFIG = ROOT / "deploy" / "postgresql" / "tcxd.conf"
# Settings of the deployment's postgresql.conf that a session may set itself: the run's connections get them
# (the planner costs decide between an index and a full scan). shared_buffers needs a server restart: not applied.
PG_SESSION_SETTINGS = ("random_page_cost", "effective_io_concurrency", "effective_cache_size", "work_mem",
                       "max_parallel_workers_per_gather", "jit")


def log(message: str) -> None:
    print(f"[loadtest {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_duration(text: str) -> int:
    """'5m', '20s', '1h', '90' → seconds."""
    match = re.fullmatch(r"\s*(\d+)\s*([smh]?)\s*", str(text))
    if not match:
        raise argparse.ArgumentTypeError(f"duration {text!r}: use e.g. 300, 20s, 5m")
    return int(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    env = os.environ.get
    p = argparse.ArgumentParser(description="TCXD load test on loopback (locust + gunicorn), stops by itself.")
    p.add_argument("--size", default=env("LOADTEST_SIZE", "M"), type=str.upper,
                   help="benchmark dataset size (S, M, L; XS for the tests), default M")
    p.add_argument("--database-url", default=env("LOADTEST_DATABASE_URL"),
                   help="default postgres://postgres:postgres@127.0.0.1:5432/tcxd_bench_<size>")
    p.add_argument("--users", type=int, default=None, help="concurrent users (default 50; smoke 5)")
    p.add_argument("--spawn-rate", type=float, default=None,
                   help="users started per second (default 1: officers arrive over 50 s, one login a second)")
    p.add_argument("--duration", type=parse_duration, default=None, help="e.g. 5m (default; smoke 20s)")
    p.add_argument("--wait", default=env("LOADTEST_WAIT", "2,6"),
                   help="think time between two tasks of a user, 'min,max' seconds (default 2,6)")
    p.add_argument("--communes", type=int, default=10, help="commune officer accounts (default 10)")
    p.add_argument("--importers", type=int, default=None, help="users who import now and then (default 2)")
    p.add_argument("--workers", type=int, default=None,
                   help="gunicorn workers (default: the deploy config's, else 2 × cores + 1)")
    p.add_argument("--goal-ms", type=float, default=GOAL_MS, help="p95 goal in ms (default 300)")
    p.add_argument("--out", type=Path, default=None, help="results folder (default docs/perf; smoke var/loadtest)")
    p.add_argument("--work", type=Path, default=None, help="the run's own files (default var/loadtest/<time>)")
    p.add_argument("--quiet-load", type=float, default=None,
                   help="wait before starting until the 1-minute load average is below this (default 1.0; smoke: "
                        "no wait)")
    p.add_argument("--quiet-wait", type=parse_duration, default=parse_duration("20m"),
                   help="longest wait for a quiet machine, then run anyway and say so (default 20m)")
    p.add_argument("--no-pg-deploy-settings", dest="pg_deploy_settings", action="store_false",
                   help="do not give the run's PostgreSQL connections the session settings of "
                        "deploy/postgresql/tcxd.conf (planner costs, work_mem, parallel workers)")
    p.add_argument("--smoke", action="store_true", help="5 users, 20 s, every page type at least once")
    p.add_argument("--test-settings", action="store_true",
                   help="serve with the test suite's settings (fast password hasher, static files without "
                        "collectstatic): for the automated smoke test only")
    args = p.parse_args(argv)
    smoke = args.smoke
    args.users = args.users or int(env("LOADTEST_USERS", "5" if smoke else "50"))
    args.spawn_rate = args.spawn_rate or (args.users if smoke else 1.0)
    args.duration = args.duration or parse_duration(env("LOADTEST_DURATION", "20s" if smoke else "5m"))
    args.importers = args.importers if args.importers is not None else (1 if smoke else 2)
    args.quiet_load = args.quiet_load if args.quiet_load is not None else (0 if smoke else 1.0)
    args.database_url = args.database_url or \
        f"postgres://postgres:postgres@127.0.0.1:5432/tcxd_bench_{args.size.lower()}"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    args.work = (args.work or ROOT / "var" / "loadtest" / stamp).resolve()
    args.out = (args.out or (ROOT / "var" / "loadtest" if smoke else ROOT / "docs" / "perf")).resolve()
    return args


# -- the environment of every process of the run -----------------------------------------------------------------------
def server_env(args: argparse.Namespace) -> dict[str, str]:
    drop = {"TCXD_TESTING", "TASKS_IMMEDIATE", "PYTEST_XDIST_WORKER", "PYTEST_CURRENT_TEST", "AXES_ENABLED",
            "DJANGO_ALLOW_ASYNC_UNSAFE", "GUNICORN_CMD_ARGS", "PG_OPTIONS", "CONN_MAX_AGE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update({
        "DJANGO_SETTINGS_MODULE": "tcxd.settings", "DEBUG": "0", "HTTPS": "0",
        "SECRET_KEY": secrets.token_urlsafe(48), "DATABASE_URL": args.database_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "WARNING",
        # the run's own files: progress of the background check, sessions on SQLite, uploads, exports
        "PROGRESS_DIR": str(args.work / "progress"), "SESSION_DIR": str(args.work / "sessions"),
        "MEDIA_ROOT": str(args.work / "media"), "EXPORT_DIR": str(args.work / "exports"),
        "PYTHONUNBUFFERED": "1",
    })
    if args.test_settings:
        env.update({"TCXD_TESTING": "1", "TASKS_IMMEDIATE": "0"})  # the check still goes to db_worker
    if args.database_url.startswith(("postgres://", "postgresql://")) and args.pg_deploy_settings:
        settings = deploy_pg_settings()
        if settings:
            env["PG_OPTIONS"] = " ".join(f"-c {k}={v}" for k, v in settings.items())
    return env


def deploy_pg_settings() -> dict[str, str]:
    """The session-settable values of deploy/postgresql/tcxd.conf (the reference machine's PostgreSQL), if any."""
    if not PG_CONFIG.exists():
        return {}
    found = {}
    for line in PG_CONFIG.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\s*(\w+)\s*=\s*'?([\w.]+)'?\s*(#.*)?$", line)
        if match and match.group(1) in PG_SESSION_SETTINGS:
            found[match.group(1)] = match.group(2)
    return found


# -- database and dataset ---------------------------------------------------------------------------------------------
def ensure_database(url: str) -> None:
    """Create the PostgreSQL database if it does not exist (SQLite: the file is created by migrate)."""
    import dj_database_url

    cfg = dj_database_url.parse(url)
    if cfg["ENGINE"] != "django.db.backends.postgresql":
        Path(cfg["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg
    from psycopg import sql

    params = {"host": cfg.get("HOST") or "127.0.0.1", "port": cfg.get("PORT") or 5432,
              "user": cfg.get("USER") or "postgres", "password": cfg.get("PASSWORD") or None, "dbname": "postgres"}
    with psycopg.connect(**{k: v for k, v in params.items() if v is not None}, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone() is None:
            log(f"creating database {cfg['NAME']}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))


def prepare_dataset(size: str) -> dict[str, str]:
    from django.core.management import call_command

    from tcxd.bench.dataset import dataset_info, dataset_marker
    from tcxd.orgs.models import Org

    log("migrate")
    call_command("migrate", interactive=False, verbosity=0)
    marker = dataset_marker()
    if marker is None:
        if Org.objects.exists():
            raise SystemExit("The database holds orgs but no benchmark dataset: use another --database-url.")
        log(f"generating the {size} dataset (M takes minutes)")
        call_command("generate_dataset", size=size, verbosity=1)
    elif marker[0] != size:
        raise SystemExit(f"The database holds the {marker[0]} dataset, not {size}: use --size {marker[0]} or "
                         "another --database-url.")
    return dataset_info()


def static_files(test_settings: bool) -> None:
    """collectstatic when the manifest is missing or older than a static source (it compresses every file: ~1 min)."""
    if test_settings:
        return
    from django.conf import settings
    from django.core.management import call_command

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    newest = max((p.stat().st_mtime for d in settings.STATICFILES_DIRS for p in Path(d).rglob("*") if p.is_file()),
                 default=0)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        log("collectstatic (about a minute)")
        call_command("collectstatic", interactive=False, verbosity=0)


# -- the officers and what they type ----------------------------------------------------------------------------------
def search_terms(full_names: list[str], rng: random.Random) -> list[str]:
    """What an officer types to find these members: the whole name (folded or as written), a folded prefix of it
    (surname, middle name, first letters of the given name), or the given name alone with its accents."""
    from tcxd.common.text import fold

    terms = []
    for name in full_names:
        words = name.split()
        if len(words) < 2:
            continue
        kind = rng.random()
        if kind < 0.3:
            terms.append(fold(name))
        elif kind < 0.45:
            terms.append(name)
        elif kind < 0.75 and len(words) >= 3:
            terms.append(fold(" ".join(words[:-1]) + " " + words[-1][:rng.randint(1, 2)]))
        elif kind < 0.9:
            terms.append(fold(words[0] + " " + words[1][:rng.randint(1, 3)]))
        else:
            terms.append(words[-1])
    return terms


def prepare_officers(args: argparse.Namespace, password: str) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from tcxd.authz.models import User
    from tcxd.bench.suites.members import ACTIVE, bench_officer
    from tcxd.bench.suites.orgs import biggest_province
    from tcxd.common.paths import path_range
    from tcxd.members.models import Member
    from tcxd.orgs.kinds import CELL_KINDS, OrgKind, OrgStatus
    from tcxd.orgs.models import Org
    from tcxd.reports.models import FormKind, ReportForm

    rng = random.Random(2025)
    province = biggest_province()

    def within(org):
        low, high = path_range(org.path)
        return {"path__gte": low, "path__lt": high}

    def names(org, n: int = 80) -> list[str]:
        low, high = path_range(org.path)
        rows = (Member.objects.filter(org__path__gte=low, org__path__lt=high, status__in=[s.value for s in ACTIVE])
                .order_by("?").values_list("full_name", flat=True)[:n])
        return search_terms(list(rows), rng)

    def cells(org, n: int = 30) -> list[Org]:
        return list(Org.objects.filter(**within(org), kind__in=CELL_KINDS, status=OrgStatus.ACTIVE).order_by("?")[:n])

    hashed = make_password(password)  # one hash for every account: the login still verifies it (argon2)

    def account(org, username: str, full_name: str) -> dict:
        user = bench_officer(org, username, full_name)
        User.objects.filter(pk=user.pk).update(password=hashed)
        picked = cells(org)
        return {"username": username, "org": org.pk, "code": org.code, "cells": [c.pk for c in picked],
                "cell_codes": [c.code for c in picked], "names": names(org)}

    communes = list(Org.objects.filter(**within(province), kind=OrgKind.COMMUNE, status=OrgStatus.ACTIVE)
                    .order_by("path"))
    step = max(1, len(communes) // max(1, args.communes))
    chosen = [c for c in communes[::step] if Org.objects.filter(**within(c), kind__in=CELL_KINDS).exists()]
    chosen = chosen[:args.communes]
    plan_communes = [account(c, f"{USER_PREFIX}commune-{i:02d}", f"Chuyên viên xã {i} (đo tải)")
                     for i, c in enumerate(chosen, 1)]
    plan_province = account(province, f"{USER_PREFIX}province", "Chuyên viên tỉnh (đo tải)")
    plan_province["communes"] = [c.pk for c in communes]
    today = timezone.localdate()
    forms = list(ReportForm.objects.filter(kind__in=[FormKind.MEMBERS, FormKind.ORGANIZATIONS])
                 .order_by("code").values_list("code", flat=True))
    return {"password": password, "today": today.isoformat(), "past_day": f"31/12/{today.year - 1}",
            "forms": forms, "provinces": [plan_province], "communes": plan_communes}


def retire_officers() -> None:
    """After the run: the accounts cannot log in any more; the run's import batches are deleted."""
    from django.contrib.auth.hashers import make_password

    from tcxd.authz.models import User
    from tcxd.imports.models import ImportBatch

    try:
        n, _ = ImportBatch.objects.filter(actor__username__startswith=USER_PREFIX).delete()
        log(f"deleted the run's import batches ({n} rows)")
    except Exception as exc:  # noqa: BLE001 — the results matter more than this cleanup
        log(f"could not delete the run's import batches: {exc}")
    User.objects.filter(username__startswith=USER_PREFIX).update(password=make_password(None))


# -- processes --------------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """Child processes, each in its own session, stopped (TERM, then KILL) in reverse order."""

    def __init__(self) -> None:
        self.children: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, cmd: list[str], env: dict, logfile: Path) -> subprocess.Popen:
        out = open(logfile, "ab")
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        out.close()
        self.children.append((name, proc))
        log(f"started {name} (pid {proc.pid})")
        return proc

    def stop(self, timeout: float = 15) -> None:
        for name, proc in reversed(self.children):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    log(f"{name} did not stop in {timeout:.0f} s: killed")
                    try:
                        os.killpg(proc.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    proc.wait(5)
                log(f"stopped {name}")
        self.children.clear()


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} not ready after {timeout:.0f} s")


def gunicorn_cmd(args: argparse.Namespace, port: int) -> tuple[list[str], str]:
    cmd = [str(VENV_BIN / "gunicorn")]
    if DEPLOY_CONFIG.exists():
        cmd += ["-c", str(DEPLOY_CONFIG)]
        how = f"{DEPLOY_CONFIG.relative_to(ROOT)}"
    else:
        cmd += ["--worker-class", "sync", "--timeout", "60", "--graceful-timeout", "10"]
        how = "explicit options (no deploy/gunicorn.conf.py)"
    workers = args.workers or (None if DEPLOY_CONFIG.exists() else 2 * (os.cpu_count() or 1) + 1)
    if workers:
        cmd += ["--workers", str(workers)]
    cmd += ["--bind", f"127.0.0.1:{port}", "--pid", str(args.work / "gunicorn.pid"),
            "--access-logfile", str(args.work / "access.log"), "--error-logfile", str(args.work / "gunicorn.log"),
            "--access-logformat", '%(t)s "%(r)s" %(s)s %(b)s %(D)s']
    if not DEPLOY_CONFIG.exists():
        cmd.append("tcxd.wsgi:application")  # else the config's wsgi_app
    return cmd, how


def warm_up(base: str, plan: dict, workers: int) -> float:
    """Every page type, 2 × workers times at once, for a province and a commune officer, before the measured run:
    each gunicorn worker imports the views and fills its per-process caches as a running server's workers have
    (a worker recycled during the run by max_requests starts cold again, and that is measured). Seconds taken."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    start = time.monotonic()
    tasks = []
    for account in (plan["provinces"][0], plan["communes"][0]):
        session = requests.Session()
        page = session.get(f"{base}/dang-nhap/", timeout=120)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        session.post(f"{base}/dang-nhap/", timeout=120, data={
            "csrfmiddlewaretoken": token, "username": account["username"], "password": plan["password"]})
        cell = account["cells"][0] if account["cells"] else account["org"]
        urls = ["/", "/dang-vien/tong-hop/", f"/dang-vien/?q={account['names'][0]}", f"/dang-vien/?to_chuc={cell}",
                f"/to-chuc/{account['org']}/", f"/to-chuc/{cell}/", "/viec-can-lam/", f"/dang-phi/to-chuc/{cell}/",
                "/nhap-du-lieu/", f"/bao-cao/bieu-thong-ke/?bieu={plan['forms'][0]}&to_chuc={account['org']}"]
        tasks += [(session, base + u) for u in urls]

    def fetch(job):
        session, url = job
        try:
            session.get(url, timeout=120)
        except requests.RequestException:
            pass

    with ThreadPoolExecutor(2 * workers) as pool:
        list(pool.map(fetch, [t for t in tasks for _ in range(2 * workers)]))
    return time.monotonic() - start


# -- machine --------------------------------------------------------------------------------------------------------
def _cpu_times() -> dict[int, tuple[str, float]]:
    """pid → (command name, CPU seconds so far) of every process, with those of its ended children that it waited
    for (a gunicorn worker recycled by max_requests counts in its master)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                data = fh.read()
        except OSError:
            continue
        name = data[data.index("(") + 1:data.rindex(")")]
        fields = data[data.rindex(")") + 2:].split()
        out[int(entry.name)] = (name, sum(int(f) for f in fields[11:15]) / tick)
    return out


def _machine_busy() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far (/proc/stat: all but idle and iowait)."""
    with open("/proc/stat") as fh:
        ticks = [int(x) for x in fh.readline().split()[1:]]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    return sum(ticks[:8]) - idle, sum(ticks[:8])


def _children_cpu() -> float:
    """CPU seconds of the child processes that have ended and been waited for (locust, once it stopped)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _descendants(roots: set[int]) -> set[int]:
    parents = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as fh:
                    data = fh.read()
                parents[int(entry.name)] = int(data[data.rindex(")") + 2:].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    found = set(roots)
    changed = True
    while changed:
        changed = False
        for pid, ppid in parents.items():
            if ppid in found and pid not in found:
                found.add(pid)
                changed = True
    return found


class Machine:
    """The 1-minute load average every 5 s during the run; the CPU (in cores, averaged over the run) used by the
    run's processes (gunicorn, db_worker, locust, the PostgreSQL backends of the run's database) and by the other
    processes of the machine alive at the end."""

    def __init__(self) -> None:
        self.loads: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._cpu0: dict[int, tuple[str, float]] = {}
        self.foreign_cpu: dict[str, float] = {}
        self.own_cpu: dict[str, float] = {}
        self.machine_busy: float | None = None  # cores busy on average, every process (also the ones that ended)

    def _sample(self) -> None:
        while not self._stop.wait(5):
            self.loads.append((time.time(), os.getloadavg()[0]))

    def start(self) -> None:
        self._cpu0 = _cpu_times()
        self._busy0 = _machine_busy()
        self._thread.start()

    def stop(self, ours: set[int], seconds: float) -> None:
        self._stop.set()
        cpu1 = _cpu_times()
        mine = _descendants(ours | {os.getpid()})
        used: dict[str, float] = {}
        own: dict[str, float] = {}
        cpu1[os.getpid()] = self._cpu0.get(os.getpid(), ("python", 0.0))  # its children: locust, counted apart
        for pid, (name, total) in cpu1.items():
            before = self._cpu0.get(pid, (name, 0.0))[1]
            if total - before > 0:
                into = own if pid in mine else used
                into[name] = into.get(name, 0.0) + total - before
        self.own_cpu = {k: round(v / seconds, 3) for k, v in sorted(own.items(), key=lambda kv: -kv[1])}
        busy, total = (b - a for a, b in zip(self._busy0, _machine_busy(), strict=True))
        self.machine_busy = round((os.cpu_count() or 1) * busy / total, 2) if total else None
        self.foreign_cpu = {k: round(v / seconds, 3) for k, v in sorted(used.items(), key=lambda kv: -kv[1])[:8]}


def database_backends() -> set[int]:
    """The PostgreSQL server processes connected to the run's database now (its web workers' and worker's
    connections): their CPU is the run's, not another load's."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return set()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid()")
            return {row[0] for row in cursor.fetchall()}
    except Exception:  # noqa: BLE001 — only for the report on the machine's other load
        return set()
    finally:
        connection.close()


def wait_quiet(limit: float, longest: int) -> list[float]:
    """Wait until the 1-minute load average is below ``limit`` (at most ``longest`` s); the averages seen."""
    seen = [round(os.getloadavg()[0], 2)]
    if limit <= 0:
        return seen
    deadline = time.monotonic() + longest
    while seen[-1] >= limit and time.monotonic() < deadline:
        log(f"machine busy (load average {seen[-1]:.2f} ≥ {limit}): waiting")
        time.sleep(30)
        seen.append(round(os.getloadavg()[0], 2))
    if seen[-1] >= limit:
        log(f"still busy after {longest // 60} min (load {seen[-1]:.2f}): running anyway")
    return seen


def machine_info() -> dict:
    model = ""
    try:
        model = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "")
        mem_kb = next(int(ln.split()[1]) for ln in open("/proc/meminfo") if ln.startswith("MemTotal"))
    except (OSError, StopIteration):
        mem_kb = 0
    return {"cores": os.cpu_count(), "cpu": model, "memory_gb": round(mem_kb / 2**20, 1),
            "python": platform.python_version(), "system": platform.platform()}


def database_info() -> dict:
    from django.db import connection

    from tcxd.members.models import Member

    info = {"vendor": connection.vendor, "name": str(connection.settings_dict["NAME"]),
            "members": Member.objects.count()}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            info["version"] = cursor.fetchone()[0]
    return info


# -- results ----------------------------------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """Nearest rank, as tcxd.bench.runner.p95."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else 0.0


def read_raw(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["t"], r["ms"] = float(r["t"]), float(r["ms"])
        codes = [int(c) for c in r["status"].split("/") if c.isdigit()]
        r["failed"] = bool(r["error"]) or not codes or any(not 200 <= c < 400 for c in codes)
    return rows


def summarize(rows: list[dict], goal_ms: float) -> dict:
    def stats(sample: list[dict]) -> dict:
        ms = [r["ms"] for r in sample]
        return {"requests": len(ms), "errors": sum(r["failed"] for r in sample),
                "p50_ms": round(percentile(ms, 0.5), 1), "p95_ms": round(percentile(ms, 0.95), 1),
                "p99_ms": round(percentile(ms, 0.99), 1), "max_ms": round(max(ms, default=0), 1),
                "mean_ms": round(sum(ms) / len(ms), 1) if ms else 0.0}

    by_name: dict[str, list[dict]] = {}
    for r in rows:
        by_name.setdefault(r["name"], []).append(r)
    start = min((r["t"] - r["ms"] / 1000 for r in rows), default=0.0)
    end = max((r["t"] for r in rows), default=0.0)
    overall = stats(rows)
    overall["seconds"] = round(end - start, 1)
    overall["requests_per_s"] = round(len(rows) / (end - start), 2) if end > start else 0.0
    endpoints = {name: stats(sample) for name, sample in sorted(by_name.items())}
    timeline = []
    buckets: dict[int, list[dict]] = {}
    for r in rows:
        buckets.setdefault(int((r["t"] - start) // BUCKET_S), []).append(r)
    for b in sorted(buckets):
        ms = [r["ms"] for r in buckets[b]]
        timeline.append({"t_s": (b + 1) * BUCKET_S, "requests": len(ms), "errors": sum(r["failed"] for r in buckets[b]),
                         "p50_ms": round(percentile(ms, 0.5), 1), "p95_ms": round(percentile(ms, 0.95), 1)})
    errors = [{"name": r["name"], "status": r["status"], "error": r["error"]} for r in rows if r["failed"]][:50]
    passed = bool(rows) and overall["p95_ms"] <= goal_ms and overall["errors"] == 0
    return {"overall": overall, "endpoints": endpoints, "timeline": timeline, "errors_sample": errors,
            "goal": {"p95_ms": goal_ms, "errors": 0}, "verdict": "PASS" if passed else "FAIL", "start": start}


def write_csv(path: Path, summary: dict) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["page", "requests", "errors", "p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms"])
        for name, s in [*summary["endpoints"].items(), ("(all)", summary["overall"])]:
            w.writerow([name, s["requests"], s["errors"], s["p50_ms"], s["p95_ms"], s["p99_ms"], s["max_ms"],
                        s["mean_ms"]])


def chart(path: Path, summary: dict, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    goal = summary["goal"]["p95_ms"]
    endpoints = sorted(summary["endpoints"].items(), key=lambda kv: kv[1]["p95_ms"])
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 5 + 0.28 * len(endpoints)),
                                      gridspec_kw={"height_ratios": [3, max(3, 0.28 * len(endpoints))]})
    tl = summary["timeline"]
    xs = [p["t_s"] for p in tl]
    top.plot(xs, [p["p50_ms"] for p in tl], label="p50", color="tab:blue")
    top.plot(xs, [p["p95_ms"] for p in tl], label="p95", color="tab:orange")
    top.axhline(goal, color="tab:red", linestyle="--", linewidth=1, label=f"goal p95 ≤ {goal:.0f} ms")
    top.set_xlabel(f"seconds since start ({BUCKET_S}-s buckets)")
    top.set_ylabel("latency (ms)")
    top.set_ylim(bottom=0)
    rate = top.twinx()
    rate.bar(xs, [p["requests"] / BUCKET_S for p in tl], width=BUCKET_S * 0.8, color="grey", alpha=0.2,
             label="requests/s")
    rate.set_ylabel("requests/s")
    top.set_zorder(rate.get_zorder() + 1)
    top.patch.set_visible(False)
    lines, labels = top.get_legend_handles_labels()
    lines2, labels2 = rate.get_legend_handles_labels()
    top.legend(lines + lines2, labels + labels2, loc="upper left", fontsize=8)
    o = summary["overall"]
    top.set_title(f"{title}\noverall p50 {o['p50_ms']:.0f} ms, p95 {o['p95_ms']:.0f} ms, "
                  f"{o['requests_per_s']:.1f} req/s, {o['errors']} errors — {summary['verdict']}", fontsize=10)
    names = [n for n, _ in endpoints]
    ys = range(len(names))
    bottom.barh([y + 0.2 for y in ys], [s["p95_ms"] for _, s in endpoints], height=0.4, color="tab:orange",
                label="p95")
    bottom.barh([y - 0.2 for y in ys], [s["p50_ms"] for _, s in endpoints], height=0.4, color="tab:blue",
                label="p50")
    bottom.axvline(goal, color="tab:red", linestyle="--", linewidth=1)
    bottom.set_yticks(list(ys), [f"{n} ({s['requests']})" for n, s in endpoints], fontsize=8)
    bottom.set_xlabel("latency per page type (ms; requests in brackets)")
    bottom.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def print_table(summary: dict) -> None:
    print(f"{'page':<42} {'reqs':>6} {'err':>4} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}")
    for name, s in [*summary["endpoints"].items(), ("(all)", summary["overall"])]:
        print(f"{name:<42} {s['requests']:>6} {s['errors']:>4} {s['p50_ms']:>7.0f} {s['p95_ms']:>7.0f} "
              f"{s['p99_ms']:>7.0f} {s['max_ms']:>7.0f}")
    o, g = summary["overall"], summary["goal"]
    print(f"overall p95 {o['p95_ms']:.0f} ms (goal ≤ {g['p95_ms']:.0f}), {o['errors']} errors, "
          f"{o['requests_per_s']:.1f} requests/s over {o['seconds']:.0f} s: {summary['verdict']}")


# -- the run ----------------------------------------------------------------------------------------------------------
def _terminate(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    for sub in ("progress", "sessions", "media", "exports"):
        (args.work / sub).mkdir(exist_ok=True)
    env = server_env(args)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    signal.signal(signal.SIGTERM, _terminate)
    if not (VENV_BIN / "gunicorn").exists():
        log("gunicorn is not installed in this environment (pip install gunicorn)")
        return 2
    log(f"work folder {args.work}")
    ensure_database(args.database_url)
    import django

    django.setup()
    from django.db import connections

    dataset = prepare_dataset(args.size)
    static_files(args.test_settings)
    plan = prepare_officers(args, secrets.token_urlsafe(18))
    plan_path = args.work / "plan.json"
    plan_path.write_text(json.dumps(plan, ensure_ascii=False, indent=1), encoding="utf-8")
    plan_path.chmod(0o600)
    db = database_info()
    connections.close_all()
    log(f"dataset {dataset.get('size', '?')} ({db['members']:,} members, {db['vendor']}); "
        f"{len(plan['communes'])} commune officers, 1 province officer")

    loads_before = wait_quiet(args.quiet_load, args.quiet_wait)
    procs = Processes()
    machine = Machine()
    port = free_port()
    raw = args.work / "requests.csv"
    locust_rc = None
    warmup_s = 0.0
    started = time.time()
    try:
        cmd, how = gunicorn_cmd(args, port)
        server = procs.start("gunicorn", cmd, env, args.work / "gunicorn.out")
        procs.start("db_worker", [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.5"], env,
                    args.work / "db_worker.log")
        wait_ready(f"http://127.0.0.1:{port}/dang-nhap/", server)
        log(f"gunicorn ready on 127.0.0.1:{port} ({how}); warming its workers up")
        warmup_s = warm_up(f"http://127.0.0.1:{port}", plan, args.workers or 2 * (os.cpu_count() or 1) + 1)
        log(f"warm-up took {warmup_s:.0f} s")
        locust_env = {**env, "LOADTEST_PLAN": str(plan_path), "LOADTEST_RAW": str(raw), "LOADTEST_WAIT": args.wait,
                      "LOADTEST_TOUR": "1" if args.smoke else "0", "LOADTEST_IMPORTERS": str(args.importers),
                      **({"LOADTEST_PROVINCE_USERS": "1"} if args.smoke else {})}
        locust_cmd = [str(VENV_BIN / "locust"), "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
                      "--host", f"http://127.0.0.1:{port}", "-u", str(args.users), "-r", str(args.spawn_rate),
                      "-t", f"{args.duration}s", "--stop-timeout", "10", "--csv", str(args.work / "locust"),
                      "--csv-full-history", "--html", str(args.work / "locust.html"), "--only-summary",
                      "--loglevel", "WARNING", "--exit-code-on-error", "0"]
        log(f"locust: {args.users} users, ramp {args.spawn_rate:g}/s, {args.duration} s, think time {args.wait} s")
        machine.start()
        children_cpu = _children_cpu()
        started = time.time()
        locust = procs.start("locust", locust_cmd, locust_env, args.work / "locust.log")
        try:
            locust_rc = locust.wait(args.duration + 90)  # its own -t stops it; this is the backstop
        except subprocess.TimeoutExpired:
            log("locust did not stop by itself: stopping it")
        machine.stop({p.pid for _, p in procs.children} | database_backends(), max(1.0, time.time() - started))
        machine.own_cpu["locust"] = round((_children_cpu() - children_cpu) / max(1.0, time.time() - started), 3)
    except KeyboardInterrupt:
        log("interrupted: stopping everything")
        procs.stop()
        return 2
    finally:
        procs.stop()
        try:
            retire_officers()
        finally:
            connections.close_all()
            shutil.rmtree(args.work / "media", ignore_errors=True)
            plan_path.unlink(missing_ok=True)
    if not raw.exists() or raw.stat().st_size == 0:
        log("no request was logged")
        return 2
    rows = read_raw(raw)
    summary = summarize(rows, args.goal_ms)
    summary.update({
        "when": dt.datetime.fromtimestamp(started).astimezone().isoformat(timespec="seconds"),
        "config": {"users": args.users, "spawn_rate": args.spawn_rate, "duration_s": args.duration,
                   "think_time_s": args.wait, "importers": args.importers, "commune_accounts": len(plan["communes"]),
                   "gunicorn": how, "workers": args.workers or ("deploy config" if DEPLOY_CONFIG.exists()
                                                              else 2 * (os.cpu_count() or 1) + 1),
                   "smoke": args.smoke, "locust_exit": locust_rc, "warm_up_s": round(warmup_s, 1),
                   "pg_options": env.get("PG_OPTIONS", "")},
        "dataset": {**dataset, **db}, "machine": machine_info(),
        "load": {"before": loads_before, "during_max": max((v for _, v in machine.loads), default=None),
                 "during": [round(v, 2) for _, v in machine.loads],
                 "machine_busy_cores": machine.machine_busy, "run_cpu_cores": machine.own_cpu,
                 "run_cpu_ms_per_request": round(1000 * sum(machine.own_cpu.values()) * summary["overall"]["seconds"]
                                                 / max(1, summary["overall"]["requests"]), 1),
                 "other_cpu_cores": machine.foreign_cpu},
        "work": str(args.work),
    })
    summary.pop("start")
    (args.out / "loadtest.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    write_csv(args.out / "loadtest.csv", summary)
    title = (f"TCXD load test: {args.users} users, {args.duration // 60} min {args.duration % 60} s, "
             f"dataset {dataset.get('size', '?')} ({db['members']:,} members, {db['vendor']}), "
             f"{os.cpu_count()} cores")
    chart(args.out / "loadtest-latency.png", summary, title)
    print_table(summary)
    load = summary["load"]
    print(f"machine: {load['machine_busy_cores']} of {os.cpu_count()} cores busy on average during the run, "
          f"{sum(machine.own_cpu.values()):.2f} of them the run's own ({load['run_cpu_ms_per_request']} ms CPU per "
          f"request); load average before {load['before'][-1]}, during up to {load['during_max'] or 0:.1f}")
    log(f"results in {args.out} (loadtest.json, loadtest.csv, loadtest-latency.png); locust's own in {args.work}")
    return 0 if summary["verdict"] == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
