# Two commands do everything on a fresh machine with Python 3.11+:
#   make run   - create .venv, install, build and validate the graph, publish dist/
#   make test  - create .venv, install (and, as root, the Debian packages the tests use;
#                axe-core from npm for the browser tests),
#                run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck install system-deps browser-deps clean bench fuzz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/heze-ip-kg publish -o dist
	$(BIN)/heze-ip-kg validate dist/heze-ip-kg.ttl

test: system-deps browser-deps lint typecheck
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

# Virtuoso, Chromium and CJK fonts from Debian for the server and browser tests (root only).
system-deps:
	./.ci/system-deps

# axe-core, which the browser tests inject into each page (npm, pinned by tests/package-lock.json).
AXE := tests/node_modules/axe-core/axe.min.js
browser-deps: $(AXE)

$(AXE): tests/package.json tests/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd tests && npm ci --no-audit --no-fund --silent && touch node_modules/axe-core/axe.min.js; \
	else echo "npm is missing: the axe-core checks of the browser tests will be skipped" >&2; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Not part of test: the pipeline on 1, 30, 300 and 1,000 synthetic plans, then the endpoint
# under 50 mixed clients, then a one-plan change republished at 300 plans; writes bench/results.md.
# (About half an hour on 2 cores, measured 2026-12-01: most of it the rdflib and pySHACL references
# at 30 and 300 plans, each rdflib query cut at 20 s, and the 1,000-plan pipeline.)
bench: $(STAMP)
	$(BIN)/python bench/run.py --sizes 1,30,300,1000 --ref-timeout 20 --shacl-timeout 900
	$(BIN)/python bench/endpoint.py --clients 50 --seconds 30
	$(BIN)/python bench/endpoint.py --clients 50 --seconds 30 --plans 300
	$(BIN)/python bench/endpoint.py --clients 50 --seconds 30 --plans 300 --answer-cache 0
	$(BIN)/python bench/incremental.py --plans 300

# Not part of test (which runs a sample of each): 10,000 mutated plan texts through `parse`, and
# 1,000 damaged curated-file folders through `build`; fails on any crash or hang.
fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz --inputs 10000 --seed 1
	$(BIN)/python -m tests.fuzz_data --inputs 1000 --seed 1

clean:
	rm -rf $(VENV) dist tests/node_modules
