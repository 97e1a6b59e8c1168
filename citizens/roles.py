"""Who may do what with identified citizens: the "Phone service" group identifies
callers by their call code (/staff/identify/). Granted after every migrate
(``offices.roles``)."""

from offices.roles import PHONE_SERVICE

GROUP_PERMISSIONS = {
    PHONE_SERVICE: ["identify_caller"],
}
