"""A guide's pages: the task list, glossary, sidebar partial and the wizard's steps."""

from __future__ import annotations

from django.urls import path

from onboarding.journeys import views
from onboarding.journeys.wizard import GuideWizard

app_name = "journeys"

guide_wizard = GuideWizard.as_view(url_name="journeys:step", done_step_name="done")

urlpatterns = [
    path("", views.landing, name="landing"),
    path("guides/<slug:guide>/", views.task_list, name="task_list"),
    path("guides/<slug:guide>/progress/", views.sidebar, name="sidebar"),
    path("guides/<slug:guide>/glossary/", views.glossary, name="glossary"),
    path("guides/<slug:guide>/<slug:step>/", guide_wizard, name="step"),
]
