#!/usr/bin/env python3
"""Start the Odoo that this Python imports, like Odoo's own odoo-bin.

scripts/odoo.sh uses this file instead of ``python -m odoo``: Odoo re-executes
``sys.argv[0]`` to restart itself and to spawn its websocket (gevent) process
when it runs with --workers, and under ``-m odoo`` that is odoo/__main__.py,
which cannot run as a script ("attempted relative import with no known parent
package"). This file can."""

import os
import sys

# the server runs in UTC, whatever the machine's time zone (as odoo-bin does)
os.environ["TZ"] = "UTC"


def _load_gevent_plugins_unchecked():
    """The websocket process imports gevent, which loads its plug-ins through
    pkg_resources entry points after checking their requirements. An older
    setuptools does not recognise a dependency installed under its normalised
    name (zope_interface-*.dist-info for zope.interface) and the process dies
    at start, again and again. Load the entry points without that check."""
    try:
        import pkg_resources  # noqa: PLC0415
    except ImportError:
        return
    load = pkg_resources.EntryPoint.load

    def load_unchecked(self, require=True, *args, **kwargs):
        try:
            return load(self, require, *args, **kwargs)
        except pkg_resources.DistributionNotFound:
            return self.resolve()

    pkg_resources.EntryPoint.load = load_unchecked


if "gevent" in sys.argv[1:2]:
    _load_gevent_plugins_unchecked()

import odoo  # noqa: E402

if __name__ == "__main__":
    odoo.cli.main()
