from . import codabox_connect_wizard
from . import codabox_send_wizard
