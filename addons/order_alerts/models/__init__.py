from . import order_alert_rule
from . import order_alert
from . import order_alert_webhook_log
from . import order_alert_shortage
from . import sale_order
from . import stock_picking
