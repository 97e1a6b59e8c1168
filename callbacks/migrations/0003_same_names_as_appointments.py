"""The same names for the same ideas in both apps: a request's private-link token is
``manage_token`` (as an appointment's), and a call attempt points at its ``callback``."""

import offices.references
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("callbacks", "0002_phone_service_group")]

    operations = [
        migrations.RenameField("callbackrequest", "secret", "manage_token"),
        migrations.AlterField(
            model_name="callbackrequest",
            name="manage_token",
            field=models.CharField(
                default=offices.references.new_token,
                editable=False,
                max_length=64,
                verbose_name="secret",
            ),
        ),
        migrations.RenameField("callbackattempt", "request", "callback"),
    ]
