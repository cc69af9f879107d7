"""Entry point for `flask` and gunicorn (`gunicorn wsgi:app`)."""
from config import config_from_env
from marketplace import create_app

app = create_app(config_from_env())
