from . import clock, webhook
