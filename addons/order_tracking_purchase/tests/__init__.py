from . import test_purchasing
from . import test_translations
from . import test_alerts
from . import test_kpis
