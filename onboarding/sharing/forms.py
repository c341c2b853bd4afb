"""The form that creates a share link: how long it should work."""

from __future__ import annotations

from django import forms

LIFETIME_CHOICES = [("7d", "7 days"), ("30d", "30 days"), ("never", "Until I revoke it")]
DEFAULT_LIFETIME = "7d"


class ShareLinkForm(forms.Form):
    template_name = "journeys/forms/step_form.html"
    lifetime = forms.ChoiceField(
        label="How long should the link work?",
        choices=LIFETIME_CHOICES,
        initial=DEFAULT_LIFETIME,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how long the link should work.",
            "invalid_choice": "Choose 7 days, 30 days or until you revoke it.",
        },
    )
