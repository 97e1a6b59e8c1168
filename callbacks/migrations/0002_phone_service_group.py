"""The "Phone service" group works the callback queue: give it the callback permissions.

The appointments app creates the same group from its own migration (get_or_create), so
the two migrations may run in either order."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from callbacks.groups import grant_phone_service


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); create
    # this app's now so that they can be assigned.
    app_config = apps.get_app_config("callbacks")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    grant_phone_service(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("callbacks", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
