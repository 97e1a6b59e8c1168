"""The enrolment of a second factor, at /staff/enrol/ (not language-prefixed), and a
logout open to a session without one (the admin's sends such a session back to itself)."""

from django.contrib.auth.views import LogoutView
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("enrol/", views.enrol, name="enrol"),
    path("logout/", LogoutView.as_view(next_page="admin:login"), name="logout"),
]
