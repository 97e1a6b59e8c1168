import datetime

from django.core.management.base import BaseCommand, CommandError

from ...reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Queue a reminder (e-mail and SMS, through the outbox) to every citizen whose "
        "appointment is tomorrow (local date), from REMINDER_HOUR on. Exactly once per "
        "appointment, also when two copies run at the same time. The housekeeping job "
        "runs it; this command is for operators."
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
        reminded = reminders_send(day=day)
        self.stdout.write(f"Queued reminders for {reminded} appointments.")
