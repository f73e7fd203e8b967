#!/usr/bin/env bash
# The benchmarks (bench/README.md), called by `make bench`: builds the databases
# they need (once, rebuilt when the add-ons' code changes), installs OCA's tier
# validation for PERF-5 outside the project when missing, runs PERF-1 (as one
# transaction, then with a commit after every phase), PERF-2,
# PERF-3 (order_kpi, bench/kpi.py), PERF-5 and PERF-6 (order_promise,
# bench/promise.py), prints their result lines and
# budgets together at the end, and exits non-zero when a budget is missed or a
# benchmark could not run.
#   BENCH_SCALE       0 < scale <= 1 shrinks every size (default 1: the issue's sizes)
#   BENCH_DB_PREFIX   database names <prefix>_plain, _addons, _alerts, _approvals, _oca,
#                     _kpi_<orders> (default bench)
#   BENCH_ONLY        comma-separated subset of perf1,perf2,perf3,perf5,perf6 (default all)
#   BENCH_KPI_ORDERS  orders of the KPI benchmark before scaling (default 200000; 5 lines
#                     and 5 events each; generated once in <prefix>_kpi_<orders>, then
#                     reused; 0 skips it)
#   BENCH_REBUILD=1   rebuild every database first
#   BENCH_CACHE       OCA add-ons and the databases' filestore
#                     (default ${XDG_CACHE_HOME:-~/.cache}/order-tracking-bench)
# Logs of the database builds go to .bench-logs/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

SCALE="${BENCH_SCALE:-1}"
PREFIX="${BENCH_DB_PREFIX:-bench}"
ONLY="${BENCH_ONLY:-perf1,perf2,perf3,perf5,perf6}"
CACHE="${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/order-tracking-bench}"
OCA_DIR="$CACHE/oca-18.0"
export BENCH_DATA_DIR="$CACHE/data"
LOG_DIR="$REPO_ROOT/.bench-logs"
export BENCH_RESULTS="$LOG_DIR/results.txt"
OCA_PINS=("odoo-addon-sale-tier-validation==18.0.1.1.0" "odoo-addon-base-tier-validation==18.0.3.5.2")
mkdir -p "$LOG_DIR" "$BENCH_DATA_DIR"
: >"$BENCH_RESULTS"
STARTED=$SECONDS

elapsed() { printf '%02d:%02d' $(((SECONDS - STARTED) / 60)) $(((SECONDS - STARTED) % 60)); }
step() { printf '==> [%s] %s\n' "$(elapsed)" "$*"; }
wanted() { [[ ",$ONLY," == *",$1,"* ]]; }
# scaled VALUE [MIN]: VALUE x BENCH_SCALE, at least MIN (default 1)
scaled() { py -c 'import sys; v, s, m = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]); print(max(m, round(v * s)))' "$1" "$SCALE" "${2:-1}"; }

py -c 'import sys; s = float(sys.argv[1]); sys.exit(0 if 0 < s <= 1 else 1)' "$SCALE" \
  || die "BENCH_SCALE must be a number in (0, 1], not '$SCALE'"

# --- OCA's tier validation, outside the project (PERF-5) ----------------------------------
ensure_oca() {
  local manifest="$OCA_DIR/odoo/addons/sale_tier_validation/__manifest__.py"
  if [ -f "$manifest" ] && grep -q '"18.0.1.1.0"' "$manifest" \
     && grep -q '"18.0.3.5.2"' "$OCA_DIR/odoo/addons/base_tier_validation/__manifest__.py"; then
    return 0
  fi
  step "Installing OCA's sale_tier_validation 18.0.1.1.0 and base_tier_validation 18.0.3.5.2 into $OCA_DIR"
  # the wheels require the `odoo` distribution, which Odoo's source install does not
  # register: --no-deps, and nothing else to install (they depend on Odoo modules only)
  rm -rf "$OCA_DIR.tmp"
  py -m pip install --quiet --no-deps --no-compile --target "$OCA_DIR.tmp" "${OCA_PINS[@]}"
  rm -rf "$OCA_DIR" && mv "$OCA_DIR.tmp" "$OCA_DIR"
}

# --- databases ----------------------------------------------------------------------------
fingerprint() {  # fingerprint TEXT PATH...: a hash of TEXT and the files under PATH...
  local text="$1"; shift
  {
    printf '%s\n' "$text"
    py -c 'import odoo.release; print(odoo.release.version)'
    if [ $# -gt 0 ]; then
      find "$@" -type f \( -name '*.py' -o -name '*.xml' -o -name '*.csv' -o -name '*.po' \) \
        -not -path '*/tests/*' -print0 | sort -z | xargs -0 sha1sum
    fi
  } | sha1sum | cut -c1-16
}

db_fingerprint() {
  psql -X -q -At -d "$1" -c "SELECT value FROM ir_config_parameter WHERE key = 'bench.fingerprint'" 2>/dev/null || true
}

set_fingerprint() {
  psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -v fp="$2" >/dev/null <<'SQL'
DELETE FROM ir_config_parameter WHERE key = 'bench.fingerprint';
INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, create_date, write_date)
VALUES ('bench.fingerprint', :'fp', 1, 1, now() AT TIME ZONE 'utc', now() AT TIME ZONE 'utc');
SQL
}

# build DB TEMPLATE MODULES FINGERPRINT: DB with MODULES installed, copied from
# TEMPLATE (or created when TEMPLATE is -), kept while its fingerprint holds
build() {
  local db="$1" template="$2" modules="$3" fp="$4" log="$LOG_DIR/build-$1.log"
  if [ "${BENCH_REBUILD:-0}" != 1 ] && db_initialised "$db" && [ "$(db_fingerprint "$db")" = "$fp" ]; then
    step "Database $db is up to date ($modules)"
    return 0
  fi
  drop_db "$db" "$BENCH_DATA_DIR"
  if [ "$template" != - ]; then
    step "Building $db: a copy of $template, then installing $modules"
    createdb -T "$template" "$db"
    if [ -d "$BENCH_DATA_DIR/filestore/$template" ]; then
      mkdir -p "$BENCH_DATA_DIR/filestore"
      cp -a "$BENCH_DATA_DIR/filestore/$template" "$BENCH_DATA_DIR/filestore/$db"
    fi
  else
    step "Building $db with $modules (no demo data)"
  fi
  if ! "${ODOO_CMD[@]}" --addons-path="$ADDONS_PATH" --data-dir="$BENCH_DATA_DIR" \
       -d "$db" -i "$modules" --without-demo=all --stop-after-init --log-level=warn \
       --logfile="$log"; then
    tail -n 40 "$log" >&2 || true
    die "building $db failed (log: $log)"
  fi
  set_fingerprint "$db" "$fp"
}

# --- the run ------------------------------------------------------------------------------
modules="$(project_addons)"
[ -n "$modules" ] || die "no add-on in addons/: nothing to benchmark"
ensure_oca
odoo_launcher
# Odoo's and the project's add-ons (as scripts/odoo.sh has them), then OCA's
ADDONS_PATH="$(odoo_addons_path),$OCA_DIR/odoo/addons"
export PYTHONPATH="$REPO_ROOT/bench${PYTHONPATH:+:$PYTHONPATH}"
cores="$(nproc 2>/dev/null || echo '?')"
step "make bench on $cores cores, BENCH_SCALE=$SCALE, databases ${PREFIX}_*"

# plain Odoo as the add-ons' users have it: with manufacturing and purchasing when
# the bridges to them are benchmarked too (their cost is Odoo's, on both sides)
plain_modules=sale_management,sale_stock
[[ ",$modules," == *",order_tracking_mrp,"* ]] && plain_modules="$plain_modules,sale_mrp"
[[ ",$modules," == *",order_tracking_purchase,"* ]] && plain_modules="$plain_modules,sale_purchase_stock"
fp_plain="$(fingerprint "plain $plain_modules")"
fp_addons="$(fingerprint "addons $modules $fp_plain" addons)"
fp_alerts="$(fingerprint "alerts base_automation $fp_addons")"
fp_approvals="$(fingerprint "approvals $fp_plain" addons/order_tracking addons/order_approval_rules)"
fp_oca="$(fingerprint "oca ${OCA_PINS[*]} $fp_plain")"
build "${PREFIX}_plain" - "$plain_modules" "$fp_plain"
if wanted perf1 || wanted perf2; then
  build "${PREFIX}_addons" "${PREFIX}_plain" "$modules" "$fp_addons"
fi
if wanted perf2; then
  build "${PREFIX}_alerts" "${PREFIX}_addons" base_automation "$fp_alerts"
fi
# PERF-3 on a database of its own: its 200,000 generated orders stay out of PERF-1's
KPI_DB=""
if wanted perf3 && [[ ",$modules," == *",order_kpi,"* ]] && [ -f bench/kpi.py ]; then
  KPI_ORDERS="${BENCH_KPI_ORDERS:-200000}"
  if [ "$KPI_ORDERS" != 0 ]; then
    KPI_ORDERS="$(scaled "$KPI_ORDERS" 1000)"
    KPI_DB="${PREFIX}_kpi_${KPI_ORDERS}"
    build "$KPI_DB" "${PREFIX}_plain" "$modules" "$fp_addons"
  fi
fi
# PERF-6 on a database of its own: 1,000,000 generated open lines, kept and reused
PROMISE_DB=""
if wanted perf6 && [[ ",$modules," == *",order_promise,"* ]] && [ -f bench/promise.py ]; then
  PROMISE_LINES="$(scaled 1000000 1000)"
  PROMISE_PRODUCTS="$(scaled 20000 100)"
  PROMISE_DB="${PREFIX}_promise_${PROMISE_LINES}"
  build "$PROMISE_DB" "${PREFIX}_plain" "$modules" "$fp_addons"
fi
if wanted perf5; then
  build "${PREFIX}_approvals" "${PREFIX}_plain" order_approval_rules "$fp_approvals"
  build "${PREFIX}_oca" "${PREFIX}_plain" sale_tier_validation "$fp_oca"
fi

failed=()
run() {  # run NAME SCRIPT ARGS...
  local name="$1"; shift
  step "$name: python3 $*"
  local rc=0
  py "$@" --addons-path "$ADDONS_PATH" || rc=$?
  if [ "$rc" -ne 0 ]; then
    failed+=("$name (exit $rc)")
  fi
}

# fresh_copies SUFFIX: ${PREFIX}_plain_SUFFIX and ${PREFIX}_addons_SUFFIX, copies of the two
# databases as built (with their history): both sides of a run start from the same state,
# whatever ran in the databases before and whichever of them was rebuilt
fresh_copies() {
  for side in plain addons; do
    drop_db "${PREFIX}_${side}_$1" >/dev/null
    createdb -T "${PREFIX}_${side}" "${PREFIX}_${side}_$1"
  done
}
drop_copies() {
  for side in plain addons; do drop_db "${PREFIX}_${side}_$1" >/dev/null; done
}
if wanted perf1; then
  run PERF-1-history bench/lifecycle.py --history-only --plain-db "${PREFIX}_plain" \
    --addons-db "${PREFIX}_addons"
  # compacted: what runs of earlier versions of this script left in them (index pages
  # of rolled-back orders) would be copied too
  for side in plain addons; do
    psql -X -q -d "${PREFIX}_${side}" -c "VACUUM (FULL, ANALYZE)"
  done
  fresh_copies run
  run PERF-1 bench/lifecycle.py --plain-db "${PREFIX}_plain_run" \
    --addons-db "${PREFIX}_addons_run" -n "$(scaled 240 8)" --calls "$(scaled 6 2)"
  drop_copies run
  # the same with a commit after every phase, as requests are (cold ORM cache,
  # order_kpi's refresh at commit): the orders stay, so on throwaway copies;
  # its budgets are targets, reported (target ok / MISSED), not failing
  fresh_copies commit
  run PERF-1-commit bench/lifecycle.py --commit --plain-db "${PREFIX}_plain_commit" \
    --addons-db "${PREFIX}_addons_commit" -n "$(scaled 240 8)"
  drop_copies commit
fi
if wanted perf2; then
  run PERF-2 bench/alert_scan.py --db "${PREFIX}_alerts" \
    --sizes "$(scaled 10000 100),$(scaled 100000 1000),$(scaled 1000000 10000)" \
    --anchor-size "$(scaled 100000 1000)" --due "$(scaled 1000 10)"
fi
if [ -n "$KPI_DB" ]; then
  # kpi.py prints its PERF-3 lines: they join the results of the others
  step "PERF-3: python3 bench/kpi.py --db $KPI_DB --orders $KPI_ORDERS"
  rc=0
  py bench/kpi.py --db "$KPI_DB" --orders "$KPI_ORDERS" --addons-path "$ADDONS_PATH" \
    | tee "$LOG_DIR/kpi.out" || rc=$?
  grep '^PERF-3' "$LOG_DIR/kpi.out" >>"$BENCH_RESULTS" || true
  [ "$rc" -eq 0 ] || failed+=("PERF-3 (exit $rc)")
fi
if wanted perf5; then
  run PERF-5 bench/approvals.py --ours-db "${PREFIX}_approvals" --oca-db "${PREFIX}_oca" \
    -n "$(scaled 120 8)"
fi

if [ -n "$PROMISE_DB" ]; then
  step "PERF-6: python3 bench/promise.py --db $PROMISE_DB --lines $PROMISE_LINES"
  rc=0
  py bench/promise.py --db "$PROMISE_DB" --lines "$PROMISE_LINES" \
    --products "$PROMISE_PRODUCTS" --samples "$(scaled 200 20)" --addons-path "$ADDONS_PATH" \
    | tee "$LOG_DIR/promise.out" || rc=$?
  grep '^PERF-6' "$LOG_DIR/promise.out" >>"$BENCH_RESULTS" || true
  [ "$rc" -eq 0 ] || failed+=("PERF-6 (exit $rc)")
  # PRM-4: promises kept on a replayed history (a goal, printed; rolled back)
  step "PRM-4: python3 bench/promise_accuracy.py --db $PROMISE_DB"
  rc=0
  py bench/promise_accuracy.py --db "$PROMISE_DB" --days "$(scaled 80 20)" --warmup "$(scaled 20 5)" \
    --addons-path "$ADDONS_PATH" | tee "$LOG_DIR/promise_accuracy.out" || rc=$?
  grep '^PROMISE' "$LOG_DIR/promise_accuracy.out" >>"$BENCH_RESULTS" || true
  [ "$rc" -eq 0 ] || failed+=("PRM-4 (exit $rc)")
fi

echo
step "Results ($cores cores, BENCH_SCALE=$SCALE, $(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u '+%Y-%m-%d %H:%M UTC'))"
grep '^PERF-' "$BENCH_RESULTS" || true
grep '^budget' "$BENCH_RESULTS" || true
grep '^target' "$BENCH_RESULTS" || true
grep '^PROMISE' "$BENCH_RESULTS" || true
if [ ${#failed[@]} -gt 0 ]; then
  printf 'make bench: missed or failed: %s\n' "${failed[*]}" >&2
  exit 1
fi
echo "make bench: every budget met in $(elapsed)"
