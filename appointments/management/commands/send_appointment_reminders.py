import datetime

from django.core.management.base import BaseCommand, CommandError

from ...reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Email a reminder to every citizen with an email address whose appointment is "
        "tomorrow (local date). Exactly once per appointment, also when two copies run "
        "at the same time. Run it daily, e.g. at 12:00."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="Remind of this local date (YYYY-MM-DD) instead of tomorrow"
        )

    def handle(self, *args, date=None, **options):
        day = None
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"Not a date (YYYY-MM-DD): {date}") from None
        sent, failed = reminders_send(day=day)
        self.stdout.write(f"Sent {sent} reminders.")
        if failed:
            self.stderr.write(f"{failed} reminders failed; they will be retried on the next run.")
