from . import atp
