"""Sign-up (and its mailed link), login, logout and password reset under /accounts/; your own
data under /account/."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from onboarding.accounts import forms, views

password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    form_class=forms.SetPasswordForm, template_name="accounts/password_reset_confirm.html"
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)

urlpatterns = [
    path("accounts/signup/", views.SignupView.as_view(), name="signup"),
    path("accounts/signup/sent/", views.signup_sent, name="signup_sent"),
    path(
        "accounts/signup/<uidb64>/<token>/",
        views.SignupConfirmView.as_view(),
        name="signup_confirm",
    ),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password-reset/sent/", password_reset_done, name="password_reset_done"),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/complete/",
        password_reset_complete,
        name="password_reset_complete",
    ),
    path("account/", views.account, name="account"),
    path("account/export/", views.account_export, name="account_export"),
    path("account/delete/", views.account_delete, name="account_delete"),
]
