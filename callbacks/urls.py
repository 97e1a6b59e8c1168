from django.urls import path

from . import views

app_name = "callbacks"
urlpatterns = [
    path("", views.request_callback, name="request"),
    path("<str:reference>/<str:secret>/", views.callback_detail, name="detail"),
    path("<str:reference>/<str:secret>/cancel/", views.callback_cancel, name="cancel"),
]
