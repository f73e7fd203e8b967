from . import customers
from . import detail_facts
from . import facts
from . import refresh
from . import schema
