# make demo: set up and run the main job on a synthetic county; make test: set up and run the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-stamp
STAMP := $(VENV)/.installed-stamp
SAMPLE := build/sample-county
HOME_DIR := archive
WHEELHOUSE ?= build/wheelhouse

.PHONY: demo test check setup lint bench clean-demo screens wheelhouse

# what running dibao needs (no test tools: no Chromium, no LibreOffice, no dev extras)
$(RUNTIME_STAMP): pyproject.toml scripts/install-debian.sh
	bash scripts/install-debian.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $(RUNTIME_STAMP)

# that plus what the tests need
$(STAMP): $(RUNTIME_STAMP)
	bash scripts/install-debian.sh --test
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# every wheel the runtime needs, the Debian package list and the offline installer, for an intranet without
# internet: copy the folder over, then `bash install-offline.sh` there (docs/deploy.md)
wheelhouse: $(RUNTIME_STAMP)
	rm -rf $(WHEELHOUSE) build/lib build/bdist.*  # setuptools would ship files left in build/lib by older builds
	$(BIN)/pip wheel -q --wheel-dir $(WHEELHOUSE) .
	bash scripts/install-debian.sh --list > $(WHEELHOUSE)/debian-packages.txt
	cp scripts/install-offline.sh $(WHEELHOUSE)/
	@echo "wheelhouse: $(WHEELHOUSE) ($$(ls $(WHEELHOUSE)/*.whl | wc -l) wheels)"

# run twice, the same home: the sample is built once (a rebuilt one would differ byte for byte and be filed again)
demo: $(RUNTIME_STAMP)
	test -d $(SAMPLE)/inbox || $(BIN)/python -m dibao.samplecounty $(SAMPLE)
	$(BIN)/dibao --home $(HOME_DIR) init
	$(BIN)/dibao --home $(HOME_DIR) ingest $(SAMPLE)/inbox
	$(BIN)/dibao --home $(HOME_DIR) stats --year 2025
	$(BIN)/dibao --home $(HOME_DIR) check
	@$(BIN)/python scripts/demo_next_steps.py $(HOME_DIR) $(BIN)

# then the catalog, resilience, web security and OCR-queue suites again with every home's catalog on a throw-away
# PostgreSQL server (tests/pgserver.py; issue 28) — tests/archiver/test_postgres.py runs in the first pass
PG_SUITES := tests/archiver/test_catalog_aggregates.py tests/archiver/test_resilience.py tests/dibao/web/test_security.py \
             tests/archiver/test_queue.py

test: $(STAMP) lint
	$(BIN)/python -m pytest
	DIBAO_TEST_POSTGRES=1 $(BIN)/python -m pytest $(PG_SUITES)

# the fast tier (< 3 min on 2 cores): unit and cli tests; no OCR, sample corpus, browser or kill loops.
# `make test` is the full suite CI runs
check: $(STAMP)
	$(BIN)/python -m pytest -m "not ocr and not acceptance and not browser and not slow"

lint: $(STAMP)
	$(BIN)/ruff check archiver generators dibao tests bench scripts
	$(BIN)/mypy

screens: $(STAMP)
	DIBAO_SCREENS=docs/screens $(BIN)/python -m pytest tests/dibao/web/test_browser.py tests/dibao/web/test_browser_corrections.py

bench: $(STAMP)
	$(BIN)/python bench/import_roster.py

clean-demo:
	rm -rf $(SAMPLE) $(HOME_DIR)/catalog.sqlite* $(HOME_DIR)/files $(HOME_DIR)/index $(HOME_DIR)/quarantine
