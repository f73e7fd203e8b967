#!/usr/bin/env bash
# Make sure a Chromium/Chrome binary that Odoo's browser tests (tours) can find is on PATH.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

for bin in chromium chromium-browser google-chrome google-chrome-stable; do
  if command -v "$bin" >/dev/null 2>&1; then
    say "Chromium: ok ($(command -v "$bin"))"
    exit 0
  fi
done
say "Installing Chromium (Debian package chromium) for browser tours"
apt_install chromium
command -v chromium >/dev/null 2>&1 || die "chromium still not on PATH"
say "Chromium: ok"
