from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from appointments.views import public as appointments_public
from citizens import views as citizens_views
from dev_identity.urls import root_patterns as dev_identity_patterns

from . import identify, metrics, staff_home, views
from .api import api

# An unreachable database gets a 503 page asking to try again (kela_service.views).
handler500 = "kela_service.views.server_error"

admin.site.site_header = _("Kela service administration")
admin.site.site_title = _("Kela service")
admin.site.index_title = _("Appointments, callbacks and opening hours")
# The admin's "View site" leads back to the staff home.
admin.site.site_url = "/staff/"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("livez", views.livez, name="livez"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    # The private link of a booking as an SMS carries it: short, no language prefix.
    path("m/<slug:token>/", appointments_public.short_link, name="appointment_short_link"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("notifications/", include("notifications.urls")),
    path("staff/", staff_home.home, name="staff_home"),
    # The enrolment of a second factor, for staff whose account has none yet.
    path("staff/", include("accounts.urls")),
    path("staff/callbacks/", include("callbacks.staff_urls")),
    path("staff/identify/", identify.identify, name="staff_identify"),
    path("staff/", include("desk.urls")),
    path("staff/", include("reports.urls")),
    path("staff/", include("appointments.staff_urls")),
    # The identity provider sends citizens back to these fixed URLs (no language
    # prefix: they are registered there as they are).
    path("identity/callback/", citizens_views.callback, name="identity_callback"),
    path("identity/logged-out/", citizens_views.logged_out, name="identity_logged_out"),
    # The development identity provider (404 unless OIDC_DEV_PROVIDER).
    *dev_identity_patterns,
]

# Public pages: Finnish at /, Swedish at /sv/, English at /en/.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("", include("offices.urls")),
    path("appointments/", include("appointments.urls")),
    path("callbacks/", include("callbacks.urls")),
    path("my/", views.my_page, name="my"),
    path("my/", include("citizens.urls")),
    prefix_default_language=False,
)
