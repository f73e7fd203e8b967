from . import order_approval_reject
from . import order_approval_approve
from . import order_approval_simulation_line
from . import order_approval_simulation_load
from . import order_approval_simulation
