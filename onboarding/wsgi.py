"""WSGI entry point, for gunicorn: `gunicorn onboarding.wsgi`."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onboarding.settings")

django_application = get_wsgi_application()  # sets Django up: the guard imports models

from onboarding.web.request_guard import wsgi_guard  # noqa: E402  (needs Django set up)

# Django reads a request's content type while building it, before any middleware: the guard marks
# the ones it would fail on, so the middleware answers them with its 400 page.
application = wsgi_guard(django_application)
