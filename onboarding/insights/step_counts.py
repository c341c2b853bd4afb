"""The triggers that keep StepCount (models.py) in step with the progress rows, and a recount.

One trigger per change on the progress table, in the database's own SQL (PostgreSQL and SQLite):
an inserted row adds one to its key's count, a deleted row takes one away, an update that changes
the key moves one from the old key to the new. A key is the row's step, status, time taken
(bucketed as StepCount.taken says) and, for a stuck row, the problem chosen. Counting in the
database, in the same transaction as the change, covers every writer: the save and stuck
services, a login's merge, the cascades of an admin's delete. `recount()` rebuilds the counts
from the rows, for the migration that installs the triggers and after a bulk load made with the
triggers off (bench/scale.py).
"""

from __future__ import annotations

from typing import Any

PROGRESS = "journeys_stepprogress"
COUNTS = "insights_stepcount"
HOUR = 3600
TWO_DAYS = 48 * HOUR
STUCK = "stuck"
KEY_COLUMNS = "step_id, status, taken, problem"


def _seconds(vendor: str, row: str) -> str:
    """Whole seconds from the row's reached_at to its completed_at."""
    if vendor == "postgresql":
        return f"CAST(round(date_part('epoch', {row}completed_at - {row}reached_at)) AS bigint)"
    days = f"julianday({row}completed_at) - julianday({row}reached_at)"
    return f"CAST(round(({days}) * 86400) AS integer)"


def taken_sql(vendor: str, row: str = "") -> str:
    """The row's time taken as StepCount.taken keeps it; row is "NEW.", "OLD." or ""."""
    seconds = _seconds(vendor, row)
    return (
        f"CASE WHEN {row}completed_at IS NULL THEN -1 WHEN {seconds} < {HOUR} THEN {seconds} "
        f"WHEN {seconds} < {TWO_DAYS} THEN {seconds} / 60 * 60 ELSE {seconds} / {HOUR} * {HOUR} END"
    )


def problem_sql(row: str = "") -> str:
    """The problem a stuck row chose, 0 for none or for a row that is not stuck."""
    return f"CASE WHEN {row}status = '{STUCK}' THEN COALESCE({row}problem_id, 0) ELSE 0 END"


def _add(vendor: str) -> str:
    values = f"NEW.step_id, NEW.status, {taken_sql(vendor, 'NEW.')}, {problem_sql('NEW.')}, 1"
    return (
        f"INSERT INTO {COUNTS} ({KEY_COLUMNS}, total) VALUES ({values}) "
        f"ON CONFLICT ({KEY_COLUMNS}) DO UPDATE SET total = {COUNTS}.total + 1;"
    )


def _take(vendor: str) -> str:
    # The old key's row exists: it was counted when the progress row came in (or recounted).
    return (
        f"UPDATE {COUNTS} SET total = total - 1 WHERE step_id = OLD.step_id "
        f"AND status = OLD.status AND taken = {taken_sql(vendor, 'OLD.')} "
        f"AND problem = {problem_sql('OLD.')};"
    )


def _key_changed(vendor: str) -> str:
    distinct = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    pairs = [
        ("OLD.step_id", "NEW.step_id"),
        ("OLD.status", "NEW.status"),
        (taken_sql(vendor, "OLD."), taken_sql(vendor, "NEW.")),
        (problem_sql("OLD."), problem_sql("NEW.")),
    ]
    return " OR ".join(f"({old}) {distinct} ({new})" for old, new in pairs)


KEY_FIELDS = "step_id, status, problem_id, reached_at, completed_at"


def install_statements(vendor: str) -> list[str]:
    """The SQL that creates the triggers on this database."""
    if vendor == "postgresql":
        return [
            f"""CREATE OR REPLACE FUNCTION insights_count_progress() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NOT ({_key_changed(vendor)}) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    {_take(vendor)}
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    {_add(vendor)}
  END IF;
  RETURN NULL;
END
$$""",
            f"""CREATE TRIGGER insights_count_progress
AFTER INSERT OR DELETE OR UPDATE OF {KEY_FIELDS} ON {PROGRESS}
FOR EACH ROW EXECUTE FUNCTION insights_count_progress()""",
        ]
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER insights_count_insert AFTER INSERT ON {PROGRESS} "
            f"BEGIN {_add(vendor)} END",
            f"CREATE TRIGGER insights_count_delete AFTER DELETE ON {PROGRESS} "
            f"BEGIN {_take(vendor)} END",
            f"CREATE TRIGGER insights_count_update AFTER UPDATE OF {KEY_FIELDS} ON {PROGRESS} "
            f"WHEN {_key_changed(vendor)} BEGIN {_take(vendor)} {_add(vendor)} END",
        ]
    raise NotImplementedError(f"Step counts are kept on PostgreSQL and SQLite, not {vendor}.")


def remove_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS insights_count_progress ON {PROGRESS}",
            "DROP FUNCTION IF EXISTS insights_count_progress()",
        ]
    return [
        f"DROP TRIGGER IF EXISTS insights_count_{change}"
        for change in ("insert", "delete", "update")
    ]


def recount_statements(vendor: str) -> list[str]:
    """Counts rebuilt from every progress row, as the triggers would have kept them."""
    keyed = (
        f"SELECT step_id, status, {taken_sql(vendor)} AS taken, {problem_sql()} AS problem "
        f"FROM {PROGRESS}"
    )
    return [
        f"DELETE FROM {COUNTS}",
        f"INSERT INTO {COUNTS} ({KEY_COLUMNS}, total) SELECT {KEY_COLUMNS}, COUNT(*) "
        f"FROM ({keyed}) AS keyed GROUP BY {KEY_COLUMNS}",
    ]


def run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def recount(connection: Any) -> None:
    """Rebuild the counts from the progress rows (the triggers keep them after that)."""
    run(connection, recount_statements(connection.vendor))


def install(apps: Any, schema_editor: Any) -> None:
    """Migration step: the triggers, then counts for the rows already there."""
    run(schema_editor.connection, install_statements(schema_editor.connection.vendor))
    recount(schema_editor.connection)


def remove(apps: Any, schema_editor: Any) -> None:
    run(schema_editor.connection, remove_statements(schema_editor.connection.vendor))
