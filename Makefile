# The two commands a new user needs: `make run` and `make test`. Both create the virtualenv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two install stamps: the runtime packages alone (requirements.txt: `make run`, `make worker`), and the runtime with
# the test, lint and type-check tools (requirements-dev.txt: `make install`, `make test`, `make lint`, CI). Each is
# named after the checksum of the files it installed, so editing either file reinstalls.
RUNTIME_STAMP := $(VENV)/.installed-runtime-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
# `make run` is a development server: DEBUG on unless the environment says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-1}

.PHONY: run test install install-runtime lint worker screenshots clean-venv wheelhouse

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(RUNTIME_STAMP)

$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(RUNTIME_STAMP) $(STAMP)

install-runtime: $(RUNTIME_STAMP)

install: $(STAMP)

run: install-runtime
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/mypy_check.py

# A Celery worker for the PostgreSQL + Redis set-up (see README).
worker: install-runtime
	$(RUN_ENV) $(BIN)/celery -A config worker --loglevel=INFO

# Refresh docs/screenshots/ from the browser journeys (Debian's Chromium; prints each journey's effort).
screenshots: install
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest tests/test_journeys.py -s

clean-venv:
	rm -rf $(VENV)

# Every runtime package (requirements.txt, no test or lint tool) as a wheel in $(WHEELHOUSE)/, for a machine with no
# network (README, "Cài đặt trên mạng nội bộ"): there, `pip install --no-index --find-links wheelhouse -r requirements.txt`.
WHEELHOUSE ?= wheelhouse
wheelhouse: | $(BIN)/python
	$(BIN)/python -m pip wheel --quiet --wheel-dir $(WHEELHOUSE) -r requirements.txt
	@ls $(WHEELHOUSE)/*.whl | wc -l | xargs printf '%s wheels in $(WHEELHOUSE)/\n'
