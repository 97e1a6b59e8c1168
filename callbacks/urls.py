from django.urls import path

from . import views

app_name = "callbacks"
urlpatterns = [
    path("", views.request_callback, name="request"),
]
