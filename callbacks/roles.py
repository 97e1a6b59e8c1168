"""Who may do what with callback requests: the "Phone service" group works the queue
and adds requests for callers in the admin. The group gets these permissions from a
``post_migrate`` handler (``offices.roles``)."""

from offices.roles import PHONE_SERVICE

GROUP_PERMISSIONS = {
    PHONE_SERVICE: [
        "view_callbackrequest",
        "add_callbackrequest",
        "change_callbackrequest",
        "view_callbackattempt",
    ],
}
