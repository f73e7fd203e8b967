#!/usr/bin/env bash
# The test matrix: the whole project suite (scripts/run_tests.sh: install, Odoo's own
# sale/sale_management/sale_stock suites, pytest) once per further Odoo 18 build, each
# build being a Python interpreter that imports it. Called by `make test-matrix` and CI,
# after `make test` has run the suite on the default interpreter ($PYTHON).
#
# Which interpreters:
#   ODOO_MATRIX_PY     space-separated interpreter paths, e.g.
#                      ODOO_MATRIX_PY="/opt/venv-odoo18-20250421/bin/python"
#   (unset)            the machine's list, $ODOO_MATRIX_FILE (default
#                      /etc/order_tracking/odoo-matrix): one interpreter path a line,
#                      '#' starts a comment. No file, or an empty list: nothing to run.
#   ODOO_MATRIX_PY=""  (set but empty) skips the matrix, whatever the file says.
# Databases: ODOO_MATRIX_DBS (space-separated, one per interpreter, same order), else
# <TEST_DB>_<build>, e.g. order_tracking_test_18_0_20250421. Logs: .test-logs/matrix/<build>/.
# Every other variable of run_tests.sh (ODOO_SUITES, PYTEST_ARGS, ...) applies to each run.
# An interpreter that is listed but does not import Odoo 18 is an error: provision it
# (docs/deployment.md, "Test matrix") or remove it from the list.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

MATRIX_FILE="${ODOO_MATRIX_FILE:-/etc/order_tracking/odoo-matrix}"
BASE_DB="${TEST_DB:-order_tracking_test}"

interpreters=()
if [ "${ODOO_MATRIX_PY+set}" = set ]; then
  source_desc="ODOO_MATRIX_PY"
  read -r -a interpreters <<<"${ODOO_MATRIX_PY}"
elif [ -f "$MATRIX_FILE" ]; then
  source_desc="$MATRIX_FILE"
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%%#*}"
    line="$(echo "$line" | xargs)"
    [ -n "$line" ] && interpreters+=("$line")
  done <"$MATRIX_FILE"
else
  source_desc="no ODOO_MATRIX_PY and no $MATRIX_FILE"
fi
if [ ${#interpreters[@]} -eq 0 ]; then
  say "Test matrix: no further Odoo 18 build configured ($source_desc); nothing to run."
  exit 0
fi
dbs=()
read -r -a dbs <<<"${ODOO_MATRIX_DBS:-}"
if [ ${#dbs[@]} -gt 0 ] && [ ${#dbs[@]} -ne ${#interpreters[@]} ]; then
  die "ODOO_MATRIX_DBS names ${#dbs[@]} databases for ${#interpreters[@]} interpreters"
fi

say "Test matrix ($source_desc): ${interpreters[*]}"
results=()
status=0
for i in "${!interpreters[@]}"; do
  python_bin="${interpreters[$i]}"
  if ! version="$("$python_bin" -W ignore -c 'import odoo.release as r; assert r.version_info[0] == 18; print(r.version)' 2>/dev/null)"; then
    warn "$python_bin does not import Odoo 18 (see docs/deployment.md, Test matrix)"
    results+=("$python_bin: no Odoo 18")
    status=1
    continue
  fi
  build="$(echo "$version" | tr -c 'A-Za-z0-9\n' '_')"
  db="${dbs[$i]:-${BASE_DB}_${build}}"
  log_dir="$REPO_ROOT/.test-logs/matrix/$build"
  say "Test matrix: Odoo $version ($python_bin) on database $db"
  if ! PYTHON="$python_bin" bash scripts/ensure_python_deps.sh; then
    results+=("Odoo $version ($python_bin): test tools could not be installed")
    status=1
    continue
  fi
  if PYTHON="$python_bin" TEST_DB="$db" TEST_LOG_DIR="$log_dir" bash scripts/run_tests.sh; then
    outcome="green"
  else
    outcome="FAILED"
    status=1
  fi
  summary="$(grep -E '[0-9]+ (passed|failed)' "$log_dir/pytest.log" 2>/dev/null | tail -n 1 | sed 's/=//g' | xargs || true)"
  results+=("Odoo $version ($python_bin, $db): $outcome${summary:+ ($summary)}")
done

say "Test matrix results:"
for line in "${results[@]}"; do printf '    %s\n' "$line"; done
exit "$status"
