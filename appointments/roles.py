"""Who may do what with appointments.

"Phone service" books for callers in the admin; "Office staff" see the daily list of the
offices they are assigned to (``Office.staff``) and mark arrivals there. Office staff
have no appointment permission in the admin, whose lists are not limited to an office.
The groups get these permissions from a ``post_migrate`` handler (``offices.roles``).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils.translation import gettext as _

from offices.models import Office
from offices.roles import OFFICE_STAFF, PHONE_SERVICE, is_phone_staff

# Declared on Appointment.Meta.permissions: marking arrived / done / no-show on the
# daily list, without the right to edit bookings in the admin.
MARK_STATUS_CODENAME = "mark_appointment_status"
MARK_PERMISSION = f"appointments.{MARK_STATUS_CODENAME}"
# Declared on Appointment.Meta.permissions, granted to no group: booking past the limit of
# upcoming bookings per number, with a recorded reason (administrators).
OVERRIDE_CAP_PERMISSION = "appointments.override_phone_cap"
# Declared on Appointment.Meta.permissions: booking for a caller or a walk-in customer on
# the staff booking screen (desk.booking), within ``booking_offices``.
BOOK_FOR_CUSTOMER_CODENAME = "book_for_customer"
BOOK_FOR_CUSTOMER_PERMISSION = f"appointments.{BOOK_FOR_CUSTOMER_CODENAME}"

GROUP_PERMISSIONS = {
    PHONE_SERVICE: [
        "add_appointment",
        "change_appointment",
        "view_appointment",
        MARK_STATUS_CODENAME,
        "view_slot",
        "change_slot",
        BOOK_FOR_CUSTOMER_CODENAME,
    ],
    OFFICE_STAFF: [MARK_STATUS_CODENAME, BOOK_FOR_CUSTOMER_CODENAME],
}


def visible_offices(user):
    """The offices whose daily list ``user`` may see, in display order: their own
    (``Office.staff``), the phone service's for the phone service, all for superusers."""
    offices = Office.objects.active()
    if user.is_superuser:
        return offices
    allowed = offices.filter(staff=user)
    if is_phone_staff(user):
        allowed = allowed | offices.filter(kind=Office.Kind.PHONE_SERVICE)
    return allowed.distinct()


def visible_office(user, slug):
    """The office ``slug`` of a staff page, in one query: 404 when there is none, 403
    when ``user`` may not see it (``visible_offices``)."""
    office = (
        Office.objects.active()
        .filter(slug=slug)
        .annotate(visible=Exists(visible_offices(user).filter(pk=OuterRef("pk"))))
        .first()
    )
    if office is None:
        raise Http404(_("No such office."))
    if not office.visible:
        raise PermissionDenied
    return office


def booking_offices(user, *, directing=False):
    """Where ``user`` may book for a customer: phone staff and superusers every office,
    office staff their own offices and the phone service; every office too when
    ``directing`` a walk-in customer from the info-point desk, whose work is sending
    people to the service that suits them."""
    offices = Office.objects.active()
    if directing or user.is_superuser or is_phone_staff(user):
        return offices
    return (offices.filter(staff=user) | offices.filter(kind=Office.Kind.PHONE_SERVICE)).distinct()
