"""The "Phone service" staff group and the callback permissions it holds.

Used by the data migration and by tests (which flush the database between
transactional tests, and with it the group)."""

from offices.roles import PHONE_SERVICE as PHONE_SERVICE_GROUP

PHONE_SERVICE_PERMISSIONS = [
    "view_callbackrequest",
    "add_callbackrequest",
    "change_callbackrequest",
    "view_callbackattempt",
]


def grant_phone_service(group_model, permission_model):
    """Get or create the group and give it the callback permissions (idempotent)."""
    group, _ = group_model.objects.get_or_create(name=PHONE_SERVICE_GROUP)
    permissions = permission_model.objects.filter(
        content_type__app_label="callbacks", codename__in=PHONE_SERVICE_PERMISSIONS
    )
    group.permissions.add(*permissions)
    return group
