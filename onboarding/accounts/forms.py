"""Sign-up, login and password forms: Django's, worded plainly and drawn like the guide's forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError

from onboarding.accounts.models import User

FORM_TEMPLATE = "journeys/forms/step_form.html"
PASSWORD_HINT = (
    "At least 8 characters. Not a common password, not only numbers, and not like your email "
    "address. Use a new one, not your Alipay password."
)
EMAIL_TAKEN = (
    "An account with this email address already exists. Log in, or reset your password if "
    "you have forgotten it."
)


def _email_field(**attrs: Any) -> forms.EmailField:
    return forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", **attrs}),
    )


class SignupForm(auth_forms.SetPasswordMixin, forms.Form):
    """An email address and a new password, typed twice, checked by Django's validators."""

    template_name = FORM_TEMPLATE
    email = _email_field()
    password1, password2 = auth_forms.SetPasswordMixin.create_password_fields(
        label1="Create a password", label2="Type the password again"
    )
    error_messages = {"password_mismatch": "The two passwords are not the same. Type them again."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = PASSWORD_HINT
        self.fields["password2"].help_text = ""

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(EMAIL_TAKEN, code="email_taken")
        return email

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
    template_name = FORM_TEMPLATE
    email = _email_field(autofocus=True)


class SetPasswordForm(auth_forms.SetPasswordForm):
    template_name = FORM_TEMPLATE
    error_messages = SignupForm.error_messages

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = PASSWORD_HINT
        self.fields["new_password2"].label = "Type the new password again"
        self.fields["new_password2"].help_text = ""
