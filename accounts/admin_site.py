"""The admin site: Django's, asking for the second factor (django-otp's OTPAdminSite)."""

from django_otp.admin import OTPAdminSite

from .forms import StaffLoginForm


class StaffAdminSite(OTPAdminSite):
    """``admin.site``. A user is let in only with a session verified by a second factor
    (``has_permission``); the login asks for the code of the user's authenticator app
    or a backup code (``StaffLoginForm``)."""

    login_form = StaffLoginForm
    login_template = "accounts/login.html"

    def __init__(self, name="admin"):
        # OTPAdminSite names itself "otpadmin"; the project's URLs say "admin:...".
        super().__init__(name)
