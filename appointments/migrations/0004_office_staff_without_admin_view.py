"""Office staff lose "view appointment": the admin's appointment list showed them every
office's bookings. Their daily list (/staff/) needs only the mark permission."""

from django.db import migrations

from appointments.roles import grant_roles


def regrant(apps, schema_editor):
    grant_roles(
        apps.get_model("auth", "Group"),
        apps.get_model("auth", "Permission"),
        apps.get_model("contenttypes", "ContentType"),
    )


class Migration(migrations.Migration):
    dependencies = [("appointments", "0003_mark_status_permission")]

    operations = [migrations.RunPython(regrant, migrations.RunPython.noop)]
