"""Private links are stored as their SHA-256 hash, with an encrypted copy (Fernet,
LINK_KEY) for what must show the link again; the plain token column goes."""

import hashlib

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import migrations, models


def hash_and_seal(apps, schema_editor):
    Appointment = apps.get_model("appointments", "Appointment")
    fernet = Fernet(settings.LINK_KEY.encode()) if settings.LINK_KEY else None
    for pk, token, ended in Appointment.objects.values_list(
        "pk", "manage_token", "anonymised_at"
    ).iterator():
        if not token or ended:
            continue
        Appointment.objects.filter(pk=pk).update(
            manage_token_hash=hashlib.sha256(token.encode()).hexdigest(),
            manage_token_sealed=fernet.encrypt(token.encode()).decode() if fernet else "",
        )


class Migration(migrations.Migration):
    dependencies = [("appointments", "0008_refuse_identity_codes")]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="manage_token_hash",
            field=models.CharField(editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="appointment",
            name="manage_token_sealed",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(hash_and_seal, migrations.RunPython.noop),
        migrations.RemoveField(model_name="appointment", name="manage_token"),
    ]
