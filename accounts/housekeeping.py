"""What the staff door leaves behind, deleted once it protects nothing any more."""

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

# An authenticator app not confirmed within this time was abandoned at enrolment.
ENROLMENT_DAYS = 1


def door_purge(now=None):
    """Delete failed-login records past the cool-off (they lock nobody any more, and
    hold user names and addresses) and authenticator apps whose enrolment was abandoned
    (each holds a secret; the enrolment page makes a new one). Returns (failed logins,
    apps) deleted."""
    now = now or timezone.now()
    attempts, _ = AccessAttempt.objects.filter(
        attempt_time__lt=now - settings.AXES_COOLOFF_TIME
    ).delete()
    apps, _ = TOTPDevice.objects.filter(
        confirmed=False, created_at__lt=now - datetime.timedelta(days=ENROLMENT_DAYS)
    ).delete()
    return attempts, apps
