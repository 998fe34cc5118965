# Common tasks. The README's two commands are the `report` and `test` recipes spelled out.
PYTHON ?= python3
VENV := .venv
CITY ?= The Hague
OUT ?= build
export RESILIENCE_DATA_DIR ?= ../shared/data

.PHONY: setup report test notebooks docs lint bench clean

$(VENV)/bin/resilience-analytics: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -e ".[dev]"

setup: $(VENV)/bin/resilience-analytics

report: setup  ## run the notebook suite for $(CITY) into $(OUT)/
	$(VENV)/bin/resilience-analytics report --city "$(CITY)" --out $(OUT)

test: setup  ## unit tests, data tests, browser check and nbval on every notebook
	$(VENV)/bin/python -m pytest

notebooks: setup  ## re-execute the committed notebooks in place (outputs for nbval)
	$(VENV)/bin/python -m resilience_analytics.report --refresh-notebooks

docs: setup  ## the documentation site (warnings are errors), into $(OUT)/docs/
	$(VENV)/bin/python -m sphinx -W --keep-going -b html docs $(OUT)/docs

lint: setup
	$(VENV)/bin/ruff check resilience_analytics tests benchmarks

bench: setup  ## speed benchmarks (sizes, times, ratios)
	for f in benchmarks/bench_*.py; do $(VENV)/bin/python $$f; done

clean:
	rm -rf build .pytest_cache
