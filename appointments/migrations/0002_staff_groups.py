"""The "Phone service" and "Office staff" groups with their appointment permissions.

The callbacks app get_or_creates "Phone service" too, so the migrations may run in
either order."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from appointments.roles import grant_roles


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); create
    # the ones needed here now so that they can be assigned.
    for label in ("offices", "appointments"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    grant_roles(
        apps.get_model("auth", "Group"),
        apps.get_model("auth", "Permission"),
        apps.get_model("contenttypes", "ContentType"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("offices", "0002_exception_hours_not_null"),
        ("appointments", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
