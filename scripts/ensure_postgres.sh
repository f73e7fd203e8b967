#!/usr/bin/env bash
# Make sure a PostgreSQL server answers and the current user can connect to it as a
# superuser (Odoo creates and drops databases). Idempotent; safe to run on every build.
#  - server answers and we can connect: nothing to do;
#  - otherwise (local server only): install Debian's `postgresql` if missing, start it,
#    and create a superuser role for the current OS user (or $PGUSER).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

can_connect() { psql -X -q -At -d postgres -c 'select 1' >/dev/null 2>&1; }
server_up()   { pg_isready -q >/dev/null 2>&1; }

if command -v psql >/dev/null 2>&1 && can_connect; then
  say "PostgreSQL: ok ($(psql -X -At -d postgres -c 'show server_version'))"
  exit 0
fi

case "${PGHOST:-}" in
  ""|/*|localhost|127.0.0.1|::1) ;;
  *) die "PostgreSQL at PGHOST=$PGHOST does not accept our connection; fix PG* variables (no local server is installed for a remote host)" ;;
esac

if ! command -v pg_isready >/dev/null 2>&1 || ! deb_installed postgresql; then
  say "Installing PostgreSQL (Debian package postgresql)"
  apt_install postgresql
fi

sudo_pg() {  # run a command as the postgres OS user (same server: PGHOST/PGPORT are kept)
  local cmd=(env -u PGUSER -u PGPASSWORD -u PGDATABASE "$@")
  if [ "$(id -u)" -eq 0 ]; then
    if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "${cmd[@]}"
    else su postgres -s /bin/sh -c "$(printf '%q ' "${cmd[@]}")"; fi
  else
    sudo -u postgres -- "${cmd[@]}"
  fi
}
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! server_up; then
  say "Starting PostgreSQL"
  if command -v pg_lsclusters >/dev/null 2>&1 && [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    # package present but no cluster (e.g. removed): create the default one
    ver="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)"
    as_root pg_createcluster "$ver" main
  fi
  as_root service postgresql start >/dev/null 2>&1 || true
  if ! server_up && command -v pg_lsclusters >/dev/null 2>&1; then
    while read -r ver name _; do
      as_root pg_ctlcluster "$ver" "$name" start || true
    done < <(pg_lsclusters -h)
  fi
  for _ in $(seq 1 30); do server_up && break; sleep 1; done
  server_up || die "PostgreSQL did not start (see /var/log/postgresql/)"
fi

if ! can_connect; then
  role="${PGUSER:-$(id -un)}"
  say "Creating PostgreSQL superuser role $role"
  if [ "$(sudo_pg psql -X -q -At -d postgres -v r="$role" <<'SQL'
SELECT count(*) FROM pg_roles WHERE rolname = :'r';
SQL
)" = 0 ]; then
    sudo_pg createuser --superuser "$role"
  else
    sudo_pg psql -X -q -d postgres -c "ALTER ROLE \"$role\" SUPERUSER LOGIN"
  fi
fi

can_connect || die "cannot connect to PostgreSQL as ${PGUSER:-$(id -un)} (check PG* variables and pg_hba.conf)"
say "PostgreSQL: ok"
