#!/usr/bin/env bash
# Make sure Odoo can print PDF reports (quotation, delivery slip, order status report) and
# that the browser and the reports show Chinese: wkhtmltopdf and the Noto CJK fonts, both
# from the OS packages (Debian's wkhtmltopdf 0.12.6 is the version Odoo 18 supports).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

missing=()
command -v wkhtmltopdf >/dev/null 2>&1 || missing+=(wkhtmltopdf)
if ! { command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh-cn family | grep -qi 'noto sans cjk'; }; then
  missing+=(fonts-noto-cjk fontconfig)
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing ${missing[*]} (PDF reports, Chinese text in the browser and in PDFs)"
  apt_install "${missing[@]}"
fi
command -v wkhtmltopdf >/dev/null 2>&1 || die "wkhtmltopdf still not on PATH"
say "wkhtmltopdf: ok ($(wkhtmltopdf --version 2>/dev/null | head -n 1))"
