from . import controllers
from . import models
from . import tools
from .hooks import post_init_hook, uninstall_hook
