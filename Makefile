# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install run index chat serve test test-fast eval calibrate lint bench clean

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

# Two workers (pytest-xdist) by default: one embeds docs/ while the other waits for the shared cache, then
# both run tests; `make test TEST_WORKERS=0` runs them in one process.
TEST_WORKERS ?= 2
test: install
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS)

# Every test that needs neither the encoder nor an index build (marker `slow`, tests/conftest.py): < 1 min.
test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

# Tuning sets choose parameters and fit the abstention model; held-out sets only report (README, "Quality").
TUNING := ../shared/eval/questions.jsonl tests/data/questions_docs.jsonl tests/data/questions_corpus.jsonl \
	tests/data/questions_offtopic.jsonl tests/data/questions_sessions_tuning.jsonl \
	tests/data/questions_tuning_calibration.jsonl tests/data/questions_tuning_declines.jsonl \
	tests/data/questions_tuning_retired_heldout.jsonl tests/data/questions_tuning_retired_sessions.jsonl \
	tests/data/questions_tuning_retired_2026_12.jsonl tests/data/questions_tuning_retired_2026_12b.jsonl \
	tests/data/questions_tuning_retired_2026_12c.jsonl tests/data/questions_tuning_retired_2026_12d.jsonl \
	tests/data/questions_tuning_retired_2026_12e.jsonl tests/data/questions_tuning_retired_2026_12f.jsonl \
	tests/data/questions_tuning_retired_2026_12g.jsonl tests/data/questions_tuning_retired_2026_12h.jsonl \
	tests/data/questions_tuning_retired_2026_12i.jsonl
# Frozen (their sha256 are in tests/test_heldout.py: an edit is a new set), no question a near-repeat of a tuning
# one. Written blind by helpers after every tuning set above was fixed (README, "Quality").
HELD_OUT := tests/data/questions_heldout_2026_12j.jsonl

# One line per set, labelled tuning or held-out, then both kinds pooled side by side (README, "Quality").
eval: install
	$(BIN)/istio-events-bot eval $(foreach set,$(TUNING),--tuning $(set)) $(foreach set,$(HELD_OUT),--held-out $(set))

# Refit when to say "I don't know" (bot/core/calibration/<encoder>.json) on the tuning sets only.
calibrate: install
	@for set in $(TUNING); do [ -f $$set ] || echo "warning: tuning set $$set is missing: fitting without it"; done
	$(BIN)/istio-events-bot calibrate $(foreach set,$(wildcard $(TUNING)),--questions $(set))

# ruff, then the type checker (settings in pyproject.toml); CI runs this before the tests.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

# Every figure of BENCHMARKS.md (benchmarks/; `istio-events-bot bench --quick` checks they all still work).
# The whole-process rows alone: $(BIN)/python -m benchmarks.whole_process
bench: install
	$(BIN)/istio-events-bot bench

clean:
	rm -rf .cache .pytest_cache .ruff_cache
