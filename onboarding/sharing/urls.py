"""Share links: create and revoke them; the read-only page a helper opens."""

from __future__ import annotations

from django.urls import path

from onboarding.sharing import views

app_name = "sharing"

urlpatterns = [
    path("guides/<slug:guide>/share-links/new/", views.share_create, name="create"),
    path("share-links/<int:link>/revoke/", views.share_revoke, name="revoke"),
    # <path:> so that every malformed token, slashes and all, gets the same 404 and is counted.
    path("share/<path:token>/", views.share_page, name="page"),
]
