from django.urls import path

from . import views

app_name = "offices"
urlpatterns = [
    path("offices/", views.office_list, name="list"),
    path("offices/<slug:slug>/", views.office_detail, name="detail"),
    path("phone-service/", views.phone_service, name="phone_service"),
]
