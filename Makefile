# The two commands: `make run` and `make test`. Everything else is a step they share.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: chaos run worker test venv migrate seed superuser lint bench serve-prod clean help static-assets

help:
	@echo "make run        set up everything and serve the site on http://$(HOST):$(PORT)/"
	@echo "make test       set up what the tests need and run the whole suite"
	@echo "make lint       ruff, mypy, the architecture contract (import-linter), migrations up to date"
	@echo "make bench      the benchmarks in bench/ (gunicorn + wrk)"
	@echo "make worker     the background worker alone (make run starts it too)"
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

# The typeface comes from the pinned npm package into git-ignored build/static (STATICFILES_DIRS).
static-assets: node_modules/.installed
	bash scripts/build_static.sh

migrate: venv
	$(BIN)/python manage.py migrate --noinput

seed: migrate static-assets
	$(BIN)/python manage.py seed_content
	$(BIN)/python manage.py generate_materials

run: seed
	HOST=$(HOST) PORT=$(PORT) bash scripts/run.sh

# The background worker alone (make run starts one beside the server).
worker: migrate
	$(BIN)/python manage.py intake_outbox_sweep
	$(BIN)/python manage.py db_worker --backend outbox --interval 1

superuser: migrate
	$(BIN)/python manage.py createsuperuser

test: venv static-assets
	bash scripts/test.sh

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py validate_templates

bench: venv static-assets
	bash scripts/bench.sh

chaos: venv
	bash scripts/chaos.sh

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
