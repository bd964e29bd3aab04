"""The WSGI application, for ``jicai serve`` or any WSGI server (gunicorn, uWSGI, mod_wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jicai.web.settings")
application = get_wsgi_application()
