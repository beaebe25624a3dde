# NSCC Ground-Check Monitor — developer and CI entry points. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
VENV_PY     := $(VENV)/bin/python
STAMP       := $(VENV)/.installed
# Interpreter used to create the venv (3.11 preferred).
PYTHON      ?= $(shell command -v python3.11 2>/dev/null || command -v python3)

PYTEST_ARGS ?=
ARGS        ?=

.PHONY: help venv run dev test simulate bench clean

help: ## List the targets
	@echo "Targets:"
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'
	@echo "Variables: PYTEST_ARGS='...' (make test), ARGS='...' (make simulate), PORT (make run)"

venv: $(STAMP) ## Create/update .venv from requirements-dev.txt

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(VENV)/bin/pip || { \
		rm -rf $(VENV); echo "creating $(VENV) with $(PYTHON)"; \
		$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
			echo "python -m venv failed: on Debian install python3-venv (apt-get install python3-venv)" >&2; exit 1; }; }
	$(VENV_PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

run: venv ## Serve the dashboard with gunicorn on HOST:PORT (a demo database first, if none)
	$(VENV_PY) -m dashboard.manage demo
	exec $(VENV)/bin/gunicorn -c gunicorn.conf.py app:server

dev: venv ## Run the development server (python app.py: one process, no gunicorn)
	$(VENV_PY) app.py

test: venv ## Install system packages if missing, then run pytest (PYTEST_ARGS=...)
	bash scripts/ensure_system_packages.sh --chromium
	npm ci --prefix tests/accessibility --no-audit --no-fund --silent
	@rc=0; $(VENV_PY) -m pytest $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; \
	exit $$rc

simulate: venv ## Run the simulator: python -m dashboard.simulate ARGS
	$(VENV_PY) -m dashboard.simulate $(ARGS)

bench: venv ## Run every bench/*.py (installs requirements-bench.txt: Locust)
	$(VENV_PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	@shopt -s nullglob; files=(bench/*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "no bench/*.py scripts"; exit 0; fi; \
	for f in "$${files[@]}"; do echo "== $$f"; PYTHONPATH=. $(VENV_PY) "$$f" || exit $$?; done

clean: ## Remove caches (keeps .venv)
	rm -rf .pytest_cache
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
