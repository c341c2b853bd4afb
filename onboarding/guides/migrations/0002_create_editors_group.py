"""Create the "Editors" group: may edit guide content and see journeys, but not users.

Permissions are created first (Django makes them only after all migrations ran), so this works on
a fresh database.
"""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
CONTENT_MODELS = ["guide", "step", "problem", "checklistitem", "fact", "glossaryterm", "phrase"]
VIEWED_MODELS = {"journeys": ["journey", "stepprogress"]}
ACTIONS = ("add", "change", "delete", "view")


def editor_permissions() -> list[tuple[str, str]]:
    """(app label, codename) of every permission the group holds."""
    edit = [("guides", f"{action}_{model}") for model in CONTENT_MODELS for action in ACTIONS]
    view = [(app, f"view_{model}") for app, models in VIEWED_MODELS.items() for model in models]
    return edit + view


def create_editors_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        # Historical app configs have no models module, which create_permissions needs to be set.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = editor_permissions()
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in wanted
    ]
    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.add(*permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("guides", "0001_initial"),
        ("journeys", "0001_initial"),
        ("accounts", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
