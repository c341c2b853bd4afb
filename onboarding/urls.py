"""The URL map: each app's pages, then admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

handler400 = "onboarding.web.errors.bad_request"
# A database fault outside a view (e.g. saving the session) is a 503, like one inside a view.
handler500 = "onboarding.web.errors.server_error"

urlpatterns = [
    path("", include("onboarding.web.urls")),
    path("", include("onboarding.sharing.urls")),
    path("", include("onboarding.accounts.urls")),
    path("", include("onboarding.journeys.urls")),
    path("admin/", admin.site.urls),
]
