"""Demo and initial data: the offices and hours that DOMAIN.md states."""

import datetime

from django.db import transaction

from .models import (
    HoursPeriod,
    Office,
    ServiceDescription,
    ServiceKind,
    Topic,
    Weekday,
    WeeklyRule,
)

NINE, TWELVE, FOUR_PM = datetime.time(9), datetime.time(12), datetime.time(16)
WORKDAYS = [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY]

OFFICES = [
    {
        "slug": "tornio",
        "kind": Office.Kind.SERVICE_POINT,
        "name": "Tornio",
        "name_sv": "Torneå",
        "name_fi_inessive": "Torniossa",
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
        "name_fi_inessive": "Kemissä",
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

# What each service is, as the source text says it (fi, sv, en); staff edit them in the
# admin. Kemi's appointment hours are DOMAIN.md's assumption.
DESCRIPTIONS = {
    ("tornio", ServiceKind.APPOINTMENTS): (
        "Palvelupiste palvelee vain ajanvarauksella: Kelan palveluasiantuntija tapaa "
        "asiakkaita, joille on varattu aika etukäteen. Ilman ajanvarausta ei palvella. "
        "Ajan voi varata täällä tai Kelan puhelinpalvelusta.",
        "Servicestället betjänar endast med tidsbokning: FPA:s serviceexpert träffar kunder "
        "som har bokat tid i förväg. Utan tidsbokning betjänas ingen. Du kan boka tid här "
        "eller via FPA:s telefontjänst.",
        "The service point serves by appointment only: a Kela service expert meets customers "
        "who booked a time in advance. There is no walk-in service. Book a time here or "
        "through Kela's phone service.",
    ),
    ("tornio", ServiceKind.SELF_SERVICE): (
        "Asiakastilan asiakastietokoneilla voit käyttää Kelan verkkoasiointia omatoimisesti, "
        "ilman ajanvarausta.",
        "I kundutrymmet kan du på egen hand använda kunddatorerna för FPA:s e-tjänster, utan "
        "tidsbokning.",
        "In the customer area you can use the self-service computers for Kela's online "
        "services on your own, without an appointment.",
    ),
    ("kemi", ServiceKind.INFO_POINT): (
        "Infopisteessä palvellaan ilman ajanvarausta. Palveluasiantuntija selvittää "
        "tilanteesi ja ohjaa sinut sopivimpaan Kelan palveluun, kuten OmaKelaan tai "
        "ajanvaraukselliseen palveluun puhelimitse tai palvelupisteessä.",
        "Vid infopunkten betjänas kunder utan tidsbokning. En serviceexpert reder ut din "
        "situation och hänvisar dig till den lämpligaste FPA-tjänsten, till exempel MittFPA "
        "eller tidsbokad service per telefon eller på servicestället.",
        "The info point serves walk-in customers, no appointment needed. A service expert "
        "clarifies your situation and directs you to the most suitable Kela service, such "
        "as OmaKela or an appointment by phone or at the service point.",
    ),
    ("kemi", ServiceKind.APPOINTMENTS): (
        "Voit myös varata palveluasiantuntijalle ajan etukäteen.",
        "Du kan också boka tid hos en serviceexpert i förväg.",
        "You can also book a time with a service expert in advance.",
    ),
    ("phone", ServiceKind.PHONE): (
        "Puhelinpalvelussa saat henkilökohtaista neuvontaa verkkoasiointiin ja hakemuksen "
        "tekemiseen. Voit soittaa tunnistautuneena: tilaa ensin kertakäyttöinen koodi "
        "OmaKelassa. Ilman tunnistautumistakin voi soittaa, mutta tunnistautuminen "
        "etukäteen nopeuttaa ja turvaa asiointia. Jos mikään muu asiointitapa ei ole "
        "mahdollinen, voit jättää puhelimessa suullisen hakemuksen.",
        "I telefontjänsten får du personlig rådgivning om e-tjänsterna och om att göra en "
        "ansökan. Du kan ringa identifierad: beställ först en engångskod i MittFPA. Du kan "
        "också ringa utan att identifiera dig, men identifiering i förväg gör samtalet "
        "snabbare och säkrare. Om inget annat sätt är möjligt kan du lämna en muntlig "
        "ansökan per telefon.",
        "The phone service gives personal advice on online services and on making an "
        "application. You can call identified: order a one-time code in OmaKela first. "
        "You can also call without identifying, but identifying in advance makes the call "
        "quicker and safer. If no other way is possible, you can leave an oral application "
        "by phone.",
    ),
    ("phone", ServiceKind.APPOINTMENTS): (
        "Varaa aika, niin Kelan asiantuntija soittaa sinulle varattuna aikana. Soittopyyntö "
        "on eri asia: sen voi jättää vain kuluvalle tai seuraavalle arkipäivälle, ja "
        "asiantuntija soittaa puolen tunnin kuluessa valitsemastasi ajasta.",
        "Boka en tid så ringer en sakkunnig på FPA dig vid den bokade tiden. En "
        "kontaktbegäran är något annat: den gäller bara i dag eller nästa vardag, och den "
        "sakkunniga ringer inom en halvtimme från den tid du valt.",
        "Book a time and a Kela expert calls you at that time. A callback request is "
        "different: it is for today or the next working day only, and the expert calls "
        "within half an hour of the time you chose.",
    ),
}

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
    for (slug, service), (fi, sv, en) in DESCRIPTIONS.items():
        ServiceDescription.objects.get_or_create(
            office=offices[slug],
            service=service,
            defaults={"text_fi": fi, "text_sv": sv, "text_en": en},
        )
    for ordering, (fi, sv, en) in enumerate(TOPICS):
        Topic.objects.update_or_create(
            name_fi=fi, defaults={"name_sv": sv, "name_en": en, "ordering": ordering}
        )
    return offices
