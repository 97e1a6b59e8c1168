from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Staff accounts")
    default = True

    def ready(self):
        from .middleware import connect

        connect()


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin with ``StaffAdminSite`` as ``admin.site``: every model registered
    with ``@admin.register`` is behind the second factor (Django's documented way to
    replace the default site)."""

    default = False
    default_site = "accounts.admin_site.StaffAdminSite"
