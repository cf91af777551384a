# benelink — everything a newcomer needs is `make demo` and `make test`.
# Each target creates .venv and installs benelink into it when needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SPARK_STAMP := $(VENV)/.spark-stamp
CONFIG := config/benelink.toml
DEMO_KEY := .demo/benelink.key
# one pytest worker per core (pytest-xdist), each test module kept on one worker so its
# module-wide fixtures (a month already run) are built once
PYTEST_WORKERS := -n auto --dist loadfile

.PHONY: setup demo test test-fast test-spark lint format typecheck unit browser java spreadsheet sample bench bench-scale bench-mess bench-months golden clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,analysis]'
	touch $(STAMP)

setup: $(STAMP)

# the Spark engine's tests need PySpark (the spark extra), and the bench's smoke tests run
# Splink beside benelink (the bench extra): both installed for `make test`
$(SPARK_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,analysis,spark,bench]'
	touch $(SPARK_STAMP)

$(DEMO_KEY): | $(STAMP)
	$(BIN)/benelink keygen --out $(DEMO_KEY)

## demo: run the monthly merge on the synthetic sample (October quietly, then November)
demo: $(STAMP) $(DEMO_KEY)
	BENELINK_KEY=$$(cat $(DEMO_KEY)) $(BIN)/benelink run --config $(CONFIG) --month 2026-10 --quiet
	BENELINK_KEY=$$(cat $(DEMO_KEY)) $(BIN)/benelink run --config $(CONFIG) --month 2026-11
	BENELINK_KEY=$$(cat $(DEMO_KEY)) $(BIN)/benelink evaluate --config $(CONFIG) --month 2026-11 --truth data/sample/truth.csv

## test: lint, type-check and the whole test suite, the Spark engine's and the spreadsheet's tests included
test: lint typecheck browser java spreadsheet unit

## test-fast: the inner loop: lint and every test but the slow ones (CLI runs, subprocesses,
## the browser, Spark, the bench) -- about a minute on 2 cores; `make test` still runs them all
test-fast: lint
	$(BIN)/pytest $(PYTEST_WORKERS) -m "not slow and not cli and not spark"

## test-spark: the PySpark engine's tests alone
test-spark: $(SPARK_STAMP) java
	$(BIN)/pytest $(PYTEST_WORKERS) -m spark

# the report is tested in a real headless browser: Debian's chromium, installed when missing
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
	  echo "chromium is not installed and cannot be installed here: the browser test will be skipped"

# the Spark tests need a JDK 17+: Debian's, installed when missing (the man folder must exist
# for its post-install step on slim images)
java:
	@command -v java >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && mkdir -p /usr/share/man/man1 && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; } || \
	  echo "Java is not installed and cannot be installed here: the Spark tests will be skipped"

# the review workbook is tested in a real spreadsheet program: Debian's LibreOffice Calc renders
# it to PDF, poppler's pdftoppm/pdftotext read the page; installed when missing, with the fonts
# that draw Arial's metrics and Arabic
spreadsheet:
	@{ command -v soffice >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; } || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	      libreoffice-calc poppler-utils fonts-liberation fonts-dejavu-core >/dev/null; } || \
	  echo "LibreOffice is not installed and cannot be installed here: the spreadsheet test will be skipped"

unit: $(SPARK_STAMP)
	$(BIN)/pytest $(PYTEST_WORKERS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

## golden: accept the current report.json of the sample as the golden copy (review the diff!)
golden: $(STAMP)
	BENELINK_REGENERATE_GOLDEN=1 $(BIN)/pytest tests/test_report_golden.py -q

## sample: regenerate the committed synthetic sample (fixed seed)
sample: $(STAMP)
	$(BIN)/benelink sample --out data/sample --people 3000 --seed 7 --months 2026-10,2026-11

## bench: linkage quality and speed side by side with Splink and recordlinkage -> bench/RESULTS.md
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench.run --out bench/RESULTS.md

## bench-scale: a full run at 10k / 100k / 1M people beside Splink -> bench/SCALE.md
bench-scale: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench.scale --out bench/SCALE.md

## bench-mess: quality over every record as each kind of partner-file mess grows -> bench/MESS.md
bench-mess: $(STAMP)
	$(BIN)/python -m bench.mess --out bench/MESS.md

## bench-months: id stability over eight months of churn, month by month -> bench/MONTHS.md,
## and the same with the files written the way partners' arrive -> bench/MONTHS-partner.md
bench-months: $(STAMP)
	$(BIN)/python -m bench.months --out bench/MONTHS.md
	$(BIN)/python -m bench.months --mess partner-like --seed 11 --out bench/MONTHS-partner.md

clean:
	rm -rf out .demo
