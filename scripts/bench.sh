#!/usr/bin/env bash
# Benchmarks against plain Odoo in the same run (see bench/README.md). Called by `make bench`.
#   BENCH_PLAIN_DB    database with sale_management + sale_stock only (default bench_plain)
#   BENCH_TRACKED_DB  database with every add-on of addons/          (default bench_tracked)
#   BENCH_ORDERS      orders per run (default 50)
#   BENCH_KPI_ORDERS  orders of the KPI benchmark (default 200000; 5 lines and 5 events each;
#                     0 skips it)
#   BENCH_KPI_DB      its database (default bench_kpi_<orders>; generated once, then reused)
#   BENCH_REBUILD=1   rebuild the databases first
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

PLAIN_DB="${BENCH_PLAIN_DB:-bench_plain}"
TRACKED_DB="${BENCH_TRACKED_DB:-bench_tracked}"
ODOO=(bash "$REPO_ROOT/scripts/odoo.sh")
modules="$(project_addons)"

build() {  # build DB MODULES
  if [ "${BENCH_REBUILD:-0}" = 1 ] || ! db_initialised "$1"; then
    drop_db "$1"
    say "Building $1 with $2 (no demo data)"
    "${ODOO[@]}" -d "$1" -i "$2" --without-demo=all --stop-after-init --log-level=warn
  else
    say "Updating $2 in $1"
    "${ODOO[@]}" -d "$1" -u "$2" --stop-after-init --log-level=warn
  fi
}
build "$PLAIN_DB" sale_management,sale_stock
build "$TRACKED_DB" "$modules"
py bench/lifecycle.py --plain-db "$PLAIN_DB" --tracked-db "$TRACKED_DB" \
  --addons-path "$(odoo_addons_path)" -n "${BENCH_ORDERS:-50}"
py bench/alert_scan.py --db "$TRACKED_DB" --addons-path "$(odoo_addons_path)" \
  --orders "${BENCH_SCAN_ORDERS:-100000}" --due "${BENCH_SCAN_DUE:-1000}" --actions
KPI_ORDERS="${BENCH_KPI_ORDERS:-200000}"
if [ "$KPI_ORDERS" != 0 ]; then
  KPI_DB="${BENCH_KPI_DB:-bench_kpi_${KPI_ORDERS}}"
  build "$KPI_DB" "$modules"
  py bench/kpi.py --db "$KPI_DB" --addons-path "$(odoo_addons_path)" --orders "$KPI_ORDERS"
fi
