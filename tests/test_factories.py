"""The test data builders themselves: the copied Alipay guide is the seeded one."""

from __future__ import annotations

import pytest

from onboarding.guides.models import Guide, Step
from tests.factories import _rows_of, copy_of_alipay, seed_alipay

pytestmark = pytest.mark.django_db

# What may differ between two seedings: the ids, the version and the change times.
VARIES = {"id", "content_version", "updated_at"}


def without(rows, *names: str) -> list[tuple[str, list[dict]]]:
    return [
        (model.__name__, [{k: v for k, v in row.items() if k not in names} for row in table])
        for model, table in rows
    ]


def test_a_copy_of_the_guide_has_the_rows_seeding_makes_with_the_same_ids(alipay):
    # The same ids, version and Markdown rendered as HTML; only the change times are new.
    kept = _rows_of(alipay)
    Guide.objects.all().delete()

    copy = copy_of_alipay()

    assert without(_rows_of(copy), "updated_at") == without(kept, "updated_at")
    assert len(kept[1][1]) == 14  # the steps, and every table has rows
    assert all(table for _, table in kept)


def test_a_copy_is_what_seeding_makes(alipay):
    Guide.objects.all().delete()
    copy = copy_of_alipay()
    copied = _rows_of(copy)
    Guide.objects.all().delete()

    seeded = _rows_of(seed_alipay())

    assert [len(table) for _, table in copied] == [len(table) for _, table in seeded]
    # The guide itself and its steps' own fields (their ids and links differ).
    assert without(copied, *VARIES)[0] == without(seeded, *VARIES)[0]
    steps = [without(rows, *VARIES, "guide_id")[1] for rows in (copied, seeded)]
    assert steps[0] == steps[1]


def test_new_rows_after_a_copy_get_ids_of_their_own(alipay):
    Guide.objects.all().delete()
    copy = copy_of_alipay()
    highest = Step.objects.order_by("-pk").values_list("pk", flat=True).first()

    step = Step.objects.create(guide=copy, order=999, slug="new", title="New", form_kind="read")

    assert step.pk > highest
