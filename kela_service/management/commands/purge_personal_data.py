from django.core.management.base import BaseCommand, CommandError

from kela_service.jobs import purge_personal_data


class Command(BaseCommand):
    help = (
        "Anonymise callback requests and appointments whose window or slot ended more "
        "than PERSONAL_DATA_RETENTION_DAYS days ago: phone numbers, names, e-mail "
        "addresses and messages are blanked; times, topics and statuses are kept for "
        "statistics. Sent messages older than that lose their recipient and text. "
        "Idempotent: run it daily (``housekeeping`` does)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention in days (default: the PERSONAL_DATA_RETENTION_DAYS setting).",
        )

    def handle(self, *args, days=None, **options):
        if days is not None and days < 0:
            raise CommandError("--days must not be negative.")
        self.stdout.write(purge_personal_data(days))
