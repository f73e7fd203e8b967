from . import facts
from . import schema
