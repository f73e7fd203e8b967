"""Merge a module's fresh .pot into its zh_CN.po and list what lacks a translation.

    python3 scripts/i18n_sync.py addons/order_tracking

Keeps every existing translation whose msgid is still used, drops obsolete
entries, adds new ones untranslated and prints them (exit code 1 if any).
"""

import sys
from pathlib import Path

import polib


def sync(module_dir):
    module_dir = Path(module_dir)
    name = module_dir.name
    pot = polib.pofile(str(module_dir / "i18n" / f"{name}.pot"))
    po_path = module_dir / "i18n" / "zh_CN.po"
    old = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
    known = {(e.msgctxt, e.msgid): e.msgstr for e in old if e.msgstr}
    merged = polib.POFile(wrapwidth=78)
    merged.metadata = dict(pot.metadata)
    merged.metadata.update(
        {
            "Language": "zh_CN",
            "Plural-Forms": "nplurals=1; plural=0;",
            "Content-Transfer-Encoding": "8bit",
        }
    )
    merged.header = pot.header
    missing = []
    for entry in pot:
        entry.msgstr = known.get((entry.msgctxt, entry.msgid), "")
        if not entry.msgstr:
            missing.append(entry.msgid)
        merged.append(entry)
    merged.save(str(po_path))
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(max(sync(path) for path in sys.argv[1:]))
