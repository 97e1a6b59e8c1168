from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = _("Access record")

    def ready(self):
        from . import checks  # noqa: F401 (registers the checks)
        from .signals import connect

        connect()
