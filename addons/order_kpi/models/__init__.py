from . import order_kpi_report_kpis
from . import order_kpi_dashboard
from . import res_company
from . import res_config_settings
from . import digest_digest
from . import sale_order
from . import order_kpi_report_receivable
