from __future__ import annotations

from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "onboarding.sharing"
    label = "sharing"
    verbose_name = "Sharing"
