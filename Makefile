# 银龄助手 — everything a newcomer needs is behind these targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run console test lint migrate revision bench clean

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

test: $(STAMP)  ## lint and the whole test suite
	$(BIN)/ruff check bot core db plugins tests bench
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check bot core db plugins tests bench

revision: $(STAMP)  ## make revision m="add something"
	$(BIN)/alembic revision --autogenerate -m "$(m)"

bench: $(STAMP)  ## benchmarks, printed as ratios against a baseline from the same run
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
