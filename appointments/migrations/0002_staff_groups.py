"""Once granted the staff groups' permissions with live code. The groups now come from
post_migrate handlers (offices.roles.connect_grants in each app's AppConfig.ready), so
this migration does nothing; it stays for the migration graph."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("offices", "0002_exception_hours_not_null"),
        ("appointments", "0001_initial"),
    ]

    operations = []
