"""Service statistics, at /staff/<office>/statistics/ (not language-prefixed)."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("<slug:office>/statistics/", views.statistics, name="statistics"),
]
