from . import customers
from . import facts
from . import refresh
from . import schema
