"""The staff groups and their permissions.

"Phone service" books for callers in the admin; "Office staff" see the daily list of the
offices they are assigned to (``Office.staff``) and mark arrivals there; they have no
appointment permission in the admin, whose lists are not limited to an office. Used by
the data migrations and by tests (transactional tests flush the database, and the groups
with it).
"""

from offices.roles import OFFICE_STAFF, PHONE_SERVICE

# Not a model permission: marking arrived / done / no-show on the daily list, without
# the right to edit bookings in the admin.
MARK_STATUS_CODENAME = "mark_appointment_status"
MARK_STATUS_NAME = "Can mark appointments arrived, done or no-show"

GROUP_PERMISSIONS = {
    PHONE_SERVICE: [
        ("appointments", "add_appointment"),
        ("appointments", "change_appointment"),
        ("appointments", "view_appointment"),
        ("appointments", MARK_STATUS_CODENAME),
        ("appointments", "view_slot"),
        ("appointments", "change_slot"),
        ("offices", "view_office"),
        ("offices", "view_topic"),
    ],
    OFFICE_STAFF: [
        ("appointments", MARK_STATUS_CODENAME),
    ],
}

# Taken back from a group that once had them (migration 0004 and every grant_roles).
# Office staff's "view appointment" showed every office's bookings in the admin; the
# daily list, limited to their offices, needs only the mark permission.
REVOKED_PERMISSIONS = {
    OFFICE_STAFF: [("appointments", "view_appointment")],
}


def grant_roles(group_model, permission_model, content_type_model):
    """Get or create both groups, add their permissions and take back the revoked ones
    (idempotent; never removes a permission another app granted)."""
    appointment_type, _ = content_type_model.objects.get_or_create(
        app_label="appointments", model="appointment"
    )
    permission_model.objects.get_or_create(
        content_type=appointment_type,
        codename=MARK_STATUS_CODENAME,
        defaults={"name": MARK_STATUS_NAME},
    )
    groups = {}
    for name, wanted in GROUP_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(
                permission_model.objects.get(content_type__app_label=app_label, codename=codename)
            )
        for app_label, codename in REVOKED_PERMISSIONS.get(name, []):
            group.permissions.remove(
                *permission_model.objects.filter(
                    content_type__app_label=app_label, codename=codename
                )
            )
        groups[name] = group
    return groups
