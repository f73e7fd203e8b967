# Order tracking for Odoo 18: developer entry points.
#   make demo    Odoo with the add-ons and demo data at http://localhost:8069
#   make test    fresh test database + the whole test suite
#   make test-matrix  the same on every further Odoo 18 build configured (scripts/test_matrix.sh)
#   make deps | lint | clean
# Variables (environment or `make VAR=value`): TEST_DB, DEMO_DB, DEMO_HTTP_PORT, PYTHON,
# ODOO_SOURCE, ODOO_HOME, PYTEST_ARGS, TEST_LOG_LEVEL, ODOO_MATRIX_PY and the libpq PG* variables.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

TEST_DB ?= order_tracking_test
DEMO_DB ?= order_tracking_demo
PYTHON ?= python3
export TEST_DB DEMO_DB PYTHON

LINT_DIRS := $(wildcard addons tests bench)

.PHONY: help deps test test-clock test-matrix rel4 upgrade-check demo demo-check bench soak cluster i18n lint readme clean

help:
	@echo "make test-clock - the project suite again with the test clock $(TEST_CLOCK_SHIFT) from PostgreSQL's"
	@echo "make demo   - install (or update) the add-ons with demo data in $(DEMO_DB) and serve http://localhost:8069"
	@echo "make demo-check - install the demo on fresh databases (today, a Saturday, a Monday, a holiday) and check its story"
	@echo "make test   - rebuild $(TEST_DB) with every add-on installed and run the whole test suite, then REL-4 (REL4=0 skips it)"
	@echo "make test-matrix - the same suite on each further Odoo 18 build (ODOO_MATRIX_PY or /etc/order_tracking/odoo-matrix)"
	@echo "make rel4   - REL-4: install, upgrade and uninstall each add-on on a database with orders in every node"
	@echo "make upgrade-check - the add-ons of .ci/upgrade-from with demo data, upgraded to this checkout: nothing users see changes, the schema of a fresh install"
	@echo "make deps   - install what is missing: PostgreSQL, Odoo 18, Python test tools, Chromium, wkhtmltopdf, CJK fonts"
	@echo "make bench  - benchmarks against plain Odoo in the same run (bench/README.md)"
	@echo "make soak   - REL-5 soak and fault run: concurrent clients on --workers, a worker killed, PostgreSQL restarted"
	@echo "make cluster - OPS-4: two Odoo nodes behind HAProxy, a PostgreSQL standby serving the reads, a node killed"
	@echo "make i18n   - re-export each add-on's .pot from $(TEST_DB) and merge it into zh_CN.po"
	@echo "make lint   - ruff (check, format) on $(LINT_DIRS) and pylint-odoo (OCA mandatory checks) on addons/"
	@echo "make readme - regenerate each add-on's README.md from its readme/ fragments"
	@echo "make clean  - drop $(TEST_DB) and remove .test-logs/"

deps:
	bash scripts/ensure_postgres.sh
	bash scripts/ensure_odoo.sh
	bash scripts/ensure_python_deps.sh
	bash scripts/ensure_chromium.sh
	bash scripts/ensure_wkhtmltopdf.sh

test: deps
	bash scripts/run_tests.sh
	@if [ "$${REL4:-1}" != 0 ]; then bash scripts/rel4.sh; fi

rel4: deps
	bash scripts/rel4.sh

# The same project suite with the test process's clock 400 days ahead of PostgreSQL's
# (libfaketime), on the database `make test` built: tests must not age and business facts
# must use one clock (REL-6). Browser tours are left out (Chromium keeps the real clock).
TEST_CLOCK_SHIFT ?= +400d
test-clock: deps
	TEST_REUSE_DB=1 TEST_CLOCK_SHIFT=$(TEST_CLOCK_SHIFT) \
	  PYTEST_ARGS="--ignore-glob=*test_tour_* $${PYTEST_ARGS:-}" bash scripts/run_tests.sh

test-matrix: deps
	bash scripts/test_matrix.sh

demo: deps
	bash scripts/demo.sh

# The demo installs and tells its story whatever the day: scripts/demo_check.sh
demo-check: deps
	bash scripts/demo_check.sh

upgrade-check: deps
	bash scripts/upgrade_check.sh

bench: deps
	bash scripts/bench.sh

# REL-5: SOAK_ORDERS (100), SOAK_WORKERS (3), SOAK_TIME_LIMIT (540 s); own PostgreSQL
# cluster unless PGHOST/PGPORT (then SOAK_PG_RESTART) are given: scripts/soak.sh
soak: deps
	bash scripts/soak.sh

cluster: deps
	bash scripts/cluster.sh

i18n:
	@for m in $$(ls -d addons/*/ | sed 's#/$$##'); do \
	  name=$$(basename $$m); \
	  bash scripts/odoo.sh -d $(TEST_DB) --i18n-export=$$PWD/$$m/i18n/$$name.pot --modules=$$name \
	    --stop-after-init --log-level=warn; \
	  $(PYTHON) scripts/i18n_sync.py $$m || true; \
	done

lint:
	bash scripts/ensure_python_deps.sh >/dev/null
	$(PYTHON) -m ruff check $(LINT_DIRS)
	$(PYTHON) -m ruff format --check $(LINT_DIRS)
	$(PYTHON) -m pylint --rcfile=.pylintrc $(wildcard addons/*/)
	$(PYTHON) scripts/gen_readme.py --check

readme:
	$(PYTHON) scripts/gen_readme.py

clean:
	@if command -v psql >/dev/null 2>&1 && psql -X -q -d postgres -c 'select 1' >/dev/null 2>&1; then \
	  source scripts/common.sh && drop_db "$(TEST_DB)"; fi
	rm -rf .test-logs
