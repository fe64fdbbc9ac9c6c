# 银龄助手 — everything a newcomer needs is behind these targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run console test lint fuzz migrate revision bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Reinstall whenever the dependency list changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[test]"
	touch $(STAMP)

data:
	mkdir -p data

migrate: $(STAMP) data  ## apply database migrations
	$(BIN)/alembic upgrade head

run: migrate  ## start the bot (OneBot V11 reverse WebSocket, SQLite by default)
	$(BIN)/python -m bot

console: migrate  ## the same bot in this terminal, no QQ needed
	YINLING_ADAPTER=console $(BIN)/python -m bot

test: $(STAMP)  ## lint, layer contracts, types, and the whole test suite
	$(BIN)/ruff check bot core db domain plugins tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/python -m pytest

fuzz: $(STAMP)  ## the adversarial suite, long: FUZZ_EXAMPLES=5000 random examples per backend
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-5000} FUZZ_RANDOM=1 $(BIN)/python -m pytest -q tests/adversarial

lint: $(STAMP)  ## ruff, the layer contracts (import-linter) and mypy
	$(BIN)/ruff check bot core db domain plugins tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

revision: $(STAMP)  ## make revision m="add something"
	$(BIN)/alembic revision --autogenerate -m "$(m)"

bench: $(STAMP)  ## benchmarks, printed as ratios against a baseline from the same run
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
