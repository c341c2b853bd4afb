"""The URL map, top to bottom: site pages, sharing, the guide wizard, accounts, then admin and
health."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from onboarding import share_views, views
from onboarding.wizard import GuideWizard

# A database fault outside a view (e.g. saving the session) is a 503, like one inside a view.
handler500 = "onboarding.faults.server_error"

guide_wizard = GuideWizard.as_view(url_name="step", done_step_name="done")
handler400 = "onboarding.errors.bad_request"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("guides/<slug:guide>/", views.task_list, name="guide"),
    path("guides/<slug:guide>/progress/", views.sidebar, name="sidebar"),
    path("guides/<slug:guide>/share-links/new/", share_views.share_create, name="share_create"),
    path("share-links/<int:link>/revoke/", share_views.share_revoke, name="share_revoke"),
    # <path:> so that every malformed token, slashes and all, gets the same 404 and is counted.
    path("share/<path:token>/", share_views.share_page, name="share"),
    path("guides/<slug:guide>/<slug:step>/", guide_wizard, name="step"),
    path("", include("onboarding.accounts.urls")),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
]
