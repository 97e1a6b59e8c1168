"""Who may use the info-point desk and record oral applications.

Office staff serve walk-in customers at the desk of the offices they are assigned to
(``appointments.roles.visible_offices``) when the office has an info point, and record
oral applications there with the visit (no admin rights); phone staff record those taken
on the phone in the admin. The groups get these
permissions from a ``post_migrate`` handler (``offices.roles``).
"""

from offices.roles import OFFICE_STAFF, PHONE_SERVICE

GROUP_PERMISSIONS = {
    OFFICE_STAFF: ["serve_desk"],
    PHONE_SERVICE: ["add_oralapplication", "view_oralapplication"],
}
DESK_PERMISSION = "desk.serve_desk"
