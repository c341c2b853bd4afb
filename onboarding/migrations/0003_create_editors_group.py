"""Create the "Editors" group: may edit guide content and see journeys, but not users.

Permissions are created first (Django makes them only after all migrations ran), so this works on
a fresh database.
"""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
CONTENT_MODELS = ["guide", "step", "checklistitem", "glossaryterm", "source"]
VIEWED_MODELS = ["journey", "stepprogress"]


def editor_codenames() -> list[str]:
    edit = [f"{action}_{model}" for model in CONTENT_MODELS for action in ("add", "change", "delete", "view")]
    return edit + [f"view_{model}" for model in VIEWED_MODELS]


def create_editors_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        # Historical app configs have no models module, which create_permissions needs to be set.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = editor_codenames()
    permissions = list(
        Permission.objects.filter(content_type__app_label="onboarding", codename__in=codenames)
    )
    if len(permissions) != len(codenames):
        raise RuntimeError("Some permissions the Editors group needs do not exist.")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    group.permissions.add(*permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("onboarding", "0002_sharelink"),
        ("accounts", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
