from . import order_tracking_statement_wizard
