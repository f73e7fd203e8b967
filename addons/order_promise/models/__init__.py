from . import res_company
from . import stock_warehouse
from . import stock_move
from . import stock_picking
from . import sale_order_line
from . import sale_order
from . import sale_order_allocation
from . import order_alert_rule
