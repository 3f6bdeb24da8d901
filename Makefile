# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install run index chat serve test eval lint bench clean

# torch first, pinned to the CPU build on local disk: a bare install would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

index: install
	$(BIN)/istio-events-bot index

# On Slack when tokens are set (see .env.example), otherwise a chat in this terminal.
run: index
	@if [ -f .env ]; then set -a; . ./.env; set +a; fi; \
	if [ -n "$$SLACK_BOT_TOKEN" ] && { [ -n "$$SLACK_APP_TOKEN" ] || [ -n "$$SLACK_SIGNING_SECRET" ]; }; then \
		exec $(BIN)/istio-events-bot serve; \
	else \
		echo "No Slack tokens set: starting the terminal chat (see README, 'Running on Slack')."; \
		exec $(BIN)/istio-events-bot chat; \
	fi

test: install
	$(BIN)/python -m pytest -q

# Tuning sets were used to choose parameters; held-out sets only report (README, "Quality").
eval: install
	@echo "== tuning: development set (../shared/eval/questions.jsonl)"
	$(BIN)/istio-events-bot eval --questions ../shared/eval/questions.jsonl
	@echo "== tuning: sessions, dates and lists (tests/data/questions_sessions_tuning.jsonl)"
	$(BIN)/istio-events-bot eval --questions tests/data/questions_sessions_tuning.jsonl
	@echo "== held-out: sessions, dates and lists (tests/data/questions_sessions_heldout.jsonl)"
	$(BIN)/istio-events-bot eval --questions tests/data/questions_sessions_heldout.jsonl

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/istio-events-bot bench

clean:
	rm -rf .cache .pytest_cache .ruff_cache
