# supplychain: `make run` sets up and runs the main job; `make test` sets up and runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SC     := $(BIN)/supplychain
# Debian packages the browser tests and screenshots need (installed when missing)
DEB_PACKAGES := chromium fonts-wqy-zenhei

.PHONY: run test bench browser screenshot clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(SC) validate
	$(SC) exposure 阿里云资本开支
	$(SC) export html
	$(SC) export html --driver 阿里云资本开支 -o output/exposure-alibaba-capex.html

# Headless Chromium and a CJK font from Debian (no browser download: Playwright drives /usr/bin/chromium)
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'wenquanyi\|wqy'; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing $(DEB_PACKAGES) with apt-get"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(DEB_PACKAGES) >/dev/null; \
	fi

test: $(VENV)/.installed-test browser
	$(BIN)/python -m pytest

# Benchmarks at 1k and 10k companies against the plain approach (not part of `make test`; `SIZES=1000,10000,100000 make bench` for all)
SIZES ?= 1000,10000
# and the HTML page (export and headless-Chromium time to drawn at 1k and 5k companies), `changes`,
# one note ingested into the 10k graph, and a 3,000-line book against the 10k graph
bench: $(VENV)/.installed-test browser
	$(BIN)/python bench/run.py --sizes $(SIZES)
	$(BIN)/python bench/bench_html.py --sizes 1000,5000 --repeat 3
	$(BIN)/python bench/bench_changes.py --sizes 10000 --depths 2,4,8 --repeat 3
	$(BIN)/python bench/bench_ingest.py --companies 10000 --repeat 3
	$(BIN)/python bench/bench_portfolio.py --companies 10000 --lines 3000 --repeat 3

# Regenerates docs/graph.png (the README's picture) from the exposure page
screenshot: $(VENV)/.installed-test browser
	$(BIN)/python bench/screenshot.py

clean:
	rm -rf $(VENV) output/*.html build src/*.egg-info .pytest_cache
