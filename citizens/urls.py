"""The identified citizen's pages, language-prefixed (/my/, /sv/my/, /en/my/)."""

from django.urls import path

from . import views

app_name = "citizens"
urlpatterns = [
    path("", views.my_page, name="my"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
]
