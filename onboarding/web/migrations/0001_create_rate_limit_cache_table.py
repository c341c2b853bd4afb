"""Create the table the "limits" cache keeps its counters in when there is no Redis.

Every worker process counts in this one table (settings.CACHES), so a limit holds however many
workers serve the site. `createcachetable` does nothing for caches that are not database caches.
"""

from __future__ import annotations

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
