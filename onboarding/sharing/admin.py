"""Admin for share links: labelled by their creation date, revocable; the token is never shown."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from onboarding.journeys.admin import ReadOnlyAdmin
from onboarding.sharing.models import ShareLink
from onboarding.sharing.services import revoke_share_links


@admin.register(ShareLink)
class ShareLinkAdmin(ReadOnlyAdmin):
    """Share links by creation date, with their journey's number; the token is never stored."""

    list_display = ["label", "journey_number", "expires_at", "revoked_at", "state"]
    fields = ["journey", "created_at", "expires_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description="share link", ordering="created_at")
    def label(self, link: ShareLink) -> str:
        return str(link)

    @admin.display(description="journey", ordering="journey_id")
    def journey_number(self, link: ShareLink) -> str:
        return f"#{link.journey_id}"

    @admin.display(description="state")
    def state(self, link: ShareLink) -> str:
        if link.revoked_at is not None:
            return "Revoked"
        if link.expires_at is not None and link.expires_at <= timezone.now():
            return "Expired"
        return "Active"

    @admin.action(description="Revoke", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ShareLink]) -> None:
        count = revoke_share_links(links=queryset)
        self.message_user(request, f"Revoked {count} share link(s).", messages.SUCCESS)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("sharing.change_sharelink")
