"""Running a write again when PostgreSQL stopped it to break a deadlock.

Two saves of different journeys can each hold a row of the step counts the other needs next
(the counting triggers, onboarding/insights/step_counts.py, update one row per step and status):
PostgreSQL then stops one of them with "deadlock detected", rolls it back, and lets the other
go on. Run again, the stopped one goes through. SQLite takes one writer at a time and never
deadlocks.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from django.db import OperationalError, transaction

DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE for it
ATTEMPTS = 3

logger = logging.getLogger(__name__)


def is_deadlock(error: BaseException) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == DEADLOCK_DETECTED


def retried_on_deadlock[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    """Run function (a whole transaction) up to three times while it is stopped by a deadlock.

    Inside an outer transaction the stop rolled back more than this function did, so the
    error goes up to whoever owns that transaction.
    """

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        attempts_left = ATTEMPTS
        while True:
            try:
                return function(*args, **kwargs)
            except OperationalError as error:
                attempts_left -= 1
                outer = transaction.get_connection().in_atomic_block
                if not is_deadlock(error) or not attempts_left or outer:
                    raise
                logger.warning("%s stopped by a deadlock; running it again", function.__name__)

    return wrapper
