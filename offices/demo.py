"""Demo and initial data: the offices and hours that DOMAIN.md states."""

import datetime

from django.db import transaction

from .models import HoursPeriod, Office, ServiceKind, Topic, Weekday, WeeklyRule

NINE, TWELVE, FOUR_PM = datetime.time(9), datetime.time(12), datetime.time(16)
WORKDAYS = [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY]

OFFICES = [
    {
        "slug": "tornio",
        "kind": Office.Kind.SERVICE_POINT,
        "name": "Tornio",
        "name_sv": "Torneå",
        "street_address": "Laivurinkatu 12",
        "postal_code": "95400",
        "city": "Tornio",
        "ordering": 1,
        "rules": [
            (ServiceKind.APPOINTMENTS, [Weekday.MONDAY, Weekday.TUESDAY], NINE, TWELVE),
            (ServiceKind.SELF_SERVICE, [Weekday.MONDAY, Weekday.TUESDAY], NINE, TWELVE),
        ],
    },
    {
        "slug": "kemi",
        "kind": Office.Kind.SERVICE_POINT,
        "name": "Kemi",
        "street_address": "Meripuistokatu 16",
        "postal_code": "94100",
        "city": "Kemi",
        "ordering": 2,
        "rules": [
            (ServiceKind.APPOINTMENTS, [Weekday.THURSDAY, Weekday.FRIDAY], TWELVE, FOUR_PM),
            (ServiceKind.INFO_POINT, [Weekday.THURSDAY, Weekday.FRIDAY], TWELVE, FOUR_PM),
        ],
    },
    {
        "slug": "phone",
        "kind": Office.Kind.PHONE_SERVICE,
        "name": "Kelan puhelinpalvelu",
        "phone": "020 692 210",
        "ordering": 3,
        "rules": [
            (ServiceKind.PHONE, WORKDAYS, NINE, FOUR_PM),
            (ServiceKind.APPOINTMENTS, WORKDAYS, NINE, FOUR_PM),
        ],
    },
]

TOPICS = [
    ("Lapsiperheet", "Barnfamiljer", "Families with children"),
    ("Asumisen tuet", "Bostadsbidrag", "Housing benefits"),
    ("Sairastaminen", "Sjukdom", "Illness"),
    ("Työttömyys", "Arbetslöshet", "Unemployment"),
    ("Opiskelu", "Studier", "Studies"),
    ("Eläkkeet", "Pensioner", "Pensions"),
    ("Toimeentulotuki", "Utkomststöd", "Social assistance"),
    ("Kuntoutus", "Rehabilitering", "Rehabilitation"),
    (
        "Muuttaminen Suomeen tai ulkomaille",
        "Flytta till eller från Finland",
        "Moving to or from Finland",
    ),
    ("Muu asia", "Annat ärende", "Other matter"),
]

# Valid from before any demo date, open-ended.
BASE_PERIOD_START = datetime.date(2026, 1, 1)


@transaction.atomic
def seed_offices():
    """Create or update the offices, their year-round hours and the topics.

    Idempotent: running it again changes nothing that is already as stated.
    """
    offices = {}
    for data in OFFICES:
        data = dict(data)
        rules = data.pop("rules")
        office, _ = Office.objects.update_or_create(slug=data.pop("slug"), defaults=data)
        period, _ = HoursPeriod.objects.get_or_create(
            office=office, valid_from=BASE_PERIOD_START, defaults={"name": "Vakioaukioloajat"}
        )
        # A bulk load: the slots follow when seed_demo (or housekeeping) reconciles them.
        WeeklyRule.objects.bulk_create(
            [
                WeeklyRule(
                    period=period, service=service, weekday=weekday, opens=opens, closes=closes
                )
                for service, weekdays, opens, closes in rules
                for weekday in weekdays
            ],
            ignore_conflicts=True,
        )
        offices[office.slug] = office
    for ordering, (fi, sv, en) in enumerate(TOPICS):
        Topic.objects.update_or_create(
            name_fi=fi, defaults={"name_sv": sv, "name_en": en, "ordering": ordering}
        )
    return offices
