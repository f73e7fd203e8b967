from . import order_tracking_stage
from . import order_tracking_demo
from . import order_tracking_event
from . import order_tracking_promise
from . import res_company
from . import res_config_settings
from . import sale_order
from . import stock_picking
