#!/usr/bin/env bash
# TCXD — install or upgrade on a Debian 12 server (run as root). Idempotent: running it again with the same
# checkout changes nothing but a new release directory; with a newer checkout it is the upgrade.
#
#   deploy/install.sh --server-name "tcxd.tinhuy.vn 10.10.1.20" --with-postgresql [--wheelhouse /srv/tcxd-wheels]
#
# What it does (docs/deployment.md explains each step, in Vietnamese):
#   1. Debian packages (python3-venv, nginx, PostgreSQL with --with-postgresql, Pango for PDFs) — from the
#      configured APT sources, e.g. a local mirror; --skip-apt when they are installed already.
#   2. The system user `tcxd` and the directories: /etc/tcxd, /var/lib/tcxd/{media,exports,progress},
#      /var/log/tcxd, /var/backups/tcxd.
#   3. A release: the checkout copied to /opt/tcxd/releases/<date>-<commit> with its own .venv (pip install -r
#      requirements.txt: PIP_INDEX_URL / --wheelhouse for an offline LAN) and collectstatic. /opt/tcxd/current
#      points at the release in service. --in-place serves the checkout itself instead (no copy).
#   4. /etc/tcxd/tcxd.env from deploy/tcxd.env.example with a random SECRET_KEY (never overwritten once there).
#   5. With --with-postgresql: deploy/postgresql/tcxd.conf in conf.d (restart when it changed), the role and
#      database `tcxd` (peer authentication through the Unix socket), pg_stat_statements.
#   6. Upgrade of a running installation: backup first (deploy/bin/tcxd-backup), stop web + worker, migrate,
#      per-table settings (tcxd-tables.sql), switch /opt/tcxd/current, start; the previous releases stay
#      (the last 5) for a rollback.
#   7. systemd units, the nginx site (a self-signed certificate is made if none is there yet), logrotate;
#      services enabled and started; a final check of https://127.0.0.1/dang-nhap/.
#
# Options:
#   --server-name "N …"   names/addresses users type (ALLOWED_HOSTS, nginx server_name, certificate); default: hostname -f
#   --home DIR            install directory (default /opt/tcxd)
#   --source DIR          the checkout to install (default: the one holding this script)
#   --in-place            serve the checkout itself (no copy into DIR/releases); for a test machine
#   --wheelhouse DIR      install Python packages only from DIR (pip --no-index --find-links DIR)
#   --with-postgresql     set up PostgreSQL on this machine (otherwise DATABASE_URL points at another server)
#   --skip-apt            do not call apt-get
#   --no-backup           no backup before migrating an existing installation
#   --no-start            install and enable, but do not (re)start the services
#   --root DIR            stage every file under DIR instead of / (no root needed: no apt, no user, no chown,
#                         no systemctl, no database); for review or packaging
#   --no-venv             with --root: do not create the .venv
#   --dry-run             print what would be done; change nothing
set -euo pipefail

PROG=$(basename "$0")
SCRIPT_DIR=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
SOURCE=$(cd "$SCRIPT_DIR/.." && pwd)
HOME_DIR=/opt/tcxd
SERVER_NAMES=""
IN_PLACE=0
WHEELHOUSE=""
WITH_PG=0
SKIP_APT=0
DO_BACKUP=1
DO_START=1
ROOT=""
NO_VENV=0
DRY=0
APP_USER=tcxd
KEEP_RELEASES=5

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
die() { echo "$PROG: $*" >&2; exit 1; }
say() { echo "== $*"; }

while [ $# -gt 0 ]; do
  case $1 in
    --server-name) SERVER_NAMES=$2; shift 2 ;;
    --home) HOME_DIR=$2; shift 2 ;;
    --source) SOURCE=$(cd "$2" && pwd); shift 2 ;;
    --in-place) IN_PLACE=1; shift ;;
    --wheelhouse) WHEELHOUSE=$(cd "$2" && pwd); shift 2 ;;
    --with-postgresql) WITH_PG=1; shift ;;
    --skip-apt) SKIP_APT=1; shift ;;
    --no-backup) DO_BACKUP=0; shift ;;
    --no-start) DO_START=0; shift ;;
    --root) ROOT=$2; shift 2 ;;
    --no-venv) NO_VENV=1; shift ;;
    --dry-run) DRY=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
done

STAGE=0
if [ -n "$ROOT" ]; then
  STAGE=1
  SKIP_APT=1
  [ "$DRY" = 1 ] || mkdir -p "$ROOT"
  ROOT=$(cd "$ROOT" 2>/dev/null && pwd || echo "$ROOT")
fi
[ "$STAGE" = 1 ] || [ "$DRY" = 1 ] || [ "$(id -u)" = 0 ] || die "run as root (or use --root DIR / --dry-run)"
if [ ! -f "$SOURCE/manage.py" ] || [ ! -f "$SOURCE/requirements.txt" ]; then die "$SOURCE is not a TCXD checkout"; fi
[ -n "$SERVER_NAMES" ] || SERVER_NAMES=$(hostname -f 2>/dev/null || hostname)
read -r -a NAMES <<<"$SERVER_NAMES"
[ ${#NAMES[@]} -gt 0 ] || die "--server-name is empty"

# --- helpers ---------------------------------------------------------------------------------------------------
# run CMD…: execute (or print with --dry-run). real CMD…: only on a real install (not --root), else print "skip".
run() {
  if [ "$DRY" = 1 ]; then printf '+'; printf ' %q' "$@"; printf '\n'; else "$@"; fi
}
real() {
  if [ "$STAGE" = 1 ]; then printf 'skip (--root):'; printf ' %q' "$@"; printf '\n'; else run "$@"; fi
}
# put SRC DST MODE [OWNER:GROUP] — install a file (DST is the path on the target system; staged under --root).
# SRC "-" reads stdin. Reports whether the content changed (return 0 changed, 1 unchanged).
put() {
  local src=$1 dst="$ROOT$2" mode=$3 owner=${4:-root:root} tmp
  tmp=$(mktemp)
  if [ "$src" = - ]; then cat >"$tmp"; else cat "$src" >"$tmp"; fi
  if [ -f "$dst" ] && cmp -s "$tmp" "$dst"; then
    rm -f "$tmp"
    return 1
  fi
  if [ "$DRY" = 1 ]; then
    echo "+ write $dst (mode $mode, $owner)"
    rm -f "$tmp"
    return 0
  fi
  mkdir -p "$(dirname "$dst")"
  install -m "$mode" "$tmp" "$dst"
  rm -f "$tmp"
  [ "$STAGE" = 1 ] || chown "$owner" "$dst"
  return 0
}
# dir PATH MODE OWNER:GROUP
dir() {
  run mkdir -p "$ROOT$1"
  run chmod "$2" "$ROOT$1"
  [ "$STAGE" = 1 ] || run chown "$3" "$ROOT$1"
}
as_app() {  # as_app CMD…: run as the user tcxd
  real runuser -u "$APP_USER" -- "$@"
}
as_postgres() {
  real runuser -u postgres -- "$@"
}
# The paths of the installed files: /opt/tcxd/current (or the checkout with --in-place) instead of the defaults.
subst() {
  local names_comma
  names_comma=$(IFS=,; echo "${NAMES[*]}")
  sed -e "s#/opt/tcxd/current#$APP#g" \
      -e "s#server_name tcxd.example.vn;#server_name ${NAMES[*]};#g" \
      -e "s#^ALLOWED_HOSTS=.*#ALLOWED_HOSTS=$names_comma#" \
      -e "s#^CSRF_TRUSTED_ORIGINS=.*#CSRF_TRUSTED_ORIGINS=$(printf 'https://%s,' "${NAMES[@]}" | sed 's/,$//')#" "$1"
}

if [ "$IN_PLACE" = 1 ]; then
  APP=$SOURCE
else
  APP=$HOME_DIR/current
fi
ENV_FILE=/etc/tcxd/tcxd.env
PG_VERSION=$(find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -n | tail -n 1)
PG_VERSION=${PG_VERSION:-15}
export DEBIAN_FRONTEND=noninteractive

# --- 1. Debian packages ----------------------------------------------------------------------------------------
say "Debian packages"
if [ "$SKIP_APT" = 0 ]; then
  pkgs=(python3 python3-venv python3-pip ca-certificates openssl curl nginx logrotate postgresql-client
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b shared-mime-info fonts-liberation2)
  [ "$WITH_PG" = 0 ] || pkgs+=(postgresql postgresql-contrib)
  run apt-get install -y --no-install-recommends "${pkgs[@]}"
else
  echo "skipped (--skip-apt or --root)"
fi
if [ "$WITH_PG" = 1 ] && [ "$STAGE" = 0 ]; then
  PG_VERSION=$(find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -n | tail -n 1)
  PG_VERSION=${PG_VERSION:-15}
fi

# --- 2. User and directories -----------------------------------------------------------------------------------
say "user $APP_USER and directories"
if [ "$STAGE" = 0 ] && ! id "$APP_USER" >/dev/null 2>&1; then
  run adduser --system --group --home /var/lib/tcxd --no-create-home --shell /usr/sbin/nologin "$APP_USER"
fi
dir /etc/tcxd 0750 "root:$APP_USER"
dir /var/lib/tcxd 0750 "$APP_USER:$APP_USER"
for d in media exports progress sessions; do dir "/var/lib/tcxd/$d" 0750 "$APP_USER:$APP_USER"; done
dir /var/log/tcxd 0750 "$APP_USER:adm"
dir /var/backups/tcxd 0700 "$APP_USER:$APP_USER"

# --- 3. Release ------------------------------------------------------------------------------------------------
commit=$(git -C "$SOURCE" rev-parse --short HEAD 2>/dev/null || echo local)
if [ "$IN_PLACE" = 1 ]; then
  RELEASE=$SOURCE
  say "release: the checkout itself ($RELEASE)"
else
  RELEASE=$HOME_DIR/releases/$(date +%Y%m%d-%H%M%S)-$commit
  say "release $RELEASE"
  dir "$HOME_DIR/releases" 0755 root:root
  run mkdir -p "$ROOT$RELEASE"
  if [ "$DRY" = 1 ]; then
    echo "+ copy $SOURCE → $ROOT$RELEASE (without .git, .venv, var, caches)"
  else
    tar -C "$SOURCE" --exclude=./.git --exclude=./.venv --exclude=./var --exclude=__pycache__ \
      --exclude=./.pytest_cache --exclude=./.ruff_cache --exclude=./node_modules -cf - . | tar -C "$ROOT$RELEASE" -xf -
    chmod -R a+rX "$ROOT$RELEASE"
    [ "$STAGE" = 1 ] || chown -R root:root "$RELEASE"
  fi
fi
if [ "$IN_PLACE" = 0 ] || [ ! -d "$ROOT$RELEASE/var" ]; then
  dir "$RELEASE/var" 0755 "$APP_USER:$APP_USER"
fi
pip_args=(--quiet --disable-pip-version-check)
[ -z "$WHEELHOUSE" ] || pip_args+=(--no-index --find-links "$WHEELHOUSE")
if [ "$NO_VENV" = 1 ]; then
  echo "venv: skipped (--no-venv)"
elif [ "$IN_PLACE" = 1 ] && [ -x "$ROOT$RELEASE/.venv/bin/gunicorn" ]; then
  echo "venv: $RELEASE/.venv already has gunicorn"
  run "$ROOT$RELEASE/.venv/bin/pip" install "${pip_args[@]}" -r "$ROOT$RELEASE/requirements.txt"
else
  run python3 -m venv "$ROOT$RELEASE/.venv"
  run "$ROOT$RELEASE/.venv/bin/pip" install "${pip_args[@]}" -r "$ROOT$RELEASE/requirements.txt"
fi

# --- 4. Environment file ---------------------------------------------------------------------------------------
say "environment $ENV_FILE"
if [ -f "$ROOT$ENV_FILE" ]; then
  echo "kept (never overwritten): $ROOT$ENV_FILE"
else
  secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
  subst "$SOURCE/deploy/tcxd.env.example" | sed "s#^SECRET_KEY=.*#SECRET_KEY=$secret#" \
    | put - "$ENV_FILE" 0640 "root:$APP_USER" || true
fi

# --- 5. PostgreSQL on this machine -----------------------------------------------------------------------------
if [ "$WITH_PG" = 1 ]; then
  say "PostgreSQL $PG_VERSION"
  pg_conf_changed=0
  if put "$SOURCE/deploy/postgresql/tcxd.conf" "/etc/postgresql/$PG_VERSION/main/conf.d/tcxd.conf" 0644 \
      postgres:postgres; then
    pg_conf_changed=1
  fi
  # tcxd.conf is sized for 24 GB of RAM (shared_buffers = 6GB would not even start on a small test machine):
  # with less than 20 GB, an override read after it (include_dir reads files in name order) scales the memory.
  mem_mb=${TCXD_INSTALL_MEM_MB:-$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)}
  override=/etc/postgresql/$PG_VERSION/main/conf.d/zz-tcxd-memory.conf
  pg_changed=$pg_conf_changed
  if [ "$mem_mb" -lt 20480 ]; then
    echo "RAM ${mem_mb} MB < 20 GB: memory settings scaled in $override"
    printf '%s\n' "# Written by deploy/install.sh: this machine has ${mem_mb} MB of RAM; tcxd.conf assumes 24 GB." \
      "shared_buffers = $((mem_mb / 4))MB" "effective_cache_size = $((mem_mb * 5 / 8))MB" \
      "maintenance_work_mem = $((mem_mb / 24 > 64 ? mem_mb / 24 : 64))MB" \
      "autovacuum_work_mem = $((mem_mb / 48 > 64 ? mem_mb / 48 : 64))MB" \
      "work_mem = $((mem_mb / 768 > 4 ? mem_mb / 768 : 4))MB" \
      | put - "$override" 0644 postgres:postgres && pg_changed=1
  elif [ -f "$ROOT$override" ]; then
    run rm -f "$ROOT$override"
    pg_changed=1
  fi
  if [ "$pg_changed" = 1 ]; then real systemctl restart "postgresql@$PG_VERSION-main"; fi
  if [ "$STAGE" = 0 ] && [ "$DRY" = 0 ]; then
    runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$APP_USER'" | grep -q 1 \
      || runuser -u postgres -- createuser "$APP_USER"
    runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_database WHERE datname = 'tcxd'" | grep -q 1 \
      || runuser -u postgres -- createdb -O "$APP_USER" -E UTF8 tcxd
    runuser -u postgres -- psql -q -d tcxd -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
  else
    as_postgres createuser "$APP_USER"
    as_postgres createdb -O "$APP_USER" -E UTF8 tcxd
    as_postgres psql -d tcxd -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
  fi
fi

# --- 6. Static files, checks, backup, migrate, switch ----------------------------------------------------------
manage() {  # manage ARGS…: manage.py of the new release, as tcxd, with the services' environment
  as_app env TCXD_ENV_FILE="$ENV_FILE" TCXD_USER="$APP_USER" "$RELEASE/deploy/bin/tcxd-manage" "$@"
}
say "collectstatic, check --deploy"
manage collectstatic --noinput --verbosity 0
manage check --deploy --fail-level WARNING

existing=0
if [ "$STAGE" = 0 ] && [ -L "$HOME_DIR/current" ] && [ -x "$HOME_DIR/current/deploy/bin/tcxd-backup" ]; then
  existing=1
fi
if [ "$existing" = 1 ] && [ "$DO_BACKUP" = 1 ]; then
  say "backup before the upgrade (the release in service: $(readlink -f "$HOME_DIR/current"))"
  as_app env TCXD_ENV_FILE="$ENV_FILE" "$HOME_DIR/current/deploy/bin/tcxd-backup"
fi
if [ "$existing" = 1 ] || [ "$IN_PLACE" = 1 ]; then
  say "stop web and worker (the worker finishes its running task first)"
  real systemctl stop tcxd.target tcxd-web.service tcxd-worker.service || true
fi
say "migrate"
manage migrate --noinput
# Per-table autovacuum settings of the big tables (PostgreSQL only; idempotent).
if [ "$STAGE" = 0 ] && [ "$DRY" = 0 ]; then
  vendor=$(manage shell -c 'from django.db import connection; print(connection.vendor)' | tail -n 1)
  if [ "$vendor" = postgresql ]; then
    manage dbshell -- -v ON_ERROR_STOP=1 -q -f "$RELEASE/deploy/postgresql/tcxd-tables.sql"
  else
    echo "database: $vendor — per-table settings (deploy/postgresql/tcxd-tables.sql) are for PostgreSQL only"
  fi
else
  manage dbshell -- -v ON_ERROR_STOP=1 -q -f "$RELEASE/deploy/postgresql/tcxd-tables.sql"
fi
if [ "$IN_PLACE" = 0 ]; then
  say "switch $HOME_DIR/current → $RELEASE"
  run ln -sfn "$RELEASE" "$ROOT$HOME_DIR/current.new"
  run mv -T "$ROOT$HOME_DIR/current.new" "$ROOT$HOME_DIR/current"
fi

# --- 7. systemd, nginx, logrotate, TLS -------------------------------------------------------------------------
say "systemd units"
units_changed=0
for unit in "$SOURCE"/deploy/systemd/*; do
  if subst "$unit" | put - "/etc/systemd/system/$(basename "$unit")" 0644; then units_changed=1; fi
done
[ "$units_changed" = 0 ] || real systemctl daemon-reload
if [ "$DRY" = 1 ] || [ "$STAGE" = 1 ]; then
  echo "+ ln -sfn $APP/deploy/bin/tcxd-manage $ROOT/usr/local/bin/tcxd-manage"
  [ "$DRY" = 1 ] || { mkdir -p "$ROOT/usr/local/bin"; ln -sfn "$APP/deploy/bin/tcxd-manage" "$ROOT/usr/local/bin/tcxd-manage"; }
else
  ln -sfn "$APP/deploy/bin/tcxd-manage" /usr/local/bin/tcxd-manage
fi

say "TLS certificate"
if [ -f "$ROOT/etc/ssl/tcxd/tcxd.crt" ] && [ -f "$ROOT/etc/ssl/tcxd/tcxd.key" ]; then
  echo "kept: /etc/ssl/tcxd/tcxd.crt"
else
  san=""
  for n in "${NAMES[@]}"; do
    if [[ $n =~ ^[0-9.]+$ || $n == *:* ]]; then san+="IP:$n,"; else san+="DNS:$n,"; fi
  done
  echo "no certificate yet: a self-signed one for ${NAMES[*]} (replace it by one of the internal CA, docs/deployment.md)"
  run mkdir -p "$ROOT/etc/ssl/tcxd"
  run chmod 0755 "$ROOT/etc/ssl/tcxd"
  run openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -quiet -out "$ROOT/etc/ssl/tcxd/tcxd.key"
  run chmod 0600 "$ROOT/etc/ssl/tcxd/tcxd.key"
  run openssl req -x509 -new -key "$ROOT/etc/ssl/tcxd/tcxd.key" -sha256 -days 825 -subj "/CN=${NAMES[0]}/O=TCXD" \
    -addext "subjectAltName=${san%,}" -addext "extendedKeyUsage=serverAuth" -out "$ROOT/etc/ssl/tcxd/tcxd.crt"
fi

say "nginx site"
nginx_changed=0
if subst "$SOURCE/deploy/nginx/tcxd.conf" | put - /etc/nginx/sites-available/tcxd.conf 0644; then nginx_changed=1; fi
if put "$SOURCE/deploy/nginx/tcxd-proxy.conf" /etc/nginx/tcxd-proxy.conf 0644; then nginx_changed=1; fi
run mkdir -p "$ROOT/etc/nginx/sites-enabled"
run ln -sfn ../sites-available/tcxd.conf "$ROOT/etc/nginx/sites-enabled/tcxd.conf"
if [ -e "$ROOT/etc/nginx/sites-enabled/default" ] || [ -L "$ROOT/etc/nginx/sites-enabled/default" ]; then
  run rm -f "$ROOT/etc/nginx/sites-enabled/default"  # Debian's welcome page would take port 80 as default_server
  nginx_changed=1
fi
real nginx -t

say "logrotate"
put "$SOURCE/deploy/logrotate/tcxd" /etc/logrotate.d/tcxd 0644 || true

# --- start -----------------------------------------------------------------------------------------------------
say "services"
real systemctl enable tcxd.target tcxd-web.service tcxd-worker.service tcxd-backup.timer \
  tcxd-exports-purge.timer tcxd-housekeeping.timer nginx.service
if [ "$DO_START" = 1 ]; then
  real systemctl restart tcxd.target
  real systemctl start tcxd-backup.timer tcxd-exports-purge.timer tcxd-housekeeping.timer
  if [ "$nginx_changed" = 1 ]; then real systemctl reload-or-restart nginx.service; else real systemctl start nginx.service; fi
  if [ "$STAGE" = 0 ] && [ "$DRY" = 0 ]; then
    say "check https://127.0.0.1/dang-nhap/ (Host: ${NAMES[0]})"
    ok=0
    for _ in $(seq 1 30); do
      code=$(curl -sk -o /dev/null -w '%{http_code}' -H "Host: ${NAMES[0]}" https://127.0.0.1/dang-nhap/ || true)
      if [ "$code" = 200 ]; then ok=1; break; fi
      sleep 1
    done
    [ "$ok" = 1 ] || die "the login page did not answer 200 (last: $code): journalctl -u tcxd-web -n 50"
    echo "ok: the login page answers"
  fi
else
  echo "not started (--no-start)"
fi

# --- old releases ----------------------------------------------------------------------------------------------
if [ "$IN_PLACE" = 0 ] && [ -d "$ROOT$HOME_DIR/releases" ]; then
  mapfile -t releases < <(find "$ROOT$HOME_DIR/releases" -mindepth 1 -maxdepth 1 -type d | sort)
  current=$(readlink -f "$ROOT$HOME_DIR/current" 2>/dev/null || true)
  n=${#releases[@]}
  for ((i = 0; i < n - KEEP_RELEASES; i++)); do
    [ "${releases[$i]}" = "$current" ] || run rm -rf -- "${releases[$i]}"
  done
fi

say "done: $APP (release $commit)"
if [ "$STAGE" = 0 ] && [ "$DRY" = 0 ] && [ "$existing" = 0 ]; then
  echo "First install: create the first administrator with  tcxd-manage createsuperuser  (docs/deployment.md)."
fi
