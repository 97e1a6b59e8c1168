"""The desk's staff pages (not language-prefixed): the info-point desk of an office,
and booking for a customer."""

from django.urls import path

from . import booking, callback, views

app_name = "desk"
urlpatterns = [
    path("book/", booking.book, name="book"),
    path("callback/", callback.request_callback, name="callback"),
    path("<slug:office>/desk/", views.desk, name="desk"),
]
