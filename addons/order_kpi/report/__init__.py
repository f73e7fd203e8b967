from . import order_kpi_fact
from . import order_kpi_report
from . import order_kpi_stage_report
from . import order_kpi_line_report
