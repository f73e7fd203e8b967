from . import tools
from . import models
