"""The ASGI entry point (the portal is served by gunicorn through wsgi.py; this is for ASGI hosts)."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onboarding.settings")

application = get_asgi_application()
