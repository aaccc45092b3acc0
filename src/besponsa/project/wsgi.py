"""WSGI entry point for gunicorn: `gunicorn besponsa.project.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "besponsa.project.settings")
application = get_wsgi_application()
