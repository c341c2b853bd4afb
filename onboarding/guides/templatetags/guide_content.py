"""Guide content rendered once per content version: what every visitor of a step sees alike.

A step's instructions, facts, words and problem list, a step's form before anyone has answered
it, and a visitor's "Save your progress" prompt are the same for everyone until an editor changes
the guide; each process renders them once per version and keeps the HTML with that version's
structure. Nothing personal is kept: these fragments are rendered from the guide's content alone
(no request, no answers).
"""

from __future__ import annotations

from django import forms, template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from onboarding.guides.selectors import GuideStructure, StepInfo

register = template.Library()


@register.simple_tag
def step_content(template_name: str, *, guide: GuideStructure, step: StepInfo) -> SafeString:
    """The template rendered with only the guide and the step, once per content version."""
    key = (template_name, step.slug)
    if key not in guide.fragments:
        html = render_to_string(template_name, {"guide": guide, "step": step})
        guide.fragments[key] = html
    return mark_safe(guide.fragments[key])


@register.simple_tag
def step_form(form: forms.Form, *, guide: GuideStructure, step: StepInfo) -> SafeString:
    """The step's form; one that nobody has answered yet renders the same for everyone."""
    if form.is_bound or any(value not in (None, "", [], ()) for value in form.initial.values()):
        return mark_safe(str(form))
    key = ("unanswered-form", step.slug)
    if key not in guide.fragments:
        guide.fragments[key] = str(form)
    return mark_safe(guide.fragments[key])
