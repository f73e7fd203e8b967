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

# A run that failed (or was interrupted) may leave add-ons installed without their demo
# data (Odoo goes on "without demo data" when a demo file fails): the database would
# serve an empty demo. It is the demo's own database: start it again.
if db_initialised "$DEMO_DB" && [ "$(psql -X -q -At -d "$DEMO_DB" -v mods="$modules" 2>/dev/null <<'SQL'
SELECT count(*) > 0 FROM ir_module_module
 WHERE name = ANY(string_to_array(:'mods', ',')) AND state = 'installed' AND NOT demo;
SQL
)" = t ]; then
  warn "database $DEMO_DB holds add-ons installed without their demo data (a failed run?): recreating it"
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
  if [ "$(psql -X -q -At -d "$DEMO_DB" -v mods="$modules" <<'SQL'
SELECT count(*) FROM ir_module_module
 WHERE name = ANY(string_to_array(:'mods', ',')) AND state = 'installed' AND demo;
SQL
)" != "$(tr ',' '\n' <<<"$modules" | grep -c .)" ]; then
    die "the demo data of $modules did not install (see the log above; make demo-check reproduces it); the next make demo starts $DEMO_DB again"
  fi
fi

say "Serving at http://localhost:$PORT (database $DEMO_DB, login admin / admin); Ctrl+C stops"
exec "${ODOO[@]}" -d "$DEMO_DB" --db-filter="^${DEMO_DB}\$" --http-port="$PORT"
