"""Stuck, then unstuck: choose the problem, see its fix in place, a way on to a person."""

from __future__ import annotations

import pytest

from onboarding.journeys.models import StepProgress
from tests.factories import management, post_step

pytestmark = pytest.mark.django_db


def stuck(client, slug: str, problem: str):
    return client.post(
        f"/guides/alipay/{slug}/", {**management(slug), "stuck": "1", "problem": problem}
    )


def test_im_stuck_offers_each_of_the_steps_problems_and_something_else(client, steps):
    page = client.get("/guides/alipay/sign-up/").text
    for problem in steps["sign-up"].problems.all():
        assert f'value="{problem.pk}"' in page
        assert problem.summary in page
    assert 'value="other"' in page


def test_choosing_a_problem_records_it_and_shows_its_fix_in_place_with_focus(client, steps):
    problem = steps["sign-up"].problems.first()
    response = stuck(client, "sign-up", str(problem.pk))
    assert response["Location"] == f"/guides/alipay/sign-up/?stuck={problem.pk}#fix"
    row = StepProgress.objects.get(step=steps["sign-up"])
    assert (row.status, row.problem_id) == ("stuck", problem.pk)
    page = client.get(response["Location"]).text
    fix = page[page.index('id="fix"') :]
    assert fix.startswith('id="fix" class="fix" tabindex="-1" autofocus>')
    assert problem.summary in fix[: fix.index("Still stuck?")]
    assert '<details class="stuck" id="stuck" open>' in page


def test_still_stuck_says_how_to_reach_a_person_and_offers_to_share_progress(client, steps):
    page = client.get(stuck(client, "sign-up", "other")["Location"]).text
    assert "人工" in page
    assert 'href="/guides/alipay/#share"' in page
    assert StepProgress.objects.get(step=steps["sign-up"]).problem_id is None


REFUSED_PROBLEM = "<p>Choose one of the problems listed on this step.</p>"


def test_a_problem_of_another_step_is_a_400_and_records_nothing(client, steps):
    other = steps["prepare"].problems.first()
    response = stuck(client, "sign-up", str(other.pk))
    assert response.status_code == 400
    assert REFUSED_PROBLEM in response.text
    assert not StepProgress.objects.exists()


def test_a_problem_that_is_no_number_is_a_400(client, steps):
    response = stuck(client, "sign-up", "1 OR 1=1")
    assert response.status_code == 400
    assert REFUSED_PROBLEM in response.text


def test_being_stuck_on_a_done_step_keeps_its_answers(client, steps):
    post_step(client, steps["about"])
    stuck(client, "about", "other")
    row = StepProgress.objects.get(step=steps["about"])
    assert row.status == "stuck"
    assert row.answers == {"location": "outside", "has_account": "no"}
    page = client.get("/guides/alipay/about/").text
    assert 'value="outside"' in page and "checked" in page.split('value="outside"')[1][:80]


def test_the_fix_shows_with_htmx_too_as_the_step_content_partial(client, steps):
    problem = steps["sign-up"].problems.first()
    location = stuck(client, "sign-up", str(problem.pk))["Location"]
    partial = client.get(location, headers={"HX-Request": "true"}).text
    assert "<html" not in partial
    assert 'id="fix"' in partial and problem.summary in partial


def test_no_problem_chosen_counts_as_something_else(client, steps):
    response = stuck(client, "sign-up", "")
    assert response["Location"] == "/guides/alipay/sign-up/?stuck=other#fix"
    row = StepProgress.objects.get(step=steps["sign-up"])
    assert (row.status, row.problem_id) == ("stuck", None)
