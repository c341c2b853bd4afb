"""The guide wizard: django-formtools' NamedUrlSessionWizardView over steps from the database.

formtools' own get, post, render_goto_step and render_done do their jobs over JourneyStorage
(storage.py), which keeps each valid step in the database at once. What this portal changes is
done in formtools' hooks, each saying why, and in `post`, which answers first what is not a save:
a form no page of ours sends (400), "I'm stuck", and a check (phone, passport) shown at once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlSessionWizardView

from onboarding.guides.selectors import StepInfo
from onboarding.journeys import services
from onboarding.journeys.forms import form_class_for
from onboarding.journeys.forms.base import ACTIONS, CHECK, SKIP, StepForm
from onboarding.journeys.forms.read import ReadForm
from onboarding.journeys.selectors import Progress, StepState, progress_on_request
from onboarding.journeys.storage import JourneyStorage, StepRecord
from onboarding.sharing.qr import qr_svg
from onboarding.sharing.views import share_panel_context

DONE = "done"
RETURN_TO_SUMMARY = "summary"
OTHER_PROBLEM = "other"
NOT_YET = "This step was not saved: it cannot start yet. First finish {steps}."
JOURNEY_MOVED = (
    "This step was not saved: your progress has just moved to your account. Log in if you "
    "are not logged in here, then save the step again."
)


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 page that says in plain words what was wrong with the form that was sent."""
    return render(request, "400.html", {"message": message}, status=400)


def _is_listed(slug: str):
    """formtools condition: a step is in the form list unless it is not needed."""
    return lambda wizard: wizard.storage.progress.state(slug).listed


class GuideWizard(NamedUrlSessionWizardView):
    # as_view() asserts a form list; the real one is built per request in setup().
    form_list = [("placeholder", ReadForm)]
    storage_name = "onboarding.journeys.storage.JourneyStorage"
    template_name = "journeys/step.html"
    storage: JourneyStorage

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Callable[..., HttpResponse]:
        """Every answer is someone's own, and htmx gets a part of the page: never cached, and
        varied on HX-Request. Decorated once here; method_decorator would on every request."""
        return never_cache(vary_on_headers("HX-Request")(super().as_view(**initkwargs)))

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        """Build the form list from the guide's published steps, in their order."""
        super().setup(request, *args, **kwargs)
        guide = progress_on_request(request, guide_slug=kwargs["guide"]).guide
        self.form_list = OrderedDict(
            (step.slug, form_class_for(step.form_kind)) for step in guide.steps
        )
        self.condition_dict = {step.slug: _is_listed(step.slug) for step in guide.steps}

    @property
    def progress(self) -> Progress:
        return self.storage.progress

    def _step(self, slug: str | None = None) -> StepInfo:
        return self.progress.guide.step(slug or self.steps.current)

    def get_prefix(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        """One wizard per guide: drafts in the session are kept per guide."""
        return f"guide_{kwargs['guide']}"

    def get_step_url(self, step: str) -> str:
        """Step addresses carry the guide: /guides/<guide>/<step>/."""
        return reverse(self.url_name, kwargs={"guide": self.progress.guide.slug, "step": step})

    # --- What is not a save ---------------------------------------------------------------------

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        """Refuse forms no page sends (400); answer "I'm stuck" and checks; formtools saves."""
        slug = kwargs["step"]
        state = self.progress.state(slug)
        refusal = self._refusal(slug, state)
        if refusal:
            return bad_request(self.request, refusal)
        self.storage.current_step = slug
        going_back = self.request.POST.get("wizard_goto_step") in self.get_form_list()
        if state.waiting_for and not going_back:
            # A page from before the needed step was undone, or before a login moved the
            # progress: nothing is saved, and the step page says what to finish first. Only
            # Back to a step of the guide goes on (any other wizard_goto_step would be a save).
            messages.warning(self.request, NOT_YET.format(steps=", ".join(state.waiting_for)))
            return redirect(self.get_step_url(slug))
        try:
            if "stuck" in self.request.POST:
                return self._stuck(state)
            if self.request.POST.get(f"{slug}-action") == CHECK:
                return self.render(self.get_form(data=self.request.POST))
            return super().post(*args, **kwargs)
        except services.JourneyGone:
            # A login in another tab moved this progress into the account as this request ran.
            messages.warning(self.request, JOURNEY_MOVED)
            return redirect(self.get_step_url(slug))

    def _refusal(self, slug: str, state: StepState | None) -> str | None:
        """Why this POST is not one a page of this guide sends, if it is not."""
        post = self.request.POST
        if state is None or not state.listed:
            return "This step is not part of your guide."
        management = ManagementForm(post, prefix=self.prefix)
        if not management.is_valid():
            return "This form was incomplete. Go back and try again."
        if management.cleaned_data["current_step"] != slug:
            return "This form was sent for a different step."
        other_prefixes = tuple(f"{other}-" for other in self.form_list if other != slug)
        if any(name.startswith(other_prefixes) for name in post):
            return "This form held answers for a different step."
        action = post.get(f"{slug}-action")
        if action is not None and action not in ACTIONS:
            return "This form asked for something this page cannot do."
        if action == SKIP and not state.step.optional:
            return "This step cannot be skipped: everyone setting up Alipay needs it."
        if "stuck" in post and not self._problem_choice_is_valid(state, post.get("problem")):
            return "Choose one of the problems listed on this step."
        return None

    def _problem_choice_is_valid(self, state: StepState, choice: str | None) -> bool:
        if choice in (None, "", OTHER_PROBLEM):
            return True
        return choice.isascii() and choice.isdigit() and state.step.problem(int(choice)) is not None

    def _stuck(self, state: StepState) -> HttpResponse:
        """Keep a draft of what was typed, record the problem, and show its fix in place."""
        self._save_draft(state.step.slug)
        choice = self.request.POST.get("problem") or OTHER_PROBLEM
        journey = self.progress.journey or services.ensure_journey(
            request=self.request, guide_id=self.progress.guide.id
        )
        problem_id = int(choice) if choice.isdigit() else None
        services.mark_stuck(journey=journey, step=state.step, problem_id=problem_id)
        return redirect(f"{self.get_step_url(state.step.slug)}?stuck={choice}#fix")

    def _save_draft(self, slug: str) -> None:
        form = self.get_form(step=slug, data=self.request.POST)
        self.storage.save_draft(slug, form.draft())

    # --- formtools hooks ------------------------------------------------------------------------

    def get_form_kwargs(self, step: str | None = None) -> dict[str, Any]:
        """Every step form needs its step (the checklist form builds its boxes from it)."""
        return {"step": self._step(step)}

    def get_form_initial(self, step: str) -> dict[str, Any]:
        """An unfinished step starts from what was saved on it (if stuck), then its draft."""
        info = self._step(step)
        saved = self.progress.rows.get(info.id)
        answers = form_class_for(info.form_kind).answer_data(saved.answers) if saved else {}
        return {**answers, **self.storage.draft(step)}

    def process_step(self, form: StepForm) -> StepRecord:
        """Runs on every valid POST: what to keep of the step (storage writes it at once)."""
        if form.skipped:
            # A skipped step answers nothing, so it keeps and steers nothing.
            return StepRecord(status=form.status)
        return StepRecord(
            status=form.status, answers=form.to_answers(), steering=form.steering_answers()
        )

    def process_step_files(self, form: StepForm) -> dict[str, Any]:
        """No step takes a file, so an uploaded one is never kept."""
        return {}

    def render_next_step(self, form: StepForm, **kwargs: Any) -> HttpResponse:
        """After a save: back to the summary when the person came from it, else the step we
        suggest next (any order is allowed, so formtools' "next in the list" may be done)."""
        if self.request.GET.get("return") == RETURN_TO_SUMMARY:
            return redirect(self.get_step_url(DONE))
        suggested = self.progress.suggested
        return redirect(self.get_step_url(suggested.step.slug if suggested else DONE))

    def render_goto_step(self, goto_step: str, **kwargs: Any) -> HttpResponse:
        """Back: keep what was typed as a draft, without validating it (formtools issue #284)."""
        self._save_draft(self.steps.current)
        return super().render_goto_step(goto_step, **kwargs)

    def done(self, form_list: list[StepForm], **kwargs: Any) -> HttpResponse:
        """The finish page: ready to pay, then what the person said, with Change links."""
        if self.request.htmx:
            # htmx swaps step content; the finish page is a page of its own, so load it whole.
            return HttpResponseClientRedirect(self.get_step_url(DONE))
        context = {
            "progress": self.progress,
            "guide": self.progress.guide,
            "answers": [(self.progress.state(form.prefix), form.summary()) for form in form_list],
        }
        context.update(
            share_panel_context(guide=self.progress.guide, journey=self.progress.journey)
        )
        return render(self.request, "journeys/finish.html", context)

    def get_context_data(self, form: StepForm, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(form=form, **kwargs)
        state = self.progress.state(self.steps.current)
        stuck_on = self.request.GET.get("stuck")
        context.update(
            guide=self.progress.guide,
            progress=self.progress,
            state=state,
            step=state.step,
            return_to_summary=self.request.GET.get("return") == RETURN_TO_SUMMARY,
            stuck_on=stuck_on,
            stuck_problem=(
                state.step.problem(int(stuck_on))
                if stuck_on and stuck_on.isascii() and stuck_on.isdigit()
                else None
            ),
            has_draft=bool(self.storage.draft(self.steps.current)),
            # Read once here rather than through `wizard` in the template, which works each out
            # again every time it is named (the current step field's name builds a bound field).
            current_step_field=context["wizard"]["management_form"].add_prefix("current_step"),
            previous_step=self.steps.prev,
            phone_handoff=self._phone_handoff(),
        )
        return context

    def _phone_handoff(self) -> dict[str, str]:
        """Continue on your phone: a QR code of this step, for an account.

        A visitor's progress hangs on this browser's cookie, which a phone does not share, so
        visitors get the "Save your progress" prompt instead (in the template).
        """
        if not self.request.user.is_authenticated:
            return {}
        path = self.get_step_url(self.steps.current)
        return {"qr": qr_svg(self.request.build_absolute_uri(path))}

    def get_template_names(self) -> list[str]:
        """htmx navigation gets the step's content partial alone; a full load gets the page."""
        if self.request.htmx and not self.request.htmx.history_restore_request:
            return [f"{self.template_name}#step-response"]
        return [self.template_name]

    def render(self, form: StepForm | None = None, **kwargs: Any) -> HttpResponse:
        """Render the step; htmx is told to refresh the sidebar for the new step."""
        response = super().render(form, **kwargs)
        if self.request.htmx and not self.request.htmx.history_restore_request:
            # The sidebar listens for this and fetches its partial for the new step.
            response["HX-Trigger-After-Swap"] = "progress-changed"
        return response
