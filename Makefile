# The two commands: `make run` and `make test`. Everything else is a step they share.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: chaos run test venv migrate seed superuser lint bench serve-prod clean help

help:
	@echo "make run        set up everything and serve the site on http://$(HOST):$(PORT)/"
	@echo "make test       set up what the tests need and run the whole suite"
	@echo "make lint       ruff, mypy and the template check"
	@echo "make bench      the benchmarks in bench/ (gunicorn + wrk)"
	@echo "make chaos      fault injection: kill -9, PostgreSQL/Redis outages, disk full (docs/operations.md)"
	@echo "make superuser  create a CMS administrator interactively"

$(STAMP): pyproject.toml requirements/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

migrate: venv
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_content

run: seed
	@echo ""
	@echo "  Site:      http://$(HOST):$(PORT)/"
	@echo "  CMS admin: http://$(HOST):$(PORT)/cms/   (create an account first: make superuser)"
	@echo "  API docs:  http://$(HOST):$(PORT)/api/v1/docs"
	@echo ""
	$(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

superuser: migrate
	$(BIN)/python manage.py createsuperuser

test: venv node_modules/.installed
	bash scripts/test.sh

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/python manage.py validate_templates

bench: venv
	bash scripts/bench.sh

chaos: venv
	bash scripts/chaos.sh

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
