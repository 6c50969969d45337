# TCXD — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
SIZE ?= S
# Development defaults live here and only here.
DEV_ENV := DEBUG=1 HTTPS=0 SECRET_KEY=dev-only-not-secret-tcxd
TEST_ENV := TCXD_TESTING=1 HTTPS=0 SECRET_KEY=test-only-not-secret-tcxd
PYTEST_WORKERS ?= 2

.PHONY: run test test-unit test-browser bench dataset lint check-deploy clean loadtest

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	mkdir -p var
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed_demo --if-empty
	@echo "TCXD: http://127.0.0.1:8000  (tài khoản mẫu ở trên, mật khẩu: demo)"
	@# the background worker (long operations: restructuring) runs beside the server and stops with it
	$(DEV_ENV) $(PY) manage.py db_worker >var/worker.log 2>&1 & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: test-unit test-browser

test-unit: $(VENV)/.installed
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory check-deploy
	$(TEST_ENV) $(PY) -m pytest -q -n $(PYTEST_WORKERS) tcxd

test-browser: $(VENV)/.installed
	@if [ -x /usr/bin/chromium ]; then \
	  $(TEST_ENV) AXES_ENABLED=0 DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest -q -p no:xdist e2e; \
	else echo "Bỏ qua kiểm thử trình duyệt: chưa cài chromium (apt-get install chromium)."; fi

# Benchmarks never touch the dev database: without DATABASE_URL they use var/bench-$(SIZE).sqlite3.
# PostgreSQL: DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/tcxd_bench_s make bench
# (create the database first). `make dataset SIZE=M DATASET_ARGS=--replace` rebuilds a dataset.
BENCH_ENV = $(TEST_ENV) DATABASE_URL=$(or $(DATABASE_URL),sqlite:///$(CURDIR)/var/bench-$(SIZE).sqlite3)
DATASET_ARGS ?=

# stdout carries only the JSON lines (`make bench | jq`); everything else goes to stderr.
bench: $(VENV)/.installed
	@mkdir -p var
	@$(BENCH_ENV) $(PY) manage.py migrate --noinput >&2
	@$(BENCH_ENV) $(PY) manage.py bench --size $(SIZE)

dataset: $(VENV)/.installed
	mkdir -p var
	$(BENCH_ENV) $(PY) manage.py migrate --noinput
	$(BENCH_ENV) $(PY) manage.py generate_dataset --size $(SIZE) $(DATASET_ARGS)

# Load test on loopback (loadtest/run.py): 50 users for 5 min against the M dataset on PostgreSQL (tcxd_bench_m, built
# if missing), then everything stops; results and the latency chart in docs/perf/. Options: `make loadtest
# LOADTEST_ARGS="--smoke"` (5 users, 20 s), --users, --duration, --size, --database-url (python loadtest/run.py -h).
LOADTEST_ARGS ?=
loadtest: $(VENV)/.installed
	$(PY) loadtest/run.py $(LOADTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

check-deploy: $(VENV)/.installed
	DEBUG=0 HTTPS=1 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=tcxd.example.vn \
	  $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var .pytest_cache
