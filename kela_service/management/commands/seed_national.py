"""seed_national: a national-size data set to measure against (issue 13).

Service points like the demo ones with varied hours, a year of slots made by the
project's own rule (``appointments.rules.slots_generate``), about 30% of the slots in
the booking horizon booked through ``appointments.rules.appointments_load``, and
callback requests: a week of history (bulk-inserted, closed) and the next two working
days (open). Deterministic: the same ``--seed`` and clock give the same offices, hours,
booked times, numbers and windows (references and private links are random, as always).
At the end the tables are analysed, as after any bulk load.
"""

import datetime
import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from appointments.models import Appointment, Slot
from appointments.rules import Load, appointments_load, booking_window, slots_generate
from callbacks.models import CallbackRequest
from callbacks.rules import WINDOW_LENGTH, phone_windows
from offices import hours
from offices.demo import BASE_PERIOD_START, seed_offices
from offices.models import HoursPeriod, Office, ServiceKind, Topic, WeeklyRule

TOWNS = [
    "Helsinki", "Espoo", "Tampere", "Vantaa", "Oulu", "Turku", "Jyväskylä", "Kuopio",
    "Lahti", "Pori", "Kouvola", "Joensuu", "Lappeenranta", "Hämeenlinna", "Vaasa",
    "Seinäjoki", "Rovaniemi", "Mikkeli", "Kotka", "Salo", "Porvoo", "Kokkola", "Lohja",
    "Hyvinkää", "Nurmijärvi", "Järvenpää", "Rauma", "Kajaani", "Kerava", "Savonlinna",
]  # fmt: skip
# (opens, closes) of the appointment service, one of which each weekday of an office gets.
HOURS = [
    (datetime.time(8), datetime.time(16)),
    (datetime.time(9), datetime.time(16)),
    (datetime.time(9), datetime.time(15)),
    (datetime.time(10), datetime.time(16)),
    (datetime.time(8, 30), datetime.time(15, 30)),
    (datetime.time(9), datetime.time(12)),
    (datetime.time(12), datetime.time(16)),
]
BOOKED_SHARE = 0.3
CALLBACKS_PER_DAY = 10_000
HISTORY_DAYS = 7
FIRST_NAMES = ["Aino", "Eero", "Helmi", "Juho", "Kerttu", "Lauri", "Siiri", "Ville", "Ella"]
LAST_NAMES = ["Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Laine", "Heikkinen", "Koskinen"]
# (status, share) of the requests of past days.
HISTORY_STATUSES = [
    (CallbackRequest.Status.DONE, 0.7),
    (CallbackRequest.Status.NO_ANSWER, 0.15),
    (CallbackRequest.Status.EXPIRED, 0.1),
    (CallbackRequest.Status.CANCELLED, 0.05),
]


class Command(BaseCommand):
    help = (
        "Load a national-size data set: service points with varied hours, their slots, "
        "bookings in the booking horizon and callback requests. For measuring; run on an "
        "empty database (after migrate). DEBUG only unless --allow-production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--offices", type=int, default=200, help="Offices in all (>= 3).")
        parser.add_argument("--days", type=int, default=365, help="Days of slots from today.")
        parser.add_argument("--seed", type=int, default=13, help="Random seed.")
        parser.add_argument(
            "--callbacks-per-day", type=int, default=CALLBACKS_PER_DAY, help="Callback requests."
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (fills the database with made-up citizens).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG is off: seed_national fills the database with made-up citizens. "
                "Pass --allow-production if you really mean it."
            )
        if options["offices"] < 3 or options["days"] < 1:
            raise CommandError("At least 3 offices and 1 day.")
        if Appointment.objects.exists() or CallbackRequest.objects.exists():
            raise CommandError("The database already holds bookings or callback requests.")
        rng = random.Random(options["seed"])  # noqa: S311 (a reproducible data set, no secret)
        now = timezone.now()
        today = hours.localdate(now)
        end = today + datetime.timedelta(days=options["days"] - 1)

        with transaction.atomic():
            offices = self._offices(rng, options["offices"])
        topics = list(Topic.objects.filter(is_active=True).order_by("ordering", "pk"))
        # One transaction per office (the rule's own).
        slots = slots_generate(start=today, end=end, offices=offices)
        self.stdout.write(f"Offices: {len(offices)}, new slots: {slots}")

        booked = self._bookings(rng, topics, now)
        self.stdout.write(f"Bookings: {booked}")

        capacity, callbacks = self._callbacks(rng, topics, now, options["callbacks_per_day"])
        self.stdout.write(f"Callback requests: {callbacks}")
        self.stdout.write(
            self.style.WARNING(
                f"Serve this set with CALLBACK_WINDOW_CAPACITY={capacity} (or more): "
                "its windows hold that many requests."
            )
        )
        # A bulk load leaves the planner guessing until the tables are analysed, and
        # autovacuum may be off or late: without this, the lists measured against the set
        # run on plans made for empty tables (a hash join over every booking, 5x slower).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write("Table statistics updated (ANALYZE).")

    def _offices(self, rng, count):
        """The demo offices plus ``count - 3`` service points, each with hours of its own."""
        offices = seed_offices()
        for n in range(1, count - 2):
            town = TOWNS[(n - 1) % len(TOWNS)]
            office, _ = Office.objects.update_or_create(
                slug=f"palvelupiste-{n:03d}",
                defaults={
                    "kind": Office.Kind.SERVICE_POINT,
                    "name": f"{town} {n:03d}",
                    "street_address": f"Kauppakatu {n}",
                    "postal_code": f"{rng.randrange(100, 99999):05d}",
                    "city": town,
                    "ordering": 10 + n,
                },
            )
            period, created = HoursPeriod.objects.get_or_create(
                office=office, valid_from=BASE_PERIOD_START, defaults={"name": "Aukioloajat"}
            )
            weekdays = sorted(rng.sample(range(5), rng.choice([3, 4, 5, 5])))
            rules = [
                (ServiceKind.APPOINTMENTS, weekday, *rng.choice(HOURS)) for weekday in weekdays
            ]
            rules += [(ServiceKind.SELF_SERVICE, weekday, *HOURS[1]) for weekday in weekdays]
            if created:
                # A bulk load: the slots follow when handle() generates them.
                WeeklyRule.objects.bulk_create(
                    WeeklyRule(
                        period=period, service=service, weekday=weekday, opens=opens, closes=closes
                    )
                    for service, weekday, opens, closes in rules
                )
            offices[office.slug] = office
        return sorted(offices.values(), key=lambda office: office.slug)

    def _bookings(self, rng, topics, now):
        """About BOOKED_SHARE of the bookable slots in the horizon, one number each."""
        earliest, latest = booking_window(now)
        slots = list(
            Slot.objects.free()
            .filter(starts_at__gte=earliest, starts_at__lte=latest)
            .order_by("starts_at", "office__slug")
            .only("pk")
        )
        chosen = sorted(rng.sample(slots, round(len(slots) * BOOKED_SHARE)), key=lambda s: s.pk)
        loads = [
            Load(
                slot=slot,
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                phone=f"+35840{n:07d}",
                topic=rng.choice(topics),
                language=rng.choices(["fi", "sv", "en"], weights=[85, 10, 5])[0],
            )
            for n, slot in enumerate(chosen)
        ]
        return len(appointments_load(bookings=loads, now=now))

    def _callbacks(self, rng, topics, now, per_day):
        """A week of closed history and the next two working days open, bulk-inserted with
        the places the rules would give; returns (the fullest window's count, rows)."""
        today = hours.localdate(now)
        past, day = [], today
        while len(past) < HISTORY_DAYS:
            day -= datetime.timedelta(days=1)
            if hours.is_working_day(day):
                past.append(day)
        future = [hours.next_working_day(today)]
        future.append(hours.next_working_day(future[0]))
        windows = phone_windows([*past, *future])
        statuses, weights = zip(*HISTORY_STATUSES, strict=True)
        rows, fullest, serial = [], 0, 0
        for day in sorted(windows):
            starts = [start for start, _ in windows[day]]
            if not starts:
                continue
            per_window = [0] * len(starts)
            for _ in range(per_day):
                per_window[rng.randrange(len(starts))] += 1
            fullest = max(fullest, *per_window)
            is_open = day > today
            for start, count in zip(starts, per_window, strict=True):
                for place in range(1, count + 1):
                    serial += 1
                    status = (
                        CallbackRequest.Status.PENDING
                        if is_open
                        else rng.choices(statuses, weights=weights)[0]
                    )
                    rows.append(
                        CallbackRequest(
                            # Open requests: one number each (the database holds it).
                            phone=f"+35850{serial:07d}",
                            window_start=start,
                            window_end=start + WINDOW_LENGTH,
                            place=place,
                            topic=rng.choice(topics),
                            language=rng.choices(["fi", "sv", "en"], weights=[85, 10, 5])[0],
                            status=status,
                            closed_at=None if is_open else start + WINDOW_LENGTH,
                        )
                    )
        with transaction.atomic():
            CallbackRequest.objects.bulk_create(rows, batch_size=2000)
            # History was asked for the day before its window.
            CallbackRequest.objects.filter(window_start__lt=now).update(
                created_at=F("window_start") - datetime.timedelta(days=1)
            )
        return fullest, len(rows)
