from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "onboarding.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from onboarding.accounts import signals  # noqa: F401  (claims journeys at login)
