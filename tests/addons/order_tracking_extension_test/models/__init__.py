from . import order_tracking_test_certificate
from . import sale_order
from . import order_alert_rule
