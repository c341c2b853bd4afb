"""The admin home's links to each guide's funnel, for the editors who may open one."""

from __future__ import annotations

from typing import Any

from django import template

from onboarding.insights.selectors import funnel_guides
from onboarding.insights.views import may_see_funnels

register = template.Library()


@register.simple_tag(takes_context=True)
def guide_funnels(context: dict[str, Any]) -> list[Any]:
    """The guides whose funnel the request's user may open (none if they may not see any)."""
    if not may_see_funnels(context["request"].user):
        return []
    return funnel_guides()
