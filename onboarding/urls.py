"""The URL map: each app's pages, then admin.

No two apps' addresses overlap, so the order is by traffic: Django tries each pattern in turn,
and the guide's pages, which people open most, come first.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

handler400 = "onboarding.web.errors.bad_request"
# A database fault outside a view (e.g. saving the session) is a 503, like one inside a view.
handler500 = "onboarding.web.errors.server_error"

urlpatterns = [
    path("", include("onboarding.journeys.urls")),
    path("", include("onboarding.web.urls")),
    path("", include("onboarding.sharing.urls")),
    path("", include("onboarding.accounts.urls")),
    path("admin/", admin.site.urls),
]
