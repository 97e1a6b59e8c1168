"""The staff groups: their names, and how each app grants them its permissions.

The groups come from ``post_migrate`` handlers, as ``django.contrib.auth`` creates its
permissions: each app's ``AppConfig.ready()`` calls ``connect_grants`` with its own
``roles.GROUP_PERMISSIONS``, so that the handler runs after that app's permissions exist
(auth's handler, connected first, creates them). Every ``migrate`` (and every flush of a
transactional test) sets each group's permissions of that app to exactly the listed
ones: a permission taken out of the list is taken away everywhere at the next migrate.
"""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate

PHONE_SERVICE = "Phone service"
OFFICE_STAFF = "Office staff"

# The offices app's own share: phone staff pick offices and topics in the admin.
GROUP_PERMISSIONS = {
    PHONE_SERVICE: ["view_office", "view_topic"],
}


def is_phone_staff(user):
    """Whether ``user`` works in the phone service (its group)."""
    return user.groups.filter(name=PHONE_SERVICE).exists()


def grant_permissions(app_label, group_permissions, *, using=DEFAULT_DB_ALIAS, apps=global_apps):
    """Give each group of ``group_permissions`` ({group name: [codename, ...]}) exactly
    those permissions of ``app_label``; other apps' permissions are left alone."""
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:  # auth is not installed or not migrated in this run
        return
    for name, codenames in group_permissions.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        own = Permission.objects.using(using).filter(content_type__app_label=app_label)
        group.permissions.remove(*own.exclude(codename__in=codenames))
        group.permissions.add(*own.filter(codename__in=codenames))


def connect_grants(app_config, group_permissions):
    """From ``app_config.ready()``: grant ``group_permissions`` after each migrate."""

    def receiver(sender, app_config, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
        grant_permissions(app_config.label, group_permissions, using=using, apps=apps)

    # weak=False: nothing else holds this closure.
    post_migrate.connect(
        receiver, sender=app_config, weak=False, dispatch_uid=f"{app_config.label}.roles"
    )
