"""django-axes' list of failed logins in the admin (Access attempts), where deleting a
row lifts its lockout before the cool-off ends. Registered here rather than by axes
(``AXES_ENABLE_ADMIN = False``): with the date hierarchy guarded like the apps' own
(``SafeDateHierarchyMixin``), and without axes' lists of logins (the access record has
them) and of every failure (not kept)."""

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin

from offices.admin_tools import SafeDateHierarchyMixin


@admin.register(AccessAttempt)
class AccessAttemptAdmin(SafeDateHierarchyMixin, AxesAccessAttemptAdmin):
    pass
