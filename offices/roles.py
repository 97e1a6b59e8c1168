"""The staff groups' names (their permissions are granted by each app's migration)."""

PHONE_SERVICE = "Phone service"
OFFICE_STAFF = "Office staff"
