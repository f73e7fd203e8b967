#!/usr/bin/env bash
# Run Odoo 18 with this project's add-ons on the addons path:
#   scripts/odoo.sh [COMMAND] [ODOO ARGS...]
# --addons-path is <Odoo's own add-on dirs>,<repo>/addons (the latter once it holds an
# add-on). Every other argument is passed through, e.g.
#   scripts/odoo.sh -d mydb -i order_tracking --stop-after-init
#   scripts/odoo.sh shell -d mydb
# Database connection: the usual PG* variables (PGHOST, PGPORT, PGUSER, PGPASSWORD), read
# by libpq; unset means the local unix socket as the current OS user.
# ODOO_PROJECT_ADDONS: where our add-ons come from (default <repo>/addons; upgrade_check.sh
# points it at an earlier version of them). ODOO_EXTRA_ADDONS: more add-on directories,
# after ours (run_tests.sh: tests/addons).
# ODOO_CLOCK (libfaketime's FAKETIME, e.g. "@2027-01-01 10:00:00"): the Odoo process runs
# with its clock there (PostgreSQL keeps the real one); finding Odoo stays on the real clock.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

odoo_launcher
# `python -m odoo` runs, but Odoo re-executes sys.argv[0] (then odoo/__main__.py, which
# fails as a script) to spawn its websocket process with --workers and to restart: start
# the same Odoo through scripts/odoo_launcher.py instead.
if [ "${#ODOO_CMD[@]}" -ge 2 ] && [ "${ODOO_CMD[-2]}" = -m ] && [ "${ODOO_CMD[-1]}" = odoo ]; then
  ODOO_CMD=("${ODOO_CMD[@]:0:${#ODOO_CMD[@]}-2}" "$REPO_ROOT/scripts/odoo_launcher.py")
fi
addons_path="$(odoo_addons_path "${ODOO_PROJECT_ADDONS:-$REPO_ROOT/addons}")${ODOO_EXTRA_ADDONS:+,$ODOO_EXTRA_ADDONS}"

cmd=()
if [ $# -gt 0 ] && [[ $1 != -* ]]; then cmd=("$1"); shift; fi
case "${cmd[0]:-server}" in
  # sub-commands that do not take --addons-path
  scaffold|cloc|tsconfig|genproxytoken|deploy|help) exec "${ODOO_CMD[@]}" "${cmd[@]}" "$@" ;;
esac
if [ -n "${ODOO_CLOCK:-}" ]; then
  faketime_env "$ODOO_CLOCK" "$REPO_ROOT/.test-logs/faketime-shim"
  exec "${CLOCK_ENV[@]}" "${ODOO_CMD[@]}" "${cmd[@]}" --addons-path="$addons_path" "$@"
fi
exec "${ODOO_CMD[@]}" "${cmd[@]}" --addons-path="$addons_path" "$@"
