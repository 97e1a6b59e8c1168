from django.urls import path

from . import views

app_name = "callback_queue"
urlpatterns = [
    path("", views.queue, name="queue"),
]
