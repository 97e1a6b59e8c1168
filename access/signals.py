"""Logins, failed logins and lockouts into the access record.

Django sends ``user_logged_in`` and ``user_login_failed``; django-axes, when installed,
sends ``user_locked_out`` (without axes nothing is connected for it, and whoever locks
accounts out calls ``records.auth_record(request, action=LOCKOUT, ...)``).
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed

from .records import LOCKOUT, LOGIN, LOGIN_FAILED, auth_record


def connect():
    user_logged_in.connect(logged_in, dispatch_uid="access.logged_in")
    user_login_failed.connect(login_failed, dispatch_uid="access.login_failed")
    if apps.is_installed("axes"):
        from axes.signals import user_locked_out

        user_locked_out.connect(locked_out, dispatch_uid="access.locked_out")


def logged_in(sender, request, user, **kwargs):
    auth_record(request, action=LOGIN, user=user)


def login_failed(sender, credentials, request=None, **kwargs):
    # Django has blanked the password in ``credentials``; the user name stays.
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username")
    auth_record(request, action=LOGIN_FAILED, username=username)


def locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    auth_record(request, action=LOCKOUT, username=username, address=ip_address)
