"""The guide wizard: django-formtools' NamedUrlSessionWizardView over steps from the database.

Only formtools hooks are overridden; the work is done by progress.py. The database holds progress
(a valid POST saves its step at once); the session holds only drafts typed before pressing Back.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlSessionWizardView

from onboarding.conditions import applies
from onboarding.content import StepInfo
from onboarding.page_cache import cached_page
from onboarding.progress import (
    JourneyGone,
    Owner,
    Progress,
    RowSnapshot,
    complete_journey,
    ensure_journey,
    guide_and_journey,
    mark_stuck,
    progress_of,
    record_step,
)
from onboarding.qr import qr_svg
from onboarding.share_views import share_panel_context
from onboarding.step_forms import ReadForm, StepForm, form_class_for

DONE = "done"
JOURNEY_MOVED = (
    "This step was not saved: your progress has just moved to your account. Log in if you "
    "are not logged in here, then save the step again."
)


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 page that says in plain words what was wrong with the form that was sent."""
    return render(request, "400.html", {"message": message}, status=400)


@method_decorator([never_cache, vary_on_headers("HX-Request")], name="dispatch")
class GuideWizard(NamedUrlSessionWizardView):
    # as_view() asserts a form list; the real one is built per request in setup().
    form_list = [("placeholder", ReadForm)]
    storage_name = "onboarding.wizard_storage.DraftStorage"
    template_name = "onboarding/step.html"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        """Load the guide, this person's journey and its progress; build the form list."""
        super().setup(request, *args, **kwargs)
        self.guide, self.journey = guide_and_journey(
            guide_slug=kwargs["guide"], owner=Owner.of(request)
        )
        self._load_progress()

    def _load_progress(self, rows: Mapping[int, RowSnapshot] | None = None) -> None:
        self.progress: Progress = progress_of(guide=self.guide, journey=self.journey, rows=rows)
        self.form_list = OrderedDict(
            (state.step.slug, form_class_for(state.step.form_kind))
            for state in self.progress.states
        )
        # formtools re-resolves its cached form list when these change.
        self.condition_dict = {state.step.slug: state.applies for state in self.progress.states}

    def get_prefix(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        return f"guide_{kwargs['guide']}"

    def get_step_url(self, step: str) -> str:
        return reverse(self.url_name, kwargs={"guide": self.guide.slug, "step": step})

    def _first_unfinished_url(self) -> str:
        first = self.progress.first_unfinished
        return self.get_step_url(first.step.slug if first else DONE)

    def _step_info(self, slug: str | None = None) -> StepInfo:
        return self.progress.guide.step(slug or self.steps.current)

    # --- Requests ------------------------------------------------------------------------------

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Show a reached step, or the finish page; a GET never changes any state."""
        slug = kwargs["step"]
        if slug == DONE:
            return self.render_done(None, **kwargs)
        state = self.progress.state(slug)
        if state is None:
            raise Http404("No such step in this guide.")
        if not state.reachable:
            return redirect(self._first_unfinished_url())
        self.storage.current_step = slug
        return self.render()

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        """Refuse tampered posts with a 400, record "I'm stuck", else let formtools validate."""
        slug = kwargs["step"]
        state = self.progress.state(slug)
        if state is None:
            raise Http404("No such step in this guide.")
        if not state.reachable:
            return redirect(self._first_unfinished_url())
        management = ManagementForm(self.request.POST, prefix=self.prefix)
        if not management.is_valid():
            return bad_request(self.request, "This form was incomplete. Go back and try again.")
        if management.cleaned_data["current_step"] != slug:
            return bad_request(self.request, "This form was sent for a different step.")
        if self._has_fields_of_other_steps(slug):
            return bad_request(self.request, "This form held answers for a different step.")
        self.storage.current_step = slug
        try:
            if "stuck" in self.request.POST:
                return self._stuck(slug)
            return super().post(*args, **kwargs)
        except JourneyGone:
            # A login in another tab moved this progress into the account as this request ran.
            messages.warning(self.request, JOURNEY_MOVED)
            return redirect(self.get_step_url(slug))

    def _has_fields_of_other_steps(self, slug: str) -> bool:
        other_prefixes = tuple(f"{other}-" for other in self.form_list if other != slug)
        return any(name.startswith(other_prefixes) for name in self.request.POST)

    def _stuck(self, slug: str) -> HttpResponse:
        self._save_draft(slug)
        journey = ensure_journey(request=self.request, guide=self.guide)
        mark_stuck(journey=journey, step=self._step_info(slug))
        return redirect(self.get_step_url(slug) + "#troubleshooting")

    def _save_draft(self, slug: str) -> None:
        form = self.get_form(step=slug, data=self.request.POST)
        self.storage.save_draft(slug, {name: form[name].data for name in form.fields})

    # --- formtools hooks -----------------------------------------------------------------------

    def get_form_kwargs(self, step: str | None = None) -> dict[str, Any]:
        """Every step form needs its step (the checklist form builds its boxes from it)."""
        return {"step": self._step_info(step)}

    def process_step_files(self, form: StepForm) -> dict[str, Any]:
        """Runs on every valid POST: no step asks for a file, so an uploaded one is never kept."""
        return {}

    def get_form_initial(self, step: str) -> dict[str, Any]:
        """Pre-fill from the saved answers, then from any unsaved draft typed before Back."""
        info = self._step_info(step)
        saved = self.progress.answers_by_step.get(info.id, {})
        return {**form_class_for(info.form_kind).initial_from(saved), **self.storage.draft(step)}

    def process_step(self, form: StepForm) -> dict[str, Any]:
        """Runs on every valid POST: save the step to the database at once."""
        step = self._step_info()
        self.journey = self.journey or ensure_journey(request=self.request, guide=self.guide)
        saved = record_step(
            journey=self.journey,
            step=step,
            next_step=self._next_step_after(step.slug, form),
            answers=form.to_answers(),
            steering=form.steering_answers(),
        )
        for warning in form.warnings():
            messages.warning(self.request, warning)
        # What is saved is known: work out where to go next without reading it back.
        self._load_progress(rows={**self.progress.rows, step.id: saved})
        return {}

    def _next_step_after(self, slug: str, form: StepForm) -> StepInfo | None:
        steering = {**self.journey.answers, **form.steering_answers()}
        later = [state.step for state in self.progress.states]
        index = [step.slug for step in later].index(slug)
        return next((s for s in later[index + 1 :] if applies(s.condition, steering)), None)

    def render_goto_step(self, goto_step: str, **kwargs: Any) -> HttpResponse:
        """Back: keep what was typed on this step as a draft, without validating it."""
        self._save_draft(self.steps.current)
        return redirect(self.get_step_url(goto_step))

    def render_done(self, form: StepForm | None, **kwargs: Any) -> HttpResponse:
        """After the last step, or at /done/: the finish page once every step is finished."""
        if not self.progress.complete or self.journey is None:
            return redirect(self._first_unfinished_url())
        if kwargs.get("step") != DONE:
            return redirect(self.get_step_url(DONE))
        return self.done(list(self.get_form_list()), **kwargs)

    def done(self, form_list: list[str], **kwargs: Any) -> HttpResponse:
        """Mark the journey complete and show the check-your-answers page."""
        complete_journey(journey=self.journey)
        if self.request.htmx:
            # htmx swaps step content; the finish page is a page of its own, so load it whole.
            return HttpResponseClientRedirect(self.get_step_url(DONE))
        rows = [
            (
                state,
                form_class_for(state.step.form_kind).summary_of(
                    self.progress.answers_by_step.get(state.step.id, {})
                ),
            )
            for state in self.progress.applicable
        ]
        context = {"progress": self.progress, "guide": self.progress.guide, "rows": rows}
        context.update(share_panel_context(guide=self.progress.guide, journey=self.journey))
        return render(self.request, "onboarding/finish.html", context)

    def get_context_data(self, form: StepForm, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(form=form, **kwargs)
        state = self.progress.state(self.steps.current)
        context.update(
            guide=self.progress.guide,
            progress=self.progress,
            state=state,
            step=state.step,
            previous_url=self._previous_url(),
            has_draft=bool(self.storage.draft(self.steps.current)),
            phone_handoff=self._phone_handoff(),
        )
        return context

    def _phone_handoff(self) -> dict[str, str]:
        """Continue on your phone: a QR code of this step, for an account.

        A visitor's progress lives in this browser's session, which a phone does not share, so
        visitors get the "Save your progress" prompt instead (in the template).
        """
        if not self.request.user.is_authenticated:
            return {}
        path = self.get_step_url(self.steps.current)
        return {"qr": qr_svg(self.request.build_absolute_uri(path))}

    def _previous_url(self) -> str:
        previous = self.steps.prev
        if previous:
            return self.get_step_url(previous)
        return reverse("guide", kwargs={"guide": self.guide.slug})

    def _page_is_shareable(self) -> bool:
        """Only a plain GET of a step is cached: no errors, no draft, no message to show."""
        return (
            self.request.method == "GET"
            and not self.storage.draft(self.steps.current)
            and not len(messages.get_messages(self.request))
        )

    def _page_key(self) -> str:
        variant = "partial" if self.get_template_names()[0].endswith("#step-response") else "full"
        user = self.request.user.pk if self.request.user.is_authenticated else "visitor"
        return ":".join(
            [
                "step",
                self.progress.cache_key,
                self.steps.current,
                variant,
                str(user),
                self.request.get_host(),
            ]
        )

    def get_template_names(self) -> list[str]:
        """htmx navigation gets the step's content partial alone; a full load gets the page."""
        if self.request.htmx and not self.request.htmx.history_restore_request:
            return [f"{self.template_name}#step-response"]
        return [self.template_name]

    def render(self, form: StepForm | None = None, **kwargs: Any) -> HttpResponse:
        """Render the step; a page with nothing request-specific comes from the page cache."""
        if form is None and self._page_is_shareable():
            response = cached_page(
                self.request,
                key=self._page_key(),
                render=lambda placeholders: super(GuideWizard, self).render(
                    self.get_form(), **placeholders, **kwargs
                ),
            )
        else:
            response = super().render(form or self.get_form(), **kwargs)
        if self.request.htmx and not self.request.htmx.history_restore_request:
            # The sidebar listens for this and fetches its partial for the new step.
            response["HX-Trigger-After-Swap"] = "progress-changed"
        return response
