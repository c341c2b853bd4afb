"""A write stopped by a PostgreSQL deadlock is run again; any other database error is not."""

from __future__ import annotations

import pytest
from django.db import OperationalError, transaction

from onboarding.journeys.retries import is_deadlock, retried_on_deadlock


class DriverError(Exception):
    def __init__(self, sqlstate):
        self.sqlstate = sqlstate


def database_error(sqlstate):
    """What Django raises for a driver's error: its own, caused by the driver's."""
    error = OperationalError("from the database")
    error.__cause__ = DriverError(sqlstate)
    return error


def failing(times, sqlstate="40P01"):
    calls = []

    @retried_on_deadlock
    def write():
        calls.append(1)
        if len(calls) <= times:
            raise database_error(sqlstate)
        return "saved"

    return write, calls


def test_a_write_stopped_by_a_deadlock_is_run_again_and_says_so_in_the_log(caplog):
    write, calls = failing(2)
    assert write() == "saved"
    assert len(calls) == 3
    assert [record.getMessage() for record in caplog.records] == [
        "write stopped by a deadlock; running it again"
    ] * 2


def test_a_write_deadlocked_three_times_gives_up():
    write, calls = failing(3)
    with pytest.raises(OperationalError):
        write()
    assert len(calls) == 3


def test_other_database_errors_are_not_run_again():
    write, calls = failing(1, sqlstate="57P01")  # the server was shut down
    with pytest.raises(OperationalError):
        write()
    assert len(calls) == 1


@pytest.mark.django_db
def test_inside_an_outer_transaction_the_deadlock_goes_up_to_its_owner():
    write, calls = failing(1)
    with pytest.raises(OperationalError), transaction.atomic():
        write()
    assert len(calls) == 1


def test_only_postgresqls_deadlock_code_is_a_deadlock():
    assert is_deadlock(database_error("40P01"))
    assert not is_deadlock(database_error("40001"))
    assert not is_deadlock(OperationalError("no driver error"))
