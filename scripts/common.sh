# shellcheck shell=bash
# Shared helpers for the scripts in this directory. Source it, do not run it:
#   source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
#
# Environment it honours:
#   PYTHON     python interpreter that has (or gets) Odoo 18   (default: python3)
#   PG*        libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD): used by psql and Odoo;
#              unset means the local unix socket and the current OS user.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

say()  { printf '==> %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Python flags: -P (3.11+) keeps the current directory off sys.path, so that files in the
# directory we run from can never shadow stdlib or Odoo modules.
PY_FLAGS=()
if "$PYTHON" -P -c pass >/dev/null 2>&1; then PY_FLAGS=(-P); fi
py() { "$PYTHON" "${PY_FLAGS[@]}" "$@"; }

# --- apt ---------------------------------------------------------------------------------
_APT_UPDATED=""
apt_install() {  # apt_install PKG... : install Debian packages (root, or sudo when available)
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to install: $*"
    sudo=(sudo)
  fi
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install by hand: $*"
  if [ -z "$_APT_UPDATED" ]; then
    say "apt-get update"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    _APT_UPDATED=1
  fi
  say "apt-get install $*"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "$@" </dev/null
}

deb_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# --- Odoo ----------------------------------------------------------------------------------
# odoo_launcher: fills the array ODOO_CMD with a command that runs the Odoo 18 that $PYTHON
# imports (the exact release: another interpreter's `odoo` script on PATH, e.g. the system
# one while PYTHON is a virtualenv, must not be picked): `$PYTHON -m odoo`, else the `odoo`
# console script beside $PYTHON or on PATH when it reports that same release (it can exist
# and fail, e.g. on a pkg_resources requirement check), else odoo-bin.
ODOO_CMD=()
odoo_launcher() {
  [ ${#ODOO_CMD[@]} -gt 0 ] && return 0
  local v want script odoo_root
  want="$(py -W ignore -c 'import odoo.release; print(odoo.release.version)' 2>/dev/null)" \
    || die "Odoo is not importable by $PYTHON (run scripts/ensure_odoo.sh)"
  [[ $want == 18.* ]] || die "$PYTHON imports Odoo $want, not Odoo 18"
  if v="$(py -m odoo --version 2>/dev/null)" && [ "$v" = "Odoo Server $want" ]; then
    ODOO_CMD=("$PYTHON" "${PY_FLAGS[@]}" -m odoo); return 0
  fi
  local beside=""
  [[ $PYTHON == */* ]] && beside="$(dirname "$PYTHON")/odoo"
  for script in "$beside" "$(command -v odoo 2>/dev/null || true)"; do
    if [ -n "$script" ] && [ -x "$script" ] && v="$("$script" --version 2>/dev/null)" \
       && [ "$v" = "Odoo Server $want" ]; then
      ODOO_CMD=("$script"); return 0
    fi
  done
  odoo_root="$(py -c 'import odoo,os;print(os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))))' 2>/dev/null || true)"
  if [ -n "$odoo_root" ] && [ -f "$odoo_root/odoo-bin" ] \
     && v="$("$PYTHON" "$odoo_root/odoo-bin" --version 2>/dev/null)" && [ "$v" = "Odoo Server $want" ]; then
    ODOO_CMD=("$PYTHON" "$odoo_root/odoo-bin"); return 0
  fi
  die "no working launcher for Odoo $want of $PYTHON (run scripts/ensure_odoo.sh)"
}

# odoo_addons_path: prints the comma-separated addons path: Odoo's own add-on directories
# (odoo/addons, the sibling addons/ of a source checkout, other odoo.addons namespace
# contributions) followed by <repo>/addons when it holds at least one add-on.
odoo_addons_path() {
  py - "$REPO_ROOT/addons" <<'PY'
import os, sys
import odoo, odoo.addons

def is_addons_dir(path):
    return os.path.isdir(path) and any(
        os.path.isfile(os.path.join(path, name, "__manifest__.py")) for name in os.listdir(path)
    )

odoo_dir = os.path.dirname(os.path.abspath(odoo.__file__))
candidates = [os.path.join(odoo_dir, "addons"), os.path.join(os.path.dirname(odoo_dir), "addons")]
candidates += list(odoo.addons.__path__) + [sys.argv[1]]
paths = []
for path in candidates:
    path = os.path.realpath(path)
    if path not in paths and is_addons_dir(path):
        paths.append(path)
print(",".join(paths))
PY
}

# project_addons: prints the comma-joined names of the installable add-ons in <repo>/addons
# (every addons/*/__manifest__.py whose `installable` is not False); empty when none.
project_addons() {
  py - "$REPO_ROOT/addons" <<'PY'
import ast, glob, os, sys
names = []
for manifest in sorted(glob.glob(os.path.join(sys.argv[1], "*", "__manifest__.py"))):
    with open(manifest, encoding="utf-8") as f:
        data = ast.literal_eval(f.read())
    if data.get("installable", True):
        names.append(os.path.basename(os.path.dirname(manifest)))
print(",".join(names))
PY
}

# --- PostgreSQL ----------------------------------------------------------------------------
psql_admin() { psql -X -q -At -v ON_ERROR_STOP=1 -d postgres "$@"; }

db_exists() {
  [ "$(psql_admin -v db="$1" <<'SQL'
SELECT count(*) FROM pg_database WHERE datname = :'db';
SQL
)" = 1 ]
}

# db_initialised DB: true when DB holds an Odoo database (its module table exists).
db_initialised() {
  db_exists "$1" && [ "$(psql -X -q -At -d "$1" -c "SELECT to_regclass('public.ir_module_module') IS NOT NULL" 2>/dev/null)" = t ]
}

# drop_db DB [DATA_DIR]: drop DB if it exists (closing its connections) and its filestore.
drop_db() {
  local db="$1" data_dir="${2:-}"
  if db_exists "$db"; then
    say "Dropping database $db"
    dropdb --if-exists --force "$db" 2>/dev/null || dropdb --if-exists "$db"
  fi
  if [ -n "$data_dir" ] && [ -d "$data_dir/filestore/$db" ]; then
    rm -rf -- "${data_dir:?}/filestore/$db"
  fi
}
