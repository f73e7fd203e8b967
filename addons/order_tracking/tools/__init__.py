from . import engine
from . import sla
