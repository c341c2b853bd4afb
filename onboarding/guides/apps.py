from __future__ import annotations

from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "onboarding.guides"
    label = "guides"
    verbose_name = "Guides"

    def ready(self) -> None:
        from onboarding.guides import signals  # noqa: F401  (renews content versions on save)
