"""gunicorn entry point for auth_user: `SERVICE=auth_user gunicorn -c gunicorn.conf.py`."""

from libs.servicekit.observability import configure_logging
from libs.servicekit.settings import process_env
from services.auth_user.app import create_app

configure_logging("auth_user", process_env().get("LOG_LEVEL", "INFO"))
app = create_app()
