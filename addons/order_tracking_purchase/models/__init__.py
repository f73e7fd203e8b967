from . import sale_order
from . import purchase_order
from . import purchase_order_line
from . import stock_move
from . import order_alert_rule
from . import order_kpi_report
from . import order_alert_shortage
