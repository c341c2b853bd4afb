from __future__ import annotations

from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = "Onboarding guides"

    def ready(self) -> None:
        from onboarding import signals  # noqa: F401  (connects the content-version receivers)
