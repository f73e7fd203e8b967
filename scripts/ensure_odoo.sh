#!/usr/bin/env bash
# Make sure Odoo 18 is importable by $PYTHON (default python3). If it already is, do nothing.
# Otherwise install it from:
#   $ODOO_SOURCE  a local directory holding Odoo's setup.py, or a local path / URL of a
#                 .tar.gz / .tgz / .zip source archive;
#   (unset)       the official nightly source archive of 18.0.
# An archive is extracted to $ODOO_HOME (default /opt/odoo18-src), outside the project, and
# installed from there in editable mode, so that directory must stay.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

NIGHTLY_URL="https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
ODOO_HOME="${ODOO_HOME:-/opt/odoo18-src}"

odoo_ok() { py -W ignore -c 'import odoo.release; assert odoo.release.version_info[0] == 18' >/dev/null 2>&1; }

if odoo_ok; then
  say "Odoo: ok ($(py -W ignore -c 'import odoo.release; print(odoo.release.version)') for $PYTHON)"
  exit 0
fi

# --- build dependencies (psycopg2 and python-ldap compile from source) --------------------
debs=()
for pkg in libpq-dev libldap2-dev libsasl2-dev; do deb_installed "$pkg" || debs+=("$pkg"); done
command -v gcc >/dev/null 2>&1 || debs+=(build-essential)
if ! py -c 'import os, sysconfig, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'; then
  debs+=(python3-dev)
fi
if [ ${#debs[@]} -gt 0 ]; then apt_install "${debs[@]}"; fi

# --- get the source --------------------------------------------------------------------------
src="${ODOO_SOURCE:-$NIGHTLY_URL}"
if [ -d "$src" ]; then
  [ -f "$src/setup.py" ] || die "ODOO_SOURCE=$src is a directory without setup.py"
  src_dir="$(cd "$src" && pwd)"
else
  tmp="$(mktemp -d)"
  trap 'rm -rf -- "$tmp"' EXIT
  archive="$src"
  if [[ $src == http://* || $src == https://* ]]; then
    name="$(basename "${src%%\?*}")"
    archive="$tmp/$name"
    say "Downloading $src"
    if command -v curl >/dev/null 2>&1; then
      curl -fL --retry 3 -o "$archive" "$src"
    else
      py -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' "$src" "$archive"
    fi
  fi
  [ -f "$archive" ] || die "ODOO_SOURCE=$src: no such file or directory"
  say "Extracting $(basename "$archive")"
  mkdir -p "$tmp/x"
  py - "$archive" "$tmp/x" <<'PY'
import shutil, sys
archive, dest = sys.argv[1], sys.argv[2]
fmt = "zip" if archive.endswith(".zip") else "gztar" if archive.endswith((".tar.gz", ".tgz")) else None
shutil.unpack_archive(archive, dest, fmt)
PY
  setup_py="$(find "$tmp/x" -maxdepth 2 -name setup.py -print -quit)"
  [ -n "$setup_py" ] || die "no setup.py found in $archive"
  # replace an earlier extraction only if it is one (never delete anything else)
  if [ -e "$ODOO_HOME" ]; then
    if [ -f "$ODOO_HOME/odoo/release.py" ] || [ -z "$(ls -A "$ODOO_HOME")" ]; then
      rm -rf -- "$ODOO_HOME"
    else
      die "ODOO_HOME=$ODOO_HOME exists and is not an Odoo source tree; choose another ODOO_HOME"
    fi
  fi
  mkdir -p "$(dirname "$ODOO_HOME")"
  mv "$(dirname "$setup_py")" "$ODOO_HOME"
  src_dir="$ODOO_HOME"
fi

# --- requirements, adjusted -------------------------------------------------------------------
# cbor2: the pinned release does not build here, 5.6.x has wheels;
# setuptools<81: Odoo still imports pkg_resources, which setuptools 81 drops.
req="$(mktemp)"
sed -E 's/^[[:space:]]*cbor2[[:space:]]*==[[:space:]]*[^[:space:];#]+/cbor2>=5.6,<5.7/I' \
  "$src_dir/requirements.txt" >"$req"
echo 'setuptools<81' >>"$req"
say "Installing Odoo's Python requirements"
py -m pip install -q 'setuptools<81' wheel
py -m pip install -q -r "$req"
rm -f "$req"

say "Installing Odoo from $src_dir"
py -m pip install -q --no-deps --no-build-isolation -e "$src_dir"

odoo_ok || die "Odoo 18 is still not importable by $PYTHON after the install"
say "Odoo: ok ($(py -W ignore -c 'import odoo.release; print(odoo.release.version)'))"
