"""Sign-up, login and logout on Django's auth views; the account page, data export and deletion."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic.edit import FormView

from onboarding.accounts import forms
from onboarding.accounts.login_limits import lockout_for
from onboarding.accounts.selectors import export_account, guides_of
from onboarding.accounts.services import EmailTaken, create_account, delete_account
from onboarding.sharing.views import share_panel_context
from onboarding.web.http import HtmxHttpRequest

BACKEND = "onboarding.accounts.backends.LockoutAwareBackend"
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


@method_decorator([sensitive_post_parameters(), never_cache], name="dispatch")
class SignupView(SameSiteNextMixin, FormView):
    """Create an account with email and password, log in, and claim this browser's progress."""

    form_class = forms.SignupForm
    template_name = "accounts/signup.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return HttpResponseRedirect(self.get_success_url())
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: forms.SignupForm) -> HttpResponse:
        try:
            user = create_account(
                email=form.cleaned_data["email"], password=form.cleaned_data["password1"]
            )
        except EmailTaken:
            form.add_error("email", forms.EMAIL_TAKEN)
            return self.form_invalid(form)
        # Logging in rotates the session key and claims this browser's journeys (signals.py).
        login(self.request, user, backend=BACKEND)
        messages.success(self.request, "Your account is ready. Your progress is saved to it.")
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            next=self.get_redirect_url(), next_refused=self.next_refused, **kwargs
        )


class LoginView(SameSiteNextMixin, auth_views.LoginView):
    """Django's login, refusing with a 429 while failed attempts are over the limits."""

    form_class = forms.LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = request.POST.get("username", "")
        lockout = lockout_for(request=request, email=email)
        if lockout is None:
            return super().post(request, *args, **kwargs)
        # Unbound: validating the form would try the password, which is not to be tried now.
        form = self.get_form_class()(request, initial={"username": email})
        context = self.get_context_data(form=form, lockout=lockout)
        response = self.render_to_response(context, status=429)
        response["Retry-After"] = str(lockout.retry_after)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(next_refused=self.next_refused, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Log out (POST only): the whole session is cleared, this browser's progress included."""

    next_page = reverse_lazy("journeys:landing")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have logged out. Your progress is kept in your account.")
        return response


@require_GET
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


@require_GET
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
