# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
DB     ?= data/newskb.sqlite
PORT   ?= 8501

.PHONY: run test lint install ingest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEVSTAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)

# Ingest the bundled offline sample (always) and the default online sources (when reachable).
ingest: $(STAMP)
	$(BIN)/newskb --db $(DB) sources import --if-missing ingest/data/sample_sources.opml
	$(BIN)/newskb --db $(DB) ingest || true
	$(BIN)/newskb --db $(DB) stats

run: ingest
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true -- --db $(DB)

lint: $(DEVSTAMP)
	$(BIN)/ruff check kb ingest tests benchmarks app.py app_pages
	$(BIN)/mypy kb ingest

test: $(DEVSTAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) data/newskb.sqlite*
