"""The info-point desk, at /staff/<office>/desk/ (not language-prefixed)."""

from django.urls import path

from . import views

app_name = "desk"
urlpatterns = [
    path("", views.desk, name="desk"),
]
