"""The project's URLs with /i18n/setlang/ routed to kela_service.views.set_language.

Until kela_service/urls.py routes it so, tests use this URLconf to test the fix.
"""

from django.urls import path

from kela_service import urls, views

urlpatterns = [
    path("i18n/setlang/", views.set_language, name="set_language"),
    *urls.urlpatterns,
]
