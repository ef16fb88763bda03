# ngomna chat — every target installs what it needs into .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test test-fast lint bench capacity soak clean

install: $(STAMP)

$(STAMP): requirements/*.txt package.json package-lock.json
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements/dev.txt
	@# JS: the socket.io client served to the web console, newman for the Postman collection.
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error; \
	 else echo "npm not found: the web console and the JS/Postman tests need Node.js"; fi
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m scripts.run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest tests/unit tests/integration

bench: $(STAMP)
	$(BIN)/python -m bench

capacity: $(STAMP)
	$(BIN)/python -m bench capacity

soak: $(STAMP)
	$(BIN)/python -m pytest tests/soak -m soak

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache var/
