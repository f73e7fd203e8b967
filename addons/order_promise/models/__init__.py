from . import res_company
from . import stock_warehouse
from . import sale_order_line
from . import sale_order
