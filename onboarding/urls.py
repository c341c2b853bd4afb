"""The URL map, top to bottom: site pages, the guide wizard, then admin and health."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path

from onboarding import views
from onboarding.wizard import GuideWizard

# A database fault outside a view (e.g. saving the session) is a 503, like one inside a view.
handler500 = "onboarding.faults.server_error"

guide_wizard = GuideWizard.as_view(url_name="step", done_step_name="done")

urlpatterns = [
    path("", views.landing, name="landing"),
    path("guides/<slug:guide>/", views.task_list, name="guide"),
    path("guides/<slug:guide>/progress/", views.sidebar, name="sidebar"),
    path("guides/<slug:guide>/<slug:step>/", guide_wizard, name="step"),
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
]
