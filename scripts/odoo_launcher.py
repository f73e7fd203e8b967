#!/usr/bin/env python3
"""Start the Odoo that this Python imports, like Odoo's own odoo-bin.

scripts/odoo.sh uses this file instead of ``python -m odoo``: Odoo re-executes
``sys.argv[0]`` to restart itself and to spawn its websocket (gevent) process
when it runs with --workers, and under ``-m odoo`` that is odoo/__main__.py,
which cannot run as a script ("attempted relative import with no known parent
package"). This file can."""

import os

# the server runs in UTC, whatever the machine's time zone (as odoo-bin does)
os.environ["TZ"] = "UTC"

import odoo  # noqa: E402

if __name__ == "__main__":
    odoo.cli.main()
