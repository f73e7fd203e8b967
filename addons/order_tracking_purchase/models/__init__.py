from . import sale_order
from . import order_alert_rule
from . import order_kpi_report
