"""Once granted the "Phone service" group its callback permissions with live code. The
post_migrate handler (callbacks.roles.GROUP_PERMISSIONS) does it now, so this migration
does nothing; it stays for the migration graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("callbacks", "0001_initial"),
    ]

    operations = []
