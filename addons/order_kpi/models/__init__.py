from . import order_kpi_report
from . import res_company
from . import res_config_settings
from . import digest_digest
