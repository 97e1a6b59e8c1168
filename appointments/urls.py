from django.urls import path

from .views import public

app_name = "appointments"
urlpatterns = [
    path("", public.start, name="start"),
    path("days/", public.days, name="days"),
    path("times/", public.times, name="times"),
    path("details/", public.details, name="details"),
    path("confirm/", public.confirm, name="confirm"),
    path("booked/<slug:token>/", public.booked, name="booked"),
    path("find/", public.find, name="find"),
    path("manage/<slug:token>/", public.manage, name="manage"),
    path("manage/<slug:token>/cancel/", public.cancel, name="cancel"),
    path("manage/<slug:token>/move/", public.move, name="move"),
    path("manage/<slug:token>/calendar.ics", public.calendar, name="calendar"),
]
