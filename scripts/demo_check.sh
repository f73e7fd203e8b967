#!/usr/bin/env bash
# `make demo-check`: does the demo install and tell its story, whatever the day?
# Installs every add-on of addons/ with demo data (and zh_CN) into a fresh database,
# without serving, then checks it (scripts/demo_check.py: orders in every node,
# histories intact, alerts raised by a scan, approvals waiting, the cockpit's figures);
# once with the real clock, then once per day of DEMO_CHECK_DAYS with the clock of the
# Odoo process set to that day (libfaketime; PostgreSQL keeps the real clock):
#   DEMO_CHECK_DAYS   "NAME=YYYY-MM-DD HH:MM:SS" (UTC) separated by "|"; default: the
#                     next Saturday, the next Monday and 1 January of next year (a public
#                     holiday of the demo company's calendar), each at 10:00; "" = none
#   DEMO_CHECK_DB     database name prefix (default order_tracking_demo_check)
# Prints one line per run: DEMO-CHECK <day>: <verdict> and the orders per node.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

DB_PREFIX="${DEMO_CHECK_DB:-order_tracking_demo_check}"
LOG_DIR="$REPO_ROOT/.test-logs/demo-check"
mkdir -p "$LOG_DIR"
modules="$(project_addons)"
[ -n "$modules" ] || die "no add-ons in addons/"

if [ "${DEMO_CHECK_DAYS+set}" != set ]; then
  saturday="$(date -u -d 'next saturday' +%F)"
  monday="$(date -u -d 'next monday' +%F)"
  new_year="$(($(date -u +%Y) + 1))-01-01"
  DEMO_CHECK_DAYS="saturday=$saturday 10:00:00|monday=$monday 10:00:00|holiday=$new_year 10:00:00"
fi

status=0
run_one() {  # run_one NAME [FAKETIME]
  local name="$1" when="${2:-}" db="${DB_PREFIX}_$1" log="$LOG_DIR/$1.log" start=$SECONDS
  local clock=(env ODOO_CLOCK=)
  [ -z "$when" ] || clock=(env ODOO_CLOCK="@$when")
  drop_db "$db"
  local at=""
  [ -z "$when" ] || at=", the Odoo process's clock at $when UTC"
  say "Demo check ($name$at): installing $modules with demo data into $db; log: ${log#"$REPO_ROOT"/}"
  rm -f "$log" "$log.stderr"
  # stderr apart: what Odoo says before it opens its log file (or a crash) stays visible
  local rc=0
  "${clock[@]}" bash scripts/odoo.sh -d "$db" -i "$modules" --load-language=en_US,zh_CN \
    --stop-after-init --no-http --logfile="$log" 2>"$log.stderr" || rc=$?
  if [ "$rc" -ne 0 ]; then
    tail -n 40 "$log.stderr" "$log" >&2 2>/dev/null || true
    echo "DEMO-CHECK $name: FAILED: the install stopped with exit code $rc (log: $log)"
    status=1
    return
  fi
  if grep -E "demo data failed to install|^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) " "$log" >&2; then
    echo "DEMO-CHECK $name: FAILED: demo data or errors in the install (log: $log)"
    status=1
    return
  fi
  local out
  out="$("${clock[@]}" bash scripts/odoo.sh shell -d "$db" --no-http --log-level=warn \
           <scripts/demo_check.py 2>>"$log" || true)"
  echo "$out" | sed "s/^/    /"
  local verdict
  verdict="$(echo "$out" | grep -E '^DEMO-CHECK ' | tail -n 1 | sed 's/^DEMO-CHECK //')"
  echo "DEMO-CHECK $name: ${verdict:-FAILED: no verdict (log: $log)} in $((SECONDS - start)) s"
  [ "$verdict" = ok ] || status=1
  drop_db "$db"
}

run_one today
IFS='|' read -r -a days <<<"$DEMO_CHECK_DAYS"
for day in "${days[@]}"; do
  [ -n "$day" ] || continue
  run_one "${day%%=*}" "${day#*=}"
done
exit "$status"
