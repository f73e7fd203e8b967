#!/usr/bin/env bash
# Create (first run) or update (later runs) the demo database with every add-on of addons/
# installed WITH demo data and Simplified Chinese loaded, then serve Odoo in the foreground.
# Called by `make demo`.
#   DEMO_DB         demo database name   (default order_tracking_demo)
#   DEMO_HTTP_PORT  HTTP port            (default 8069)
# A new database gets Odoo's default login admin / admin.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO_ROOT"

DEMO_DB="${DEMO_DB:-order_tracking_demo}"
PORT="${DEMO_HTTP_PORT:-8069}"
ODOO=(bash "$REPO_ROOT/scripts/odoo.sh")

modules="$(project_addons)"
if [ -z "$modules" ]; then
  warn "no add-ons in addons/ yet: the demo database gets sale_management,sale_stock only"
  modules="sale_management,sale_stock"
fi

if db_exists "$DEMO_DB" && ! db_initialised "$DEMO_DB"; then
  warn "database $DEMO_DB exists but holds no Odoo database (an interrupted first run?): recreating it"
  drop_db "$DEMO_DB"
fi

if db_initialised "$DEMO_DB"; then
  say "Updating $modules in $DEMO_DB"
  # -i installs add-ons added since the database was created; -u updates the others
  "${ODOO[@]}" -d "$DEMO_DB" -i "$modules" -u "$modules" --load-language=en_US,zh_CN \
    --i18n-overwrite --stop-after-init
else
  say "Installing $modules into new database $DEMO_DB (with demo data; en_US default, zh_CN loaded); this takes a few minutes"
  "${ODOO[@]}" -d "$DEMO_DB" -i "$modules" --load-language=en_US,zh_CN --stop-after-init
fi

say "Serving at http://localhost:$PORT (database $DEMO_DB, login admin / admin); Ctrl+C stops"
exec "${ODOO[@]}" -d "$DEMO_DB" --db-filter="^${DEMO_DB}\$" --http-port="$PORT"
