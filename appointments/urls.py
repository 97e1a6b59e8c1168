from django.urls import path

from . import public_views

app_name = "appointments"
urlpatterns = [
    path("", public_views.start, name="start"),
    path("days/", public_views.days, name="days"),
    path("times/", public_views.times, name="times"),
    path("details/", public_views.details, name="details"),
    path("confirm/", public_views.confirm, name="confirm"),
    path("booked/<slug:token>/", public_views.booked, name="booked"),
    path("find/", public_views.find, name="find"),
    path("manage/<slug:token>/", public_views.manage, name="manage"),
    path("manage/<slug:token>/cancel/", public_views.cancel, name="cancel"),
    path("manage/<slug:token>/move/", public_views.move, name="move"),
]
