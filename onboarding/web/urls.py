"""The site's own pages: about, robots.txt, the favicon and the health check."""

from __future__ import annotations

from django.urls import path

from onboarding.web import views

app_name = "web"

urlpatterns = [
    path("about/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
]
