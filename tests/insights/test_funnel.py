"""The funnel: numbers against hand-built journeys, a fixed query count, chart, page and CSV."""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onboarding.accounts.models import User
from onboarding.guides.models import Guide, Problem
from onboarding.insights.chart import BAR_WIDTH, chart_of
from onboarding.insights.selectors import (
    ProblemCount,
    describe_duration,
    funnel_guides,
    funnel_of,
    median_of,
)
from onboarding.insights.views import _cell
from onboarding.journeys.models import Journey, StepProgress
from tests.browser_like_client import BrowserLikeClient as Client
from tests.factories import make_guide

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
MIN = datetime.timedelta(minutes=1)


def row(journey, step, status, *, minutes=None, reached=T0, problem=None):
    """A progress row reached at `reached`, finished `minutes` later when given."""
    finished = None if minutes is None else reached + minutes * MIN
    return StepProgress(
        journey=journey,
        step=step,
        status=status,
        reached_at=reached,
        completed_at=finished,
        problem=problem,
    )


@pytest.fixture
def hand_built():
    """Six journeys through a three-step guide, with statuses and times chosen by hand."""
    guide = make_guide(steps=3, slug="funnel")
    first, second, third = guide.steps.order_by("order")
    journeys = {name: Journey.objects.create(guide=guide, visitor_key=name) for name in "ABCDEF"}
    journeys["A"].completed_at = T0 + 10 * MIN
    journeys["A"].save()
    StepProgress.objects.bulk_create(
        [
            row(journeys["A"], first, "done", minutes=2),
            row(journeys["A"], second, "done", minutes=4),
            row(journeys["A"], third, "done", minutes=1),
            row(journeys["B"], first, "done", minutes=6),
            row(journeys["B"], second, "stuck", problem=second.problems.get()),
            row(journeys["C"], first, "done", minutes=10),
            row(journeys["C"], second, "in_progress"),
            row(journeys["D"], first, "stuck"),  # "something else": no problem chosen
            row(journeys["E"], first, "done", minutes=8),
            row(journeys["E"], second, "skipped", minutes=0),
            row(journeys["F"], first, "done", minutes=1),
        ]
    )
    # Another guide's journeys must not count.
    other = make_guide(steps=1, slug="other")
    stranger = Journey.objects.create(guide=other, visitor_key="Z")
    other_step = other.steps.get()
    StepProgress.objects.create(
        journey=stranger, step=other_step, status="stuck", problem=other_step.problems.get()
    )
    return guide


def add_journeys(guide: Guide, count: int) -> None:
    """`count` journeys: each finished the first step and is stuck on or working at the second.

    Those stuck chose one of the second step's four problems, or "something else".
    """
    first, second = guide.steps.order_by("order")[:2]
    for order in range(2, 5):
        Problem.objects.create(step=second, order=order, summary=f"Problem {order}", fix="Fix.")
    choices = [*second.problems.all(), None]
    journeys = Journey.objects.bulk_create(
        Journey(guide=guide, visitor_key=f"bulk-{guide.slug}-{number}") for number in range(count)
    )
    rows = []
    for number, journey in enumerate(journeys):
        rows.append(row(journey, first, "done", minutes=number % 7))
        if number % 3:
            rows.append(row(journey, second, "stuck", problem=choices[number % len(choices)]))
        else:
            rows.append(row(journey, second, "in_progress"))
    StepProgress.objects.bulk_create(rows)


def queries_of(action, *args) -> int:
    with CaptureQueriesContext(connection) as context:
        action(*args)
    return len(context)


# --- The numbers ---------------------------------------------------------------------------------


def test_funnel_numbers_match_the_hand_built_journeys(hand_built):
    funnel = funnel_of(guide=hand_built)

    assert (funnel.journeys, funnel.completed) == (6, 1)
    numbers = [
        (step.number, step.reached, step.finished, step.stuck, step.in_progress, step.median)
        for step in funnel.steps
    ]
    assert numbers == [
        (1, 6, 5, 1, 0, 6 * MIN),  # finished in 1, 2, 6, 8, 10 minutes: the middle one
        (2, 4, 2, 1, 1, 2 * MIN),  # finished in 0 and 4 minutes: halfway between
        (3, 1, 1, 0, 0, 1 * MIN),
    ]


def test_the_funnel_counts_the_problems_stuck_people_chose(hand_built):
    steps = funnel_of(guide=hand_built).steps
    assert [step.problems for step in steps] == [
        (ProblemCount(summary="Something else", count=1),),
        (ProblemCount(summary="It fails", count=1),),
        (),
    ]


def test_problems_are_listed_most_chosen_first_then_in_the_steps_order(db):
    guide = make_guide(steps=1, slug="choices")
    step = guide.steps.get()
    first = step.problems.get()  # "It fails", order 1
    second = Problem.objects.create(step=step, order=2, summary="No code", fix="Wait.")
    third = Problem.objects.create(step=step, order=3, summary="Locked", fix="Call.")
    chosen = [second, second, second, None, first, third, None]
    journeys = Journey.objects.bulk_create(
        Journey(guide=guide, visitor_key=f"c{number}") for number in range(len(chosen))
    )
    StepProgress.objects.bulk_create(
        row(journey, step, "stuck", problem=problem)
        for journey, problem in zip(journeys, chosen, strict=True)
    )
    # A finished row keeps no problem, and in-progress rows are not stuck: neither counts.
    StepProgress.objects.filter(journey=journeys[-1]).update(status="in_progress")

    problems = funnel_of(guide=guide).steps[0].problems

    assert problems == (
        ProblemCount(summary="No code", count=3),
        ProblemCount(summary="It fails", count=1),
        ProblemCount(summary="Locked", count=1),
        ProblemCount(summary="Something else", count=1),
    )


def test_something_else_chosen_most_is_listed_first(db):
    guide = make_guide(steps=1, slug="other-first")
    step = guide.steps.get()
    chosen = [None, None, step.problems.get()]
    journeys = Journey.objects.bulk_create(
        Journey(guide=guide, visitor_key=f"o{number}") for number in range(len(chosen))
    )
    StepProgress.objects.bulk_create(
        row(journey, step, "stuck", problem=problem)
        for journey, problem in zip(journeys, chosen, strict=True)
    )
    assert funnel_of(guide=guide).steps[0].problems == (
        ProblemCount(summary="Something else", count=2),
        ProblemCount(summary="It fails", count=1),
    )


def test_the_funnel_reads_no_answers(editor_client, hand_built):
    with CaptureQueriesContext(connection) as context:
        funnel_of(guide=hand_built)
        editor_client.get(funnel_url(hand_built))
        editor_client.get(funnel_url(hand_built, "funnel.csv"))
    statements = [query["sql"].lower() for query in context.captured_queries]
    assert any("guides_problem" in sql for sql in statements)
    assert not [sql for sql in statements if "answers" in sql]


def test_a_guide_without_journeys_has_an_empty_funnel(db):
    funnel = funnel_of(guide=make_guide(steps=2))
    assert funnel.journeys == 0
    assert [(step.reached, step.median) for step in funnel.steps] == [(0, None), (0, None)]
    assert all(bar.rest_width == 0 for bar in chart_of(funnel).bars)


def test_unpublished_steps_are_in_the_funnel_and_say_so(hand_built):
    hand_built.steps.filter(slug="step-1").update(published=False)
    assert [step.published for step in funnel_of(guide=hand_built).steps] == [True, False, True]


def test_the_funnel_query_count_is_the_same_for_10_and_1000_journeys(db):
    few, many = make_guide(steps=5, slug="few"), make_guide(steps=5, slug="many")
    add_journeys(few, 10)
    add_journeys(many, 1000)

    assert funnel_of(guide=many).steps[1].reached == 1000
    assert queries_of(lambda: funnel_of(guide=few)) == 4
    assert queries_of(lambda: funnel_of(guide=many)) == 4


def test_the_funnel_query_count_is_the_same_for_5_and_60_steps(db):
    small, large = make_guide(steps=5, slug="small"), make_guide(steps=60, slug="large")
    add_journeys(small, 20)
    add_journeys(large, 20)
    assert queries_of(lambda: funnel_of(guide=small)) == 4
    assert queries_of(lambda: funnel_of(guide=large)) == 4


@pytest.mark.parametrize(
    ("histogram", "median"),
    [({}, None), ({30: 1}, 30), ({10: 1, 20: 1}, 15), ({10: 2, 20: 1}, 10),
     ({5: 1, 7: 2, 90: 1}, 7), ({1: 3, 2: 3}, 1.5)],
)  # fmt: skip
def test_the_median_is_read_from_a_histogram_of_seconds(histogram, median):
    expected = None if median is None else datetime.timedelta(seconds=median)
    assert median_of(Counter(histogram)) == expected


def test_long_durations_count_to_the_minute_then_to_the_hour(hand_built):
    third = hand_built.steps.get(slug="step-2")
    third.progress.update(completed_at=T0 + datetime.timedelta(hours=3, minutes=5, seconds=30))
    assert funnel_of(guide=hand_built).steps[2].median == datetime.timedelta(hours=3, minutes=5)
    third.progress.update(completed_at=T0 + datetime.timedelta(days=3, hours=2, minutes=10))
    assert funnel_of(guide=hand_built).steps[2].median == datetime.timedelta(days=3, hours=2)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "–"), (40, "40 s"), (12 * 60, "12 min"), (3 * 3600 + 300, "3 h 5 min"), (7200, "2 h"),
     (5 * 86400, "5 d")],
)  # fmt: skip
def test_durations_read_at_a_glance(seconds, text):
    value = None if seconds is None else datetime.timedelta(seconds=seconds)
    assert describe_duration(value) == text


# --- The chart -----------------------------------------------------------------------------------


def test_chart_bars_are_as_long_as_the_journeys_that_reached_each_step(hand_built):
    bars = chart_of(funnel_of(guide=hand_built)).bars
    lengths = [bar.finished_width + bar.stuck_width + bar.rest_width for bar in bars]
    assert lengths == [BAR_WIDTH, round(BAR_WIDTH * 4 / 6), round(BAR_WIDTH / 6)]
    assert bars[0].stuck_width == round(BAR_WIDTH / 6)
    assert bars[1].stuck_x == bars[1].finished_width + chart_of(funnel_of(guide=hand_built)).bar_x


def test_the_chart_is_drawn_at_its_own_size_on_a_375_px_phone(hand_built):
    chart = chart_of(funnel_of(guide=hand_built))
    # The admin's content on a 375 px phone is 345 px wide: the chart needs no scaling down.
    assert chart.width <= 345
    assert chart.font_size >= 13
    assert all(len(bar.label) <= 42 for bar in chart.bars)


# --- The page and the CSV ------------------------------------------------------------------------


def funnel_url(guide: Guide, suffix: str = "funnel/") -> str:
    return f"/admin/guides/guide/{guide.pk}/{suffix}"


def test_the_funnel_page_draws_an_svg_chart_beside_a_table(editor_client, hand_built):
    response = editor_client.get(funnel_url(hand_built))

    assert response.status_code == 200
    page = response.text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="funnel-chart"' in page
    assert page.count('<g class="funnel-bar" transform="translate(0 ') == 3
    assert 'role="img"' in page
    assert "<table" in page and '<th scope="row">1. Step 0</th>' in page
    assert (
        '<td data-label="Reached">6</td><td data-label="Finished">5</td>'
        '<td data-label="Stuck">1</td><td data-label="Neither yet">0</td>'
        '<td data-label="Median time">6 min</td>'
    ) in page
    assert "<li>Something else: 1</li>" in page
    assert "<li>It fails: 1</li>" in page
    assert "6 journeys started, 1 completed" in page
    assert "<script>" not in page


def test_the_funnel_is_linked_from_the_guide_list_and_page(editor_client, hand_built):
    assert funnel_url(hand_built) in editor_client.get("/admin/guides/guide/").text
    assert funnel_url(hand_built) in editor_client.get(funnel_url(hand_built, "change/")).text


def test_each_guides_funnel_is_linked_from_the_admin_home(editor_client, hand_built):
    page = editor_client.get("/admin/").text
    for guide in Guide.objects.all():
        assert f'<a href="{funnel_url(guide)}">{guide.title}</a>' in page


def test_the_admin_home_links_no_funnel_for_those_who_cannot_see_journeys(hand_built):
    client = Client()
    user = User.objects.create_user("guides-only@example.com", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_guide"))
    client.force_login(user)
    page = client.get("/admin/").text
    assert "/admin/guides/guide/" in page  # the guides themselves are listed
    assert funnel_url(hand_built) not in page


def test_the_funnel_csv_has_the_same_numbers_and_nothing_personal(editor_client, hand_built):
    response = editor_client.get(funnel_url(hand_built, "funnel.csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="funnel-funnel.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [
        (r["step"], r["reached"], r["finished"], r["stuck"], r["median_seconds"], r["stuck_on"])
        for r in rows
    ] == [
        ("1", "6", "5", "1", "360", "Something else: 1"),
        ("2", "4", "2", "1", "120", "It fails: 1"),
        ("3", "1", "1", "0", "60", ""),
    ]
    assert set(rows[0]) == {
        "step", "slug", "title", "published", "reached", "finished", "stuck", "in_progress",
        "median_seconds", "stuck_on",
    }  # fmt: skip


def test_a_title_that_looks_like_a_formula_is_made_harmless_in_the_csv(editor_client, hand_built):
    hand_built.steps.filter(slug="step-0").update(title='=HYPERLINK("http://evil")')
    rows = list(
        csv.reader(io.StringIO(editor_client.get(funnel_url(hand_built, "funnel.csv")).text))
    )
    assert rows[1][2] == '\'=HYPERLINK("http://evil")'


def test_a_problem_that_looks_like_a_formula_is_made_harmless_in_the_csv(editor_client, hand_built):
    Problem.objects.filter(step__guide=hand_built, step__slug="step-1").update(summary="x;=1+1")
    response = editor_client.get(funnel_url(hand_built, "funnel.csv"))
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows[1]["stuck_on"] == "'x;=1+1: 1"


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-1", "@SUM(A1)", " =1", ";=1+1", "a;=1+1", "a,=1+1", "a|=1", "a\t=1",
     "a\n=1", "a\r+1", "a; -1", "a,@x"],
)  # fmt: skip
def test_a_cell_with_a_formula_after_any_separator_is_neutralised(text):
    assert _cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Sign up", "Step 1-2", "e-mail", "a;b", "a, b", "x=1", ""])
def test_a_cell_without_a_formula_is_kept_as_it_is(text):
    assert _cell(text) == text


def test_the_funnel_page_and_csv_make_the_same_queries_for_10_and_1000_journeys(editor_client, db):
    few, many = make_guide(steps=5, slug="few"), make_guide(steps=5, slug="many")
    add_journeys(few, 10)
    add_journeys(many, 1000)
    for suffix in ["funnel/", "funnel.csv"]:
        counts = [queries_of(editor_client.get, funnel_url(guide, suffix)) for guide in (few, many)]
        assert counts[0] == counts[1], suffix


def test_the_funnel_needs_the_right_to_see_journeys(alipay):
    client = Client()
    user = User.objects.create_user("guides-only@example.com", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_guide"))
    client.force_login(user)
    assert client.get(f"/admin/guides/guide/{alipay.pk}/change/").status_code == 200
    assert client.get(funnel_url(alipay)).status_code == 403
    assert client.get(funnel_url(alipay, "funnel.csv")).status_code == 403


@pytest.mark.parametrize("guide_id", ["999999", "abc"])
def test_the_funnel_of_an_unknown_guide_is_a_404(editor_client, guide_id):
    assert editor_client.get(f"/admin/guides/guide/{guide_id}/funnel/").status_code == 404


def test_the_funnel_page_refuses_post(editor_client, hand_built):
    assert editor_client.post(funnel_url(hand_built)).status_code == 405


def test_the_guides_with_a_funnel_come_by_title_with_their_titles_in_one_query(
    django_assert_num_queries,
):
    make_guide(steps=1, slug="zeta")
    make_guide(steps=1, slug="alpha")
    with django_assert_num_queries(1):
        assert [guide.title for guide in funnel_guides()] == ["Guide alpha", "Guide zeta"]
