from django.apps import AppConfig


class KelaServiceConfig(AppConfig):
    name = "kela_service"
    verbose_name = "Kela service"

    def ready(self):
        from . import checks  # noqa: F401 (registers the checks)
