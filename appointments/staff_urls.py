"""The office staff's daily lists, at /staff/ (not language-prefixed)."""

from django.urls import re_path

from .views import staff

DAY = r"(?P<office>[-a-zA-Z0-9_]+)/(?P<day>\d{4}-\d{2}-\d{2})"

app_name = "staff"
urlpatterns = [
    re_path(r"^(?P<office>[-a-zA-Z0-9_]+)/affected/$", staff.affected, name="affected"),
    re_path(rf"^{DAY}/$", staff.day_list, name="day"),
    re_path(rf"^{DAY}/csv$", staff.day_csv, name="day_csv"),
]
