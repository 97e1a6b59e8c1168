from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = _("Offices and opening hours")

    def ready(self):
        # The staff groups get this app's permissions after every migrate.
        from . import signals
        from .roles import GROUP_PERMISSIONS, connect_grants

        connect_grants(self, GROUP_PERMISSIONS)
        signals.connect()
