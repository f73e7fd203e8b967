from . import clock
from . import engine
from . import sla
from . import vals
from . import history
