import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from appointments.rules import appointments_purge
from callbacks.rules import callbacks_purge
from offices import hours


class Command(BaseCommand):
    help = (
        "Anonymise callback requests and appointments whose window or slot ended more "
        "than PERSONAL_DATA_RETENTION_DAYS days ago: phone numbers, names, e-mail "
        "addresses and messages are blanked; times, topics and statuses are kept for "
        "statistics. Idempotent: run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention in days (default: the PERSONAL_DATA_RETENTION_DAYS setting).",
        )

    def handle(self, *args, days=None, **options):
        days = settings.PERSONAL_DATA_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days must not be negative.")
        before = timezone.now() - datetime.timedelta(days=days)
        callbacks = callbacks_purge(before=before)
        appointments = appointments_purge(before=before)
        self.stdout.write(
            f"Anonymised {callbacks} callback requests and {appointments} appointments "
            f"that ended before {hours.localtime(before):%Y-%m-%d %H:%M}."
        )
