import datetime

from django.core.management.base import BaseCommand, CommandError

from offices.models import Office

from ...rules import slots_generate

MAX_DAYS = 366


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = (
        "Create the missing appointment slots from the offices' appointment hours for the "
        "local dates --start..--end (inclusive). Idempotent: existing slots are left as "
        "they are. Holidays and date exceptions are respected; times are local (DST-safe)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True, type=_date, help="YYYY-MM-DD")
        parser.add_argument("--end", required=True, type=_date, help="YYYY-MM-DD")
        parser.add_argument(
            "--office", help="Slug of one office (or 'phone'); default: all active offices"
        )

    def handle(self, *args, start, end, office=None, **options):
        if end < start:
            raise CommandError("--end must not be before --start.")
        if (end - start).days + 1 > MAX_DAYS:
            raise CommandError(f"The range may be at most {MAX_DAYS} days.")
        offices = Office.objects.active()
        if office:
            offices = offices.filter(slug=office)
            if not offices.exists():
                raise CommandError(f"No active office with the slug {office!r}.")
        created = slots_generate(start=start, end=end, offices=list(offices))
        self.stdout.write(f"Created {created} slots.")
