"""Sign-up, login and password forms: Django's, worded plainly and drawn like the guide's forms."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms

from onboarding.accounts.models import User
from onboarding.web.secret_text import refuse_secrets

FORM_TEMPLATE = "journeys/forms/step_form.html"
PASSWORD_HINT = (
    "At least 8 characters. Not a common password, not only numbers, and not like your email "
    "address. Use a new one, not your Alipay password."
)


def _email_field(*, validators: tuple[Any, ...] = (), **attrs: Any) -> forms.EmailField:
    return forms.EmailField(
        label="Email address",
        max_length=254,
        validators=validators,
        widget=forms.EmailInput(attrs={"autocomplete": "email", **attrs}),
    )


class SignupForm(auth_forms.SetPasswordMixin, forms.Form):
    """An email address and a new password, typed twice, checked by Django's validators."""

    template_name = FORM_TEMPLATE
    # The address is kept: a card number or code typed as its local part is refused.
    email = _email_field(validators=(refuse_secrets,))
    password1, password2 = auth_forms.SetPasswordMixin.create_password_fields(
        label1="Create a password", label2="Type the password again"
    )
    error_messages = {"password_mismatch": "The two passwords are not the same. Type them again."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = PASSWORD_HINT
        self.fields["password2"].help_text = ""

    def clean_email(self) -> str:
        # Whether the address has an account is not the form's to say: the answer is the same.
        return User.objects.normalize_email(self.cleaned_data["email"])

    def clean(self) -> dict[str, Any]:
        self.validate_passwords()
        # The similarity validator compares the password with the email address.
        candidate = User(email=self.cleaned_data.get("email", ""))
        self.validate_password_for_user(candidate, password_field_name="password1")
        return self.cleaned_data


class LoginForm(auth_forms.AuthenticationForm):
    template_name = FORM_TEMPLATE
    username = _email_field(autofocus=True)
    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": "The email address or password is not right. Check both and try again.",
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form; its accounts are looked up in the request, its mail sent in a thread.

    `save()` only composes and sends (tokens, templates, the mail server), so it can run in a
    thread that touches no database, with the accounts `clean()` found (mail.py).
    """

    template_name = FORM_TEMPLATE
    email = _email_field(autofocus=True)
    recipients: list[User]

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        email = cleaned_data.get("email")
        self.recipients = list(super().get_users(email)) if email else []
        return cleaned_data

    def get_users(self, email: str) -> Iterator[User]:
        return iter(self.recipients)


class SetPasswordForm(auth_forms.SetPasswordForm):
    template_name = FORM_TEMPLATE
    error_messages = SignupForm.error_messages

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = PASSWORD_HINT
        self.fields["new_password2"].label = "Type the new password again"
        self.fields["new_password2"].help_text = ""
