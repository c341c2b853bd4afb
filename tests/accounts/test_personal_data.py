"""Download my data and Delete my account."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models

from onboarding.accounts.models import User
from onboarding.journeys.models import Journey, StepProgress
from onboarding.sharing.models import ShareLink
from tests.browser_like_client import BrowserLikeClient as Client
from tests.factories import post_step

pytestmark = pytest.mark.django_db


def walk_a_little(client, person, steps):
    client.force_login(person)
    post_step(client, steps["about"])
    post_step(client, steps["prepare"])
    post_step(client, steps["install"])
    return Journey.objects.get(user=person)


def test_the_download_is_a_json_file_of_the_account_and_its_answers(client, user, steps):
    walk_a_little(client, user, steps)
    response = client.get("/account/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="step-by-step-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == "ana@example.com"
    (journey,) = data["journeys"]
    assert journey["guide"] == "alipay"
    assert journey["answers"] == {"location": "outside", "has_account": "no"}
    answered = {step["step"]: step for step in journey["steps"]}
    assert answered["about"]["status"] == "done"
    assert answered["about"]["answers"]["location"] == "outside"
    # The step suggested next is reached, not done.
    assert answered["sign-up"]["status"] == "in_progress"


def test_the_download_holds_nothing_of_other_people(client, user, other_user, steps):
    walk_a_little(Client(), other_user, steps)
    post_step(Client(), steps["about"])  # a visitor's journey
    client.force_login(user)
    text = client.get("/account/export/").text
    assert json.loads(text)["journeys"] == []
    assert "bo@example.com" not in text
    assert "outside" not in text


def test_the_download_needs_a_login(client):
    response = client.get("/account/export/")
    assert response["Location"] == "/accounts/login/?next=/account/export/"


def test_deleting_asks_for_confirmation_first(client, user):
    client.force_login(user)
    page = client.get("/account/delete/")
    assert page.status_code == 200
    assert "It cannot be undone" in page.text
    assert User.objects.filter(pk=user.pk).exists()


def test_deleting_leaves_no_row_of_the_user_behind(client, user, other_user, steps):
    other_journey = walk_a_little(client, other_user, steps)
    journey = walk_a_little(client, user, steps)
    ShareLink.objects.create(journey=journey, token_hash="b" * 64)
    session_key = client.session.session_key

    response = client.post("/account/delete/")

    assert response["Location"] == "/"
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Journey.objects.filter(pk=journey.pk).exists()
    assert not StepProgress.objects.filter(journey_id=journey.pk).exists()
    assert not ShareLink.objects.filter(journey_id=journey.pk).exists()
    assert not Session.objects.filter(session_key=session_key).exists()
    # No table keeps a reference to the deleted account.
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.ForeignKey) and field.related_model is User:
                assert not model.objects.filter(**{field.name: user.pk}).exists(), model
    # Other people's data is untouched.
    assert other_journey.progress.count() == 4
    page = client.get("/")
    assert "have been deleted" in page.text
    assert "_auth_user_id" not in client.session


def test_deleting_is_post_after_login_only(client, user):
    assert client.post("/account/delete/")["Location"] == "/accounts/login/?next=/account/delete/"
    client.force_login(user)
    assert client.put("/account/delete/").status_code == 405
    assert User.objects.filter(pk=user.pk).exists()
