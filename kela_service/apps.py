from django.apps import AppConfig


class KelaServiceConfig(AppConfig):
    name = "kela_service"
    verbose_name = "Kela service"
