from . import test_production
from . import test_alerts
from . import test_kpis
from . import test_translations
