from . import test_backfill
from . import test_checkpoint
from . import test_engine
from . import test_history
from . import test_lifecycle
from . import test_promise_and_notification
from . import test_security
from . import test_translations
