"""Sign-up (mailed link), login, logout and password reset on Django's auth views; the lockout
page; the account page, data export and deletion."""

from __future__ import annotations

import datetime
import json
import math
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.http import urlsafe_base64_decode
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe
from django.views.generic.edit import FormView

from onboarding.accounts import forms
from onboarding.accounts.login_limits import retry_after
from onboarding.accounts.mail import (
    Site,
    account_exists_message,
    confirm_signup_message,
    send_after_response,
)
from onboarding.accounts.models import User
from onboarding.accounts.selectors import export_account, guides_of
from onboarding.accounts.services import (
    SIGNUPS,
    awaits_confirmation,
    confirm_account,
    delete_account,
    reset_mail_allowed,
    sign_up,
    signup_allowed,
)
from onboarding.accounts.tokens import signup_token_generator
from onboarding.sharing.views import share_panel_context
from onboarding.web.http import HtmxHttpRequest, client_address

BACKEND = "django.contrib.auth.backends.ModelBackend"
NEXT_REFUSED = (
    "The link you followed wanted to send you to another website afterwards. "
    "We have brought you to your account page instead."
)


class SameSiteNextMixin(auth_views.RedirectURLMixin):
    """Follow `next` only within this site, and say so when a link asked for more."""

    request: HttpRequest
    next_page = reverse_lazy("account")

    @property
    def next_refused(self) -> bool:
        asked = self.request.POST.get("next", self.request.GET.get("next", ""))
        return bool(asked) and not self.get_redirect_url()

    def get_success_url(self) -> str:
        if self.next_refused:
            messages.warning(self.request, NEXT_REFUSED)
        return super().get_success_url()


def too_many_tries(request: HttpRequest, *, wait: datetime.timedelta) -> HttpResponse:
    """The plain 429 page: too many tries, and how long to wait."""
    seconds = math.ceil(wait.total_seconds())
    minutes = max(1, math.ceil(seconds / 60))
    response = render(request, "accounts/too_many_tries.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(seconds)
    add_never_cache_headers(response)
    return response


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the answer to a login refused for too many failures, on any form."""
    return too_many_tries(request, wait=retry_after(request, credentials))


def _site(request: HttpRequest) -> Site:
    return Site(protocol=request.scheme or "https", domain=request.get_host())


@method_decorator([sensitive_post_parameters(), never_cache], name="dispatch")
class SignupView(SameSiteNextMixin, FormView):
    """Start an account: the same answer, "check your email", for a new address and a known one.

    A new address gets an inactive account and a link that finishes creating it; an address with
    an account gets a mail saying how to log in or reset the password. Both mails are sent in a
    thread (mail.py), and both answers are the same redirect to the same page.
    """

    form_class = forms.SignupForm
    template_name = "accounts/signup.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return HttpResponseRedirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if SIGNUPS.exceeded(client_address(request)):
            return self._too_many()
        return super().post(request, *args, **kwargs)

    def _too_many(self) -> HttpResponse:
        return too_many_tries(self.request, wait=datetime.timedelta(seconds=SIGNUPS.window_seconds))

    def form_valid(self, form: forms.SignupForm) -> HttpResponse:
        if not signup_allowed(client=client_address(self.request)):
            return self._too_many()
        user, waits_for_confirmation = sign_up(
            email=form.cleaned_data["email"], password=form.cleaned_data["password1"]
        )
        site, next_url = _site(self.request), self.get_redirect_url()
        if waits_for_confirmation:
            message = confirm_signup_message
            send_after_response(lambda: message(user=user, site=site, next_url=next_url).send())
        else:
            send_after_response(lambda: account_exists_message(user=user, site=site).send())
        return HttpResponseRedirect(reverse("signup_sent"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            next=self.get_redirect_url(), next_refused=self.next_refused, **kwargs
        )


@require_safe
@never_cache
def signup_sent(request: HtmxHttpRequest) -> HttpResponse:
    """After sign-up, whatever the address: check your email."""
    return render(request, "accounts/signup_sent.html")


def _signup_waiting(uidb64: str, token: str) -> User | None:
    """The inactive account a sign-up link finishes, if the link is still good."""
    try:
        user = User.objects.filter(pk=urlsafe_base64_decode(uidb64).decode()).first()
    except (TypeError, ValueError, OverflowError, ValidationError):
        return None
    if user is None or not awaits_confirmation(user):
        return None
    return user if signup_token_generator.check_token(user, token) else None


@method_decorator(never_cache, name="dispatch")
class SignupConfirmView(SameSiteNextMixin, View):
    """The link mailed at sign-up: a page with one button (mail scanners that open links press
    none), which activates the account, logs in, claims this browser's journeys and goes on."""

    template_name = "accounts/signup_confirm.html"

    def get(self, request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
        context = {
            "account": _signup_waiting(uidb64, token),
            "next": self.get_redirect_url(),
            "next_refused": self.next_refused,
        }
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
        account = _signup_waiting(uidb64, token)
        if account is None:
            return render(request, self.template_name, {"account": None})
        confirm_account(user=account)
        # Logging in rotates the session key and claims this browser's journeys (signals.py).
        login(request, account, backend=BACKEND)
        messages.success(request, "Your account is ready. Your progress is saved to it.")
        return HttpResponseRedirect(self.get_success_url())


@method_decorator(sensitive_post_parameters(), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, with its mail sent in a thread and limited per address and per client.

    Known, unknown and over-the-limit addresses all get the same redirect to "check your email".
    """

    form_class = forms.PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"

    def form_valid(self, form: forms.PasswordResetForm) -> HttpResponse:
        allowed = reset_mail_allowed(
            address=form.cleaned_data["email"], client=client_address(self.request)
        )
        if not allowed:
            form.recipients = []
        site = _site(self.request)
        options = {
            "domain_override": site.domain,
            "use_https": site.protocol == "https",
            "token_generator": self.token_generator,
            "email_template_name": self.email_template_name,
            "subject_template_name": self.subject_template_name,
        }
        send_after_response(lambda: form.save(**options))
        return HttpResponseRedirect(self.get_success_url())


class LoginView(SameSiteNextMixin, auth_views.LoginView):
    """Django's login; axes refuses it with the lockout page while failures are over a limit."""

    form_class = forms.LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(next_refused=self.next_refused, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Log out (POST only): the whole session is cleared, this browser's progress included."""

    next_page = reverse_lazy("journeys:landing")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have logged out. Your progress is kept in your account.")
        return response


@require_safe
@never_cache
@login_required
def account(request: HtmxHttpRequest) -> HttpResponse:
    """The account page: progress and share links in each guide, and the account's data."""
    guides = guides_of(user=request.user)
    share_panels = [
        share_panel_context(guide=progress.guide, journey=progress.journey)
        for progress in guides
        if progress.journey is not None
    ]
    return render(
        request, "accounts/account.html", {"guides": guides, "share_panels": share_panels}
    )


@require_safe
@never_cache
@login_required
def account_export(request: HtmxHttpRequest) -> HttpResponse:
    """Download my data: the account, its journeys, progress and answers, as a JSON file."""
    data = export_account(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    filename = f"step-by-step-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
def account_delete(request: HtmxHttpRequest) -> HttpResponse:
    """Delete my account: a confirmation page, then the account and all it holds, and log out."""
    if request.method == "GET":
        return render(request, "accounts/delete.html")
    delete_account(user=request.user)
    logout(request)
    messages.success(request, "Your account and everything saved in it have been deleted.")
    return redirect("journeys:landing")
