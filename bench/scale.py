"""Scale check on PostgreSQL: a million journeys, the page queries' plans, the funnel's time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/onboarding_scale python bench/scale.py \
        [--journeys 1000000]

Use a scratch database: the script migrates it, seeds the guides, deletes every journey in it
and fills it with COPY (the step counts rebuilt once after). It then prints EXPLAIN ANALYZE of
the queries a step page, the sidebar, a share page and the admin funnel run, says whether each
uses an index, and times the funnel.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder is first on sys.path: the helper is bench/load.py's own.
from load import create_database_if_missing  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/onboarding_scale"


def setup_django() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        raise SystemExit("bench/scale.py needs DATABASE_URL to point at a PostgreSQL database")
    os.environ.setdefault("SECRET_KEY", "scale-benchmark-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onboarding.settings")
    sys.path.insert(0, str(ROOT))
    create_database_if_missing(os.environ["DATABASE_URL"])
    import django

    django.setup()


def fill(journeys: int) -> None:
    """Journeys that stop at a random step (most finish early ones), with their progress rows."""
    from django.core.management import call_command
    from django.db import connection

    from onboarding.guides.models import Guide, Problem
    from onboarding.insights import step_counts
    from onboarding.insights.models import StepCount
    from onboarding.journeys.models import Journey, StepProgress

    call_command("migrate", verbosity=0)
    call_command("seed_guides", verbosity=0)
    guide = Guide.objects.get(slug="alipay")
    steps = list(guide.steps.order_by("order").values_list("id", flat=True))
    # What a stuck row chose: one of its step's problems, or none ("something else").
    problems = {step: [None] for step in steps}
    for step_id, problem_id in Problem.objects.filter(step__guide=guide).values_list("step", "pk"):
        problems[step_id].append(problem_id)
    # Emptied whole (TRUNCATE fires no row triggers), then loaded with the counting trigger off
    # and the step counts rebuilt once at the end, as a bulk load should be.
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Journey._meta.db_table}, {StepCount._meta.db_table} CASCADE")
        cursor.execute(f"ALTER TABLE {StepProgress._meta.db_table} DISABLE TRIGGER USER")
    rng = random.Random(7)
    now = datetime.now(tz=UTC)
    started = time.perf_counter()
    plans = [
        (now - timedelta(minutes=rng.randrange(60 * 24 * 90)), _reached(rng, len(steps)))
        for _ in range(journeys)
    ]
    with connection.cursor() as cursor:
        raw = cursor.connection
        with raw.cursor() as copy_cursor:
            first_id = copy_cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('journeys_journey', 'id'))"
            ).fetchone()[0]
            with copy_cursor.copy(
                "COPY journeys_journey (id, guide_id, visitor_key, answers, started_at, "
                "updated_at, completed_at) FROM STDIN"
            ) as copy:
                for offset, (start, reached) in enumerate(plans):
                    done = start + timedelta(minutes=5 * reached) if reached == len(steps) else None
                    copy.write_row(
                        (first_id + offset, guide.pk, f"scale-{offset}", '{"location": "outside"}',
                         start, start + timedelta(minutes=5 * reached), done)
                    )  # fmt: skip
            copy_cursor.execute(
                "SELECT setval(pg_get_serial_sequence('journeys_journey', 'id'), %s)",
                [first_id + journeys],
            )
            rows = 0
            with copy_cursor.copy(
                "COPY journeys_stepprogress (journey_id, step_id, status, answers, reached_at, "
                "updated_at, completed_at, problem_id) FROM STDIN"
            ) as copy:
                for offset, (start, reached) in enumerate(plans):
                    for index, step_id in enumerate(steps[:reached]):
                        at = start + timedelta(minutes=5 * index)
                        last = index == reached - 1 and reached < len(steps)
                        status = rng.choice(["stuck", "in_progress"]) if last else "done"
                        finished = None if last else at + timedelta(seconds=rng.randrange(20, 900))
                        problem = rng.choice(problems[step_id]) if status == "stuck" else None
                        copy.write_row(
                            (first_id + offset, step_id, status, "{}", at, finished or at,
                             finished, problem)
                        )  # fmt: skip
                        rows += 1
        cursor.execute(f"ALTER TABLE {StepProgress._meta.db_table} ENABLE TRIGGER USER")
        step_counts.recount(connection)
        cursor.execute("VACUUM ANALYZE journeys_journey")
        cursor.execute("VACUUM ANALYZE journeys_stepprogress")
        cursor.execute(f"VACUUM ANALYZE {StepCount._meta.db_table}")
    print(
        f"filled {journeys:,} journeys and {rows:,} progress rows "
        f"in {time.perf_counter() - started:.1f} s (COPY)"
    )
    assert StepProgress.objects.count() == rows


def _reached(rng: random.Random, step_count: int) -> int:
    """How many steps a journey reached: about one in five stops at each of the early steps."""
    reached = 1
    while reached < step_count and rng.random() < 0.85:
        reached += 1
    return reached


def explain(title: str, queryset) -> None:
    plan = queryset.explain(analyze=True, buffers=True)
    uses_index = "Index" in plan
    print(f"\n--- {title}: {'uses an index' if uses_index else 'NO INDEX'}\n{plan}")


def explain_sql(title: str, sql: str) -> None:
    """EXPLAIN ANALYZE of SQL as the page ran it (captured, with its values filled in)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(f"\n--- {title}: {'uses an index' if 'Index' in plan else 'no index'}\n{plan}")


def report() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from onboarding.guides.models import Guide
    from onboarding.insights.selectors import funnel_of
    from onboarding.journeys.models import Journey, StepProgress
    from onboarding.journeys.selectors import Owner, owner_progress
    from onboarding.sharing.models import ShareLink

    guide = Guide.objects.get(slug="alipay")
    journey = Journey.objects.order_by("-id").first()
    owner = Owner(user_id=None, visitor_key=journey.visitor_key)
    owner_progress(guide_slug="alipay", owner=owner)  # the guide's structure, read once
    with CaptureQueriesContext(connection) as page:
        owner_progress(guide_slug="alipay", owner=owner)
    for query in page.captured_queries:
        explain_sql(
            "step page and sidebar: the journey, its guide and its progress rows", query["sql"]
        )
    explain("a save: the journey's progress rows", StepProgress.objects.filter(journey=journey))
    explain("share page: the link by token hash", ShareLink.objects.filter(token_hash="0" * 64))

    funnel_of(guide=guide)  # warm the buffers, as a busy server would have them
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        funnel = funnel_of(guide=guide)
        seconds = time.perf_counter() - started
    for number, query in enumerate(queries.captured_queries, start=1):
        explain_sql(f"funnel query {number}", query["sql"])
    print(
        f"\nfunnel: {len(queries.captured_queries)} queries, {seconds:.2f} s over "
        f"{funnel.journeys:,} journeys; first step reached by {funnel.steps[0].reached:,}, "
        f"last finished by {funnel.steps[-1].finished:,}"
    )
    print(json.dumps({"funnel_seconds": round(seconds, 3), "journeys": funnel.journeys}))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--journeys", type=int, default=1_000_000)
    parser.add_argument("--skip-fill", action="store_true", help="reuse the rows already there")
    args = parser.parse_args()
    setup_django()
    if not args.skip_fill:
        fill(args.journeys)
    report()


if __name__ == "__main__":
    main()
