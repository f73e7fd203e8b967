#!/usr/bin/env bash
# Install the test and lint tools of requirements-dev.txt into $PYTHON, unless every one of
# them is already installed at a matching version (then nothing is downloaded).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

req="$REPO_ROOT/requirements-dev.txt"
if py - "$req" <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version
try:
    from packaging.requirements import Requirement
except ImportError:
    from pip._vendor.packaging.requirements import Requirement
missing = []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    r = Requirement(line)
    if r.marker and not r.marker.evaluate():
        continue
    try:
        installed = version(r.name)
    except PackageNotFoundError:
        missing.append(line)
        continue
    if not r.specifier.contains(installed, prereleases=True):
        missing.append(line)
if missing:
    print("missing: " + ", ".join(missing))
    sys.exit(1)
PY
then
  say "Python test tools: ok"
  exit 0
fi
say "Installing Python test tools ($req)"
py -m pip install -q -r "$req"
say "Python test tools: ok"
