"""``manage.py housekeeping`` runs every periodic job once, idempotently, and keeps the
task queue's schedules in line with kela_service.jobs.JOBS."""

import datetime
import io

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_q.models import Schedule

from appointments.models import Slot
from citizens import callcodes
from citizens import rules as citizen_rules
from citizens.models import CallCode, PhoneCode
from kela_service import jobs
from notifications.models import Message, Status
from notifications.outbox import notify
from offices import hours
from tests.factories import UserFactory, helsinki

pytestmark = pytest.mark.django_db

D = helsinki(2026, 12, 3, 8, 0)  # a Thursday


def housekeeping(*args):
    out = io.StringIO()
    call_command("housekeeping", *args, stdout=out)
    return out.getvalue()


def schedules():
    return {
        s.name: (s.func, s.schedule_type, s.minutes, s.repeats, s.next_run)
        for s in Schedule.objects.order_by("name")
    }


def test_housekeeping__twice__the_second_run_changes_nothing(offices, pin_clock, settings):
    settings.APPOINTMENT_HORIZON_WEEKS = 8
    pin_clock(D)

    first = housekeeping()
    slots = set(Slot.objects.values_list("office_id", "starts_at"))
    schedules_after_first = schedules()
    second = housekeeping()

    assert "Follow the hours: 0 slots created" not in first
    assert "Follow the hours: 0 slots created, 0 closed, 0 reopened" in second
    assert set(Slot.objects.values_list("office_id", "starts_at")) == slots
    assert schedules() == schedules_after_first
    assert "Schedules: 0 created or updated." in second
    last = max(hours.localdate(starts_at) for _, starts_at in slots)
    assert last <= datetime.date(2027, 1, 28)
    assert last >= datetime.date(2027, 1, 22)  # Tornio's last Tuesday or Kemi's Friday


def test_housekeeping__29_days_later__slots_reach_the_new_horizon_none_twice(
    offices, pin_clock, settings, client
):
    settings.APPOINTMENT_HORIZON_WEEKS = 8
    pin_clock(D)
    housekeeping()
    before = Slot.objects.count()

    pin_clock(D + datetime.timedelta(days=29))
    housekeeping()

    starts = list(Slot.objects.values_list("office_id", "starts_at"))
    assert len(starts) == len(set(starts)) > before
    horizon = datetime.date(2027, 1, 1) + datetime.timedelta(weeks=8)
    tornio_days = {
        hours.localdate(s.starts_at) for s in Slot.objects.filter(office=offices["tornio"])
    }
    assert max(tornio_days) > datetime.date(2027, 1, 28)
    assert max(tornio_days) <= horizon
    # Every Monday and Tuesday up to the horizon that is a working day has its slots,
    # and the availability API offers them (from the minimum notice on).
    response = client.get(
        "/api/v1/appointments/availability",
        {"office": "tornio", "start": "2027-01-01", "end": horizon.isoformat()},
    )
    offered = {datetime.date.fromisoformat(s["start"][:10]) for s in response.json()["slots"]}
    day = datetime.date(2027, 1, 1)
    while day <= horizon:
        if day.weekday() in (0, 1) and hours.is_working_day(day):
            assert day in tornio_days, day
            assert day in offered, day
        day += datetime.timedelta(days=1)
    assert max(offered) > datetime.date(2027, 1, 28)


def test_housekeeping__delivers_queued_notifications(pin_clock):
    pin_clock(D)
    notify(obj=UserFactory(), event="confirmed", channel="sms", to="040 123 4567", body="Hei.")

    out = housekeeping("--job", "Deliver notifications")

    assert "Deliver notifications: 1 sent, 0 to retry, 0 failed" in out
    assert Message.objects.get().status == Status.SENT
    assert "Follow the hours" not in out


def test_housekeeping__purges_messages_past_retention(pin_clock, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 90
    pin_clock(D)
    message = notify(
        obj=UserFactory(), event="confirmed", channel="sms", to="040 123 4567", body="Hei."
    )
    housekeeping("--job", "Deliver notifications")
    pin_clock(D + datetime.timedelta(days=91))

    out = housekeeping("--job", "Purge personal data")

    assert "and 1 messages sent before then." in out
    message.refresh_from_db()
    assert (message.recipient, message.body, message.status) == ("", "", Status.SENT)
    assert "and 0 messages sent before then." in housekeeping("--job", "Purge personal data")


def test_housekeeping__a_failing_job__the_others_still_run_and_the_command_fails(
    offices, pin_clock, monkeypatch
):
    pin_clock(D)

    def broken():
        raise RuntimeError("reminders broke")

    monkeypatch.setattr(jobs, "send_reminders", broken)
    err = io.StringIO()
    with pytest.raises(CommandError, match="Send appointment reminders"):
        call_command("housekeeping", stdout=io.StringIO(), stderr=err)

    assert "Send appointment reminders: failed: RuntimeError: reminders broke" in err.getvalue()
    assert Slot.objects.exists()


def test_schedules__one_per_job_after_migrate(pin_clock):
    Schedule.objects.all().delete()

    call_command("migrate", verbosity=0)

    assert {name: (func, minutes) for name, (func, _, minutes, _, _) in schedules().items()} == {
        "kela: Deliver notifications": ("kela_service.jobs.deliver_notifications", 1),
        "kela: Follow the hours": ("kela_service.jobs.follow_hours", 15),
        "kela: Send appointment reminders": ("kela_service.jobs.send_reminders", 15),
        "kela: Expire lapsed callback requests": ("kela_service.jobs.expire_callbacks", 15),
        "kela: Purge personal data": ("kela_service.jobs.purge_personal_data", 15),
        "kela: Purge the access record": ("kela_service.jobs.purge_access_record", 24 * 60),
        "kela: Purge codes and login traces": ("kela_service.jobs.purge_codes_and_traces", 60),
    }


def test_schedules_ensure__keeps_next_runs_updates_changes_and_removes_retired_jobs(
    settings, pin_clock
):
    pin_clock(D)
    Schedule.objects.all().delete()
    jobs.schedules_ensure()
    Schedule.objects.update(next_run=D + datetime.timedelta(minutes=5))
    Schedule.objects.create(name="kela: Retired job", func="kela_service.jobs.gone")
    Schedule.objects.create(name="Someone else's", func="somewhere.else")

    settings.HOUSEKEEPING_MINUTES = 30
    assert jobs.schedules_ensure() == 5  # four intervals changed, one job retired

    assert jobs.schedules_ensure() == 0
    assert not Schedule.objects.filter(name="kela: Retired job").exists()
    assert Schedule.objects.filter(name="Someone else's").exists()
    assert Schedule.objects.get(name="kela: Follow the hours").minutes == 30
    ours = Schedule.objects.filter(name__startswith="kela: ")
    assert set(ours.values_list("next_run", flat=True)) == {D + datetime.timedelta(minutes=5)}


def test_purge_codes_and_traces__past_their_use_gone_the_rest_kept(citizen, pin_clock, settings):
    """SMS codes a day on, call codes two days on, failed staff logins past the
    cool-off and authenticator apps left unconfirmed for a day; nothing younger."""
    now = helsinki(2026, 12, 4, 12, 0)
    staff = UserFactory(username="uusi")
    for at in (now - datetime.timedelta(days=3), now - datetime.timedelta(minutes=10)):
        pin_clock(at)
        citizen_rules.code_send(phone="040 123 4567", address="192.0.2.1")
        callcodes.code_order(citizen=citizen)
        AccessAttempt.objects.create(
            username=f"guess-{at:%d}", ip_address="192.0.2.1", failures_since_start=1
        )
        TOTPDevice.objects.create(user=staff, name=f"app-{at:%d}", confirmed=False)
    confirmed = TOTPDevice.objects.create(user=staff, name="old but confirmed", confirmed=True)
    TOTPDevice.objects.filter(pk=confirmed.pk).update(created_at=now - datetime.timedelta(days=30))
    pin_clock(now)

    result = jobs.purge_codes_and_traces()

    assert PhoneCode.objects.count() == 1
    assert CallCode.objects.count() == 1
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["guess-04"]
    assert set(TOTPDevice.objects.values_list("name", flat=True)) == {
        "app-04",
        "old but confirmed",
    }
    assert result == (
        "Deleted 1 SMS codes, 1 call codes, 1 failed staff logins past the cool-off and "
        "1 authenticator apps never confirmed."
    )
