from . import test_atp
from . import test_promise
from . import test_translations
