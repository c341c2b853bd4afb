from __future__ import annotations

from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "onboarding.journeys"
    label = "journeys"
    verbose_name = "Journeys"
