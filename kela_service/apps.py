from django.apps import AppConfig, apps
from django.db import connections
from django.db.models.signals import post_migrate


class KelaServiceConfig(AppConfig):
    name = "kela_service"
    verbose_name = "Kela service"

    def ready(self):
        from . import checks  # noqa: F401 (registers the checks)

        # kela_service has no models, so its own post_migrate is never sent.
        post_migrate.connect(ensure_schedules, sender=apps.get_app_config("django_q"))

        # notifications knows no staff roles (it is offices' sibling on the ground
        # floor): the project grants phone staff the sight of the messages that the
        # appointment and callback admins show.
        from offices.roles import PHONE_SERVICE, connect_grants

        connect_grants(apps.get_app_config("notifications"), {PHONE_SERVICE: ["view_message"]})


def ensure_schedules(sender, using="default", verbosity=1, **kwargs):
    """After ``migrate``: the task queue's schedules match kela_service.jobs.JOBS."""
    from django_q.models import Schedule

    from .jobs import schedules_ensure

    if Schedule._meta.db_table not in connections[using].introspection.table_names():
        return  # a partial migrate, before django_q's tables exist
    changed = schedules_ensure(using=using)
    if changed and verbosity >= 1:
        print(f"  Task queue schedules: {changed} created or updated.")
