"""chat_file WSGI entry point: `gunicorn -c gunicorn.conf.py` with SERVICE=chat_file.

gevent monkey patching runs first, before anything imports socket/threading/ssl.
"""

import os

if os.environ.get("CHAT_ASYNC_MODE", "gevent") == "gevent":
    from gevent import monkey

    monkey.patch_all()

from libs.servicekit.observability import configure_logging
from services.chat_file.app import create_app

configure_logging("chat_file", os.environ.get("LOG_LEVEL", "INFO"))
app = create_app()
