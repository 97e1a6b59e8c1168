"""Factories with explicit defaults. Offices and hours follow DOMAIN.md."""

import datetime
import zoneinfo

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from offices.models import DateException, HoursPeriod, Office, ServiceKind, Topic, WeeklyRule

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")


def helsinki(*args):
    """An aware Europe/Helsinki datetime: helsinki(2026, 12, 4, 14, 0)."""
    return datetime.datetime(*args, tzinfo=HELSINKI)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    email = factory.LazyAttribute(lambda u: f"{u.username}@kela.example")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"office-{n}")
    kind = Office.Kind.SERVICE_POINT
    name = factory.LazyAttribute(lambda o: o.slug.title())
    street_address = factory.Faker("street_address", locale="fi_FI")
    postal_code = "95400"
    city = "Tornio"


class HoursPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HoursPeriod

    office = factory.SubFactory(OfficeFactory)
    name = "Year-round"
    valid_from = datetime.date(2026, 1, 1)
    valid_until = None


class WeeklyRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WeeklyRule

    period = factory.SubFactory(HoursPeriodFactory)
    service = ServiceKind.APPOINTMENTS
    weekday = 0
    opens = datetime.time(9)
    closes = datetime.time(12)


class DateExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DateException

    office = factory.SubFactory(OfficeFactory)
    date = datetime.date(2026, 12, 1)
    service = ""
    closed = True
    reason = "Staff training"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["name_fi"]

    name_fi = factory.Sequence(lambda n: f"Aihe {n}")
    name_sv = factory.Sequence(lambda n: f"Ämne {n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")


def office_with_hours(slug, rules, *, kind=Office.Kind.SERVICE_POINT, **fields):
    """An office with a year-round period and ``rules`` as
    ``(service, [weekdays], opens, closes)``."""
    office = OfficeFactory(slug=slug, kind=kind, name=fields.pop("name", slug.title()), **fields)
    period = HoursPeriodFactory(office=office)
    for service, weekdays, opens, closes in rules:
        for weekday in weekdays:
            WeeklyRuleFactory(
                period=period, service=service, weekday=weekday, opens=opens, closes=closes
            )
    return office
