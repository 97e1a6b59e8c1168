from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments")

    def ready(self):
        # The staff groups get this app's permissions after every migrate.
        from django.db.models.signals import post_delete, post_save

        from offices.models import Office
        from offices.roles import connect_grants
        from offices.signals import hours_changed

        from .roles import GROUP_PERMISSIONS
        from .rules import follow_hours, office_changed

        connect_grants(self, GROUP_PERMISSIONS)
        # A renamed or closed-down office: the API's cached answers under its name go.
        for signal in (post_save, post_delete):
            signal.connect(office_changed, sender=Office, dispatch_uid=f"office_changed.{signal}")
        # A change of hours reaches the slots in the same transaction.
        hours_changed.connect(follow_hours, dispatch_uid="appointments.follow_hours")
