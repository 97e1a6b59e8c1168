"""Database constraints, model clean() and the weekly-rule formset."""

import contextlib
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.forms import inlineformset_factory
from django.utils import translation

from offices.forms import WeeklyRuleFormSet
from offices.models import DateException, HoursPeriod, Office, ServiceKind, Weekday, WeeklyRule
from tests.factories import (
    DateExceptionFactory,
    HoursPeriodFactory,
    OfficeFactory,
    TopicFactory,
    WeeklyRuleFactory,
    helsinki,
)

pytestmark = pytest.mark.django_db

APPOINTMENTS = ServiceKind.APPOINTMENTS
SELF_SERVICE = ServiceKind.SELF_SERVICE


def t(hour, minute=0):
    return datetime.time(hour, minute)


@contextlib.contextmanager
def violates():
    """The block must hit a database constraint (in a savepoint, so the test goes on)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


# --- Database constraints ----------------------------------------------------------------


@pytest.mark.parametrize(("opens", "closes"), [(t(12), t(9)), (t(9), t(9))])
def test_weekly_rule__opens_not_before_closes__database_refuses(opens, closes):
    period = HoursPeriodFactory()

    with violates():
        WeeklyRule.objects.create(
            period=period, service=APPOINTMENTS, weekday=0, opens=opens, closes=closes
        )


def test_weekly_rule__weekday_out_of_range__database_refuses():
    period = HoursPeriodFactory()

    with violates():
        WeeklyRule.objects.create(
            period=period, service=APPOINTMENTS, weekday=7, opens=t(9), closes=t(12)
        )


def test_weekly_rule__same_start_twice__database_refuses_but_other_service_may():
    rule = WeeklyRuleFactory()

    WeeklyRuleFactory(period=rule.period, service=SELF_SERVICE)  # another service: fine
    with violates():
        WeeklyRuleFactory(period=rule.period, closes=t(10))


def test_hours_period__ends_before_it_starts__database_refuses():
    office = OfficeFactory()

    HoursPeriodFactory(office=office, valid_from=datetime.date(2027, 1, 1), valid_until=None)
    HoursPeriodFactory(
        office=office,
        valid_from=datetime.date(2027, 2, 1),
        valid_until=datetime.date(2027, 2, 1),  # one day: fine
    )
    with violates():
        HoursPeriodFactory(
            office=office,
            valid_from=datetime.date(2027, 3, 2),
            valid_until=datetime.date(2027, 3, 1),
        )


def test_hours_period__two_with_one_start__database_refuses():
    period = HoursPeriodFactory()

    with violates():
        HoursPeriodFactory(office=period.office, valid_from=period.valid_from)


def test_date_exception__closed_with_hours__database_refuses():
    office = OfficeFactory()

    with violates():
        DateException.objects.create(
            office=office,
            date=datetime.date(2027, 1, 5),
            service=APPOINTMENTS,
            closed=True,
            opens=t(9),
            closes=t(12),
            reason="x",
        )


@pytest.mark.parametrize(
    ("opens", "closes"),
    [
        (None, None),
        (t(9), None),
        (t(12), t(9)),
        (t(9), t(9)),
    ],
)
def test_date_exception__special_hours_without_valid_times__database_refuses(opens, closes):
    office = OfficeFactory()

    with violates():
        DateException.objects.create(
            office=office,
            date=datetime.date(2027, 1, 5),
            service=APPOINTMENTS,
            closed=False,
            opens=opens,
            closes=closes,
            reason="x",
        )


def test_date_exception__hours_without_service__database_refuses():
    office = OfficeFactory()

    with violates():
        DateException.objects.create(
            office=office,
            date=datetime.date(2027, 1, 5),
            service="",
            closed=False,
            opens=t(9),
            closes=t(12),
            reason="x",
        )


def test_date_exception__valid_rows__are_saved():
    office = OfficeFactory()

    DateExceptionFactory(office=office, service="")
    DateExceptionFactory(
        office=office, service=APPOINTMENTS, closed=False, opens=t(9), closes=t(10)
    )

    assert DateException.objects.filter(office=office).count() == 2


@pytest.mark.parametrize("postal_code", ["9540", "9540A", "ABCDE", " 9540", "1"])
def test_office__bad_postal_code__database_refuses(postal_code):
    with violates():
        OfficeFactory(postal_code=postal_code)


@pytest.mark.parametrize("postal_code", ["954000", "FI-95400"])
def test_office__too_long_postal_code__database_refuses(postal_code):
    # PostgreSQL stops it at varchar(5) (DataError), SQLite at the CHECK (IntegrityError).
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        OfficeFactory(postal_code=postal_code)


@pytest.mark.parametrize("postal_code", ["", "00100", "95400"])
def test_office__empty_or_five_digit_postal_code__is_saved(postal_code):
    assert OfficeFactory(postal_code=postal_code).pk


def test_office__second_phone_service__database_refuses():
    OfficeFactory(slug="phone-a", kind=Office.Kind.PHONE_SERVICE, postal_code="")
    OfficeFactory(slug="point-b")  # more service points are fine

    with violates():
        OfficeFactory(slug="phone-b", kind=Office.Kind.PHONE_SERVICE, postal_code="")


def test_topic__same_finnish_name_twice__database_refuses():
    TopicFactory(name_fi="Opiskelu")

    with violates():
        TopicFactory._meta.model.objects.create(
            name_fi="Opiskelu", name_sv="Studier", name_en="Studies"
        )


# --- clean() -----------------------------------------------------------------------------


def _errors(instance):
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.error_dict


def _codes(error_dict):
    return {field: [e.code for e in errors] for field, errors in error_dict.items()}


def test_weekly_rule_clean__closes_before_opens__error_on_closes():
    rule = WeeklyRule(
        period=HoursPeriodFactory(), service=APPOINTMENTS, weekday=0, opens=t(12), closes=t(9)
    )

    errors = _errors(rule)

    assert list(errors) == ["closes"]


def test_weekly_rule_clean__closes_before_opens__error_has_its_code():
    rule = WeeklyRule(
        period=HoursPeriodFactory(), service=APPOINTMENTS, weekday=0, opens=t(12), closes=t(9)
    )

    assert _errors(rule)["closes"][0].code == "closes_before_opens"


def _exception(**fields):
    defaults = {
        "office": OfficeFactory(),
        "date": datetime.date(2026, 12, 10),
        "service": APPOINTMENTS,
        "closed": False,
        "opens": t(9),
        "closes": t(12),
        "reason": "Staff training",
    }
    return DateException(**{**defaults, **fields})


def test_date_exception_clean__valid_special_hours__passes(pin_clock):
    pin_clock(helsinki(2026, 12, 4, 14, 0))

    _exception().full_clean()


def test_date_exception_clean__special_hours_without_times__errors_on_both_times(pin_clock):
    pin_clock(helsinki(2026, 12, 4, 14, 0))

    errors = _errors(_exception(opens=None, closes=None))

    assert _codes(errors) == {"opens": ["opens_missing"], "closes": ["closes_missing"]}


def test_date_exception_clean__special_hours_without_service__error_on_service(pin_clock):
    pin_clock(helsinki(2026, 12, 4, 14, 0))

    errors = _errors(_exception(service=""))

    assert _codes(errors) == {"service": ["hours_need_service"]}


def test_date_exception_clean__closes_before_opens__error_on_closes(pin_clock):
    pin_clock(helsinki(2026, 12, 4, 14, 0))

    errors = _errors(_exception(opens=t(12), closes=t(9)))

    assert _codes(errors) == {"closes": ["closes_before_opens"]}


def test_date_exception_clean__closed_with_times__error_on_closed(pin_clock):
    pin_clock(helsinki(2026, 12, 4, 14, 0))

    errors = _errors(_exception(closed=True, opens=t(9), closes=None))

    assert _codes(errors) == {"closed": ["closed_with_hours"]}


@pytest.mark.parametrize(
    ("date", "code"),
    [
        (datetime.date(2029, 12, 4), None),  # exactly three years ahead
        (datetime.date(2029, 12, 5), "too_far_ahead"),
        (datetime.date(2062, 12, 4), "too_far_ahead"),  # a typo in the year
        (datetime.date(2025, 12, 3), None),  # 366 days back
        (datetime.date(2025, 12, 2), "too_far_back"),
        (datetime.date(2016, 12, 4), "too_far_back"),
    ],
)
def test_date_exception_clean__date_far_ahead_or_back__error_on_date(pin_clock, date, code):
    pin_clock(helsinki(2026, 12, 4, 14, 0))
    exception = _exception(date=date, closed=True, opens=None, closes=None, service="")

    if code is None:
        exception.full_clean()
    else:
        assert _codes(_errors(exception)) == {"date": [code]}


def test_date_exception_clean__saved_row_in_the_past__may_still_be_edited(pin_clock):
    pin_clock(helsinki(2026, 12, 4, 14, 0))
    exception = DateExceptionFactory(date=datetime.date(2024, 1, 2))

    exception.reason = "Fixed a typo"
    exception.full_clean()


def test_date_exception_clean__on_leap_day__does_not_crash(pin_clock):
    pin_clock(helsinki(2028, 2, 29, 10, 0))

    _exception(date=datetime.date(2028, 3, 10)).full_clean()
    _exception(date=datetime.date(2031, 2, 28)).full_clean()
    too_far = _errors(_exception(date=datetime.date(2031, 3, 1)))
    assert _codes(too_far) == {"date": ["too_far_ahead"]}


# --- WeeklyRuleFormSet -------------------------------------------------------------------

RuleFormSet = inlineformset_factory(
    HoursPeriod,
    WeeklyRule,
    formset=WeeklyRuleFormSet,
    fields=["service", "weekday", "opens", "closes"],
    extra=0,
)


def _post(period, rows):
    """Formset POST data: ``rows`` as dicts with optional "id" and "DELETE"."""
    prefix = RuleFormSet.get_default_prefix()
    initial = sum(1 for row in rows if row.get("id"))
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            if key == "DELETE" and not value:
                continue
            data[f"{prefix}-{index}-{key}"] = "on" if key == "DELETE" else str(value)
        data[f"{prefix}-{index}-period"] = str(period.pk)
    return RuleFormSet(data, instance=period)


def _row(opens, closes, *, weekday=Weekday.MONDAY, service=APPOINTMENTS, **extra):
    return {"service": service, "weekday": weekday, "opens": opens, "closes": closes, **extra}


def _saved(period):
    return sorted(
        (r.service, r.weekday, f"{r.opens:%H:%M}", f"{r.closes:%H:%M}") for r in period.rules.all()
    )


def test_rule_formset__overlapping_rules_of_one_kind_on_one_weekday__rejected():
    period = HoursPeriodFactory()

    formset = _post(period, [_row("09:00", "12:00"), _row("11:00", "15:00")])

    assert not formset.is_valid()
    errors = formset.non_form_errors().as_data()
    assert [e.code for e in errors] == ["overlap"]
    with translation.override("fi"):
        assert "9.00–12.00" in str(formset.non_form_errors())


def test_rule_formset__rule_inside_another__rejected():
    period = HoursPeriodFactory()

    formset = _post(period, [_row("09:00", "16:00"), _row("10:00", "11:00")])

    assert not formset.is_valid()


def test_rule_formset__touching_rules__accepted_and_saved():
    period = HoursPeriodFactory()

    formset = _post(period, [_row("09:00", "12:00"), _row("12:00", "15:00")])

    assert formset.is_valid(), formset.errors
    formset.save()
    assert _saved(period) == [
        (APPOINTMENTS, 0, "09:00", "12:00"),
        (APPOINTMENTS, 0, "12:00", "15:00"),
    ]


def test_rule_formset__same_times_on_other_weekday_or_service__accepted():
    period = HoursPeriodFactory()

    formset = _post(
        period,
        [
            _row("09:00", "12:00"),
            _row("09:00", "12:00", weekday=Weekday.TUESDAY),
            _row("09:00", "12:00", service=SELF_SERVICE),
        ],
    )

    assert formset.is_valid(), formset.errors


def test_rule_formset__new_rule_overlapping_a_saved_one__rejected():
    rule = WeeklyRuleFactory(opens=t(9), closes=t(12))

    formset = _post(rule.period, [_row("09:00", "12:00", id=rule.pk), _row("10:00", "13:00")])

    assert not formset.is_valid()
    assert _saved(rule.period) == [(APPOINTMENTS, 0, "09:00", "12:00")]


def test_rule_formset__moved_rule_and_new_rule_in_its_old_place__accepted_and_saved():
    rule = WeeklyRuleFactory(opens=t(9), closes=t(12))

    formset = _post(rule.period, [_row("13:00", "15:00", id=rule.pk), _row("09:00", "12:00")])

    assert formset.is_valid(), (formset.errors, formset.non_form_errors())
    formset.save()
    assert _saved(rule.period) == [
        (APPOINTMENTS, 0, "09:00", "12:00"),
        (APPOINTMENTS, 0, "13:00", "15:00"),
    ]


def test_rule_formset__deleted_rule_and_overlapping_new_one__accepted():
    rule = WeeklyRuleFactory(opens=t(9), closes=t(12))

    formset = _post(
        rule.period,
        [_row("09:00", "12:00", id=rule.pk, DELETE=True), _row("10:00", "14:00")],
    )

    assert formset.is_valid(), (formset.errors, formset.non_form_errors())
    formset.save()
    assert _saved(rule.period) == [(APPOINTMENTS, 0, "10:00", "14:00")]


def test_rule_formset__closes_before_opens__error_on_the_row_not_an_overlap():
    period = HoursPeriodFactory()

    formset = _post(period, [_row("12:00", "09:00"), _row("09:00", "10:00")])

    assert not formset.is_valid()
    assert "closes" in formset.forms[0].errors
    assert formset.non_form_errors() == []


def test_periods_not_over__ended_the_day_before_left_out_the_rest_kept():
    office = OfficeFactory()
    day = datetime.date(2026, 12, 7)
    periods = {
        name: HoursPeriodFactory(office=office, valid_from=start, valid_until=until)
        for name, start, until in [
            ("ended", datetime.date(2026, 1, 1), day - datetime.timedelta(days=1)),
            ("ends that day", datetime.date(2026, 2, 1), day),
            ("open-ended", datetime.date(2026, 3, 1), None),
            ("to come", datetime.date(2027, 1, 1), datetime.date(2027, 6, 30)),
        ]
    }

    kept = set(HoursPeriod.objects.filter(office=office).not_over(day))

    assert kept == {periods[n] for n in ("ends that day", "open-ended", "to come")}
