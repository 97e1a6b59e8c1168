# The README's commands. Each works on a fresh clone with Python 3.11 and pip.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
# The apps with catalogues of their own (the project's is locale/).
APPS := offices notifications access accounts citizens appointments callbacks desk reports

.PHONY: run test test-postgres lint format messages bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

## run: the app on SQLite with demo data at http://127.0.0.1:8000, and a task worker
## (notifications, slots, reminders, purge); Ctrl-C stops both
run: $(VENV)/.installed
	DEBUG=true $(PY) manage.py migrate --no-input
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true $(PY) manage.py qcluster & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	DEBUG=true $(PY) manage.py runserver $(HOST)

## test: the whole suite (rules, views, admin, concurrency, browser) on SQLite,
## or on PostgreSQL with DATABASE_URL=postgres://...
test: $(VENV)/.installed
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest --numprocesses=auto

test-postgres:
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres $(MAKE) test

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## messages: refresh and compile translations (needs Debian's gettext)
messages: $(VENV)/.installed
	DEBUG=true $(PY) manage.py makemessages -l fi -l sv -l en --ignore=.venv --ignore=tests --ignore=bench $(APPS:%=--ignore=%)
	for app in $(APPS); do \
		(mkdir -p $$app/locale && cd $$app && DEBUG=true ../$(PY) ../manage.py makemessages -l fi -l sv -l en) || exit 1; \
	done
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv

## bench: the booking race, booking throughput with e-mail in vs out of the request,
## issue 13's ratios on the national data set, then where the booking's CPU goes
## (bench/README.md)
bench: $(VENV)/.installed
	$(PY) bench/booking_race.py
	$(PY) bench/email_offload.py
	$(PY) bench/ratios.py
	$(PY) bench/booking_cpu.py

clean:
	rm -rf $(VENV) db.sqlite3* test_db.sqlite3* staticfiles
