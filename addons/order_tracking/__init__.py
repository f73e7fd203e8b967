from . import controllers
from . import models
from . import report
from . import wizard
from . import tools
from .hooks import post_init_hook, uninstall_hook

# Keep what the add-on remembers of a transaction true across savepoint
# rollbacks (tools/transaction.py). At import, not as a ``post_load`` hook:
# Odoo skips that hook when the package was imported before it loads the
# module (test runners collecting the add-on's tests do).
tools.transaction.install()
