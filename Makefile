# SuperTeam: `make demo` to try it, `make test` to test it. Needs Python >= 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := superteam.settings

.PHONY: demo test setup messages lint format check bench serve worker clean

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	@touch $@

setup: $(VENV)/.installed
	DEBUG=1 $(PY) manage.py compile_catalogues

# A demo installation on SQLite (var/), loaded with the Banyuwangi demo regency,
# served on http://127.0.0.1:$(PORT) with the background worker beside it.
demo: export DEBUG = 1
demo: export DEMO_MODE = 1
demo: export SITE_URL ?= http://127.0.0.1:$(PORT)
demo: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo
	$(PY) manage.py serve_demo --port $(PORT)

# The whole suite; with DATABASE_URL=postgres://... it runs against that PostgreSQL.
test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

# Refresh every app's Indonesian catalogue from the source (needs GNU gettext).
messages: export DEBUG = 1
messages: setup
	@for app in superteam/*/; do \
	  if [ -d $$app/locale ]; then (cd $$app && PYTHONPATH=$(CURDIR) $(CURDIR)/$(VENV)/bin/django-admin makemessages -l id --no-obsolete --no-location -v0) || exit 1; fi; \
	done
	$(PY) manage.py compile_catalogues

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var/ .pytest_cache
