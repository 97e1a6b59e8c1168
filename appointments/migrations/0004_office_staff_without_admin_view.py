"""Once took "view appointment" from office staff with live code. The post_migrate
handler (appointments.roles.GROUP_PERMISSIONS) now sets each group's permissions exactly,
so this migration does nothing; it stays for the migration graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("appointments", "0003_mark_status_permission")]

    operations = []
