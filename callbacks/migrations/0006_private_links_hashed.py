"""A callback request's private link is stored as its SHA-256 hash; the plain token
column goes (nothing needs to show that link again)."""

import hashlib

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    CallbackRequest = apps.get_model("callbacks", "CallbackRequest")
    for pk, token in CallbackRequest.objects.exclude(manage_token="").values_list(
        "pk", "manage_token"
    ):
        CallbackRequest.objects.filter(pk=pk).update(
            manage_token_hash=hashlib.sha256(token.encode()).hexdigest()
        )


class Migration(migrations.Migration):
    dependencies = [("callbacks", "0005_refuse_identity_codes")]

    operations = [
        migrations.AddField(
            model_name="callbackrequest",
            name="manage_token_hash",
            field=models.CharField(editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="callbackrequest",
            name="manage_token_sealed",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
        migrations.RemoveField(model_name="callbackrequest", name="manage_token"),
    ]
