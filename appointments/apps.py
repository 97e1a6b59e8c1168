from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments")

    def ready(self):
        # The staff groups get this app's permissions after every migrate.
        from offices.roles import connect_grants
        from offices.signals import hours_changed

        from .roles import GROUP_PERMISSIONS
        from .rules import follow_hours

        connect_grants(self, GROUP_PERMISSIONS)
        # A change of hours reaches the slots in the same transaction.
        hours_changed.connect(follow_hours, dispatch_uid="appointments.follow_hours")
