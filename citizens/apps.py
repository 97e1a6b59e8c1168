from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    name = "citizens"
    verbose_name = _("Citizens")

    def ready(self):
        # The staff groups get this app's permissions after every migrate.
        from offices.roles import connect_grants

        from .roles import GROUP_PERMISSIONS

        connect_grants(self, GROUP_PERMISSIONS)
