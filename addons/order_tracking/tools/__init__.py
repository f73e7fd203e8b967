from . import clock
from . import engine
from . import sla
from . import history
from . import transaction
from . import links
from . import upgrade
from . import ui
