from . import sale_order
from . import mrp_production
from . import stock_move
from . import order_alert_rule
from . import order_kpi_report
from . import order_alert_shortage
