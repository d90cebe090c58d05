# The two commands a new user needs: `make run` and `make test`. Both create the virtualenv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
# `make run` is a development server: DEBUG on unless the environment says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-1}

.PHONY: run test install lint worker screenshots clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_demo
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# A Celery worker for the PostgreSQL + Redis set-up (see README).
worker: install
	$(RUN_ENV) $(BIN)/celery -A config worker --loglevel=INFO

# Refresh docs/screenshots/ from the browser journeys (Debian's Chromium; prints each journey's effort).
screenshots: install
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest tests/test_journeys.py -s

clean-venv:
	rm -rf $(VENV)
