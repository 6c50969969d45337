#!/usr/bin/env bash
# TCXD — dry run of the production recipe on this machine, without root and without touching /etc.
#
#   deploy/dry-run.sh            (from the repository; exits 0 when every check passed, 1 otherwise)
#
# Everything goes to a temporary directory (removed at the end; kept with KEEP=1) and the repository's var/
# (collectstatic's output, as in production). Against the local PostgreSQL (DRY_PG, default
# postgres://postgres@127.0.0.1:5432) it creates the throwaway databases tcxd_deploy_dry and
# tcxd_deploy_dry_restore and drops them at the end.
#
#  1. install.sh --root TMP/root --in-place: stages /etc/tcxd/tcxd.env (random SECRET_KEY), the units, the nginx site,
#     a self-signed certificate, logrotate; then install.sh --dry-run prints the real install's steps.
#  2. The staged files checked: systemd-analyze verify (units), logrotate -d, PostgreSQL starting a scratch cluster
#     with deploy/postgresql/tcxd.conf (pg_stat_statements loaded), nginx -t.
#  3. With the staged environment file (DATABASE_URL pointed at the throwaway database, data directories in TMP):
#     migrate, the per-table settings, collectstatic, check --deploy, a superuser.
#  4. Loopback, HTTP (DEBUG=0, HTTPS=0: no TLS on this leg, so no secure-only cookies and no redirect to https):
#     gunicorn started with the unit's ExecStart (deploy/gunicorn.conf.py) and the worker with the worker unit's;
#     the login page (200, Vietnamese), a vendored CSS file with a far-future Cache-Control, a login and an
#     authenticated page, a background export queued through the API and run by the worker.
#  5. The production leg through nginx (when installed): HTTPS=1, BEHIND_PROXY=1 as in the environment file; nginx
#     (not as a service: its own prefix in TMP, loopback ports) with the site as installed: HTTP → HTTPS redirect,
#     TLS with the staged certificate, HSTS and secure cookies, static files from nginx's alias (gzip, immutable),
#     a login from 127.0.0.2 recorded with that address (X-Real-IP), the 413 and 502 pages.
#  6. The nightly backup script and a restore drill into a second empty database.
#
# The checks run small scripts as `bash -c '…' _ ARG…`: their $1, $2 expand there, on purpose.
# shellcheck disable=SC2016
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$REPO"
DRY_PG=${DRY_PG:-postgres://postgres@127.0.0.1:5432}
DB=tcxd_deploy_dry
DB2=tcxd_deploy_dry_restore
PY=$REPO/.venv/bin/python
T0=$(date +%s)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tcxd-dry-run.XXXXXX")
chmod 0755 "$TMP"
PIDS=()
NGINX_CONF=""
SCRATCH_PG=""
FAILS=0
PASSES=0
SKIPS=0

log() { printf '%s  %s\n' "$(date +%T)" "$*"; }
pass() { PASSES=$((PASSES + 1)); printf 'PASS  %s\n' "$*"; }
fail() { FAILS=$((FAILS + 1)); printf 'FAIL  %s\n' "$*"; }
skip() { SKIPS=$((SKIPS + 1)); printf 'SKIP  %s\n' "$*"; }
check() {  # check "what" CMD…: PASS when CMD succeeds
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
psql_admin() { psql "$DRY_PG/postgres" -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_db() { psql "$DRY_PG/$DB" -v ON_ERROR_STOP=1 -qAt "$@"; }
free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

stop_pid() {  # stop_pid PID: TERM, wait up to 20 s, then KILL — only the processes this script started
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  set +e
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  if [ -n "$NGINX_CONF" ] && [ -f "$TMP/nginx/nginx.pid" ]; then
    nginx -p "$TMP/nginx" -c "$NGINX_CONF" -s quit 2>/dev/null
    sleep 1
  fi
  if [ -n "$SCRATCH_PG" ]; then as_pg_owner "$PG_BIN/pg_ctl" -D "$SCRATCH_PG" -m fast -w stop >/dev/null 2>&1; fi
  psql_admin -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "DROP DATABASE IF EXISTS $DB2 WITH (FORCE)" 2>/dev/null
  if [ "${KEEP:-0}" = 1 ] || [ "$rc" != 0 ] || [ "$FAILS" -gt 0 ]; then
    echo "logs kept in $TMP (remove it by hand)"
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 0. Tools --------------------------------------------------------------------------------------------------
log "dry run in $TMP"
if [ ! -x "$REPO/.venv/bin/gunicorn" ]; then
  log "gunicorn is not in .venv: make .venv/.installed (requirements.txt changed)"
  make --no-print-directory .venv/.installed
fi
command -v psql >/dev/null || { echo "psql is needed (apt-get install postgresql-client)"; exit 1; }
command -v curl >/dev/null || { echo "curl is needed"; exit 1; }
pg_isready -q -d "$DRY_PG/postgres" || { echo "PostgreSQL is not answering at $DRY_PG"; exit 1; }

# --- 1. install.sh: staged install, and the printed plan of a real one -------------------------------------------
STAGE=$TMP/root
t=$(date +%s)
if deploy/install.sh --root "$STAGE" --in-place --no-venv --server-name "127.0.0.1 localhost" >"$TMP/install-stage.log" 2>&1; then
  pass "install.sh --root (staged install: $(find "$STAGE" -type f | wc -l) files, $(($(date +%s) - t)) s)"
else
  fail "install.sh --root (see $TMP/install-stage.log)"
  tail -n 20 "$TMP/install-stage.log"
  exit 1
fi
check "install.sh --root again changes no file (idempotent)" bash -c '
  before=$(find "$1" -type f ! -path "*/releases/*" -exec md5sum {} + | sort)
  "$2/deploy/install.sh" --root "$1" --in-place --no-venv --server-name "127.0.0.1 localhost" >/dev/null 2>&1
  after=$(find "$1" -type f ! -path "*/releases/*" -exec md5sum {} + | sort)
  [ "$before" = "$after" ]' _ "$STAGE" "$REPO"
check "install.sh --dry-run (a real install's plan, nothing changed)" bash -c \
  '"$1/deploy/install.sh" --dry-run --with-postgresql --server-name tcxd.example.vn >"$2/install-dry.log" 2>&1 &&
   grep -q "systemctl restart tcxd.target" "$2/install-dry.log"' _ "$REPO" "$TMP"
ENV_FILE=$TMP/tcxd.env
cp "$STAGE/etc/tcxd/tcxd.env" "$ENV_FILE"
check "install.sh wrote a random SECRET_KEY" bash -c '! grep -q "^SECRET_KEY=CHANGE-ME" "$1"' _ "$ENV_FILE"

# --- 2. The staged configuration files ---------------------------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
  # verify exits 0 on many problems it only warns about ("Failed to parse …, ignoring"): any output fails the
  # check, but the lines about the user tcxd, which does not exist on this machine.
  systemd-analyze verify --man=no "$STAGE"/etc/systemd/system/tcxd* >"$TMP/systemd-verify.log" 2>&1 && rc=0 || rc=$?
  if [ "$rc" = 0 ] && ! grep -v -E "Failed to resolve (user|group) .?tcxd" "$TMP/systemd-verify.log" | grep -q .; then
    pass "systemd-analyze verify: $(find "$STAGE/etc/systemd/system" -name 'tcxd*' | wc -l) units, no warning"
  else
    fail "systemd-analyze verify (exit $rc): $(head -c 600 "$TMP/systemd-verify.log")"
  fi
else
  skip "systemd-analyze verify: systemd-analyze is not installed (apt-get install systemd)"
fi

if command -v logrotate >/dev/null; then
  sed -e "s#/var/log/tcxd#$TMP/log#g" -e "s#tcxd adm#$(id -un) $(id -gn)#g" "$STAGE/etc/logrotate.d/tcxd" \
    >"$TMP/logrotate.conf"
  mkdir -p "$TMP/log"
  echo x >"$TMP/log/access.log"
  if logrotate -d -s "$TMP/logrotate.state" "$TMP/logrotate.conf" >"$TMP/logrotate.log" 2>&1 \
      && grep -q "rotating pattern: $TMP/log/\*.log" "$TMP/logrotate.log" && ! grep -q "^error" "$TMP/logrotate.log"; then
    pass "logrotate -d (deploy/logrotate/tcxd parses)"
  else
    fail "logrotate -d: $(grep -m3 error "$TMP/logrotate.log")"
  fi
  rm -f "$TMP/log/access.log"
else
  skip "logrotate is not installed"
fi

PG_BIN=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
as_pg_owner() {  # initdb refuses root: the scratch cluster then belongs to postgres
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] && { [ "$(id -u)" != 0 ] || id postgres >/dev/null 2>&1; }; then
  t=$(date +%s)
  mkdir -p "$TMP/pgconf"
  [ "$(id -u)" != 0 ] || chown postgres "$TMP/pgconf"
  SCRATCH=$TMP/pgconf/data
  pgport=$(free_port)
  if as_pg_owner "$PG_BIN/initdb" -D "$SCRATCH" -A trust -U postgres >"$TMP/pgconf/initdb.log" 2>&1; then
    cp "$REPO/deploy/postgresql/tcxd.conf" "$TMP/pgconf/tcxd.conf"
    chmod 0644 "$TMP/pgconf/tcxd.conf"
    as_pg_owner bash -c "echo \"include '$TMP/pgconf/tcxd.conf'\" >>'$SCRATCH/postgresql.conf'"
    SCRATCH_PG=$SCRATCH
    if as_pg_owner "$PG_BIN/pg_ctl" -D "$SCRATCH" -w -t 60 -l "$TMP/pgconf/server.log" \
        -o "-p $pgport -k $TMP/pgconf -c listen_addresses=''" start >/dev/null 2>&1; then
      got=$(psql -h "$TMP/pgconf" -p "$pgport" -U postgres -qAt -c "CREATE EXTENSION pg_stat_statements" \
        -c "SELECT current_setting('shared_buffers') || ' ' || current_setting('max_connections') || ' ' ||
                   current_setting('jit') || ' ' || current_setting('wal_compression') || ' ' ||
                   (SELECT count(*) FROM pg_stat_statements) * 0" 2>&1 | tail -n 1)
      if [[ $got == "6GB 50 off lz4 0" ]]; then
        pass "PostgreSQL starts with deploy/postgresql/tcxd.conf (shared_buffers, max_connections, jit, wal_compression: $got; pg_stat_statements loaded; $(($(date +%s) - t)) s)"
      else
        fail "PostgreSQL with deploy/postgresql/tcxd.conf: $got"
      fi
      as_pg_owner "$PG_BIN/pg_ctl" -D "$SCRATCH" -m fast -w stop >/dev/null 2>&1 || true
    else
      fail "PostgreSQL did not start with deploy/postgresql/tcxd.conf: $(grep -m3 -E 'FATAL|LOG:  invalid|error' "$TMP/pgconf/server.log")"
    fi
    SCRATCH_PG=""
  else
    fail "initdb for the configuration check: $(tail -n 3 "$TMP/pgconf/initdb.log")"
  fi
else
  skip "PostgreSQL configuration check: no initdb (apt-get install postgresql)"
fi

# --- 3. Database, static files, checks, superuser ----------------------------------------------------------------
log "throwaway database $DB"
psql_admin -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" \
  -c "DROP DATABASE IF EXISTS $DB2 WITH (FORCE)" -c "CREATE DATABASE $DB"
mkdir -p "$TMP/var/media" "$TMP/var/exports" "$TMP/var/progress" "$TMP/var/sessions" "$TMP/log" "$TMP/backups"
# The staged production environment, then this machine's differences (later lines win, as with systemd).
cat >>"$ENV_FILE" <<EOF

# --- dry run overrides ---
DATABASE_URL=$DRY_PG/$DB
MEDIA_ROOT=$TMP/var/media
EXPORT_DIR=$TMP/var/exports
PROGRESS_DIR=$TMP/var/progress
SESSION_DIR=$TMP/var/sessions
GUNICORN_ACCESS_LOG=$TMP/log/access.log
TCXD_BACKUP_DIR=$TMP/backups
EOF
TCXD_USER=$(id -un)  # tcxd-manage runs as this user (root included) instead of switching to tcxd
export TCXD_ENV_FILE=$ENV_FILE TCXD_USER

t=$(date +%s)
check "migrate ($DB, through deploy/bin/tcxd-manage)" bash -c \
  '"$1/deploy/bin/tcxd-manage" migrate --noinput >"$2/migrate.log" 2>&1' _ "$REPO" "$TMP"
MIGRATE_S=$(($(date +%s) - t))
log "migrate took $MIGRATE_S s"
check "per-table settings (deploy/postgresql/tcxd-tables.sql)" bash -c \
  'psql "$1" -v ON_ERROR_STOP=1 -q -f "$2/deploy/postgresql/tcxd-tables.sql" &&
   [ "$(psql "$1" -qAt -c "SELECT reloptions::text FROM pg_class WHERE relname = '"'"'members_membertally'"'"'")" = \
     "{fillfactor=80,autovacuum_vacuum_scale_factor=0.02,autovacuum_vacuum_threshold=1000,autovacuum_analyze_scale_factor=0.02,autovacuum_vacuum_cost_delay=0}" ]' \
  _ "$DRY_PG/$DB" "$REPO"
t=$(date +%s)
check "collectstatic (manifest + compressed copies into var/staticfiles)" bash -c \
  '"$1/deploy/bin/tcxd-manage" collectstatic --noinput --verbosity 0 && [ -s "$1/var/staticfiles/staticfiles.json" ]' _ "$REPO"
log "collectstatic took $(($(date +%s) - t)) s"
check "check --deploy --fail-level WARNING (the environment file as installed)" bash -c \
  '"$1/deploy/bin/tcxd-manage" check --deploy --fail-level WARNING >"$2/check-deploy.log" 2>&1' _ "$REPO" "$TMP"
check "gunicorn --check-config (deploy/gunicorn.conf.py loads the app)" bash -c \
  '. "$1/deploy/bin/envfile.sh" && tcxd_load_env "$2" && cd / &&
   "$1/.venv/bin/gunicorn" --config "$1/deploy/gunicorn.conf.py" --check-config >"$3/check-config.log" 2>&1' \
  _ "$REPO" "$ENV_FILE" "$TMP"
ADMIN=drycheck
ADMIN_PW=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(18))')
check "createsuperuser --noinput ($ADMIN)" bash -c \
  'DJANGO_SUPERUSER_PASSWORD="$2" "$1/deploy/bin/tcxd-manage" createsuperuser --noinput --username "$3" \
     --email drycheck@example.vn >/dev/null' _ "$REPO" "$ADMIN_PW" "$ADMIN"

# --- 4. Loopback HTTP leg: gunicorn + worker, as the units start them -------------------------------------------
unit_exec() {  # the ExecStart= line of a staged unit, as an array in $CMD
  local line
  line=$(sed -n 's/^ExecStart=//p' "$STAGE/etc/systemd/system/$1" | head -n 1)
  read -r -a CMD <<<"$line"
}
start_web() {  # start_web LABEL EXTRA_ENV…: gunicorn with the web unit's command line and the environment file
  local label=$1
  shift
  unit_exec tcxd-web.service
  (
    # shellcheck source=bin/envfile.sh source-path=SCRIPTDIR
    . "$REPO/deploy/bin/envfile.sh"
    tcxd_load_env "$ENV_FILE"
    for kv in "$@"; do export "${kv?}"; done
    cd "$REPO"
    exec "${CMD[@]}"
  ) >>"$TMP/log/web-$label.log" 2>&1 &
  WEB_PID=$!
  PIDS+=("$WEB_PID")
  for _ in $(seq 1 60); do
    curl -s -o /dev/null "http://127.0.0.1:$WEB_PORT/dang-nhap/" && return 0
    kill -0 "$WEB_PID" 2>/dev/null || break
    sleep 0.5
  done
  return 1
}
stop_web() { stop_pid "$WEB_PID"; }

WEB_PORT=$(free_port)
echo "GUNICORN_BIND=127.0.0.1:$WEB_PORT" >>"$ENV_FILE"
t=$(date +%s)
if start_web http DEBUG=0 HTTPS=0 BEHIND_PROXY=0; then
  for _ in $(seq 1 20); do
    workers=$(grep -c "Booting worker" "$TMP/log/web-http.log" || true)
    [ "$workers" -lt $((2 * $(nproc) + 1)) ] || break
    sleep 0.5
  done
  pass "gunicorn started with the unit's ExecStart (deploy/gunicorn.conf.py): 127.0.0.1:$WEB_PORT, $workers workers for $(nproc) cores, $(($(date +%s) - t)) s"
else
  fail "gunicorn did not start: $(tail -n 20 "$TMP/log/web-http.log")"
  exit 1
fi
unit_exec tcxd-worker.service
(
  # shellcheck source=bin/envfile.sh source-path=SCRIPTDIR
  . "$REPO/deploy/bin/envfile.sh"
  tcxd_load_env "$ENV_FILE"
  cd "$REPO"
  exec "${CMD[@]}"
) >"$TMP/log/worker.log" 2>&1 &
WORKER_PID=$!
PIDS+=("$WORKER_PID")
sleep 2
check "db_worker started with the worker unit's ExecStart (${CMD[*]:1})" kill -0 "$WORKER_PID"

BASE=http://127.0.0.1:$WEB_PORT
got=$(curl -s -o "$TMP/login.html" -w '%{http_code} %{time_total}' "$BASE/dang-nhap/")
code=${got%% *}
if [ "$code" = 200 ] && grep -q "Đăng nhập TCXD" "$TMP/login.html"; then
  pass "GET /dang-nhap/ → 200 in ${got#* } s, Vietnamese text \"Đăng nhập TCXD\""
else
  fail "GET /dang-nhap/ → $code"
fi

got=$(curl -s -o "$TMP/healthz.json" -w '%{http_code}' "$BASE/healthz")
if [ "$got" = 200 ] && grep -q '"database": "ok"' "$TMP/healthz.json"; then
  pass "GET /healthz → 200, the database answers"
else
  fail "GET /healthz → $got"
fi

CSS=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["paths"]["vendor/bootstrap-5.3.8/bootstrap.min.css"])' \
  "$REPO/var/staticfiles/staticfiles.json")
curl -s -D "$TMP/css.headers" -o "$TMP/css.body" -H 'Accept-Encoding: gzip' "$BASE/static/$CSS"
if grep -qi '^HTTP/1.1 200' "$TMP/css.headers" && grep -qi '^cache-control:.*max-age=315360000' "$TMP/css.headers"; then
  pass "GET /static/$CSS (vendored Bootstrap CSS, whitenoise) → 200, $(grep -i '^cache-control' "$TMP/css.headers" | tr -d '\r'), $(grep -i '^content-encoding' "$TMP/css.headers" | tr -d '\r')"
else
  fail "static file: $(tr -d '\r' <"$TMP/css.headers" | head -n 12 | tr '\n' '|')"
fi

login() {  # login BASE JAR [CURL ARGS…]: the login form, as a browser posts it; prints the HTTP code
  local base=$1 jar=$2 token
  shift 2
  curl -s "$@" -c "$jar" -b "$jar" -o "$TMP/login-form.html" "$base/dang-nhap/"
  token=$(sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' "$TMP/login-form.html" | head -n 1)
  curl -s "$@" -c "$jar" -b "$jar" -o /dev/null -w '%{http_code} %{redirect_url}' \
    -H "Origin: $base" -H "Referer: $base/dang-nhap/" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "username=$ADMIN" \
    --data-urlencode "password=$ADMIN_PW" --data-urlencode "next=" "$base/dang-nhap/"
}
got=$(login "$BASE" "$TMP/jar-http")
code=$(curl -s -b "$TMP/jar-http" -o "$TMP/home.html" -w '%{http_code}' "$BASE/")
if [[ $got == 302* ]] && [ "$code" = 200 ] && grep -q "Đăng xuất" "$TMP/home.html"; then
  pass "login as $ADMIN → ${got%% *}, GET / (authenticated) → 200 with \"Đăng xuất\""
else
  fail "login → $got, GET / → $code"
fi

# A background task through the worker: an export of the member list (CSV) queued through the API.
t=$(date +%s)
token=$(curl -s -H 'Content-Type: application/json' -d "{\"username\": \"$ADMIN\", \"password\": \"$ADMIN_PW\"}" \
  "$BASE/api/auth/token" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["token"])')
created=$(curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d '{"source": "dang-vien", "format": "csv", "params": {}}' "$BASE/api/exports")
job=$(echo "$created" | "$PY" -c 'import json, sys; d = json.load(sys.stdin); print(d["id"], d["status"])')
status=""
for _ in $(seq 1 60); do
  status=$(curl -s -H "Authorization: Bearer $token" "$BASE/api/exports/${job%% *}" \
    | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["status"])')
  if [ "$status" = "done" ] || [ "$status" = "failed" ]; then break; fi
  sleep 1
done
code=$(curl -s -H "Authorization: Bearer $token" -o "$TMP/export.csv" -w '%{http_code}' "$BASE/api/exports/${job%% *}/file")
if [ "${job#* }" = queued ] && [ "$status" = "done" ] && [ "$code" = 200 ] && grep -q "Họ và tên" "$TMP/export.csv"; then
  pass "background task: export ${job%% *} queued by the API (status ${job#* }), run by db_worker → done in $(($(date +%s) - t)) s, file downloaded (200, CSV header \"Họ và tên…\")"
else
  fail "background task: created \"$created\", last status \"$status\", download $code; worker log: $(tail -n 5 "$TMP/log/worker.log" | tr '\n' '|')"
fi
if grep -qE '"GET /dang-nhap/ HTTP/1.1" 200 [0-9]+ [0-9]+ms' "$TMP/log/access.log"; then
  pass "gunicorn access log written with the configured format ($(grep -c . "$TMP/log/access.log") lines)"
else
  fail "gunicorn access log: $(head -n 2 "$TMP/log/access.log" 2>/dev/null)"
fi

# --- 5. Production leg through nginx (TLS, proxy headers, static alias) ------------------------------------------
if command -v nginx >/dev/null; then
  t=$(date +%s)
  stop_web
  : >"$TMP/log/access.log"
  # As in the environment file: HTTPS=1, BEHIND_PROXY=1 (no override).
  if start_web tls; then pass "gunicorn restarted with HTTPS=1, BEHIND_PROXY=1 (the environment file as installed)"; else fail "gunicorn (tls leg)"; fi
  HTTP_PORT=$(free_port)
  HTTPS_PORT=$(free_port)
  mkdir -p "$TMP/nginx/logs" "$TMP/nginx/tmp"
  # The installed site, with this machine's ports and paths; IPv6 listeners dropped (may be absent here).
  sed -e "s#listen 80 default_server;#listen 127.0.0.1:$HTTP_PORT default_server;#" \
      -e "s#listen 443 ssl http2 default_server;#listen 127.0.0.1:$HTTPS_PORT ssl http2 default_server;#" \
      -e '/listen \[::\]/d' \
      -e "s#server 127.0.0.1:8000#server 127.0.0.1:$WEB_PORT#" \
      -e "s#/etc/ssl/tcxd/#$STAGE/etc/ssl/tcxd/#g" \
      -e "s#/etc/nginx/tcxd-proxy.conf#$STAGE/etc/nginx/tcxd-proxy.conf#g" \
      -e "s#/var/log/nginx/#$TMP/nginx/logs/#g" \
      "$STAGE/etc/nginx/sites-available/tcxd.conf" >"$TMP/nginx/tcxd.conf"
  user_line=""
  [ "$(id -u)" != 0 ] || user_line="user root root;"
  NGINX_CONF=$TMP/nginx/nginx.conf
  cat >"$NGINX_CONF" <<EOF
# Debian's /etc/nginx/nginx.conf in short, with paths in the dry run's directory.
$user_line
worker_processes 1;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/logs/error.log;
events { worker_connections 256; }
http {
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $TMP/nginx/logs/access.log;
    gzip on;
    client_body_temp_path $TMP/nginx/tmp/body;
    proxy_temp_path $TMP/nginx/tmp/proxy;
    fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
    uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
    scgi_temp_path $TMP/nginx/tmp/scgi;
    include $TMP/nginx/tcxd.conf;
}
EOF
  if nginx -t -q -p "$TMP/nginx" -c "$NGINX_CONF" 2>"$TMP/nginx/t.log"; then
    pass "nginx -t: deploy/nginx/tcxd.conf + tcxd-proxy.conf as installed (nginx $(nginx -v 2>&1 | sed 's#.*/##'))"
  else
    fail "nginx -t: $(cat "$TMP/nginx/t.log")"
  fi
  if nginx -p "$TMP/nginx" -c "$NGINX_CONF" 2>>"$TMP/nginx/t.log"; then
    for _ in $(seq 1 20); do [ -s "$TMP/nginx/nginx.pid" ] && break; sleep 0.25; done
    TLS=https://127.0.0.1:$HTTPS_PORT
    CA=(--cacert "$STAGE/etc/ssl/tcxd/tcxd.crt")

    got=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$HTTP_PORT/dang-nhap/?a=1")
    check "HTTP → HTTPS: $got" [ "$got" = "301 https://127.0.0.1/dang-nhap/?a=1" ]

    code=$(curl -s "${CA[@]}" -D "$TMP/tls.headers" -o "$TMP/tls-login.html" -w '%{http_code}' "$TLS/dang-nhap/")
    if [ "$code" = 200 ] && grep -q "Đăng nhập TCXD" "$TMP/tls-login.html" \
        && grep -qi '^strict-transport-security: max-age=31536000' "$TMP/tls.headers" \
        && grep -qi '^set-cookie: csrftoken=.*; Secure' "$TMP/tls.headers"; then
      pass "HTTPS (staged self-signed certificate verified by curl): /dang-nhap/ → 200, HSTS, Secure cookie"
    else
      fail "HTTPS login page → $code: $(tr -d '\r' <"$TMP/tls.headers" | tr '\n' '|' | head -c 600)"
    fi

    curl -s "${CA[@]}" -D "$TMP/tls-css.headers" -o /dev/null -H 'Accept-Encoding: gzip' "$TLS/static/$CSS"
    if grep -qi '^HTTP/[0-9.]* 200' "$TMP/tls-css.headers" \
        && grep -qi '^cache-control: public, max-age=315360000, immutable' "$TMP/tls-css.headers" \
        && grep -qi '^content-encoding: gzip' "$TMP/tls-css.headers" && ! grep -q "/static/" "$TMP/log/access.log"; then
      pass "static through nginx's alias (not gunicorn): 200, immutable, gzip_static"
    else
      fail "static through nginx: $(tr -d '\r' <"$TMP/tls-css.headers" | tr '\n' '|' | head -c 600)"
    fi

    # A login from another loopback address: the app must record that address, not nginx's (X-Real-IP).
    got=$(login "$TLS" "$TMP/jar-tls" "${CA[@]}" --interface 127.0.0.2)
    code=$(curl -s "${CA[@]}" --interface 127.0.0.2 -b "$TMP/jar-tls" -o "$TMP/tls-home.html" -w '%{http_code}' "$TLS/")
    ip=$(psql_db -c "SELECT ip_address FROM axes_accesslog ORDER BY id DESC LIMIT 1")
    if [[ $got == 302* ]] && [ "$code" = 200 ] && grep -q "Đăng xuất" "$TMP/tls-home.html"; then
      pass "login over HTTPS through nginx (CSRF origin check behind the proxy) → ${got%% *}, GET / → 200"
    else
      fail "login over HTTPS: $got, GET / → $code"
    fi
    check "client address behind nginx recorded by the app (django-axes access log) as '$ip' = 127.0.0.2 (X-Real-IP, deploy/proxy_wsgi.py)" \
      [ "$ip" = 127.0.0.2 ]
    check "gunicorn access log behind nginx: real client address and nginx's request id" \
      grep -q '^127.0.0.2 .*rid=[0-9a-f]\{32\}' "$TMP/log/access.log"

    code=$(head -c $((56 * 1024 * 1024)) /dev/zero | curl -s "${CA[@]}" -o "$TMP/413.html" -w '%{http_code}' \
      -H 'Content-Type: application/octet-stream' --data-binary @- "$TLS/nhap-du-lieu/")
    check "upload over client_max_body_size (56 MB) → $code, Vietnamese page" \
      bash -c '[ "$1" = 413 ] && grep -q "Tệp tải lên quá lớn" "$2"' _ "$code" "$TMP/413.html"

    stop_web
    code=$(curl -s "${CA[@]}" -o "$TMP/502.html" -w '%{http_code}' "$TLS/dang-nhap/")
    check "gunicorn stopped → $code, Vietnamese page" \
      bash -c '[ "$1" = 502 ] && grep -q "tạm thời không phản hồi" "$2"' _ "$code" "$TMP/502.html"

    nginx -p "$TMP/nginx" -c "$NGINX_CONF" -s quit 2>/dev/null
    for _ in $(seq 1 20); do [ -e "$TMP/nginx/nginx.pid" ] || break; sleep 0.25; done
    check "nginx stopped (nothing left running); the nginx leg took $(($(date +%s) - t)) s" [ ! -e "$TMP/nginx/nginx.pid" ]
    NGINX_CONF=""
  else
    fail "nginx did not start: $(cat "$TMP/nginx/t.log")"
  fi
else
  skip "nginx leg: nginx is not installed (apt-get install nginx-light)"
fi

# --- 6. Backup script and restore drill ------------------------------------------------------------------------
stop_pid "$WORKER_PID"
t=$(date +%s)
if "$REPO/deploy/bin/tcxd-backup" >"$TMP/backup.log" 2>&1 && archive=$(ls "$TMP"/backups/tcxd-*.tar.gz) \
    && (cd "$TMP/backups" && sha256sum -c --quiet "$(basename "$archive").sha256"); then
  pass "deploy/bin/tcxd-backup → $(basename "$archive") ($(du -h "$archive" | cut -f1), sha256 file verified, $(($(date +%s) - t)) s)"
  t=$(date +%s)
  psql_admin -c "CREATE DATABASE $DB2"
  mkdir -p "$TMP/var/media-restore"
  # A second environment file: the same, pointed at the empty database and an empty media directory.
  { cat "$ENV_FILE"; echo "DATABASE_URL=$DRY_PG/$DB2"; echo "MEDIA_ROOT=$TMP/var/media-restore"; } >"$TMP/restore.env"
  if (export TCXD_ENV_FILE=$TMP/restore.env
      "$REPO/deploy/bin/tcxd-manage" migrate --noinput >"$TMP/restore.log" 2>&1 &&
      "$REPO/deploy/bin/tcxd-manage" restore "$archive" >>"$TMP/restore.log" 2>&1) \
      && [ "$(psql "$DRY_PG/$DB2" -qAt -c "SELECT count(*) FROM authz_user WHERE username = '$ADMIN'")" = 1 ] \
      && [ "$(psql "$DRY_PG/$DB2" -qAt -c "SELECT count(*) FROM exports_exportjob")" = 1 ]; then
    pass "restore drill into the empty database $DB2: $(grep -m1 'Đã khôi phục' "$TMP/restore.log" | head -c 160) ($(($(date +%s) - t)) s)"
  else
    fail "restore drill: $(tail -n 5 "$TMP/restore.log")"
  fi
else
  fail "backup: $(tail -n 5 "$TMP/backup.log")"
fi

TOTAL=$(($(date +%s) - T0))
echo
echo "dry run: $PASSES passed, $FAILS failed, $SKIPS skipped in ${TOTAL} s"
[ "$FAILS" = 0 ]
