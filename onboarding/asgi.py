"""ASGI entry point, for ASGI servers (`make serve` runs gunicorn through wsgi.py)."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onboarding.settings")

application = get_asgi_application()
